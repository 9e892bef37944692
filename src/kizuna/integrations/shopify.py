"""Shopify webhooks: signature check and the ``orders/create`` / ``refunds/create`` payloads as plain data.

No business rules here (attribution lives in :mod:`kizuna.tracking.conversions`). Amounts are kept as the
decimal strings Shopify sends and converted to minor units with the order's currency.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from kizuna.errors import ValidationFailed
from kizuna.kit.money import to_minor


def sign(raw_body: bytes, secret: str) -> str:
    """What Shopify puts in ``X-Shopify-Hmac-Sha256``: base64 of HMAC-SHA256(raw body, secret)."""
    return base64.b64encode(hmac.new(secret.encode("utf-8"), raw_body, hashlib.sha256).digest()).decode(
        "ascii"
    )


def verify(raw_body: bytes, secret: str, header: str | None) -> bool:
    """Constant-time check of the header against the raw body (never a re-serialised JSON)."""
    if not header:
        return False
    return hmac.compare_digest(
        sign(raw_body, secret).encode("ascii"), header.strip().encode("ascii", "replace")
    )


@dataclass(frozen=True)
class OrderData:
    external_id: str
    name: str
    ordered_at: datetime
    currency: str
    revenue_minor: int
    total_minor: int
    refunded_minor: int
    discount_codes: list[str]
    landing_site: str
    click_id: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RefundData:
    order_external_id: str
    refund_id: str
    amount_minor: int
    currency: str | None


def parse_time(value: Any) -> datetime:
    if not value:
        raise ValidationFailed("The order has no creation time.", code="order_time_missing")
    text = str(value).strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValidationFailed(f"Not a date-time: {value}", code="order_time_invalid") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def money(value: Any, currency: str) -> int:
    if value is None or value == "":
        return 0
    try:
        return to_minor(Decimal(str(value)), currency)
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(f"Not an amount: {value}", code="order_amount_invalid") from exc


def refund_amount(refund: dict[str, Any], currency: str) -> int:
    """Merchandise refunded: the refunded lines' subtotals, or the refund transactions when lines are absent."""
    lines = refund.get("refund_line_items") or []
    if lines:
        return sum(money(li.get("subtotal"), currency) for li in lines)
    return sum(
        money(t.get("amount"), currency)
        for t in refund.get("transactions") or []
        if t.get("kind") == "refund" and t.get("status", "success") == "success"
    )


def parse_order(payload: dict[str, Any]) -> OrderData:
    """An ``orders/create`` payload; revenue is ``subtotal_price`` (after discounts, before tax and shipping)."""
    if "id" not in payload:
        raise ValidationFailed("The order payload has no id.", code="order_id_missing")
    currency = str(payload.get("currency") or "USD").upper()
    codes = [str(d.get("code", "")).strip() for d in payload.get("discount_codes") or [] if d.get("code")]
    subtotal = payload.get("subtotal_price")
    if subtotal is None:
        subtotal = payload.get("total_price")
    return OrderData(
        external_id=str(payload["id"]),
        name=str(payload.get("name") or payload.get("order_number") or payload["id"]),
        ordered_at=parse_time(payload.get("created_at") or payload.get("processed_at")),
        currency=currency,
        revenue_minor=money(subtotal, currency),
        total_minor=money(payload.get("total_price"), currency),
        refunded_minor=sum(refund_amount(r, currency) for r in payload.get("refunds") or []),
        discount_codes=codes,
        landing_site=str(payload.get("landing_site") or "")[:2000],
        raw={
            k: payload.get(k)
            for k in (
                "id",
                "name",
                "order_number",
                "referring_site",
                "source_name",
                "financial_status",
                "test",
            )
        },
    )


def parse_refund(payload: dict[str, Any], currency: str) -> RefundData:
    """A ``refunds/create`` payload (it names its order; the currency is the order's)."""
    if "order_id" not in payload:
        raise ValidationFailed("The refund payload has no order id.", code="refund_order_missing")
    return RefundData(
        order_external_id=str(payload["order_id"]),
        refund_id=str(payload.get("id", "")),
        amount_minor=refund_amount(payload, currency),
        currency=currency,
    )
