"""Normalisation keeps a faithful map back to the text the user wrote; hashtags and clusters are found as
platforms render them."""

from __future__ import annotations

import pytest

from kizuna.compliance.text import char_width, find_hashtags, hashtag_clusters, normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＰＲ", "PR"),
        ("＃ａｄ", "#ad"),
        ("［ＰＲ］", "[PR]"),
        ("ﾌﾟﾛﾓｰｼｮﾝ", "プロモーション"),
        ("#a\u200bd", "#ad"),
        ("\ufeff【PR】", "【PR】"),
        ("a\r\nb\rc", "a\nb\nc"),
    ],
)
def test_nfkc_normalisation(raw: str, expected: str) -> None:
    assert normalize(raw).text == expected


def test_positions_map_back_to_the_original_text() -> None:
    raw = "ｶﾞﾝﾊﾞﾙ ＃ＰＲ です"
    nt = normalize(raw)
    start = nt.text.index("#PR")
    pos, end = nt.original_span(start, start + 3)
    assert raw[pos:end] == "＃ＰＲ"


def test_expansion_maps_to_the_whole_source_character() -> None:
    raw = "㍿PR"  # NFKC expands ㍿ to 株式会社
    nt = normalize(raw)
    assert nt.text == "株式会社PR"
    assert nt.original_span(0, 4) == (0, 1)
    assert nt.original_span(4, 6) == (1, 3)


def test_line_numbers_and_display_width() -> None:
    nt = normalize("ab\nあい\r\n#ad")
    assert [nt.line_of(i) for i in (0, 2, 3, 5, 7)] == [0, 0, 1, 1, 2]
    assert nt.width_to(2) == 2
    assert nt.width_to(5) == 2 + 0 + 4  # the line break has no width, kana are double
    assert char_width("漢") == 2 and char_width("a") == 1 and char_width("\u0301") == 0


def test_hashtags_follow_platform_rules() -> None:
    text = "C# is fun #ad #広告案件 issue#12 # #विज्ञापन #PR."
    assert [t.body for t in find_hashtags(text)] == ["ad", "広告案件", "विज्ञापन", "PR"]


def test_clusters_split_on_words_but_not_on_separators() -> None:
    text = "#a #b, #c・#d 🌸 #e and then #f #g"
    clusters = hashtag_clusters(text, find_hashtags(text))
    assert [[t.body for t in c.tags] for c in clusters] == [["a", "b", "c", "d", "e"], ["f", "g"]]
    first = clusters[0]
    assert first.index_at(text.index("#c")) == 2
    assert first.index_at(text.index("#f")) is None
