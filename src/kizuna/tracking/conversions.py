"""Orders in, credit out: recording conversions and attributing them to influencers and campaigns.

Rules, in order (the field's defaults, see docs/guide/campaigns.md):

1. **Promo code** — a discount code on the order that belongs to the workspace credits its influencer and
   campaign, whatever links were clicked (a code is an explicit statement by the buyer).
2. **Link** — the order's landing page carries ``kzcid`` (our click id, added by the redirect): the click's
   link gets the credit if the order came within the campaign's attribution window of that click (30 days by
   default). The landing page is the visit that converted, so this is the *last* click.
3. **UTM** — no click id (the shop dropped it): the landing page's ``utm_campaign`` + ``utm_content`` name a
   link, which gets the credit if that link was clicked within the window before the order.
4. Otherwise the order is stored unattributed (it still counts in the shop totals).

Refunds never delete an order; they raise ``refunded_minor``, and every report uses revenue minus refunds.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kizuna.errors import NotFound, ValidationFailed
from kizuna.integrations.shopify import OrderData, money, parse_time
from kizuna.models.campaign import Campaign
from kizuna.models.click_daily import ClickDaily
from kizuna.models.click_event import ClickEvent
from kizuna.models.order_daily import OrderDaily
from kizuna.models.promo_code import PromoCode
from kizuna.models.shop_order import ShopOrder
from kizuna.models.tracking_link import TrackingLink
from kizuna.tracking.buffer import find_pending
from kizuna.tracking.codes import code_key
from kizuna.tracking.links import CLICK_PARAM

DEFAULT_WINDOW_DAYS = 30


@dataclass(frozen=True)
class Credit:
    attribution: str
    campaign_id: int | None = None
    influencer_id: int | None = None
    link_id: int | None = None
    promo_code_id: int | None = None


def landing_params(landing_site: str) -> dict[str, str]:
    if not landing_site:
        return {}
    try:
        query = urlsplit(landing_site).query
    except ValueError:
        return {}
    return {k: v[-1] for k, v in parse_qs(query).items() if v}


def _window(session: Session, campaign_id: int | None) -> timedelta:
    days = DEFAULT_WINDOW_DAYS
    if campaign_id is not None:
        value = session.execute(
            select(Campaign.attribution_window_days).where(Campaign.id == campaign_id)
        ).scalar_one_or_none()
        if value:
            days = int(value)
    return timedelta(days=days)


def attribute(session: Session, order: OrderData, click_id: str | None = None) -> Credit:
    """Who gets the credit for ``order`` (see the module docstring for the rules)."""
    keys = [code_key(c) for c in order.discount_codes if c.strip()]
    if keys:
        code = (
            session.execute(
                select(PromoCode)
                .where(PromoCode.code_key.in_(keys), PromoCode.active.is_(True))
                .order_by(PromoCode.id)
            )
            .scalars()
            .first()
        )
        if code is not None:
            return Credit("code", code.campaign_id, code.influencer_id, None, code.id)
    params = landing_params(order.landing_site)
    cid = click_id or params.get(CLICK_PARAM)
    if cid:
        click = session.execute(select(ClickEvent).where(ClickEvent.click_id == cid)).scalar_one_or_none()
        found: tuple[int, int, int | None, datetime] | None = None
        if click is not None:
            found = (click.link_id, click.campaign_id, click.influencer_id, click.clicked_at)
        else:
            pending = find_pending(cid)
            if pending is not None and pending.workspace_id == _bound_workspace(session):
                found = (
                    pending.link_id,
                    pending.campaign_id,
                    pending.influencer_id,
                    datetime.fromtimestamp(pending.ts, UTC),
                )
        if found is not None:
            link_id, campaign_id, influencer_id, clicked_at = found
            age = order.ordered_at - clicked_at
            if timedelta(minutes=-5) <= age <= _window(session, campaign_id):
                return Credit("link", campaign_id, influencer_id, link_id)
    utm_campaign, utm_content = params.get("utm_campaign"), params.get("utm_content")
    if utm_campaign and utm_content:
        link = (
            session.execute(
                select(TrackingLink)
                .where(TrackingLink.utm_campaign == utm_campaign, TrackingLink.utm_content == utm_content)
                .order_by(TrackingLink.id.desc())
            )
            .scalars()
            .first()
        )
        if link is not None:
            since = (order.ordered_at - _window(session, link.campaign_id)).date()
            clicked = session.execute(
                select(ClickDaily.id).where(
                    ClickDaily.link_id == link.id,
                    ClickDaily.day >= since,
                    ClickDaily.day <= order.ordered_at.date(),
                )
            ).first()
            if clicked is not None:
                return Credit("utm", link.campaign_id, link.influencer_id, link.id)
    return Credit("none")


def _bump_rollup(session: Session, row: ShopOrder, *, orders: int, revenue: int, refunded: int) -> None:
    """Add to the ``order_daily`` rollup the dashboards read (only orders credited to a campaign)."""
    if row.campaign_id is None or not (orders or revenue or refunded):
        return
    table = cast(Table, OrderDaily.__table__)
    dialect = session.get_bind().dialect.name
    ins = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    stmt = ins.values(
        workspace_id=row.workspace_id,
        campaign_id=row.campaign_id,
        influencer_key=row.influencer_id or 0,
        link_key=row.link_id or 0,
        day=row.ordered_at.astimezone(UTC).date(),
        currency=row.currency,
        orders=orders,
        revenue_minor=revenue,
        refunded_minor=refunded,
    ).on_conflict_do_update(
        index_elements=["campaign_id", "influencer_key", "link_key", "day", "currency"],
        set_={
            "orders": table.c.orders + ins.excluded.orders,
            "revenue_minor": table.c.revenue_minor + ins.excluded.revenue_minor,
            "refunded_minor": table.c.refunded_minor + ins.excluded.refunded_minor,
        },
    )
    session.execute(stmt)


def _bound_workspace(session: Session) -> int | None:
    from kizuna.tenancy import bound_workspace

    return bound_workspace(session)


def record_order(
    session: Session,
    order: OrderData,
    *,
    source: str,
    connection_id: int | None = None,
    workspace_id: int | None = None,
) -> tuple[ShopOrder, bool]:
    """Store (or update) an order and attribute it. Returns (row, created).

    The same order delivered twice (retries, a CSV imported again) updates the existing row: refunds may have
    grown, the credit is kept as first decided so that reports do not shift under the user's feet.
    """
    existing = session.execute(
        select(ShopOrder).where(ShopOrder.source == source, ShopOrder.external_id == order.external_id)
    ).scalar_one_or_none()
    if existing is not None:
        grown = min(max(existing.refunded_minor, order.refunded_minor), existing.revenue_minor)
        _bump_rollup(session, existing, orders=0, revenue=0, refunded=grown - existing.refunded_minor)
        existing.refunded_minor = grown
        return existing, False
    credit = attribute(session, order, order.click_id)
    row = ShopOrder(
        source=source,
        connection_id=connection_id,
        external_id=order.external_id,
        name=order.name[:100],
        ordered_at=order.ordered_at,
        currency=order.currency,
        revenue_minor=order.revenue_minor,
        total_minor=order.total_minor,
        refunded_minor=min(order.refunded_minor, order.revenue_minor),
        discount_codes=order.discount_codes,
        landing_site=order.landing_site,
        click_id=order.click_id or landing_params(order.landing_site).get(CLICK_PARAM),
        attribution=credit.attribution,
        campaign_id=credit.campaign_id,
        influencer_id=credit.influencer_id,
        link_id=credit.link_id,
        promo_code_id=credit.promo_code_id,
        raw=order.raw,
    )
    if workspace_id is not None:
        row.workspace_id = workspace_id
    session.add(row)
    session.flush()
    _bump_rollup(session, row, orders=1, revenue=row.revenue_minor, refunded=row.refunded_minor)
    if credit.promo_code_id is not None:
        code = session.get(PromoCode, credit.promo_code_id)
        if code is not None and code.single_use and code.used_at is None:
            code.used_at = order.ordered_at
    session.flush()
    return row, True


def record_refund(session: Session, *, source: str, order_external_id: str, amount_minor: int) -> ShopOrder:
    """Add a refund to an order (capped at its revenue: a refund of shipping does not make revenue negative)."""
    row = session.execute(
        select(ShopOrder).where(ShopOrder.source == source, ShopOrder.external_id == order_external_id)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("The refunded order is not known.", code="refund_order_unknown")
    new_total = min(row.revenue_minor, row.refunded_minor + max(0, amount_minor))
    _bump_rollup(session, row, orders=0, revenue=0, refunded=new_total - row.refunded_minor)
    row.refunded_minor = new_total
    session.flush()
    return row


CSV_COLUMNS = (
    "order_id",
    "created_at",
    "currency",
    "revenue",
    "total",
    "discount_codes",
    "landing_site",
    "click_id",
    "refunded",
)


def import_orders_csv(session: Session, text: str, *, default_currency: str) -> tuple[int, int, list[str]]:
    """Import orders from CSV (header ``order_id,created_at,currency,revenue,...``; Shopify's export names
    ``Name``, ``Created at``, ``Currency``, ``Subtotal``, ``Total``, ``Discount Code`` also work).

    Returns (created, updated, problems). Re-importing the same file updates refunds and creates nothing.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames:
        raise ValidationFailed("The file has no header row.", code="import_no_header")
    fields = {f.strip().lower().replace(" ", "_"): f for f in reader.fieldnames}

    def get(row: dict[str, str], *names: str) -> str:
        for name in names:
            original = fields.get(name)
            if original is not None and row.get(original) not in (None, ""):
                return str(row[original]).strip()
        return ""

    created = updated = 0
    problems: list[str] = []
    for lineno, row in enumerate(reader, start=2):
        try:
            external = get(row, "order_id", "id", "name")
            if not external:
                raise ValidationFailed("no order id", code="import_row_invalid")
            currency = (get(row, "currency") or default_currency).upper()
            revenue = get(row, "revenue", "subtotal", "subtotal_price", "total", "total_price")
            codes_text = get(row, "discount_codes", "discount_code", "code")
            order = OrderData(
                external_id=external,
                name=external,
                ordered_at=parse_time(get(row, "created_at", "ordered_at", "date")),
                currency=currency,
                revenue_minor=money(revenue, currency),
                total_minor=money(get(row, "total", "total_price") or revenue, currency),
                refunded_minor=money(get(row, "refunded", "refunded_amount"), currency),
                discount_codes=[c.strip() for c in codes_text.replace(";", ",").split(",") if c.strip()],
                landing_site=get(row, "landing_site", "landing_page")[:2000],
                click_id=get(row, "click_id") or None,
            )
            _row, was_created = record_order(session, order, source="csv")
        except ValidationFailed as exc:
            problems.append(f"line {lineno}: {exc.message}")
            continue
        if was_created:
            created += 1
        else:
            updated += 1
    return created, updated, problems


def order_from_generic(payload: dict[str, object], default_currency: str) -> OrderData:
    """The generic webhook's order shape: ``{"id", "created_at", "currency", "revenue", "total",
    "discount_codes": [...], "landing_url", "click_id", "refunded"}``."""
    if not payload.get("id"):
        raise ValidationFailed("The order has no id.", code="order_id_missing")
    currency = str(payload.get("currency") or default_currency).upper()
    codes = payload.get("discount_codes") or []
    if isinstance(codes, str):
        codes = [codes]
    if not isinstance(codes, list):
        raise ValidationFailed("discount_codes must be a list.", code="order_codes_invalid")
    revenue = payload.get("revenue", payload.get("total"))
    return OrderData(
        external_id=str(payload["id"]),
        name=str(payload.get("name") or payload["id"]),
        ordered_at=parse_time(payload.get("created_at")) if payload.get("created_at") else datetime.now(UTC),
        currency=currency,
        revenue_minor=money(revenue, currency),
        total_minor=money(payload.get("total", revenue), currency),
        refunded_minor=money(payload.get("refunded"), currency),
        discount_codes=[str(c) for c in codes],
        landing_site=str(payload.get("landing_url") or payload.get("landing_site") or "")[:2000],
        click_id=str(payload["click_id"]) if payload.get("click_id") else None,
    )
