"""Follower tiers: the global scheme and the Japanese scheme from docs/domain.md.

The sources disagree on where the bands lie (a Japanese "micro" ends at 1万 in source 001 but at 100K in
source 000), so the scheme is a workspace setting rather than a constant. A tier is a half-open follower band
``[min_followers, max_followers)``; ``max_followers`` is ``None`` for the open top band. "Celebrity" is not
a follower band ("varies" in the source): it is a flag set on a person, kept as a tier so that lists, budgets
and benchmarks can treat it separately. Accounts below the lowest band have no tier (``None``), which is
different from "nano": a 300-follower account is not something a buyer plans a tier budget around.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kizuna.influencers.benchmarks import (
    PER_FOLLOWER,
    PER_VIEW,
    POINT_TOLERANCE,
    Benchmark,
    candidates,
    definition_basis,
)


@dataclass(frozen=True, slots=True)
class Tier:
    """One follower band with the typical numbers the source gives for it (engagement rate in percent)."""

    key: str
    label: str
    label_ja: str
    min_followers: int
    max_followers: int | None
    er_low_pct: float | None = None
    er_high_pct: float | None = None
    cost_low_usd: int | None = None
    cost_high_usd: int | None = None

    def contains(self, followers: int) -> bool:
        return followers >= self.min_followers and (
            self.max_followers is None or followers < self.max_followers
        )


GLOBAL_TIERS: tuple[Tier, ...] = (
    Tier("nano", "Nano", "ナノ", 1_000, 10_000, 7.0, 9.0, 10, 100),
    Tier("micro", "Micro", "マイクロ", 10_000, 100_000, 3.0, 7.0, 100, 1_000),
    Tier("mid", "Mid-tier", "ミドル", 100_000, 500_000, 2.0, 5.0, 1_000, 5_000),
    Tier("macro", "Macro", "マクロ", 500_000, 1_000_000, 1.0, 3.0, 5_000, 15_000),
    Tier("mega", "Mega", "メガ", 1_000_000, None, 1.0, 2.0, 15_000, None),
)

JAPAN_TIERS: tuple[Tier, ...] = (
    Tier("nano", "Nano", "ナノ", 1_000, 10_000),
    Tier("micro", "Micro", "マイクロ", 10_000, 100_000),
    Tier("middle", "Middle", "ミドル", 100_000, 1_000_000),
    Tier("top", "Top", "トップ", 1_000_000, None),
)

CELEBRITY = Tier("celebrity", "Celebrity", "セレブリティ", 0, None, 0.5, 2.0, 50_000, None)

#: Not a band: the key results use for people without a tier (``kizuna.analytics.service.UNKNOWN``), for labels.
UNKNOWN_TIER = Tier("unknown", "Unknown", "不明", 0, 0)

SCHEMES: Mapping[str, tuple[Tier, ...]] = {"global": GLOBAL_TIERS, "japan": JAPAN_TIERS}

#: Every tier key in display order, for both schemes (used by filters and tests).
GLOBAL_TIER_KEYS: tuple[str, ...] = (*(t.key for t in GLOBAL_TIERS), CELEBRITY.key)


def tiers_for_scheme(
    scheme: str = "global", custom: Sequence[Mapping[str, object]] | None = None
) -> tuple[Tier, ...]:
    """The bands of a named scheme, or of a workspace's custom table (``scheme == "custom"``).

    A custom table is a list of mappings with ``key``, ``min_followers`` and optionally ``max_followers``,
    ``label`` and ``label_ja``.
    """
    if scheme == "custom":
        if not custom:
            raise ValueError("custom tier scheme without a table")
        out: list[Tier] = []
        for row in custom:
            key = str(row["key"])
            lo = row.get("min_followers", 0)
            hi = row.get("max_followers")
            out.append(
                Tier(
                    key=key,
                    label=str(row.get("label", key)),
                    label_ja=str(row.get("label_ja", row.get("label", key))),
                    min_followers=int(lo) if isinstance(lo, int | float | str) else 0,
                    max_followers=int(hi) if isinstance(hi, int | float | str) else None,
                )
            )
        return tuple(sorted(out, key=lambda t: t.min_followers))
    try:
        return SCHEMES[scheme]
    except KeyError:
        raise ValueError(f"unknown tier scheme {scheme!r}") from None


def tier_for(
    followers: int | None,
    scheme: str = "global",
    *,
    celebrity: bool = False,
    custom: Sequence[Mapping[str, object]] | None = None,
) -> str | None:
    """The tier key for a follower count, ``None`` when unknown or below the lowest band.

    ``celebrity`` wins over the follower band in the global scheme only (the Japanese scheme has no such
    tier).
    """
    if celebrity and scheme == "global":
        return CELEBRITY.key
    if followers is None:
        return None
    for tier in tiers_for_scheme(scheme, custom):
        if tier.contains(followers):
            return tier.key
    return None


class TierSchemeError(ValueError):
    """A custom tier table that cannot be used (overlapping bands, bad numbers, duplicate keys)."""


def validate_custom_tiers(rows: Sequence[Mapping[str, object]]) -> list[dict[str, object]]:
    """Check and normalise a workspace's own bands; returns the table to store in ``Workspace.custom_tiers``.

    Bands must have distinct keys, integer bounds with ``min < max``, and must not overlap (gaps are allowed:
    an account in a gap simply has no tier). Only the last band may be open-ended.
    """
    if not rows:
        raise TierSchemeError("a custom tier scheme needs at least one band")
    out: list[dict[str, object]] = []
    seen: set[str] = set()
    for row in rows:
        key = str(row.get("key", "")).strip().lower()
        if not key or len(key) > 30:
            raise TierSchemeError("every band needs a key of 1-30 characters")
        if key in seen:
            raise TierSchemeError(f"duplicate band key {key!r}")
        seen.add(key)
        try:
            lo = int(str(row.get("min_followers", 0)))
            hi_raw = row.get("max_followers")
            hi = None if hi_raw in (None, "") else int(str(hi_raw))
        except ValueError:
            raise TierSchemeError(f"band {key!r}: follower bounds must be whole numbers") from None
        if lo < 0 or (hi is not None and hi <= lo):
            raise TierSchemeError(f"band {key!r}: min_followers must be >= 0 and below max_followers")
        label = str(row.get("label") or key)
        out.append(
            {
                "key": key,
                "label": label,
                "label_ja": str(row.get("label_ja") or label),
                "min_followers": lo,
                "max_followers": hi,
            }
        )
    out.sort(key=lambda r: int(str(r["min_followers"])))
    for a, b in itertools.pairwise(out):
        if a["max_followers"] is None or int(str(a["max_followers"])) > int(str(b["min_followers"])):
            raise TierSchemeError(f"bands {a['key']!r} and {b['key']!r} overlap")
    return out


def scheme_of(workspace: object) -> tuple[str, list[dict[str, object]] | None]:
    """The ``(scheme, custom_table)`` a workspace uses; an unusable custom table falls back to global."""
    scheme = str(getattr(workspace, "tier_scheme", "global") or "global")
    custom = getattr(workspace, "custom_tiers", None)
    if scheme == "custom" and not custom:
        return "global", None
    if scheme not in (*SCHEMES, "custom"):
        return "global", None
    return scheme, custom


def tier_label(
    key: str | None,
    scheme: str = "global",
    custom: Sequence[Mapping[str, object]] | None = None,
    locale: str = "en",
) -> str:
    """Human label of a tier key in the workspace's scheme (the key itself when unknown)."""
    if key is None or key == "":
        return "—"
    bands = (*tiers_for_scheme(scheme, custom), CELEBRITY) if scheme != "custom" or custom else (CELEBRITY,)
    # A key of another built-in scheme (a row tiered before the workspace changed scheme, or results grouped
    # under "unknown") still reads as words rather than as the code.
    for tier in (*bands, *GLOBAL_TIERS, *JAPAN_TIERS, UNKNOWN_TIER):
        if tier.key == key:
            return tier.label_ja if locale == "ja" else tier.label
    return key


def tier_choices(workspace: object, locale: str = "en") -> list[tuple[str, str]]:
    """``(key, label)`` of every tier an influencer of ``workspace`` can have, in band order (for a filter select);
    celebrity last where the scheme has it (the global scheme)."""
    scheme, custom = scheme_of(workspace)
    bands: tuple[Tier, ...] = tiers_for_scheme(scheme, custom)
    if scheme == "global":
        bands = (*bands, CELEBRITY)
    return [(t.key, t.label_ja if locale == "ja" else t.label) for t in bands]


@dataclass(frozen=True, slots=True)
class Comparison:
    """An engagement rate set against a published benchmark.

    ``verdict`` is ``below``, ``typical`` or ``above``; ``typical_low``/``typical_high`` are fractions. A range
    benchmark is typical inside its range; a single published number is typical within
    :data:`~kizuna.influencers.benchmarks.POINT_TOLERANCE` (25 %) of it. ``others`` are further published
    figures for the same band, shown so the disagreement between sources stays visible.
    """

    verdict: str
    engagement_rate: float
    typical_low: float
    typical_high: float
    benchmark: Benchmark
    others: tuple[Benchmark, ...]


def compare_engagement(
    engagement_rate: float | None, followers: int | None, platform: str, definition: str | None
) -> Comparison | None:
    """Compare an account's ER with the best matching benchmark; ``None`` when nothing comparable exists.

    Only like-for-like comparisons are made: a per-view rate is compared with per-view benchmarks, a
    per-follower rate with per-follower ones, and a rate imported from a file under an unknown definition is
    not compared at all.
    """
    if engagement_rate is None or followers is None or not definition:
        return None
    basis = definition_basis(definition)
    if basis is None:
        return None
    metric = PER_VIEW if basis == "view" else PER_FOLLOWER
    found = candidates(platform, followers, metric)
    if not found:
        return None
    best = found[0]
    if best.is_range:
        low, high = best.low_pct / 100, best.high_pct / 100
    else:
        low = best.low_pct / 100 * (1 - POINT_TOLERANCE)
        high = best.high_pct / 100 * (1 + POINT_TOLERANCE)
    verdict = "below" if engagement_rate < low else "above" if engagement_rate > high else "typical"
    return Comparison(verdict, engagement_rate, low, high, best, tuple(found[1:]))


__all__ = [
    "CELEBRITY",
    "GLOBAL_TIERS",
    "GLOBAL_TIER_KEYS",
    "JAPAN_TIERS",
    "SCHEMES",
    "Comparison",
    "Tier",
    "TierSchemeError",
    "compare_engagement",
    "scheme_of",
    "tier_choices",
    "tier_for",
    "tier_label",
    "tiers_for_scheme",
    "validate_custom_tiers",
]
