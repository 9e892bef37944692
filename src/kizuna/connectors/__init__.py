"""Platform data connectors: workspace credentials (encrypted at rest), account refresh, scheduled refresh.

The HTTP clients live in :mod:`kizuna.integrations` (plain data, no business rules); this package decides what
to do with their data: update the account, upsert recent posts, add a metric snapshot, recompute derived metrics
and the Audience Quality Score.
"""
