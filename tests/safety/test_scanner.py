"""Brand-safety matching: word boundaries in English, careful substrings in Japanese, hits in context."""

from __future__ import annotations

import pytest

from kizuna.safety.defaults import DEFAULT_CATEGORIES
from kizuna.safety.scanner import Rule, Scanner


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    rules = [Rule(d.key, d.terms, d.exceptions) for d in DEFAULT_CATEGORIES]
    rules.append(Rule("profanity", ("cunt", "ass", "sex")))
    rules.append(Rule("competitors", ("Shiseido", "SK-II", "資生堂")))
    return Scanner(rules)


def _found(scanner: Scanner, text: str) -> list[tuple[str, str]]:
    return [(h.category, h.match) for h in scanner.scan(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Weekend in Scunthorpe and Essex with my class",  # cunt, sex, ass inside longer words
        "I have begun a new series on Middlesex cafés",  # gun inside begun, sex inside Middlesex
        "Assessing the best shotgun-free hiking trails",  # ass inside Assessing
        "ドラッグストアで買ったプチプラコスメ",  # ドラッグ inside ドラッグストア
        "テロップを入れて動画編集",  # テロ inside テロップ
        "明治維新の歴史を学ぶ旅",  # 維新 inside 明治維新 (exception)
        "人生を賭けて作ったブランド",  # 賭け inside 人生を賭け (exception)
    ],
)
def test_no_false_hits_inside_longer_words(scanner: Scanner, text: str) -> None:
    assert scanner.scan(text) == []


def test_english_hits_are_whole_words_with_plurals_and_hashtags(scanner: Scanner) -> None:
    assert _found(scanner, "New guns review #casino night") == [("violence", "guns"), ("gambling", "casino")]
    assert _found(scanner, "Online casinos are fun") == [("gambling", "casinos")]
    assert _found(scanner, "VOTE FOR me") == [("politics", "VOTE FOR")]
    assert _found(scanner, "SK-II vs our serum") == [("competitors", "SK-II")]


def test_english_terms_inside_japanese_text(scanner: Scanner) -> None:
    assert _found(scanner, "オンラインcasino最高") == [("gambling", "casino")]


def test_japanese_hits_and_the_longest_term_wins(scanner: Scanner) -> None:
    assert _found(scanner, "危険ドラッグはダメ、絶対。") == [("drugs", "危険ドラッグ")]
    assert _found(scanner, "大麻の所持で逮捕") == [("drugs", "大麻")]
    assert _found(scanner, "資生堂の新作レビュー") == [("competitors", "資生堂")]
    assert _found(scanner, "ｶｼﾞﾉで遊んだ") == [("gambling", "カジノ")]  # half-width katakana folded


def test_hit_context_snippet(scanner: Scanner) -> None:
    text = "Morning routine with coffee, then a long drive to the casino for the weekend shoot with friends"
    (hit,) = scanner.scan(text)
    assert hit.match == "casino"
    assert hit.before.endswith("drive to the ") and len(hit.before) <= 40
    assert hit.after.startswith(" for the weekend")
    assert text[hit.start : hit.end] == "casino"
