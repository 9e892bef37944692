"""Pacing: is each KPI where it should be by now, given the campaign's dates and targets?

Volume KPIs (reach, engagements, clicks, conversions, revenue, ...) are expected to accrue linearly over the
campaign's run: by 40% of the time, 40% of the target. ``pace`` is actual / expected; below 0.9 is "behind"
(once at least 10% of the time has passed, so day one is not a false alarm). Ratio KPIs (ROI, ROAS, ER, CTR,
CVR) are compared with their target directly: "met" or "behind".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kizuna.analytics.kpis import Totals

RATIO_METRICS = frozenset({"roi", "roas", "er", "ctr", "cvr"})
KPI_METRICS = (
    "reach",
    "impressions",
    "views",
    "engagements",
    "clicks",
    "conversions",
    "revenue",
    "emv",
    "roi",
    "roas",
    "er",
    "ctr",
    "cvr",
)
BEHIND = 0.9


@dataclass(frozen=True)
class Pace:
    metric: str
    target: float
    actual: float | None
    expected: float | None
    elapsed: float | None
    pace: float | None
    status: str  # ahead, on_track, behind, met, not_started, no_dates

    @property
    def progress(self) -> float | None:
        if self.actual is None or not self.target:
            return None
        return self.actual / self.target


def elapsed_fraction(starts_on: date | None, ends_on: date | None, today: date) -> float | None:
    if starts_on is None or ends_on is None:
        return None
    span = (ends_on - starts_on).days + 1
    if span <= 0:
        return None
    done = (today - starts_on).days + 1
    return max(0.0, min(1.0, done / span))


def pace_kpis(
    kpis: list[dict[str, object]],
    totals: Totals,
    *,
    starts_on: date | None,
    ends_on: date | None,
    today: date,
) -> list[Pace]:
    """One :class:`Pace` per KPI target of the campaign (targets that are not numbers are skipped)."""
    out: list[Pace] = []
    elapsed = elapsed_fraction(starts_on, ends_on, today)
    for kpi in kpis:
        metric = str(kpi.get("metric", "")).lower()
        try:
            target = float(str(kpi.get("target")))
        except (TypeError, ValueError):
            continue
        if metric not in KPI_METRICS or target <= 0:
            continue
        actual = totals.metric(metric)
        if metric in RATIO_METRICS:
            status = "met" if actual is not None and actual >= target else "behind"
            out.append(Pace(metric, target, actual, target, elapsed, None, status))
            continue
        value = actual or 0.0
        if value >= target:
            out.append(Pace(metric, target, value, target, elapsed, None, "ahead"))
            continue
        if elapsed is None:
            out.append(Pace(metric, target, value, None, None, None, "no_dates"))
            continue
        if elapsed <= 0:
            out.append(Pace(metric, target, value, 0.0, elapsed, None, "not_started"))
            continue
        expected = target * elapsed
        pace = value / expected if expected else None
        behind = pace is not None and elapsed >= 0.1 and pace < BEHIND
        status = "behind" if behind else "on_track"
        out.append(Pace(metric, target, value, expected, elapsed, pace, status))
    return out
