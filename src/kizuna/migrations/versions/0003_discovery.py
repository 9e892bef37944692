"""discovery and audience vetting (issue 4)

Profile embeddings for brand-fit matching, saved searches, and the nullable Audience Quality Score on social
accounts (written by the audience-quality work, read by the discovery filter "minimum audience quality").

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kizuna.models.base

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "influencer_embeddings",
        sa.Column("influencer_id", _ID, nullable=False),
        sa.Column("model", sa.String(length=80), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("embedded_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("id", _ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["influencer_id"],
            ["influencers.id"],
            name=op.f("fk_influencer_embeddings_influencer_id_influencers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_influencer_embeddings_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_influencer_embeddings")),
        sa.UniqueConstraint("influencer_id", name=op.f("uq_influencer_embeddings_influencer_id")),
    )
    with op.batch_alter_table("influencer_embeddings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_influencer_embeddings_workspace_id"), ["workspace_id"], unique=False
        )
        batch_op.create_index(
            "ix_influencer_embeddings_ws_embedded", ["workspace_id", "embedded_at"], unique=False
        )

    op.create_table(
        "saved_searches",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("params", kizuna.models.base.JsonType(), nullable=False),
        sa.Column("created_by_id", _ID, nullable=True),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", _ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_saved_searches_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_saved_searches_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_searches")),
        sa.UniqueConstraint("workspace_id", "name", name=op.f("uq_saved_searches_workspace_id_name")),
    )
    with op.batch_alter_table("saved_searches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_saved_searches_workspace_id"), ["workspace_id"], unique=False)

    with op.batch_alter_table("social_accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audience_quality", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("social_accounts", schema=None) as batch_op:
        batch_op.drop_column("audience_quality")

    with op.batch_alter_table("saved_searches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_searches_workspace_id"))
    op.drop_table("saved_searches")

    with op.batch_alter_table("influencer_embeddings", schema=None) as batch_op:
        batch_op.drop_index("ix_influencer_embeddings_ws_embedded")
        batch_op.drop_index(batch_op.f("ix_influencer_embeddings_workspace_id"))
    op.drop_table("influencer_embeddings")
