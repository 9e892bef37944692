"""Keyword matching for brand safety, aware of how English and Japanese words are delimited.

English (any term without CJK characters or kana) matches on word boundaries, case-insensitively and after NFKC
folding, with an optional plural ``s``/``es``: "gun" hits "guns" and "#gun" but not "begun"; "cunt" would not
hit "Scunthorpe", nor "sex" "Essex". Japanese has no spaces, so a term is found as a substring, with two guards:

* a term written only in katakana must not continue into more katakana (ドラッグ does not hit ドラッグストア,
  カジノ does not hit a longer katakana word that merely contains it);
* a category's ``exceptions`` are harmless longer words that contain a term; a hit inside one is dropped.

Every hit carries its position and a snippet of the surrounding text so a person judges it in context.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SNIPPET = 40
# A Latin word continues only into Latin letters and digits: "casino" inside オンラインcasino最高 is still a word.
_LATIN_WORD = "[0-9a-z\u00c0-\u024f]"


def _is_katakana(ch: str) -> bool:
    return "\u30a0" <= ch <= "\u30ff" or ch == "ー" or "\uff66" <= ch <= "\uff9f"


def _is_latin_term(term: str) -> bool:
    """Latin-script terms (no CJK or kana) are matched on word boundaries."""
    return all(ord(ch) < 0x2E80 for ch in term)


def fold(text: str) -> str:
    """NFKC and case folding; keeps length stable for the scripts we match (checked by the caller)."""
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass(frozen=True, slots=True)
class Rule:
    category: str
    terms: tuple[str, ...]
    exceptions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Hit:
    category: str
    term: str
    start: int
    end: int
    before: str
    match: str
    after: str

    def to_dict(self) -> dict[str, object]:
        return {
            "category": self.category,
            "term": self.term,
            "start": self.start,
            "end": self.end,
            "before": self.before,
            "match": self.match,
            "after": self.after,
        }


class Scanner:
    """Compiled rules; build once per scan of many texts."""

    def __init__(self, rules: Iterable[Rule]):
        self._latin: list[tuple[str, str, re.Pattern[str]]] = []
        self._cjk: list[tuple[str, str, str, bool]] = []
        self._exceptions: dict[str, list[str]] = {}
        for rule in rules:
            self._exceptions[rule.category] = [fold(e) for e in rule.exceptions if e.strip()]
            for raw in rule.terms:
                term = fold(raw.strip())
                if not term:
                    continue
                if _is_latin_term(term):
                    body = r"\s+".join(re.escape(w) for w in term.split())
                    plural = "(?:e?s)?" if term[-1].isalpha() else ""
                    pattern = re.compile(rf"(?<!{_LATIN_WORD}){body}{plural}(?!{_LATIN_WORD})")
                    self._latin.append((rule.category, raw.strip(), pattern))
                else:
                    self._cjk.append((rule.category, raw.strip(), term, all(_is_katakana(c) for c in term)))

    def scan(self, text: str) -> list[Hit]:
        """Every hit in ``text``, in order of position, with snippets from the original (unfolded) text."""
        folded = fold(text)
        # NFKC can change length (e.g. "ﾄﾞ" -> "ド"); positions are only exact when it did not, so fall back to
        # the folded text for display in that case rather than misplace the highlight
        source = text if len(folded) == len(text) else unicodedata.normalize("NFKC", text)
        spans: list[tuple[int, int, str, str]] = []
        for category, term, pattern in self._latin:
            for m in pattern.finditer(folded):
                spans.append((m.start(), m.end(), category, term))
        for category, term, needle, katakana in self._cjk:
            start = folded.find(needle)
            while start >= 0:
                end = start + len(needle)
                ok = True
                if katakana and (
                    (start > 0 and _is_katakana(folded[start - 1]))
                    or (end < len(folded) and _is_katakana(folded[end]))
                ):
                    ok = False
                if ok and self._inside_exception(folded, start, end, category):
                    ok = False
                if ok:
                    spans.append((start, end, category, term))
                start = folded.find(needle, start + 1)
        hits: list[Hit] = []
        covered: dict[str, int] = {}  # category -> end of the last kept hit (longer terms win: 危険ドラッグ)
        for start, neg_end, category, term in sorted((a, -b, c, t) for a, b, c, t in spans):
            end = -neg_end
            if end <= covered.get(category, -1) or self._inside_exception(folded, start, end, category):
                continue
            covered[category] = end
            hits.append(
                Hit(
                    category=category,
                    term=term,
                    start=start,
                    end=end,
                    before=source[max(0, start - SNIPPET) : start],
                    match=source[start:end],
                    after=source[end : end + SNIPPET],
                )
            )
        return hits

    def _inside_exception(self, folded: str, start: int, end: int, category: str) -> bool:
        for exc in self._exceptions.get(category, ()):
            lo = max(0, end - len(exc))
            pos = folded.find(exc, lo)
            while 0 <= pos <= start:
                if pos + len(exc) >= end:
                    return True
                pos = folded.find(exc, pos + 1)
        return False


def scan_texts(rules: Sequence[Rule], texts: Iterable[str]) -> list[list[Hit]]:
    scanner = Scanner(rules)
    return [scanner.scan(t) for t in texts]
