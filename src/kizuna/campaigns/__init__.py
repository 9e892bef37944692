"""Campaigns: goals, audience, KPIs, budget and dates; the page that ties shortlist, outreach, deals, content
and results together; live-post tracking; reports and client share links."""
