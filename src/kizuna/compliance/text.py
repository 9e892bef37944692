"""Caption text as the compliance engine sees it: normalised, with a map back to what the user wrote.

Matching happens on an NFKC-normalised copy of the caption so that full-width forms (``ＰＲ``, ``＃ａｄ``),
half-width katakana and compatibility characters compare equal to their plain forms. NFKC can change the
length of the text (``㍿`` becomes four characters, a half-width voiced mark merges into its kana), and
invisible characters are dropped on purpose (a zero-width space inside ``#a\u200bd`` must not hide a label nor
fake one), so every normalised character remembers the index of the original character it came from. Findings
report positions in the original text, because that is the text the user sees and edits.
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass

# Invisible characters people (or copy-paste from apps) put inside words. Removing them from the matching
# copy means "#a<ZWSP>d" is read as "#ad", exactly as a reader perceives it.
_INVISIBLE = frozenset("\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff")
# Characters that NFKC composes with the preceding character, so they must be normalised together with it.
_HALFWIDTH_VOICING = frozenset("\uff9e\uff9f")

# Characters that may belong to a hashtag besides letters and digits: combining marks (Devanagari vowel
# signs, Japanese voicing marks) are checked by category; these are listed explicitly.
_TAG_EXTRA = frozenset("_ー々〆ヶ")


def _joins_previous(ch: str) -> bool:
    return ch in _HALFWIDTH_VOICING or unicodedata.combining(ch) != 0


@dataclass(frozen=True)
class NormalizedText:
    """The original caption, its normalised copy and the index map between them."""

    original: str
    text: str
    # origin[i] / origin_end[i]: the half-open span of ``original`` that produced text[i].
    origin: tuple[int, ...]
    origin_end: tuple[int, ...]
    # Offsets (in ``original``) of every line break, for "which line is this on" questions.
    line_breaks: tuple[int, ...]
    # columns[i]: display width of original[:i] (full-width characters and emoji count 2, marks 0).
    columns: tuple[int, ...]

    def to_original(self, index: int) -> int:
        """Map a normalised index (or the end position ``len(text)``) back to the original text."""
        if index >= len(self.origin):
            return len(self.original)
        return self.origin[index]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` for a normalised half-open span."""
        if end <= start:
            o = self.to_original(start)
            return o, o
        return self.origin[start], self.origin_end[end - 1]

    def width_to(self, original_index: int) -> int:
        """Display width of the original text before ``original_index`` (how far a reader's eye travels)."""
        return self.columns[max(0, min(original_index, len(self.original)))]

    def line_of(self, original_index: int) -> int:
        """0-based line number of an original index (lines split on ``\\n``)."""
        return bisect.bisect_left(self.line_breaks, original_index)


def char_width(ch: str) -> int:
    """Terminal-style cell width: East Asian wide/full-width characters (kanji, kana, most emoji) take two.

    Platforms fold captions by rendered width, not by code points: two lines of Japanese hold about half as
    many characters as two lines of English, so fold limits are expressed in these cells.
    """
    if ch in _INVISIBLE or ch in "\r\n" or _joins_previous(ch) or unicodedata.category(ch) == "Cf":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def normalize(original: str) -> NormalizedText:
    """NFKC-normalise ``original`` cluster by cluster, keeping an index map to the original characters.

    Line endings are unified to ``\\n`` in the copy only (``\\r\\n`` counts as one break).
    """
    out: list[str] = []
    origin: list[int] = []
    origin_end: list[int] = []
    i = 0
    n = len(original)
    while i < n:
        ch = original[i]
        if ch in _INVISIBLE:
            i += 1
            continue
        if ch == "\r":
            step = 2 if i + 1 < n and original[i + 1] == "\n" else 1
            out.append("\n")
            origin.append(i)
            origin_end.append(i + step)
            i += step
            continue
        j = i + 1
        while j < n and _joins_previous(original[j]):
            j += 1
        piece = unicodedata.normalize("NFKC", original[i:j])
        one_to_one = len(piece) == j - i
        for k, c in enumerate(piece):
            out.append(c)
            # A cluster that expanded or composed maps every produced character to the whole cluster.
            origin.append(i + k if one_to_one else i)
            origin_end.append(i + k + 1 if one_to_one else j)
        i = j
    breaks: list[int] = []
    columns = [0]
    for idx, c in enumerate(original):
        if c == "\n" or (c == "\r" and not (idx + 1 < n and original[idx + 1] == "\n")):
            breaks.append(idx)
        columns.append(columns[-1] + char_width(c))
    return NormalizedText(
        original=original,
        text="".join(out),
        origin=tuple(origin),
        origin_end=tuple(origin_end),
        line_breaks=tuple(breaks),
        columns=tuple(columns),
    )


def is_tag_char(ch: str) -> bool:
    """True for characters that continue a hashtag (letters, digits, marks, ``_`` and a few Japanese signs)."""
    return ch.isalnum() or ch in _TAG_EXTRA or unicodedata.category(ch).startswith("M")


@dataclass(frozen=True)
class Hashtag:
    """A hashtag in the normalised text: ``start`` is the index of ``#``, ``end`` is exclusive."""

    body: str
    start: int
    end: int


def find_hashtags(text: str) -> list[Hashtag]:
    """Hashtags as platforms render them: ``#`` not preceded by a tag character, then tag characters.

    ``#`` inside a word (``C#``, ``issue#12``) is not a hashtag; neither is a lone ``#``.
    """
    tags: list[Hashtag] = []
    i = 0
    n = len(text)
    while i < n:
        if text[i] == "#" and (i == 0 or not is_tag_char(text[i - 1])):
            j = i + 1
            while j < n and is_tag_char(text[j]):
                j += 1
            if j > i + 1:
                tags.append(Hashtag(body=text[i + 1 : j], start=i, end=j))
                i = j
                continue
        i += 1
    return tags


@dataclass(frozen=True)
class HashtagCluster:
    """A run of hashtags with nothing but separators between them (a "wall" of hashtags)."""

    tags: tuple[Hashtag, ...]

    @property
    def start(self) -> int:
        return self.tags[0].start

    @property
    def end(self) -> int:
        return self.tags[-1].end

    def index_at(self, position: int) -> int | None:
        """0-based index of the tag that contains ``position``, or that follows it within the cluster."""
        if not self.start <= position < self.end:
            return None
        for idx, tag in enumerate(self.tags):
            if position < tag.end:
                return idx
        return None  # pragma: no cover - position < self.end guarantees a hit


def _is_separator_gap(gap: str, max_gap: int) -> bool:
    """Whitespace, commas, dots and emoji between tags keep them in one cluster; words break it."""
    stripped = "".join(c for c in gap if not c.isspace())
    if len(stripped) > max_gap:
        return False
    return not any(is_tag_char(c) for c in stripped)


def hashtag_clusters(text: str, tags: list[Hashtag], *, max_gap: int = 3) -> list[HashtagCluster]:
    """Group consecutive hashtags into clusters; a tag standing alone forms a cluster of one."""
    clusters: list[HashtagCluster] = []
    current: list[Hashtag] = []
    for tag in tags:
        if current and not _is_separator_gap(text[current[-1].end : tag.start], max_gap):
            clusters.append(HashtagCluster(tuple(current)))
            current = []
        current.append(tag)
    if current:
        clusters.append(HashtagCluster(tuple(current)))
    return clusters
