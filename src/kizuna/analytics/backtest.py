"""Backtest of :mod:`kizuna.analytics.forecast` on generated history (``kizuna analytics backtest``).

For every generated account with enough posts, the most recent post is held out; the forecast is made from the
account's earlier posts and from its peers (same platform and tier, their earlier posts only), exactly as the
product does, and we record whether the held-out reach and engagements fall inside the 80% interval. A
calibrated 80% interval contains about 80% of outcomes. Results go to docs/forecast-calibration.md.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from kizuna.analytics.forecast import (
    DEFAULT_PRIOR,
    TIER_PRIORS,
    _post_logs,
    analytic_interval,
    prior_from_peers,
)
from kizuna.synthetic import generate

MIN_HISTORY = 3


@dataclass
class _Account:
    key: tuple[str, str]
    followers: int
    history: list[tuple[Any, ...]]
    held_out: tuple[Any, ...]


@dataclass
class Calibration:
    count: int = 0
    inside: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    total: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    below: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    width: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    by_tier: dict[str, dict[str, list[int]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )

    def coverage(self, metric: str) -> float:
        return self.inside[metric] / self.total[metric] if self.total[metric] else float("nan")


def _counts(post: Any) -> tuple[Any, ...]:
    return (post.reach, post.views, post.likes, post.comments, post.shares, post.saves)


def run_backtest(
    seed: int = 11, count: int = 1500, posts_per_account: int = 12, *, history: int | None = None
) -> Calibration:
    """Hold out each account's latest post and check it against the 80% interval (reach and engagements)."""
    accounts: list[_Account] = []
    for inf in generate(seed, count, posts_per_account=posts_per_account, snapshot_weeks=0, audience=False):
        for acc in inf.accounts:
            usable = sorted(
                (p for p in acc.posts if p.post_type != "story"), key=lambda p: p.published_at, reverse=True
            )
            if len(usable) < MIN_HISTORY + 1 or not acc.followers:
                continue
            past = [_counts(p) for p in usable[1:]]
            if history is not None:
                past = past[:history]
            accounts.append(_Account((acc.platform, acc.tier or ""), acc.followers, past, _counts(usable[0])))
    groups: dict[tuple[str, str], list[_Account]] = defaultdict(list)
    for a in accounts:
        groups[a.key].append(a)
    logs = {id(a): _post_logs(a.history, a.followers) for a in accounts}
    result = Calibration()
    for a in accounts:
        peers = [p for p in groups[a.key] if p is not a][:200]
        own_reach, own_eng = logs[id(a)]
        bench_reach, bench_eng = TIER_PRIORS.get(a.key[1].lower(), DEFAULT_PRIOR)
        reach_prior = prior_from_peers([logs[id(p)][0] for p in peers], bench_reach, "peers")
        eng_prior = prior_from_peers([logs[id(p)][1] for p in peers], bench_eng, "peers")
        actual_reach_logs, actual_eng_logs = _post_logs([a.held_out], a.followers)
        result.count += 1
        for metric, prior, own, actual in (
            ("reach", reach_prior, own_reach, actual_reach_logs),
            ("engagements", eng_prior, own_eng, actual_eng_logs),
        ):
            if not actual:
                continue
            iv = analytic_interval(prior, own, a.followers)
            value = a.followers * math.exp(actual[0])
            hit = iv.low <= value <= iv.high
            result.total[metric] += 1
            result.inside[metric] += int(hit)
            result.below[metric] += int(value < iv.low)
            result.width[metric].append(iv.high / max(iv.low, 1e-9))
            result.by_tier[a.key[1] or "unknown"][metric].append(int(hit))
    return result


def report_markdown(cal: Calibration, *, seed: int, count: int, history_note: str) -> str:
    lines = [
        "# Forecast calibration",
        "",
        "How often the 80% interval of `kizuna.analytics.forecast` contains the actual result, on generated",
        f"history (`kizuna analytics backtest`, seed {seed}, {count:,} generated influencers, {cal.count:,} accounts",
        f"with at least {MIN_HISTORY + 1} non-story posts). Each account's latest post is held out and forecast from",
        f"{history_note} and from its peers (same platform and tier). A calibrated 80% interval holds about 80%.",
        "",
        "| metric | forecasts | inside 80% interval | below | above | median interval width (high/low) |",
        "|---|---|---|---|---|---|",
    ]
    for metric in ("reach", "engagements"):
        n = cal.total[metric]
        if not n:
            continue
        below = cal.below[metric] / n
        inside = cal.coverage(metric)
        lines.append(
            f"| {metric} | {n:,} | **{inside:.1%}** | {below:.1%} | {1 - inside - below:.1%} | "
            f"{statistics.median(cal.width[metric]):.1f}× |"
        )
    lines += [
        "",
        "By tier:",
        "",
        "| tier | reach inside | engagements inside | accounts |",
        "|---|---|---|---|",
    ]
    for tier, metrics in sorted(cal.by_tier.items()):
        r, e = metrics.get("reach", []), metrics.get("engagements", [])
        rs = f"{sum(r) / len(r):.1%}" if r else "—"
        es = f"{sum(e) / len(e):.1%}" if e else "—"
        lines.append(f"| {tier} | {rs} | {es} | {max(len(r), len(e)):,} |")
    return "\n".join(lines) + "\n"
