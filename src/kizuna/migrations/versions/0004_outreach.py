"""outreach: mailboxes, templates, versioned sequences, enrollments, messages, tasks, suppressions (issue 5)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kizuna.models.base

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outreach_mailboxes",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("from_name", sa.String(length=200), nullable=False),
        sa.Column("from_email", sa.String(length=320), nullable=False),
        sa.Column("smtp_host", sa.String(length=255), nullable=False),
        sa.Column("smtp_port", sa.Integer(), nullable=False),
        sa.Column("smtp_security", sa.String(length=10), nullable=False),
        sa.Column("smtp_username", sa.String(length=320), nullable=False),
        sa.Column("smtp_password_enc", sa.Text(), nullable=False),
        sa.Column("imap_host", sa.String(length=255), nullable=False),
        sa.Column("imap_port", sa.Integer(), nullable=False),
        sa.Column("imap_security", sa.String(length=10), nullable=False),
        sa.Column("imap_username", sa.String(length=320), nullable=False),
        sa.Column("imap_password_enc", sa.Text(), nullable=False),
        sa.Column("imap_folder", sa.String(length=200), nullable=False),
        sa.Column("sent_folder", sa.String(length=200), nullable=False),
        sa.Column("server_files_sent", sa.Boolean(), nullable=False),
        sa.Column("daily_limit", sa.Integer(), nullable=False),
        sa.Column("ramp_start", sa.Integer(), nullable=False),
        sa.Column("ramp_step", sa.Integer(), nullable=False),
        sa.Column("limits_enabled", sa.Boolean(), nullable=False),
        sa.Column("window_start_hour", sa.Integer(), nullable=False),
        sa.Column("window_end_hour", sa.Integer(), nullable=False),
        sa.Column("weekdays_only", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("paused_reason", sa.String(length=200), nullable=False),
        sa.Column("paused_until", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("imap_uidvalidity", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("imap_last_uid", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("last_polled_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_poll_error", sa.Text(), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_outreach_mailboxes_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outreach_mailboxes")),
    )
    with op.batch_alter_table("outreach_mailboxes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outreach_mailboxes_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "outreach_suppressions",
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_outreach_suppressions_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outreach_suppressions")),
        sa.UniqueConstraint(
            "workspace_id", "email", name=op.f("uq_outreach_suppressions_workspace_id_email")
        ),
    )
    with op.batch_alter_table("outreach_suppressions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outreach_suppressions_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "outreach_templates",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_outreach_templates_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outreach_templates")),
    )
    with op.batch_alter_table("outreach_templates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outreach_templates_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "outreach_sequences",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("offer", sa.Text(), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_outreach_sequences_campaign_id_campaigns"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_outreach_sequences_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outreach_sequences")),
    )
    with op.batch_alter_table("outreach_sequences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outreach_sequences_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_outreach_sequences_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "outreach_sequence_versions",
        sa.Column("sequence_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("steps", kizuna.models.base.JsonType(), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["sequence_id"],
            ["outreach_sequences.id"],
            name=op.f("fk_outreach_sequence_versions_sequence_id_outreach_sequences"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_outreach_sequence_versions_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outreach_sequence_versions")),
        sa.UniqueConstraint(
            "sequence_id", "version", name=op.f("uq_outreach_sequence_versions_sequence_id_version")
        ),
    )
    with op.batch_alter_table("outreach_sequence_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outreach_sequence_versions_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "outreach_enrollments",
        sa.Column("sequence_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("influencer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("mailbox_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("to_email", sa.String(length=320), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("stop_reason", sa.String(length=40), nullable=False),
        sa.Column("stop_detail", sa.Text(), nullable=False),
        sa.Column("next_step", sa.Integer(), nullable=False),
        sa.Column("next_due_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("thread_message_id", sa.String(length=300), nullable=True),
        sa.Column("thread_subject", sa.String(length=500), nullable=False),
        sa.Column("stopped_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("enrolled_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_outreach_enrollments_campaign_id_campaigns"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["enrolled_by_id"],
            ["users.id"],
            name=op.f("fk_outreach_enrollments_enrolled_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["influencer_id"],
            ["influencers.id"],
            name=op.f("fk_outreach_enrollments_influencer_id_influencers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mailbox_id"],
            ["outreach_mailboxes.id"],
            name=op.f("fk_outreach_enrollments_mailbox_id_outreach_mailboxes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sequence_id"],
            ["outreach_sequences.id"],
            name=op.f("fk_outreach_enrollments_sequence_id_outreach_sequences"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["outreach_sequence_versions.id"],
            name=op.f("fk_outreach_enrollments_version_id_outreach_sequence_versions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_outreach_enrollments_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outreach_enrollments")),
    )
    with op.batch_alter_table("outreach_enrollments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outreach_enrollments_influencer_id"), ["influencer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_outreach_enrollments_sequence_id"), ["sequence_id"], unique=False
        )
        batch_op.create_index("ix_outreach_enrollments_status_due", ["status", "next_due_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_outreach_enrollments_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "outreach_messages",
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("enrollment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("influencer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("mailbox_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("template_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("step_index", sa.Integer(), nullable=True),
        sa.Column("variant", sa.String(length=10), nullable=False),
        sa.Column("tier", sa.String(length=30), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("message_id", sa.String(length=300), nullable=False),
        sa.Column("in_reply_to", sa.String(length=300), nullable=False),
        sa.Column("references", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("from_addr", sa.String(length=320), nullable=False),
        sa.Column("to_addr", sa.String(length=320), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=200), nullable=False),
        sa.Column("claimed_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("sent_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("received_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("replied_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("bounced_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["outreach_enrollments.id"],
            name=op.f("fk_outreach_messages_enrollment_id_outreach_enrollments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["influencer_id"],
            ["influencers.id"],
            name=op.f("fk_outreach_messages_influencer_id_influencers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["mailbox_id"],
            ["outreach_mailboxes.id"],
            name=op.f("fk_outreach_messages_mailbox_id_outreach_mailboxes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["outreach_templates.id"],
            name=op.f("fk_outreach_messages_template_id_outreach_templates"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_outreach_messages_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outreach_messages")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outreach_messages_idempotency_key")),
    )
    with op.batch_alter_table("outreach_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outreach_messages_enrollment_id"), ["enrollment_id"], unique=False
        )
        batch_op.create_index(
            "ix_outreach_messages_influencer_created", ["influencer_id", "created_at"], unique=False
        )
        batch_op.create_index("ix_outreach_messages_mailbox_sent", ["mailbox_id", "sent_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_outreach_messages_message_id"), ["message_id"], unique=False)
        batch_op.create_index("ix_outreach_messages_status_next", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_outreach_messages_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "outreach_tasks",
        sa.Column("enrollment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("influencer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("platform", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("due_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["outreach_enrollments.id"],
            name=op.f("fk_outreach_tasks_enrollment_id_outreach_enrollments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["influencer_id"],
            ["influencers.id"],
            name=op.f("fk_outreach_tasks_influencer_id_influencers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_outreach_tasks_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outreach_tasks")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outreach_tasks_idempotency_key")),
    )
    with op.batch_alter_table("outreach_tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outreach_tasks_enrollment_id"), ["enrollment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outreach_tasks_influencer_id"), ["influencer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outreach_tasks_workspace_id"), ["workspace_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outreach_tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outreach_tasks_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_outreach_tasks_influencer_id"))
        batch_op.drop_index(batch_op.f("ix_outreach_tasks_enrollment_id"))

    op.drop_table("outreach_tasks")
    with op.batch_alter_table("outreach_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outreach_messages_workspace_id"))
        batch_op.drop_index("ix_outreach_messages_status_next")
        batch_op.drop_index(batch_op.f("ix_outreach_messages_message_id"))
        batch_op.drop_index("ix_outreach_messages_mailbox_sent")
        batch_op.drop_index("ix_outreach_messages_influencer_created")
        batch_op.drop_index(batch_op.f("ix_outreach_messages_enrollment_id"))

    op.drop_table("outreach_messages")
    with op.batch_alter_table("outreach_enrollments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outreach_enrollments_workspace_id"))
        batch_op.drop_index("ix_outreach_enrollments_status_due")
        batch_op.drop_index(batch_op.f("ix_outreach_enrollments_sequence_id"))
        batch_op.drop_index(batch_op.f("ix_outreach_enrollments_influencer_id"))

    op.drop_table("outreach_enrollments")
    with op.batch_alter_table("outreach_sequence_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outreach_sequence_versions_workspace_id"))

    op.drop_table("outreach_sequence_versions")
    with op.batch_alter_table("outreach_sequences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outreach_sequences_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_outreach_sequences_campaign_id"))

    op.drop_table("outreach_sequences")
    with op.batch_alter_table("outreach_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outreach_templates_workspace_id"))

    op.drop_table("outreach_templates")
    with op.batch_alter_table("outreach_suppressions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outreach_suppressions_workspace_id"))

    op.drop_table("outreach_suppressions")
    with op.batch_alter_table("outreach_mailboxes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outreach_mailboxes_workspace_id"))

    op.drop_table("outreach_mailboxes")
