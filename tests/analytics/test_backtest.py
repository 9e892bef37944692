"""The forecast's 80% interval is roughly calibrated on generated history (small sample; the full run is in
docs/forecast-calibration.md)."""

from __future__ import annotations

from kizuna.analytics.backtest import report_markdown, run_backtest


def test_backtest_coverage_is_near_80_percent() -> None:
    cal = run_backtest(seed=5, count=150)
    assert cal.total["reach"] > 100
    for metric in ("reach", "engagements"):
        assert 0.65 <= cal.coverage(metric) <= 0.95, (metric, cal.coverage(metric))
    text = report_markdown(cal, seed=5, count=150, history_note="its earlier posts")
    assert "inside 80% interval" in text and "| reach |" in text
