"""audience quality score, brand safety, overlap and data connectors (issue 4)

Score history and overrides, scored follower samples (with usernames for audience overlap), classified comment
samples, per-workspace brand-safety keyword categories and encrypted platform API credentials.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kizuna.models.base

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "brand_safety_categories",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("name_ja", sa.String(length=120), nullable=False),
        sa.Column("terms", kizuna.models.base.JsonType(), nullable=False),
        sa.Column("exceptions", kizuna.models.base.JsonType(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", _ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_brand_safety_categories_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brand_safety_categories")),
        sa.UniqueConstraint("workspace_id", "key", name=op.f("uq_brand_safety_categories_workspace_id_key")),
    )
    with op.batch_alter_table("brand_safety_categories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_brand_safety_categories_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "connector_credentials",
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("hint", sa.String(length=20), nullable=False),
        sa.Column("updated_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=60), nullable=True),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", _ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_connector_credentials_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connector_credentials")),
        sa.UniqueConstraint(
            "workspace_id", "provider", name=op.f("uq_connector_credentials_workspace_id_provider")
        ),
    )
    with op.batch_alter_table("connector_credentials", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_connector_credentials_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "audience_quality_overrides",
        sa.Column("social_account_id", _ID, nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by_id", _ID, nullable=True),
        sa.Column("cleared_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cleared_reason", sa.Text(), nullable=True),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", _ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_audience_quality_overrides_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["social_account_id"],
            ["social_accounts.id"],
            name=op.f("fk_audience_quality_overrides_social_account_id_social_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_audience_quality_overrides_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audience_quality_overrides")),
    )
    with op.batch_alter_table("audience_quality_overrides", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audience_quality_overrides_account", ["social_account_id", "created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_audience_quality_overrides_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "audience_quality_scores",
        sa.Column("social_account_id", _ID, nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("confidence", sa.String(length=10), nullable=False),
        sa.Column("coverage", sa.Float(), nullable=False),
        sa.Column("factors", kizuna.models.base.JsonType(), nullable=False),
        sa.Column("method_version", sa.String(length=40), nullable=False),
        sa.Column("trigger", sa.String(length=40), nullable=False),
        sa.Column("computed_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("id", _ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["social_account_id"],
            ["social_accounts.id"],
            name=op.f("fk_audience_quality_scores_social_account_id_social_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_audience_quality_scores_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audience_quality_scores")),
    )
    with op.batch_alter_table("audience_quality_scores", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audience_quality_scores_account_time", ["social_account_id", "computed_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_audience_quality_scores_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "follower_samples",
        sa.Column("social_account_id", _ID, nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("suspicious", sa.Integer(), nullable=False),
        sa.Column("share", sa.Float(), nullable=False),
        sa.Column("ci_low", sa.Float(), nullable=False),
        sa.Column("ci_high", sa.Float(), nullable=False),
        sa.Column("model_version", sa.String(length=60), nullable=False),
        sa.Column("fields_used", kizuna.models.base.JsonType(), nullable=False),
        sa.Column("usernames", kizuna.models.base.JsonType(), nullable=False),
        sa.Column("created_by_id", _ID, nullable=True),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", _ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_follower_samples_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["social_account_id"],
            ["social_accounts.id"],
            name=op.f("fk_follower_samples_social_account_id_social_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_follower_samples_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follower_samples")),
    )
    with op.batch_alter_table("follower_samples", schema=None) as batch_op:
        batch_op.create_index(
            "ix_follower_samples_account_created", ["social_account_id", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_follower_samples_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "comment_samples",
        sa.Column("social_account_id", _ID, nullable=False),
        sa.Column("post_id", _ID, nullable=True),
        sa.Column("post_key", sa.String(length=120), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("commented_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("label", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", _ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_comment_samples_post_id_posts"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["social_account_id"],
            ["social_accounts.id"],
            name=op.f("fk_comment_samples_social_account_id_social_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_comment_samples_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment_samples")),
    )
    with op.batch_alter_table("comment_samples", schema=None) as batch_op:
        batch_op.create_index(
            "ix_comment_samples_account_post", ["social_account_id", "post_key"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_comment_samples_workspace_id"), ["workspace_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("comment_samples", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comment_samples_workspace_id"))
        batch_op.drop_index("ix_comment_samples_account_post")

    op.drop_table("comment_samples")
    with op.batch_alter_table("follower_samples", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follower_samples_workspace_id"))
        batch_op.drop_index("ix_follower_samples_account_created")

    op.drop_table("follower_samples")
    with op.batch_alter_table("audience_quality_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audience_quality_scores_workspace_id"))
        batch_op.drop_index("ix_audience_quality_scores_account_time")

    op.drop_table("audience_quality_scores")
    with op.batch_alter_table("audience_quality_overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audience_quality_overrides_workspace_id"))
        batch_op.drop_index("ix_audience_quality_overrides_account")

    op.drop_table("audience_quality_overrides")
    with op.batch_alter_table("connector_credentials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_connector_credentials_workspace_id"))

    op.drop_table("connector_credentials")
    with op.batch_alter_table("brand_safety_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_brand_safety_categories_workspace_id"))

    op.drop_table("brand_safety_categories")
