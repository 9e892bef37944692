"""campaigns, tracking and analytics (issue 7)

Tracking links with their click events and daily rollup, promo codes, an attributed-orders daily rollup, shop connections (Shopify and generic
webhooks) with delivery receipts and orders, live campaign posts with metric snapshots, report share links,
and the campaign's attribution window, EMV values and per-influencer fee.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kizuna.models.base

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "order_daily",
        sa.Column("campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("influencer_key", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("link_key", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("orders", sa.BigInteger(), nullable=False),
        sa.Column("revenue_minor", sa.BigInteger(), nullable=False),
        sa.Column("refunded_minor", sa.BigInteger(), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_order_daily_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_daily")),
        sa.UniqueConstraint(
            "campaign_id", "influencer_key", "link_key", "day", "currency", name="uq_order_daily_key"
        ),
    )
    with op.batch_alter_table("order_daily", schema=None) as batch_op:
        batch_op.create_index("ix_order_daily_influencer_key", ["influencer_key"], unique=False)
        batch_op.create_index(
            "ix_order_daily_campaign_day",
            [
                "campaign_id",
                "day",
                "currency",
                "influencer_key",
                "link_key",
                "orders",
                "revenue_minor",
                "refunded_minor",
            ],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_order_daily_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "shop_connections",
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("shop_domain", sa.String(length=255), nullable=True),
        sa.Column("url_key", sa.String(length=64), nullable=False),
        sa.Column("secret_encrypted", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_shop_connections_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_shop_connections_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_connections")),
    )
    with op.batch_alter_table("shop_connections", schema=None) as batch_op:
        batch_op.create_index("ix_shop_connections_shop_domain", ["shop_domain"], unique=True)
        batch_op.create_index("ix_shop_connections_url_key", ["url_key"], unique=True)
        batch_op.create_index(batch_op.f("ix_shop_connections_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "campaign_shares",
        sa.Column("campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("created_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("revoked_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_shares_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_campaign_shares_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_campaign_shares_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_shares")),
    )
    with op.batch_alter_table("campaign_shares", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_shares_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaign_shares_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "webhook_receipts",
        sa.Column("connection_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("delivery_id", sa.String(length=120), nullable=False),
        sa.Column("topic", sa.String(length=60), nullable=False),
        sa.Column("received_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["shop_connections.id"],
            name=op.f("fk_webhook_receipts_connection_id_shop_connections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_webhook_receipts_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_receipts")),
        sa.UniqueConstraint(
            "connection_id", "delivery_id", name=op.f("uq_webhook_receipts_connection_id_delivery_id")
        ),
    )
    with op.batch_alter_table("webhook_receipts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhook_receipts_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "promo_codes",
        sa.Column("campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("influencer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("code_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("batch", sa.String(length=100), nullable=False),
        sa.Column("single_use", sa.Boolean(), nullable=False),
        sa.Column("used_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_promo_codes_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["influencer_id"],
            ["influencers.id"],
            name=op.f("fk_promo_codes_influencer_id_influencers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_promo_codes_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promo_codes")),
        sa.UniqueConstraint("workspace_id", "code_key", name=op.f("uq_promo_codes_workspace_id_code_key")),
    )
    with op.batch_alter_table("promo_codes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_promo_codes_campaign_influencer", ["campaign_id", "influencer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_promo_codes_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "tracking_links",
        sa.Column("campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("influencer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("destination", sa.String(length=2000), nullable=False),
        sa.Column("platform", sa.String(length=40), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("utm_source", sa.String(length=100), nullable=False),
        sa.Column("utm_medium", sa.String(length=100), nullable=False),
        sa.Column("utm_campaign", sa.String(length=100), nullable=False),
        sa.Column("utm_content", sa.String(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_tracking_links_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["influencer_id"],
            ["influencers.id"],
            name=op.f("fk_tracking_links_influencer_id_influencers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_tracking_links_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracking_links")),
    )
    with op.batch_alter_table("tracking_links", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tracking_links_campaign_influencer", ["campaign_id", "influencer_id"], unique=False
        )
        batch_op.create_index("ix_tracking_links_code", ["code"], unique=True)
        batch_op.create_index(batch_op.f("ix_tracking_links_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "click_daily",
        sa.Column("link_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("influencer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("clicks", sa.BigInteger(), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["tracking_links.id"],
            name=op.f("fk_click_daily_link_id_tracking_links"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_click_daily_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_click_daily")),
        sa.UniqueConstraint("link_id", "day", name=op.f("uq_click_daily_link_id_day")),
    )
    with op.batch_alter_table("click_daily", schema=None) as batch_op:
        batch_op.create_index(
            "ix_click_daily_campaign_day",
            ["campaign_id", "day", "link_id", "influencer_id", "clicks"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_click_daily_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "click_events",
        sa.Column("link_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("influencer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("click_id", sa.String(length=32), nullable=False),
        sa.Column("clicked_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("referrer_host", sa.String(length=200), nullable=False),
        sa.Column("device", sa.String(length=10), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("ip_hash", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["tracking_links.id"],
            name=op.f("fk_click_events_link_id_tracking_links"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_click_events_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_click_events")),
    )
    with op.batch_alter_table("click_events", schema=None) as batch_op:
        batch_op.create_index("ix_click_events_campaign_time", ["campaign_id", "clicked_at"], unique=False)
        batch_op.create_index("ix_click_events_click_id", ["click_id"], unique=True)
        batch_op.create_index("ix_click_events_link_time", ["link_id", "clicked_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_click_events_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "shop_orders",
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("connection_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("external_id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("ordered_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("revenue_minor", sa.BigInteger(), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("refunded_minor", sa.BigInteger(), nullable=False),
        sa.Column("discount_codes", kizuna.models.base.JsonType(), nullable=False),
        sa.Column("landing_site", sa.String(length=2000), nullable=False),
        sa.Column("click_id", sa.String(length=32), nullable=True),
        sa.Column("attribution", sa.String(length=10), nullable=False),
        sa.Column("campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("influencer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("link_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("promo_code_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("raw", kizuna.models.base.JsonType(), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_shop_orders_campaign_id_campaigns"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["shop_connections.id"],
            name=op.f("fk_shop_orders_connection_id_shop_connections"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["influencer_id"],
            ["influencers.id"],
            name=op.f("fk_shop_orders_influencer_id_influencers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["tracking_links.id"],
            name=op.f("fk_shop_orders_link_id_tracking_links"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["promo_code_id"],
            ["promo_codes.id"],
            name=op.f("fk_shop_orders_promo_code_id_promo_codes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_shop_orders_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_orders")),
        sa.UniqueConstraint(
            "workspace_id",
            "source",
            "external_id",
            name=op.f("uq_shop_orders_workspace_id_source_external_id"),
        ),
    )
    with op.batch_alter_table("shop_orders", schema=None) as batch_op:
        batch_op.create_index("ix_shop_orders_campaign_time", ["campaign_id", "ordered_at"], unique=False)
        batch_op.create_index("ix_shop_orders_influencer", ["influencer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_shop_orders_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "campaign_posts",
        sa.Column("campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("post_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("influencer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("platform", sa.String(length=40), nullable=False),
        sa.Column("disclosure", sa.String(length=20), nullable=False),
        sa.Column("disclosure_findings", kizuna.models.base.JsonType(), nullable=False),
        sa.Column("disclosure_checked_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_posts_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["influencer_id"],
            ["influencers.id"],
            name=op.f("fk_campaign_posts_influencer_id_influencers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_campaign_posts_post_id_posts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_campaign_posts_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_posts")),
        sa.UniqueConstraint("campaign_id", "post_id", name=op.f("uq_campaign_posts_campaign_id_post_id")),
    )
    with op.batch_alter_table("campaign_posts", schema=None) as batch_op:
        batch_op.create_index("ix_campaign_posts_influencer", ["influencer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaign_posts_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "post_metric_snapshots",
        sa.Column("post_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("captured_at", kizuna.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reach", sa.BigInteger(), nullable=True),
        sa.Column("impressions", sa.BigInteger(), nullable=True),
        sa.Column("views", sa.BigInteger(), nullable=True),
        sa.Column("likes", sa.BigInteger(), nullable=True),
        sa.Column("comments", sa.BigInteger(), nullable=True),
        sa.Column("shares", sa.BigInteger(), nullable=True),
        sa.Column("saves", sa.BigInteger(), nullable=True),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_post_metric_snapshots_post_id_posts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_post_metric_snapshots_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_metric_snapshots")),
    )
    with op.batch_alter_table("post_metric_snapshots", schema=None) as batch_op:
        batch_op.create_index("ix_post_metric_snapshots_post_time", ["post_id", "captured_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_post_metric_snapshots_workspace_id"), ["workspace_id"], unique=False
        )

    with op.batch_alter_table("campaign_influencers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fee_minor", sa.BigInteger(), nullable=True))

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("attribution_window_days", sa.Integer(), server_default="30", nullable=False)
        )
        batch_op.add_column(
            sa.Column("emv_values", kizuna.models.base.JsonType(), server_default="{}", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("order_daily", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_daily_workspace_id"))
        batch_op.drop_index("ix_order_daily_campaign_day")
        batch_op.drop_index("ix_order_daily_influencer_key")

    op.drop_table("order_daily")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("emv_values")
        batch_op.drop_column("attribution_window_days")

    with op.batch_alter_table("campaign_influencers", schema=None) as batch_op:
        batch_op.drop_column("fee_minor")

    with op.batch_alter_table("post_metric_snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_post_metric_snapshots_workspace_id"))
        batch_op.drop_index("ix_post_metric_snapshots_post_time")

    op.drop_table("post_metric_snapshots")
    with op.batch_alter_table("campaign_posts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_posts_workspace_id"))
        batch_op.drop_index("ix_campaign_posts_influencer")

    op.drop_table("campaign_posts")
    with op.batch_alter_table("shop_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shop_orders_workspace_id"))
        batch_op.drop_index("ix_shop_orders_influencer")
        batch_op.drop_index("ix_shop_orders_campaign_time")

    op.drop_table("shop_orders")
    with op.batch_alter_table("click_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_click_events_workspace_id"))
        batch_op.drop_index("ix_click_events_link_time")
        batch_op.drop_index("ix_click_events_click_id")
        batch_op.drop_index("ix_click_events_campaign_time")

    op.drop_table("click_events")
    with op.batch_alter_table("click_daily", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_click_daily_workspace_id"))
        batch_op.drop_index("ix_click_daily_campaign_day")

    op.drop_table("click_daily")
    with op.batch_alter_table("tracking_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tracking_links_workspace_id"))
        batch_op.drop_index("ix_tracking_links_code")
        batch_op.drop_index("ix_tracking_links_campaign_influencer")

    op.drop_table("tracking_links")
    with op.batch_alter_table("promo_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_promo_codes_workspace_id"))
        batch_op.drop_index("ix_promo_codes_campaign_influencer")

    op.drop_table("promo_codes")
    with op.batch_alter_table("webhook_receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_receipts_workspace_id"))

    op.drop_table("webhook_receipts")
    with op.batch_alter_table("campaign_shares", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_shares_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_campaign_shares_campaign_id"))

    op.drop_table("campaign_shares")
    with op.batch_alter_table("shop_connections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shop_connections_workspace_id"))
        batch_op.drop_index("ix_shop_connections_url_key")
        batch_op.drop_index("ix_shop_connections_shop_domain")

    op.drop_table("shop_connections")
