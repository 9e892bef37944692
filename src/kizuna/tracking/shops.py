"""Shop connections (where orders come from) and webhook deliveries.

A Shopify delivery names its shop in ``X-Shopify-Shop-Domain``; that picks the connection (one shop feeds one
workspace), whose secret (stored encrypted) verifies ``X-Shopify-Hmac-Sha256`` over the raw body. Only then is
the body parsed. ``X-Shopify-Webhook-Id`` is remembered per connection, so Shopify's retries are acknowledged
without being counted twice. The generic webhook works the same way with its own URL key and
``X-Kizuna-Signature: sha256=<hex HMAC-SHA256 of the body>``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kizuna.errors import NotFound, PermissionDenied, ValidationFailed
from kizuna.integrations import shopify
from kizuna.kit.crypto import decrypt, encrypt, new_token
from kizuna.models.shop_connection import ShopConnection
from kizuna.models.shop_order import ShopOrder
from kizuna.models.webhook_receipt import WebhookReceipt
from kizuna.models.workspace import Workspace
from kizuna.tenancy import UNSCOPED, bind_workspace
from kizuna.tracking import conversions

_SHOP_RE = re.compile(r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")


def connect_shopify(
    session: Session, *, workspace: Workspace, shop_domain: str, secret: str
) -> ShopConnection:
    domain = shop_domain.strip().lower().removeprefix("https://").rstrip("/")
    if not _SHOP_RE.match(domain):
        raise ValidationFailed("Use the shop's myshopify.com domain.", code="shop_domain_invalid")
    if len(secret.strip()) < 16:
        raise ValidationFailed("The webhook secret looks too short.", code="shop_secret_invalid")
    taken = session.execute(
        select(ShopConnection.id)
        .where(ShopConnection.shop_domain == domain)
        .execution_options(**{UNSCOPED: True})
    ).first()
    if taken is not None:
        raise ValidationFailed("This shop is already connected.", code="shop_already_connected")
    row = ShopConnection(
        workspace_id=workspace.id,
        provider="shopify",
        name=domain,
        shop_domain=domain,
        url_key=new_token(24),
        secret_encrypted=encrypt(secret.strip()),
    )
    session.add(row)
    session.flush()
    return row


def connect_generic(session: Session, *, workspace: Workspace, name: str) -> tuple[ShopConnection, str]:
    """A generic order webhook; returns the connection and its secret (shown once)."""
    secret = new_token(32)
    row = ShopConnection(
        workspace_id=workspace.id,
        provider="generic",
        name=name.strip()[:200] or "webhook",
        url_key=new_token(24),
        secret_encrypted=encrypt(secret),
    )
    session.add(row)
    session.flush()
    return row, secret


def _seen(session: Session, connection: ShopConnection, delivery_id: str | None, topic: str) -> bool:
    """Record the delivery; True when it was processed before (a retry)."""
    if not delivery_id:
        return False
    existing = session.execute(
        select(WebhookReceipt.id).where(
            WebhookReceipt.connection_id == connection.id, WebhookReceipt.delivery_id == delivery_id[:120]
        )
    ).first()
    if existing is not None:
        return True
    try:
        with session.begin_nested():
            session.add(
                WebhookReceipt(
                    workspace_id=connection.workspace_id,
                    connection_id=connection.id,
                    delivery_id=delivery_id[:120],
                    topic=topic[:60],
                )
            )
            session.flush()
    except IntegrityError:
        return True  # a concurrent retry got there first
    return False


def _json(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed("The body is not JSON.", code="webhook_body_invalid") from exc
    if not isinstance(data, dict):
        raise ValidationFailed("The body is not a JSON object.", code="webhook_body_invalid")
    return data


def handle_shopify(session: Session, *, raw: bytes, headers: dict[str, str]) -> dict[str, Any]:
    """Verify and process one Shopify delivery (``orders/create``, ``orders/paid``, ``refunds/create``)."""
    domain = (headers.get("x-shopify-shop-domain") or "").strip().lower()
    connection = session.execute(
        select(ShopConnection).where(
            ShopConnection.shop_domain == domain, ShopConnection.provider == "shopify"
        )
    ).scalar_one_or_none()
    if connection is None:
        raise NotFound("Unknown shop.", code="shop_unknown")
    if not shopify.verify(raw, decrypt(connection.secret_encrypted), headers.get("x-shopify-hmac-sha256")):
        raise PermissionDenied("The webhook signature does not match.", code="webhook_signature_invalid")
    bind_workspace(session, connection.workspace_id)
    topic = (headers.get("x-shopify-topic") or "orders/create").strip().lower()
    if _seen(session, connection, headers.get("x-shopify-webhook-id"), topic):
        return {"status": "duplicate"}
    payload = _json(raw)
    if topic == "refunds/create":
        order = session.execute(
            select(ShopOrder).where(
                ShopOrder.source == "shopify", ShopOrder.external_id == str(payload.get("order_id"))
            )
        ).scalar_one_or_none()
        currency = order.currency if order is not None else "USD"
        refund = shopify.parse_refund(payload, currency)
        row = conversions.record_refund(
            session,
            source="shopify",
            order_external_id=refund.order_external_id,
            amount_minor=refund.amount_minor,
        )
        return {"status": "refund_recorded", "order_id": row.id}
    if topic not in ("orders/create", "orders/paid", "orders/updated"):
        return {"status": "ignored", "topic": topic}
    data = shopify.parse_order(payload)
    row, created = conversions.record_order(
        session, data, source="shopify", connection_id=connection.id, workspace_id=connection.workspace_id
    )
    return {"status": "created" if created else "updated", "order_id": row.id, "attribution": row.attribution}


def generic_signature(raw: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), raw, hashlib.sha256).hexdigest()


def handle_generic(session: Session, *, url_key: str, raw: bytes, headers: dict[str, str]) -> dict[str, Any]:
    connection = session.execute(
        select(ShopConnection).where(ShopConnection.url_key == url_key, ShopConnection.provider == "generic")
    ).scalar_one_or_none()
    if connection is None:
        raise NotFound("Unknown webhook.", code="webhook_unknown")
    expected = generic_signature(raw, decrypt(connection.secret_encrypted))
    given = (headers.get("x-kizuna-signature") or "").strip()
    if not hmac.compare_digest(expected.encode(), given.encode("ascii", "replace")):
        raise PermissionDenied("The webhook signature does not match.", code="webhook_signature_invalid")
    bind_workspace(session, connection.workspace_id)
    payload = _json(raw)
    kind = str(payload.get("type") or "order")
    if _seen(session, connection, headers.get("x-kizuna-delivery") or None, kind):
        return {"status": "duplicate"}
    ws = session.get(Workspace, connection.workspace_id)
    currency = ws.currency if ws is not None else "JPY"
    if kind == "refund":
        order = session.execute(
            select(ShopOrder).where(
                ShopOrder.source == "webhook", ShopOrder.external_id == str(payload.get("order_id"))
            )
        ).scalar_one_or_none()
        amount = shopify.money(payload.get("amount"), order.currency if order else currency)
        row = conversions.record_refund(
            session, source="webhook", order_external_id=str(payload.get("order_id")), amount_minor=amount
        )
        return {"status": "refund_recorded", "order_id": row.id}
    data = conversions.order_from_generic(payload, currency)
    row, created = conversions.record_order(
        session, data, source="webhook", connection_id=connection.id, workspace_id=connection.workspace_id
    )
    return {"status": "created" if created else "updated", "order_id": row.id, "attribution": row.attribution}
