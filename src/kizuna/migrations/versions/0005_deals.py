"""deals, portal, content and payments (issue 6)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kizuna.models.base

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "briefs",
        sa.Column("campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("influencer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("content", kizuna.models.base.JsonType(), nullable=False),
        sa.Column("updated_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_briefs_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["influencer_id"],
            ["influencers.id"],
            name=op.f("fk_briefs_influencer_id_influencers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_briefs_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_briefs")),
        sa.UniqueConstraint("campaign_id", "influencer_id", name=op.f("uq_briefs_campaign_id_influencer_id")),
    )
    op.create_index(op.f("ix_briefs_workspace_id"), "briefs", ["workspace_id"], unique=False)
    op.create_table(
        "deals",
        sa.Column("campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("influencer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("creator_locale", sa.String(length=5), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("accepted_offer_id", sa.BigInteger(), nullable=True),
        sa.Column("accepted_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("updated_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_deals_campaign_id_campaigns"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_deals_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["influencer_id"],
            ["influencers.id"],
            name=op.f("fk_deals_influencer_id_influencers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_deals_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deals")),
    )
    op.create_index("ix_deals_campaign_influencer", "deals", ["campaign_id", "influencer_id"], unique=False)
    op.create_index(op.f("ix_deals_influencer_id"), "deals", ["influencer_id"], unique=False)
    op.create_index(op.f("ix_deals_workspace_id"), "deals", ["workspace_id"], unique=False)
    op.create_table(
        "payees",
        sa.Column("influencer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("legal_name", sa.String(length=200), nullable=False),
        sa.Column("entity_type", sa.String(length=20), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("invoice_registration_number", sa.String(length=14), nullable=True),
        sa.Column("bank_details_enc", sa.Text(), nullable=False),
        sa.Column("updated_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["influencer_id"],
            ["influencers.id"],
            name=op.f("fk_payees_influencer_id_influencers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_payees_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payees")),
        sa.UniqueConstraint(
            "workspace_id", "influencer_id", name=op.f("uq_payees_workspace_id_influencer_id")
        ),
    )
    op.create_index(op.f("ix_payees_workspace_id"), "payees", ["workspace_id"], unique=False)
    op.create_table(
        "content_items",
        sa.Column("deal_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("deliverable_index", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=40), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("due_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("approved_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("scheduled_for", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("published_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("live_url", sa.String(length=1000), nullable=True),
        sa.Column("last_reminder_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_content_items_deal_id_deals"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_content_items_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_items")),
    )
    op.create_index(op.f("ix_content_items_deal_id"), "content_items", ["deal_id"], unique=False)
    op.create_index("ix_content_items_status_due", "content_items", ["status", "due_at"], unique=False)
    op.create_index(op.f("ix_content_items_workspace_id"), "content_items", ["workspace_id"], unique=False)
    op.create_table(
        "deal_offers",
        sa.Column("deal_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=20), nullable=False),
        sa.Column("author_label", sa.String(length=200), nullable=False),
        sa.Column("terms", kizuna.models.base.JsonType(), nullable=False),
        sa.Column("fee_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_deal_offers_deal_id_deals"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_deal_offers_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal_offers")),
        sa.UniqueConstraint("deal_id", "version", name=op.f("uq_deal_offers_deal_id_version")),
    )
    op.create_index(op.f("ix_deal_offers_workspace_id"), "deal_offers", ["workspace_id"], unique=False)
    op.create_table(
        "portal_links",
        sa.Column("deal_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_portal_links_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_portal_links_deal_id_deals"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_portal_links_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_portal_links_token_hash")),
    )
    op.create_index(op.f("ix_portal_links_deal_id"), "portal_links", ["deal_id"], unique=False)
    op.create_index(op.f("ix_portal_links_workspace_id"), "portal_links", ["workspace_id"], unique=False)
    op.create_table(
        "uploads",
        sa.Column("campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("deal_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=80), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.String(length=200), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_uploads_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_uploads_deal_id_deals"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_uploads_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uploads")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_uploads_stored_name")),
    )
    op.create_index(op.f("ix_uploads_campaign_id"), "uploads", ["campaign_id"], unique=False)
    op.create_index(op.f("ix_uploads_deal_id"), "uploads", ["deal_id"], unique=False)
    op.create_index(op.f("ix_uploads_workspace_id"), "uploads", ["workspace_id"], unique=False)
    op.create_table(
        "content_versions",
        sa.Column("item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("media_upload_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("media_link", sa.String(length=1000), nullable=True),
        sa.Column("submitted_by", sa.String(length=200), nullable=False),
        sa.Column("from_creator", sa.Boolean(), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=True),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["content_items.id"],
            name=op.f("fk_content_versions_item_id_content_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["media_upload_id"],
            ["uploads.id"],
            name=op.f("fk_content_versions_media_upload_id_uploads"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_content_versions_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_versions")),
        sa.UniqueConstraint("item_id", "version", name=op.f("uq_content_versions_item_id_version")),
    )
    op.create_index(
        op.f("ix_content_versions_workspace_id"), "content_versions", ["workspace_id"], unique=False
    )
    op.create_table(
        "deal_agreements",
        sa.Column("deal_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("offer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("accepted_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("accepted_name", sa.String(length=200), nullable=True),
        sa.Column("accepted_ip", sa.String(length=64), nullable=True),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_deal_agreements_deal_id_deals"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["deal_offers.id"],
            name=op.f("fk_deal_agreements_offer_id_deal_offers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_deal_agreements_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal_agreements")),
        sa.UniqueConstraint("deal_id", "version", name=op.f("uq_deal_agreements_deal_id_version")),
    )
    op.create_index(
        op.f("ix_deal_agreements_workspace_id"), "deal_agreements", ["workspace_id"], unique=False
    )
    op.create_table(
        "payables",
        sa.Column("deal_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("content_item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("gross_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("net_days", sa.Integer(), nullable=False),
        sa.Column("clock_start", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("clock_started_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("due_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("withholding_minor", sa.BigInteger(), nullable=False),
        sa.Column("paid_minor", sa.BigInteger(), nullable=True),
        sa.Column("paid_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("paid_reference", sa.String(length=200), nullable=True),
        sa.Column("overdue_alerted_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["content_item_id"],
            ["content_items.id"],
            name=op.f("fk_payables_content_item_id_content_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_payables_deal_id_deals"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_payables_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payables")),
    )
    op.create_index(op.f("ix_payables_deal_id"), "payables", ["deal_id"], unique=False)
    op.create_index("ix_payables_status_due", "payables", ["status", "due_at"], unique=False)
    op.create_index(op.f("ix_payables_workspace_id"), "payables", ["workspace_id"], unique=False)
    op.create_table(
        "content_checks",
        sa.Column("item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("context", sa.String(length=20), nullable=False),
        sa.Column("jurisdiction", sa.String(length=8), nullable=False),
        sa.Column("platform", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("findings", kizuna.models.base.JsonType(), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["content_items.id"],
            name=op.f("fk_content_checks_item_id_content_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["content_versions.id"],
            name=op.f("fk_content_checks_version_id_content_versions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_content_checks_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_checks")),
    )
    op.create_index(op.f("ix_content_checks_item_id"), "content_checks", ["item_id"], unique=False)
    op.create_index(op.f("ix_content_checks_workspace_id"), "content_checks", ["workspace_id"], unique=False)
    op.create_table(
        "content_comments",
        sa.Column("item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("author_label", sa.String(length=200), nullable=False),
        sa.Column("from_creator", sa.Boolean(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["content_items.id"],
            name=op.f("fk_content_comments_item_id_content_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["content_versions.id"],
            name=op.f("fk_content_comments_version_id_content_versions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_content_comments_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_comments")),
    )
    op.create_index(op.f("ix_content_comments_item_id"), "content_comments", ["item_id"], unique=False)
    op.create_index(
        op.f("ix_content_comments_workspace_id"), "content_comments", ["workspace_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_content_comments_workspace_id"), table_name="content_comments")
    op.drop_index(op.f("ix_content_comments_item_id"), table_name="content_comments")
    op.drop_table("content_comments")
    op.drop_index(op.f("ix_content_checks_workspace_id"), table_name="content_checks")
    op.drop_index(op.f("ix_content_checks_item_id"), table_name="content_checks")
    op.drop_table("content_checks")
    op.drop_index(op.f("ix_payables_workspace_id"), table_name="payables")
    op.drop_index("ix_payables_status_due", table_name="payables")
    op.drop_index(op.f("ix_payables_deal_id"), table_name="payables")
    op.drop_table("payables")
    op.drop_index(op.f("ix_deal_agreements_workspace_id"), table_name="deal_agreements")
    op.drop_table("deal_agreements")
    op.drop_index(op.f("ix_content_versions_workspace_id"), table_name="content_versions")
    op.drop_table("content_versions")
    op.drop_index(op.f("ix_uploads_workspace_id"), table_name="uploads")
    op.drop_index(op.f("ix_uploads_deal_id"), table_name="uploads")
    op.drop_index(op.f("ix_uploads_campaign_id"), table_name="uploads")
    op.drop_table("uploads")
    op.drop_index(op.f("ix_portal_links_workspace_id"), table_name="portal_links")
    op.drop_index(op.f("ix_portal_links_deal_id"), table_name="portal_links")
    op.drop_table("portal_links")
    op.drop_index(op.f("ix_deal_offers_workspace_id"), table_name="deal_offers")
    op.drop_table("deal_offers")
    op.drop_index(op.f("ix_content_items_workspace_id"), table_name="content_items")
    op.drop_index("ix_content_items_status_due", table_name="content_items")
    op.drop_index(op.f("ix_content_items_deal_id"), table_name="content_items")
    op.drop_table("content_items")
    op.drop_index(op.f("ix_payees_workspace_id"), table_name="payees")
    op.drop_table("payees")
    op.drop_index(op.f("ix_deals_workspace_id"), table_name="deals")
    op.drop_index(op.f("ix_deals_influencer_id"), table_name="deals")
    op.drop_index("ix_deals_campaign_influencer", table_name="deals")
    op.drop_table("deals")
    op.drop_index(op.f("ix_briefs_workspace_id"), table_name="briefs")
    op.drop_table("briefs")
