"""Public, self-authenticating endpoints: shop webhooks (HMAC-signed)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from kizuna.tenancy import register_public_path
from kizuna.tracking import shops
from kizuna.web.routing import api_router, uow_of

router = api_router()
register_public_path("/api/v1/webhooks/shopify", "Shopify webhook: authenticated by X-Shopify-Hmac-Sha256")
register_public_path("/api/v1/webhooks/orders/", "generic order webhook: authenticated by X-Kizuna-Signature")


@router.post("/api/v1/webhooks/shopify", include_in_schema=False)
async def shopify_webhook(request: Request) -> dict[str, Any]:
    """Shopify ``orders/create`` (and ``refunds/create``); 200 for duplicates so Shopify stops retrying."""
    raw = await request.body()
    headers = {k.lower(): v for k, v in request.headers.items()}
    return shops.handle_shopify(uow_of(request).session, raw=raw, headers=headers)


@router.post("/api/v1/webhooks/orders/{url_key}", include_in_schema=False)
async def generic_webhook(url_key: str, request: Request) -> dict[str, Any]:
    """Orders and refunds from any shop system, signed with the connection's secret."""
    raw = await request.body()
    headers = {k.lower(): v for k, v in request.headers.items()}
    return shops.handle_generic(uow_of(request).session, url_key=url_key, raw=raw, headers=headers)
