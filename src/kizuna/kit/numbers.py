"""Numbers as people write them: "3.3k", "475.8m", "1.2万", "1億", "1,234", "12.5%", and back.

Missing markers ("N/A", "#VALOR!", "-", "") parse to ``None``, never to zero: a missing follower count is not
an account with no followers.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation

MISSING = frozenset(
    {
        "",
        "-",
        "--",
        "—",
        "–",
        "n/a",
        "na",
        "#n/a",
        "none",
        "null",
        "nan",
        "#valor!",
        "#value!",
        "#div/0!",
        "#ref!",
        "#name?",
        "#num!",
        "#null!",
        "?",
        "不明",
        "なし",
        "ー",
        "－",
    }
)

_SUFFIX = {
    "k": Decimal(10) ** 3,
    "m": Decimal(10) ** 6,
    "b": Decimal(10) ** 9,
    "bn": Decimal(10) ** 9,
    "t": Decimal(10) ** 12,
    "千": Decimal(10) ** 3,
    "万": Decimal(10) ** 4,
    "萬": Decimal(10) ** 4,
    "億": Decimal(10) ** 8,
    "兆": Decimal(10) ** 12,
}
_NUM_RE = re.compile(r"^([+-]?)(\d+(?:\.\d+)?|\.\d+)\s*(k|m|bn|b|t|千|万|萬|億|兆)?$")
_COMPOUND_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(兆|億|万|萬|千)")


class NumberFormatError(ValueError):
    """The text is neither a number nor a known missing-value marker."""


_JUNK = (" ", "\u00a0", "\u3000", "人", "件", "回", "followers", "views")
#: Every character that can survive in a normalised missing marker, or be removed on the way there.
_MARKER_CHARS = frozenset("".join(MISSING) + "".join(_JUNK))


def _not_marker_chars() -> frozenset[str]:
    """Characters that no missing marker can contain, in any case, width or spacing: ASCII letters and signs
    whose lower case is not in a marker, kana, Hangul syllables and CJK ideographs other than the markers' own.
    Each of them is its own NFKC form, has combining class 0 and is never the second half of a composition
    (tests/influencers/test_columnar.py checks this against the Unicode database)."""
    ascii_chars = [ch for ch in map(chr, range(0x21, 0x7F)) if ch.lower() not in _MARKER_CHARS]
    kana = itertools.chain(range(0x3041, 0x3097), range(0x30A1, 0x30FB))
    others = map(chr, itertools.chain(kana, range(0x4E00, 0xA000), range(0xAC00, 0xD7A4)))
    return frozenset(itertools.chain(ascii_chars, others)) - _MARKER_CHARS


#: A text with one of these characters anywhere is not a missing marker: no normalisation of :func:`is_missing`
#: (or of its fast paths) turns it into one a marker is made of.
NOT_MARKER_CHARS = _not_marker_chars()


def _normalize(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).strip().lower()
    for junk in _JUNK:
        s = s.replace(junk, "")
    return s


def is_missing(value: object) -> bool:
    """``_normalize(value) in MISSING`` for text, with shortcuts that give the same answer: text with a
    character of :data:`NOT_MARKER_CHARS` is no marker, ASCII text is its own NFKC form (so only
    strip/lower/space and the two English words can change it), and text already in NFKC form that contains a
    character no marker has (a name, a city) cannot normalise into a marker."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if not isinstance(value, str):
        return False
    if not NOT_MARKER_CHARS.isdisjoint(value):
        return False
    if value.isascii():
        s = value.strip().lower().replace(" ", "")
        if "followers" in s or "views" in s:
            s = s.replace("followers", "").replace("views", "")
        return s in MISSING
    if unicodedata.is_normalized("NFKC", value):
        s = value.strip().lower()
        if not _MARKER_CHARS.issuperset(s):
            return False
        for junk in _JUNK:
            s = s.replace(junk, "")
        return s in MISSING
    return _normalize(value) in MISSING


def parse_decimal(value: object) -> Decimal | None:
    """Parse a count or amount; suffixes k/m/b and 千/万/億 are applied. ``None`` when missing."""
    if is_missing(value):
        return None
    if isinstance(value, bool):
        raise NumberFormatError(f"not a number: {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    s = _normalize(str(value))
    for sym in ("$", "¥", "￥", "€", "£", "₩", "nt$", "円", "usd", "jpy"):
        s = s.replace(sym, "")
    # "1,234" thousands separators; a lone comma decimal ("3,5k") is not supported on purpose.
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?[a-z千万萬億兆]*", s):
        s = s.replace(",", "")
    # "1億2000万" compound Japanese forms
    if len(_COMPOUND_RE.findall(s)) > 1:
        total = Decimal(0)
        rest = s
        for num, unit in _COMPOUND_RE.findall(s):
            total += Decimal(num) * _SUFFIX[unit]
            rest = rest.replace(num + unit, "", 1)
        if rest and not rest.isdigit():
            raise NumberFormatError(f"not a number: {value!r}")
        return total + (Decimal(rest) if rest else 0)
    m = _NUM_RE.match(s)
    if not m:
        raise NumberFormatError(f"not a number: {value!r}")
    sign, digits, suffix = m.groups()
    try:
        num = Decimal(digits)
    except InvalidOperation as exc:  # pragma: no cover - regex guarantees digits
        raise NumberFormatError(f"not a number: {value!r}") from exc
    if suffix:
        num *= _SUFFIX[suffix]
    return -num if sign == "-" else num


def parse_count(value: object) -> int | None:
    """A whole count such as followers: "13.8M" -> 13_800_000, "1.2万" -> 12_000."""
    d = parse_decimal(value)
    if d is None:
        return None
    if d < 0:
        raise NumberFormatError(f"a count cannot be negative: {value!r}")
    return int(d.to_integral_value())


def parse_percent(value: object) -> float | None:
    """A rate as a fraction: "12.5%" -> 0.125, "1.39%" -> 0.0139. A bare number above 1 is read as percent."""
    if is_missing(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        f = float(value)
        return f / 100 if f > 1 else f
    s = _normalize(str(value))
    had_pct = s.endswith(("%", "％"))
    s = s.rstrip("%％")
    d = parse_decimal(s)
    if d is None:
        return None
    f = float(d)
    if had_pct or f > 1:
        return f / 100
    return f


def format_compact(value: float | int | None, locale: str = "en") -> str:
    """Short human form: 12_000 -> "1.2万" (ja) / "12K" (en); 120_000_000 -> "1.2億" / "120M"."""
    if value is None:
        return "—"
    v = float(value)
    sign = "-" if v < 0 else ""
    v = abs(v)
    if locale.startswith(("ja", "zh")):
        units = [(10**12, "兆"), (10**8, "億"), (10**4, "万")]
    else:
        units = [(10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "K")]
    for size, label in units:
        if v >= size:
            q = v / size
            text = f"{q:.1f}" if q < 100 else f"{q:.0f}"
            if text.endswith(".0"):
                text = text[:-2]
            return f"{sign}{text}{label}"
    return f"{sign}{int(v):,}" if v == int(v) else f"{sign}{v:,.1f}"


def format_percent(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.{digits}f}%"
