"""influencer registry (issue 3): influencer lists, import jobs, list-sorting indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kizuna.models.base

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("influencers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_influencers_ws_er", ["workspace_id", "engagement_rate", "max_followers"], unique=False
        )
        batch_op.create_index("ix_influencers_ws_name", ["workspace_id", "display_name"], unique=False)
    # Composite (workspace, parent) indexes: tenancy adds "workspace_id = ?" to every query, and without these
    # SQLite serves "rows of these parents" from the workspace-only index, scanning the whole workspace.
    with op.batch_alter_table("social_accounts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_social_accounts_ws_influencer", ["workspace_id", "influencer_id"], unique=False
        )
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_posts_ws_account_published",
            ["workspace_id", "social_account_id", "published_at"],
            unique=False,
        )
    with op.batch_alter_table("metric_snapshots", schema=None) as batch_op:
        batch_op.create_index(
            "ix_metric_snapshots_ws_account_time",
            ["workspace_id", "social_account_id", "captured_at"],
            unique=False,
        )
    with op.batch_alter_table("audience_profiles", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audience_profiles_ws_account", ["workspace_id", "social_account_id"], unique=False
        )

    op.create_table(
        "influencer_lists",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_influencer_lists_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_influencer_lists")),
        sa.UniqueConstraint("workspace_id", "name", name=op.f("uq_influencer_lists_workspace_id_name")),
    )
    with op.batch_alter_table("influencer_lists", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_influencer_lists_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "influencer_list_members",
        sa.Column("list_id", ID, nullable=False),
        sa.Column("influencer_id", ID, nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["influencer_id"],
            ["influencers.id"],
            name=op.f("fk_influencer_list_members_influencer_id_influencers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["influencer_lists.id"],
            name=op.f("fk_influencer_list_members_list_id_influencer_lists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_influencer_list_members_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_influencer_list_members")),
        sa.UniqueConstraint(
            "list_id", "influencer_id", name=op.f("uq_influencer_list_members_list_id_influencer_id")
        ),
    )
    with op.batch_alter_table("influencer_list_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_influencer_list_members_influencer_id"), ["influencer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_influencer_list_members_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "import_jobs",
        sa.Column("created_by_id", ID, nullable=True),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("stored_name", sa.String(length=120), nullable=False),
        sa.Column("size_bytes", ID, nullable=False),
        sa.Column("file_format", sa.String(length=20), nullable=False),
        sa.Column("platform", sa.String(length=40), nullable=True),
        sa.Column("mapping", kizuna.models.base.JsonType(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("total_rows", sa.Integer(), nullable=True),
        sa.Column("processed_rows", sa.Integer(), nullable=False),
        sa.Column("imported", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("errors", kizuna.models.base.JsonType(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("finished_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_import_jobs_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_import_jobs_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_jobs")),
    )
    with op.batch_alter_table("import_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_jobs_workspace_id"), ["workspace_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("import_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_jobs_workspace_id"))
    op.drop_table("import_jobs")
    with op.batch_alter_table("influencer_list_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_influencer_list_members_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_influencer_list_members_influencer_id"))
    op.drop_table("influencer_list_members")
    with op.batch_alter_table("influencer_lists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_influencer_lists_workspace_id"))
    op.drop_table("influencer_lists")
    with op.batch_alter_table("audience_profiles", schema=None) as batch_op:
        batch_op.drop_index("ix_audience_profiles_ws_account")
    with op.batch_alter_table("metric_snapshots", schema=None) as batch_op:
        batch_op.drop_index("ix_metric_snapshots_ws_account_time")
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_index("ix_posts_ws_account_published")
    with op.batch_alter_table("social_accounts", schema=None) as batch_op:
        batch_op.drop_index("ix_social_accounts_ws_influencer")
    with op.batch_alter_table("influencers", schema=None) as batch_op:
        batch_op.drop_index("ix_influencers_ws_name")
        batch_op.drop_index("ix_influencers_ws_er")
