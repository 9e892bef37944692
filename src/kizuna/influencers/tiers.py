"""Follower tiers: the global scheme and the Japanese scheme from docs/domain.md.

The sources disagree on where the bands lie (a Japanese "micro" ends at 1万 in source 001 but at 100K in
source 000), so the scheme is a workspace setting rather than a constant. A tier is a half-open follower band
``[min_followers, max_followers)``; ``max_followers`` is ``None`` for the open top band. "Celebrity" is not
a follower band ("varies" in the source): it is a flag set on a person, kept as a tier so that lists, budgets
and benchmarks can treat it separately. Accounts below the lowest band have no tier (``None``), which is
different from "nano": a 300-follower account is not something a buyer plans a tier budget around.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


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


__all__ = [
    "CELEBRITY",
    "GLOBAL_TIERS",
    "GLOBAL_TIER_KEYS",
    "JAPAN_TIERS",
    "SCHEMES",
    "Tier",
    "tier_for",
    "tiers_for_scheme",
]
