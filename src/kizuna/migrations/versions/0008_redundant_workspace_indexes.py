"""drop the single-column workspace_id indexes of influencers, social_accounts and metric_snapshots

Each of these tables has composite indexes that begin with ``workspace_id`` (the list-page indexes, the unique
account key, ``(workspace_id, influencer_id)``, ``(workspace_id, social_account_id, captured_at)``), which serve
the workspace's cascade, counts and every tenancy-filtered query. The single-column index only cost writes: a
million-row import spent about 0.6 s building the three of them (docs/benchmarks/registry.md).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_TABLES = ("influencers", "social_accounts", "metric_snapshots")


def upgrade() -> None:
    for table in _TABLES:
        op.drop_index(f"ix_{table}_workspace_id", table_name=table)


def downgrade() -> None:
    for table in _TABLES:
        op.create_index(f"ix_{table}_workspace_id", table, ["workspace_id"])
