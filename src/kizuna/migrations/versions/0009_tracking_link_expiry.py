"""tracking links can expire: ``tracking_links.expires_at``

Nullable (existing links never expire). From that moment on a link answers like an inactive one in every redirect
path (the web app's ``/r/``, the stand-alone ASGI app, the redirect server): no redirect, no click logged.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kizuna.models.base

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tracking_links", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("expires_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("tracking_links", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
