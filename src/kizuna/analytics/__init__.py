"""Campaign results: KPI math, pacing, tier comparison, scorecards, forecasts, reports and alerts."""
