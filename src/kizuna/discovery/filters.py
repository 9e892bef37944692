"""What a discovery search asks for: filters, a brief or a lookalike seed, a target audience, a sort order.

One parser (:func:`parse_query`) turns web forms, API query strings, saved searches and CLI options into the same
:class:`SearchQuery`, so every entry point accepts the same spelling (``age:25-34>=30%``, ``followers_min=10k``,
``engagement_min=3%``) and rejects the same mistakes with the same error codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from kizuna.errors import ValidationFailed
from kizuna.kit.numbers import parse_count

AGE_BANDS = ("13-17", "18-24", "25-34", "35-44", "45-54", "55+")
GENDERS = ("female", "male")
AUDIENCE_DIMENSIONS = ("age", "gender", "country", "language")
SORTS = ("relevance", "followers", "engagement", "quality")
MAX_LIMIT = 200
DEFAULT_MENTION_DAYS = 90

_THRESHOLD = re.compile(
    r"^\s*(age|gender|country|language)\s*[:=]\s*([^<>=\s]+)\s*>=?\s*([0-9.]+)\s*(%?)\s*$", re.I
)


@dataclass(frozen=True)
class AudienceThreshold:
    """At least ``min_share`` (0-1) of the audience is in ``key`` of ``dimension`` (e.g. age 25-34 >= 0.30)."""

    dimension: str
    key: str
    min_share: float

    def label(self) -> str:
        return f"{self.dimension}:{self.key}>={round(self.min_share * 100)}%"


@dataclass(frozen=True)
class Target:
    """The audience a campaign wants to reach; scored against each creator's audience (audience fit)."""

    age_min: int | None = None
    age_max: int | None = None
    genders: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return (
            self.age_min is None
            and self.age_max is None
            and not self.genders
            and not self.countries
            and not self.languages
        )

    def age_bands(self) -> list[str]:
        """The audience age bands that overlap the target age range."""
        if self.age_min is None and self.age_max is None:
            return []
        lo = self.age_min if self.age_min is not None else 0
        hi = self.age_max if self.age_max is not None else 200
        out = []
        for band in AGE_BANDS:
            b_lo, b_hi = (int(band[:-1]), 200) if band.endswith("+") else map(int, band.split("-"))
            if b_lo <= hi and lo <= b_hi:
                out.append(band)
        return out

    def merged(self, other: Target) -> Target:
        """Fields set here win; the rest come from ``other`` (explicit target over campaign over brief)."""
        return Target(
            age_min=self.age_min if self.age_min is not None else other.age_min,
            age_max=self.age_max if self.age_max is not None else other.age_max,
            genders=self.genders or other.genders,
            countries=self.countries or other.countries,
            languages=self.languages or other.languages,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "age_min": self.age_min,
            "age_max": self.age_max,
            "genders": list(self.genders),
            "countries": list(self.countries),
            "languages": list(self.languages),
        }


@dataclass(frozen=True)
class SearchFilters:
    platforms: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    followers_min: int | None = None
    followers_max: int | None = None
    engagement_min: float | None = None
    engagement_max: float | None = None
    countries: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    audience: tuple[AudienceThreshold, ...] = ()
    min_quality: float | None = None
    has_email: bool | None = None
    contacted: bool | None = None
    brand_mentions: tuple[str, ...] = ()
    mention_days: int = DEFAULT_MENTION_DAYS
    keywords: tuple[str, ...] = ()

    def active(self) -> list[str]:
        """Human-readable list of the filters in force (shown above results and in --json)."""
        out: list[str] = []
        d = asdict(self)
        for key, value in d.items():
            if key == "mention_days" or value in (None, (), [], ""):
                continue
            if key == "audience":
                out.extend(t.label() for t in self.audience)
            elif key == "brand_mentions":
                out.append(f"brand_mentions={','.join(value)} (last {self.mention_days} days)")
            else:
                out.append(f"{key}={','.join(map(str, value)) if isinstance(value, list | tuple) else value}")
        return out


@dataclass(frozen=True)
class SearchQuery:
    filters: SearchFilters = field(default_factory=SearchFilters)
    brief: str = ""
    like_influencer_id: int | None = None
    like_handle: str = ""
    campaign_id: int | None = None
    target: Target = field(default_factory=Target)
    sort: str = "relevance"
    limit: int = 50
    offset: int = 0

    def to_params(self) -> dict[str, Any]:
        """A JSON-able form that :func:`parse_query` reads back (saved searches, links)."""
        f = self.filters
        params: dict[str, Any] = {
            "platforms": list(f.platforms),
            "tiers": list(f.tiers),
            "followers_min": f.followers_min,
            "followers_max": f.followers_max,
            "engagement_min": f.engagement_min,
            "engagement_max": f.engagement_max,
            "countries": list(f.countries),
            "languages": list(f.languages),
            "categories": list(f.categories),
            "audience": [t.label() for t in f.audience],
            "min_quality": f.min_quality,
            "has_email": f.has_email,
            "contacted": f.contacted,
            "brand_mentions": list(f.brand_mentions),
            "mention_days": f.mention_days,
            "keywords": list(f.keywords),
            "brief": self.brief,
            "like": self.like_influencer_id,
            "like_handle": self.like_handle,
            "campaign_id": self.campaign_id,
            "target_age_min": self.target.age_min,
            "target_age_max": self.target.age_max,
            "target_genders": list(self.target.genders),
            "target_countries": list(self.target.countries),
            "target_languages": list(self.target.languages),
            "sort": self.sort,
            "limit": self.limit,
        }
        return {k: v for k, v in params.items() if v not in (None, [], "")}


def _values(raw: Any) -> list[str]:
    """Lists arrive as repeated form fields, JSON arrays or comma-separated strings; accept all three."""
    if raw is None:
        return []
    items: Iterable[Any] = raw if isinstance(raw, list | tuple) else [raw]
    out: list[str] = []
    for item in items:
        for part in re.split(r"[,、\n]", str(item)):
            part = part.strip()
            if part:
                out.append(part)
    return out


def _one(raw: Any) -> str:
    vals = raw if isinstance(raw, list | tuple) else [raw]
    for v in reversed(vals):
        if v is not None and str(v).strip() != "":
            return str(v).strip()
    return ""


def _count(raw: Any, name: str) -> int | None:
    s = _one(raw)
    if not s:
        return None
    try:
        value = parse_count(s)
    except (ValueError, TypeError) as exc:
        raise ValidationFailed(
            f"{name}: not a number: {s}", code="invalid_filter", details={"field": name}
        ) from exc
    if value is None or value < 0:
        raise ValidationFailed(
            f"{name}: must be zero or more", code="invalid_filter", details={"field": name}
        )
    return int(value)


def _fraction(raw: Any, name: str, *, scale_over_one: bool = True) -> float | None:
    """``3%`` and ``0.03`` both mean 3%; a bare number above 1 is read as a percentage."""
    s = _one(raw)
    if not s:
        return None
    pct = s.endswith("%")
    try:
        value = float(s.rstrip("%").strip())
    except ValueError as exc:
        raise ValidationFailed(
            f"{name}: not a number: {s}", code="invalid_filter", details={"field": name}
        ) from exc
    if pct or (scale_over_one and value > 1):
        value /= 100
    if not 0 <= value <= 1:
        raise ValidationFailed(
            f"{name}: must be between 0 and 100%", code="invalid_filter", details={"field": name}
        )
    return value


def _number(raw: Any, name: str, lo: float, hi: float) -> float | None:
    s = _one(raw)
    if not s:
        return None
    try:
        value = float(s)
    except ValueError as exc:
        raise ValidationFailed(
            f"{name}: not a number: {s}", code="invalid_filter", details={"field": name}
        ) from exc
    if not lo <= value <= hi:
        raise ValidationFailed(
            f"{name}: must be between {lo:g} and {hi:g}", code="invalid_filter", details={"field": name}
        )
    return value


def _int(raw: Any, name: str, default: int, lo: int, hi: int) -> int:
    s = _one(raw)
    if not s:
        return default
    try:
        value = int(s)
    except ValueError as exc:
        raise ValidationFailed(
            f"{name}: not a whole number: {s}", code="invalid_filter", details={"field": name}
        ) from exc
    return max(lo, min(hi, value))


def _bool(raw: Any, name: str) -> bool | None:
    s = _one(raw).lower()
    if s in ("", "any", "none"):
        return None
    if s in ("1", "true", "yes", "on", "y"):
        return True
    if s in ("0", "false", "no", "off", "n"):
        return False
    raise ValidationFailed(
        f"{name}: expected yes or no, got {s}", code="invalid_filter", details={"field": name}
    )


def parse_threshold(text: str) -> AudienceThreshold:
    """``age:25-34>=30%``, ``gender:female>=40``, ``country:TW>=0.2``, ``language:ja>=50%``."""
    m = _THRESHOLD.match(text)
    if not m:
        raise ValidationFailed(
            f"audience threshold not understood: {text!r} (write e.g. age:25-34>=30%)",
            code="invalid_audience_threshold",
        )
    dimension, key, number, pct = m.group(1).lower(), m.group(2), float(m.group(3)), m.group(4)
    share = number / 100 if pct or number > 1 else number
    if not 0 <= share <= 1:
        raise ValidationFailed(f"audience share out of range in {text!r}", code="invalid_audience_threshold")
    if dimension == "age":
        if key not in AGE_BANDS:
            raise ValidationFailed(
                f"unknown age band {key!r}; use one of {', '.join(AGE_BANDS)}",
                code="invalid_audience_threshold",
            )
    elif dimension == "gender":
        key = key.lower()
        if key not in GENDERS:
            raise ValidationFailed(
                f"unknown gender {key!r}; use female or male", code="invalid_audience_threshold"
            )
    elif dimension == "country":
        key = key.upper()
    return AudienceThreshold(dimension, key, share)


def _lower_all(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.lower() for v in values))


def parse_filters(data: Mapping[str, Any]) -> SearchFilters:
    thresholds = [parse_threshold(t) for t in _values(data.get("audience"))]
    # The form has one field per dimension for the common cases (e.g. aud_age=25-34, aud_age_min=30).
    for dim in AUDIENCE_DIMENSIONS:
        key = _one(data.get(f"aud_{dim}"))
        share = _one(data.get(f"aud_{dim}_min"))
        if key and share:
            thresholds.append(parse_threshold(f"{dim}:{key}>={share}"))
    followers_min = _count(data.get("followers_min"), "followers_min")
    followers_max = _count(data.get("followers_max"), "followers_max")
    if followers_min is not None and followers_max is not None and followers_min > followers_max:
        raise ValidationFailed("followers_min is above followers_max", code="invalid_filter")
    engagement_min = _fraction(data.get("engagement_min"), "engagement_min")
    engagement_max = _fraction(data.get("engagement_max"), "engagement_max")
    if engagement_min is not None and engagement_max is not None and engagement_min > engagement_max:
        raise ValidationFailed("engagement_min is above engagement_max", code="invalid_filter")
    return SearchFilters(
        platforms=_lower_all(_values(data.get("platforms") or data.get("platform"))),
        tiers=_lower_all(_values(data.get("tiers") or data.get("tier"))),
        followers_min=followers_min,
        followers_max=followers_max,
        engagement_min=engagement_min,
        engagement_max=engagement_max,
        countries=tuple(
            dict.fromkeys(c.upper() for c in _values(data.get("countries") or data.get("country")))
        ),
        languages=tuple(dict.fromkeys(_values(data.get("languages") or data.get("language")))),
        categories=_lower_all(_values(data.get("categories") or data.get("category"))),
        audience=tuple(dict.fromkeys(thresholds)),
        min_quality=_number(data.get("min_quality"), "min_quality", 0, 100),
        has_email=_bool(data.get("has_email"), "has_email"),
        contacted=_bool(data.get("contacted"), "contacted"),
        brand_mentions=tuple(
            dict.fromkeys(m.lstrip("@#") for m in _values(data.get("brand_mentions") or data.get("mentions")))
        ),
        mention_days=_int(data.get("mention_days"), "mention_days", DEFAULT_MENTION_DAYS, 1, 3650),
        keywords=tuple(dict.fromkeys(_values(data.get("keywords")))),
    )


def parse_target(data: Mapping[str, Any]) -> Target:
    age_min = _number(data.get("target_age_min"), "target_age_min", 0, 120)
    age_max = _number(data.get("target_age_max"), "target_age_max", 0, 120)
    return Target(
        age_min=int(age_min) if age_min is not None else None,
        age_max=int(age_max) if age_max is not None else None,
        genders=_lower_all(_values(data.get("target_genders"))),
        countries=tuple(c.upper() for c in _values(data.get("target_countries"))),
        languages=tuple(_values(data.get("target_languages"))),
    )


def parse_query(data: Mapping[str, Any]) -> SearchQuery:
    """Build a :class:`SearchQuery` from strings, lists or a saved search's params."""
    sort = _one(data.get("sort")) or "relevance"
    if sort not in SORTS:
        raise ValidationFailed(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}", code="invalid_sort")
    like_raw = _one(data.get("like"))
    like_id: int | None = None
    like_handle = _one(data.get("like_handle"))
    if like_raw:
        if like_raw.isdigit():
            like_id = int(like_raw)
        else:
            like_handle = like_raw
    campaign_raw = _one(data.get("campaign_id"))
    return SearchQuery(
        filters=parse_filters(data),
        brief=_one(data.get("brief")),
        like_influencer_id=like_id,
        like_handle=like_handle.lstrip("@"),
        campaign_id=int(campaign_raw) if campaign_raw.isdigit() else None,
        target=parse_target(data),
        sort=sort,
        limit=_int(data.get("limit"), "limit", 50, 1, MAX_LIMIT),
        offset=_int(data.get("offset"), "offset", 0, 0, 100_000),
    )


_AGE_RANGE = re.compile(
    r"(\d{1,2})\s*(?:歳|代)?\s*(?:〜|~|～|-|–|—|to|から)\s*(\d{1,2})\s*(?:歳|代|yo|years?|y/o)?", re.I
)
_AGE_DECADE = re.compile(r"(\d)0\s*代")
_FEMALE = re.compile(
    r"女性|女子|ママ|レディース|\bwom[ae]n\b|\bfemale\b|\bladies\b|\bgirls?\b|\bmoms?\b", re.I
)
_MALE = re.compile(r"男性|男子|メンズ|\bm[ae]n\b|\bmale\b|\bguys\b|\bdads?\b", re.I)


def infer_target(brief: str) -> Target:
    """Read an audience out of a brief: "25〜35歳の女性向け" → ages 25-35, female; "men 18-24" → male 18-24.

    Only the unambiguous patterns are read; anything else is left to the semantic part of the score.
    """
    age_min = age_max = None
    m = _AGE_RANGE.search(brief)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        if 10 <= a < b <= 99:
            age_min, age_max = a, b
    else:
        d = _AGE_DECADE.search(brief)
        if d:
            age_min = int(d.group(1)) * 10
            age_max = age_min + 9
    female = bool(_FEMALE.search(brief))
    male = bool(_MALE.search(brief))
    genders: tuple[str, ...] = ()
    if female and not male:
        genders = ("female",)
    elif male and not female:
        genders = ("male",)
    return Target(age_min=age_min, age_max=age_max, genders=genders)
