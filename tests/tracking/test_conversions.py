"""Shopify webhook (HMAC, idempotency), generic webhook, CSV import and the attribution rules."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from kizuna.db import unit_of_work
from kizuna.integrations import shopify
from kizuna.models.campaign import Campaign
from kizuna.models.influencer import Influencer
from kizuna.models.promo_code import PromoCode
from kizuna.models.shop_order import ShopOrder
from kizuna.models.webhook_receipt import WebhookReceipt
from kizuna.tracking import buffer, codes, links, shops
from tests.campaigns.helpers import ctx_for, setup_campaign
from tests.conftest import shared_file

SECRET = "shpss_0123456789abcdef0123456789abcdef"
BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"


@pytest.fixture
def shop(owner: dict[str, Any]) -> dict[str, Any]:
    info = setup_campaign(owner)
    with ctx_for(info) as ctx:
        conn = shops.connect_shopify(
            ctx.session, workspace=ctx.workspace, shop_domain="kizuna-test.myshopify.com", secret=SECRET
        )
        info["connection_id"] = conn.id
        assert SECRET not in conn.secret_encrypted
        campaign = ctx.get(Campaign, info["campaign_id"])
        aya = ctx.get(Influencer, info["aya"])
        ken = ctx.get(Influencer, info["ken"])
        info["aya_code"] = codes.influencer_code(
            ctx.session, campaign=campaign, influencer=aya, suffix="10"
        ).code
        link = links.create_link(
            ctx.session,
            workspace=ctx.workspace,
            campaign=campaign,
            influencer=ken,
            destination="https://shop.example.com/products/pasta-kit",
        )
        info["ken_code"] = link.code
        info["ken_link"] = link.id
    return info


def _payload(**overrides: Any) -> dict[str, Any]:
    data = json.loads(shared_file("data/api_shapes/shopify_orders_create_webhook.json").read_text())
    data.pop("_headers_note", None)
    data.update(overrides)
    return data


def _post(
    client: Any, body: bytes, *, secret: str = SECRET, webhook_id: str = "wh-1", topic: str = "orders/create"
) -> Any:
    return client.post(
        "/api/v1/webhooks/shopify",
        content=body,
        headers={
            "content-type": "application/json",
            "x-shopify-topic": topic,
            "x-shopify-shop-domain": "kizuna-test.myshopify.com",
            "x-shopify-hmac-sha256": shopify.sign(body, secret),
            "x-shopify-webhook-id": webhook_id,
            "x-shopify-api-version": "2024-04",
        },
    )


def _orders() -> list[ShopOrder]:
    with unit_of_work() as uow:
        return list(uow.session.execute(select(ShopOrder).order_by(ShopOrder.id)).scalars())


def _click(client: Any, code: str) -> str:
    r = client.get(f"/r/{code}", headers={"user-agent": BROWSER}, follow_redirects=False)
    return parse_qs(urlsplit(r.headers["location"]).query)["kzcid"][0]


def test_shopify_hmac_good_and_bad(client: Any, shop: dict[str, Any]) -> None:
    body = json.dumps(_payload(discount_codes=[])).encode()
    bad = _post(client, body, secret="wrong-secret-wrong-secret")
    assert bad.status_code == 403 and bad.json()["error"]["code"] == "webhook_signature_invalid"
    tampered = client.post(
        "/api/v1/webhooks/shopify",
        content=body + b" ",
        headers={
            "x-shopify-shop-domain": "kizuna-test.myshopify.com",
            "x-shopify-hmac-sha256": shopify.sign(body, SECRET),
        },
    )
    assert tampered.status_code == 403
    missing = client.post(
        "/api/v1/webhooks/shopify",
        content=body,
        headers={"x-shopify-shop-domain": "kizuna-test.myshopify.com"},
    )
    assert missing.status_code == 403
    unknown = client.post(
        "/api/v1/webhooks/shopify",
        content=body,
        headers={
            "x-shopify-shop-domain": "other.myshopify.com",
            "x-shopify-hmac-sha256": shopify.sign(body, SECRET),
        },
    )
    assert unknown.status_code == 404
    assert _orders() == []
    good = _post(client, body)
    assert good.status_code == 200, good.text
    (order,) = _orders()
    assert order.revenue_minor == 4500 and order.currency == "USD"  # subtotal_price 45.00
    assert order.total_minor == 4995


def test_shopify_webhook_is_idempotent(client: Any, shop: dict[str, Any]) -> None:
    body = json.dumps(_payload()).encode()
    assert _post(client, body, webhook_id="abc").json()["status"] == "created"
    assert _post(client, body, webhook_id="abc").json() == {"status": "duplicate"}
    # A new delivery id for the same order (Shopify re-sends) still does not create a second order.
    assert _post(client, body, webhook_id="abd").json()["status"] == "updated"
    assert len(_orders()) == 1
    with unit_of_work() as uow:
        assert len(list(uow.session.execute(select(WebhookReceipt)).scalars())) == 2


def test_promo_code_beats_link(client: Any, shop: dict[str, Any]) -> None:
    click_id = _click(client, shop["ken_code"])
    buffer.flush()
    body = json.dumps(
        _payload(
            id=1,
            created_at=datetime.now(UTC).isoformat(),
            discount_codes=[{"code": shop["aya_code"].lower(), "amount": "5.00", "type": "percentage"}],
            landing_site=f"/products/pasta-kit?kzcid={click_id}",
        )
    ).encode()
    assert _post(client, body, webhook_id="p1").json()["attribution"] == "code"
    (order,) = _orders()
    assert order.influencer_id == shop["aya"] and order.campaign_id == shop["campaign_id"]


def test_last_click_within_window(client: Any, shop: dict[str, Any]) -> None:
    click_id = _click(client, shop["ken_code"])  # still in the buffer: an order right after the click
    now = datetime.now(UTC)
    body = json.dumps(
        _payload(
            id=2,
            created_at=now.isoformat(),
            discount_codes=[],
            landing_site=f"/products/pasta-kit?utm_source=instagram&kzcid={click_id}",
        )
    ).encode()
    assert _post(client, body, webhook_id="l1").json()["attribution"] == "link"
    buffer.flush()
    late = json.dumps(
        _payload(
            id=3,
            created_at=(now + timedelta(days=31)).isoformat(),
            discount_codes=[],
            landing_site=f"/products/pasta-kit?kzcid={click_id}",
        )
    ).encode()
    assert _post(client, late, webhook_id="l2").json()["attribution"] == "none"
    inside = json.dumps(
        _payload(
            id=4,
            created_at=(now + timedelta(days=29)).isoformat(),
            discount_codes=[],
            landing_site=f"/products/pasta-kit?kzcid={click_id}",
        )
    ).encode()
    assert _post(client, inside, webhook_id="l3").json()["attribution"] == "link"
    orders = _orders()
    assert [o.influencer_id for o in orders] == [shop["ken"], None, shop["ken"]]


def test_window_is_configurable(client: Any, shop: dict[str, Any]) -> None:
    with ctx_for(shop) as ctx:
        ctx.get(Campaign, shop["campaign_id"]).attribution_window_days = 7
    click_id = _click(client, shop["ken_code"])
    buffer.flush()
    body = json.dumps(
        _payload(
            id=5,
            created_at=(datetime.now(UTC) + timedelta(days=8)).isoformat(),
            discount_codes=[],
            landing_site=f"/?kzcid={click_id}",
        )
    ).encode()
    assert _post(client, body, webhook_id="w1").json()["attribution"] == "none"


def test_utm_fallback_needs_a_recent_click(client: Any, shop: dict[str, Any]) -> None:
    landing = "/products/pasta-kit?utm_campaign=spring-launch&utm_content=ken_big"
    body = json.dumps(
        _payload(id=6, created_at=datetime.now(UTC).isoformat(), discount_codes=[], landing_site=landing)
    ).encode()
    assert _post(client, body, webhook_id="u0").json()["attribution"] == "none"
    _click(client, shop["ken_code"])
    buffer.flush()
    body = json.dumps(
        _payload(id=7, created_at=datetime.now(UTC).isoformat(), discount_codes=[], landing_site=landing)
    ).encode()
    assert _post(client, body, webhook_id="u1").json()["attribution"] == "utm"


def test_refunds_reduce_revenue(client: Any, shop: dict[str, Any]) -> None:
    body = json.dumps(_payload(id=8, discount_codes=[{"code": shop["aya_code"]}])).encode()
    _post(client, body, webhook_id="r0")
    refund = json.dumps(
        {
            "id": 900,
            "order_id": 8,
            "refund_line_items": [{"subtotal": "20.00"}],
            "transactions": [{"kind": "refund", "amount": "22.00"}],
        }
    ).encode()
    assert (
        _post(client, refund, webhook_id="r1", topic="refunds/create").json()["status"] == "refund_recorded"
    )
    assert _post(client, refund, webhook_id="r1", topic="refunds/create").json()["status"] == "duplicate"
    (order,) = _orders()
    assert order.refunded_minor == 2000
    from kizuna.analytics.service import campaign_results

    with ctx_for(shop) as ctx:
        campaign = ctx.get(Campaign, shop["campaign_id"])
        campaign.currency = "USD"
        results = campaign_results(ctx.session, campaign)
    assert results.totals.revenue_minor == 4500 - 2000
    assert results.totals.conversions == 1
    from kizuna.models.order_daily import OrderDaily

    with unit_of_work() as uow:
        (rollup,) = uow.session.execute(select(OrderDaily)).scalars()
        assert (rollup.orders, rollup.revenue_minor, rollup.refunded_minor) == (1, 4500, 2000)
        assert rollup.influencer_key == shop["aya"] and rollup.link_key == 0


def test_single_use_code_marked_used(client: Any, shop: dict[str, Any]) -> None:
    with ctx_for(shop) as ctx:
        campaign = ctx.get(Campaign, shop["campaign_id"])
        batch = codes.single_use_batch(ctx.session, campaign=campaign, count=50, prefix="spring")
        code = batch[0].code
    assert code.startswith("SPRING-")
    body = json.dumps(_payload(id=9, discount_codes=[{"code": code}])).encode()
    assert _post(client, body, webhook_id="s1").json()["attribution"] == "code"
    with unit_of_work() as uow:
        row = uow.session.execute(select(PromoCode).where(PromoCode.code == code)).scalar_one()
        assert row.used_at is not None


def test_generic_signed_webhook(client: Any, shop: dict[str, Any]) -> None:
    with ctx_for(shop) as ctx:
        conn, secret = shops.connect_generic(ctx.session, workspace=ctx.workspace, name="EC-CUBE")
        key = conn.url_key
    body = json.dumps(
        {
            "type": "order",
            "id": "A-1",
            "created_at": "2026-04-10T10:00:00+09:00",
            "currency": "JPY",
            "revenue": "12000",
            "discount_codes": [shop["aya_code"]],
        }
    ).encode()
    bad = client.post(
        f"/api/v1/webhooks/orders/{key}", content=body, headers={"x-kizuna-signature": "sha256=00"}
    )
    assert bad.status_code == 403
    sig = shops.generic_signature(body, secret)
    r = client.post(
        f"/api/v1/webhooks/orders/{key}",
        content=body,
        headers={"x-kizuna-signature": sig, "x-kizuna-delivery": "d1"},
    )
    assert r.status_code == 200 and r.json()["attribution"] == "code"
    again = client.post(
        f"/api/v1/webhooks/orders/{key}",
        content=body,
        headers={"x-kizuna-signature": sig, "x-kizuna-delivery": "d1"},
    )
    assert again.json() == {"status": "duplicate"}
    (order,) = _orders()
    assert order.revenue_minor == 12000 and order.currency == "JPY"


def test_csv_import_of_orders(shop: dict[str, Any]) -> None:
    from kizuna.tracking.conversions import import_orders_csv

    text = (
        "order_id,created_at,currency,revenue,discount_codes,refunded\n"
        f"1001,2026-04-05T12:00:00+09:00,JPY,5000,{shop['aya_code']},1000\n"
        "1002,2026-04-06T12:00:00+09:00,JPY,3000,,\n"
        "1003,not-a-date,JPY,3000,,\n"
    )
    with ctx_for(shop) as ctx:
        created, updated, problems = import_orders_csv(ctx.session, text, default_currency="JPY")
    assert (created, updated, len(problems)) == (2, 0, 1)
    with ctx_for(shop) as ctx:
        created, updated, problems = import_orders_csv(ctx.session, text, default_currency="JPY")
    assert (created, updated) == (0, 2)
    orders = _orders()
    assert [(o.attribution, o.revenue_minor, o.refunded_minor) for o in orders] == [
        ("code", 5000, 1000),
        ("none", 3000, 0),
    ]


def test_influencer_codes_are_readable_and_unique(shop: dict[str, Any]) -> None:
    with ctx_for(shop) as ctx:
        campaign = ctx.get(Campaign, shop["campaign_id"])
        from kizuna.campaigns import service

        other = service.create_campaign(ctx, {"name": "Summer", "currency": "JPY"})
        aya = ctx.get(Influencer, shop["aya"])
        again = codes.influencer_code(ctx.session, campaign=campaign, influencer=aya, suffix="10")
        second = codes.influencer_code(ctx.session, campaign=other, influencer=aya, suffix="10")
    assert shop["aya_code"] == "AYABEAUTY10" == again.code
    assert second.code != shop["aya_code"] and second.code.startswith("AYABEAUTY10")


def test_import_existing_codes(shop: dict[str, Any]) -> None:
    with ctx_for(shop) as ctx:
        campaign = ctx.get(Campaign, shop["campaign_id"])
        aya = ctx.get(Influencer, shop["aya"])
        created, problems = codes.import_codes(
            ctx.session,
            campaign=campaign,
            text=f"code,handle\nOLD-1,aya_beauty\nold-1,\n{shop['aya_code']},\nbad code!,\nOLD-2,nobody\n",
            influencers_by_handle={"aya_beauty": aya},
        )
    assert created == 1
    assert len(problems) == 4
