"""Offers and negotiation: versioned counters, accept/decline rules, locking, audit rows, pipeline stages."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import select

from kizuna.db import unit_of_work
from kizuna.models.audit_log import AuditLog
from kizuna.models.campaign_influencer import CampaignInfluencer
from tests.deals.conftest import TERMS, create_deal_api, portal_csrf, portal_link


def _audit_actions(deal_id: int | None = None) -> list[str]:
    with unit_of_work() as uow:
        return [a.action for a in uow.session.execute(select(AuditLog).order_by(AuditLog.id)).scalars()]


def _stage() -> str:
    with unit_of_work() as uow:
        return uow.session.execute(select(CampaignInfluencer.stage)).scalar_one()


def test_counter_offers_form_a_versioned_history(client: Any, creator: Any, api: dict[str, Any]) -> None:
    deal = create_deal_api(client, api, api["h"])
    assert deal["current_version"] == 1 and deal["offers"][0]["author"] == "brand"
    assert _stage() == "negotiating"
    link = portal_link(client, api, api["h"], deal["id"])
    csrf = portal_csrf(creator, link["path"])
    form = {
        "csrf_token": csrf,
        "expected_version": "1",
        "currency": "JPY",
        "fee": "260000",
        "d0_platform": "instagram",
        "d0_format": "reel",
        "d0_count": "1",
        "d0_due": "2026-12-12",
        "net_days": "14",
        "clock_start": "approval",
        "disclosure_required": "on",
        "jurisdictions": ["jp"],
        "note": "I can do it for 260k with payment on approval",
    }
    r = creator.post(link["path"] + "/offer/counter", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    r = client.get(f"/api/v1/w/{api['ws']}/deals/{deal['id']}", headers=api["h"])
    body = r.json()
    assert body["current_version"] == 2
    v1, v2 = body["offers"]
    assert v1["status"] == "superseded" and v1["terms"]["compensation"]["fee_minor"] == 200000
    assert (
        v2["status"] == "open"
        and v2["author"] == "creator"
        and v2["terms"]["compensation"]["fee_minor"] == 260000
    )
    assert v2["terms"]["payment"] == {"net_days": 14, "clock_start": "approval"}
    # brand counters back
    terms3 = copy.deepcopy(v2["terms"])
    terms3["compensation"]["fee_minor"] = 240000
    r = client.post(
        f"/api/v1/w/{api['ws']}/deals/{deal['id']}/offers",
        json={"terms": terms3, "expected_version": 2, "note": "meet in the middle"},
        headers=api["h"],
    )
    assert r.status_code == 201, r.text
    assert r.json()["version"] == 3
    with unit_of_work() as uow:
        rows = list(
            uow.session.execute(select(AuditLog).where(AuditLog.action == "deal.offer_countered")).scalars()
        )
    assert len(rows) == 2
    assert "compensation.fee_minor" in rows[0].data["changed"]
    assert rows[0].actor_label.startswith("creator:")


def test_stale_version_cannot_be_countered_or_accepted(
    client: Any, creator: Any, api: dict[str, Any]
) -> None:
    deal = create_deal_api(client, api, api["h"])
    r = client.post(
        f"/api/v1/w/{api['ws']}/deals/{deal['id']}/offers",
        json={"terms": TERMS, "expected_version": 0},
        headers=api["h"],
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "offer_outdated"
    link = portal_link(client, api, api["h"], deal["id"])
    csrf = portal_csrf(creator, link["path"])
    # the brand sends v2 while the creator still looks at v1
    client.post(
        f"/api/v1/w/{api['ws']}/deals/{deal['id']}/offers",
        json={"terms": TERMS, "expected_version": 1},
        headers=api["h"],
    )
    r = creator.post(
        link["path"] + "/offer/accept",
        data={"csrf_token": csrf, "expected_version": 1},
        headers={"Accept-Language": "en"},
    )
    assert r.status_code == 409
    assert "A newer version arrived" in r.text


def test_nobody_accepts_their_own_offer(client: Any, api: dict[str, Any]) -> None:
    deal = create_deal_api(client, api, api["h"])
    r = client.post(
        f"/api/v1/w/{api['ws']}/deals/{deal['id']}/accept", json={"expected_version": 1}, headers=api["h"]
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "offer_own_version"


def test_accept_locks_the_deal_and_creates_content_payables_agreement(
    client: Any, creator: Any, api: dict[str, Any]
) -> None:
    deal = create_deal_api(client, api, api["h"])
    link = portal_link(client, api, api["h"], deal["id"])
    csrf = portal_csrf(creator, link["path"])
    r = creator.post(
        link["path"] + "/offer/accept",
        data={"csrf_token": csrf, "expected_version": 1},
        follow_redirects=False,
    )
    assert r.status_code == 303
    d = client.get(f"/api/v1/w/{api['ws']}/deals/{deal['id']}", headers=api["h"]).json()
    assert d["status"] == "accepted" and d["offers"][0]["status"] == "accepted"
    assert _stage() == "agreed"
    items = client.get(f"/api/v1/w/{api['ws']}/deals/{deal['id']}/content", headers=api["h"]).json()
    assert [(i["format"], i["sequence"]) for i in items] == [("reel", 1), ("story", 1), ("story", 2)]
    assert items[0]["due_at"].startswith("2026-12-10T14:59")  # 23:59 in Tokyo
    payables = client.get(f"/api/v1/w/{api['ws']}/deals/payables", headers=api["h"]).json()
    # ¥200,000 split over three units: the remainder goes to the first
    assert sorted(p["gross_minor"] for p in payables) == [66666, 66667, 66667]
    assert sum(p["gross_minor"] for p in payables) == 200000
    agreement = client.get(f"/api/v1/w/{api['ws']}/deals/{deal['id']}/agreement", headers=api["h"]).json()
    assert agreement["status"] == "issued" and agreement["language"] == "ja"
    # locked: no more counters, no second accept
    r = client.post(
        f"/api/v1/w/{api['ws']}/deals/{deal['id']}/offers",
        json={"terms": TERMS, "expected_version": 1},
        headers=api["h"],
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "deal_not_negotiating"
    r = creator.post(link["path"] + "/offer/accept", data={"csrf_token": csrf, "expected_version": 1})
    assert r.status_code == 409
    actions = _audit_actions()
    for action in (
        "deal.created",
        "deal.offer_proposed",
        "portal.link_issued",
        "deal.offer_accepted",
        "agreement.issued",
    ):
        assert action in actions


def test_decline_closes_the_deal(client: Any, creator: Any, api: dict[str, Any]) -> None:
    deal = create_deal_api(client, api, api["h"])
    link = portal_link(client, api, api["h"], deal["id"])
    csrf = portal_csrf(creator, link["path"])
    r = creator.post(
        link["path"] + "/offer/decline", data={"csrf_token": csrf, "expected_version": 1, "reason": "busy"}
    )
    assert r.status_code == 200
    d = client.get(f"/api/v1/w/{api['ws']}/deals/{deal['id']}", headers=api["h"]).json()
    assert d["status"] == "declined" and d["offers"][0]["status"] == "declined"
    assert _stage() == "declined"
    assert "deal.offer_declined" in _audit_actions()
    # the portal is closed for a declined deal
    assert creator.get(link["path"]).status_code == 403


def test_invalid_terms_are_refused_with_a_code(client: Any, api: dict[str, Any]) -> None:
    bad = copy.deepcopy(TERMS)
    bad["deliverables"] = []
    r = client.post(
        f"/api/v1/w/{api['ws']}/deals",
        json={"campaign_id": api["campaign_id"], "influencer_id": api["influencer_id"], "terms": bad},
        headers=api["h"],
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "terms_invalid"
    bad = copy.deepcopy(TERMS)
    bad["deliverables"][0]["format"] = "tweetstorm"
    r = client.post(
        f"/api/v1/w/{api['ws']}/deals",
        json={"campaign_id": api["campaign_id"], "influencer_id": api["influencer_id"], "terms": bad},
        headers=api["h"],
    )
    assert r.status_code == 422
    bad = copy.deepcopy(TERMS)
    bad["disclosure"]["jurisdictions"] = ["mars"]
    r = client.post(
        f"/api/v1/w/{api['ws']}/deals",
        json={"campaign_id": api["campaign_id"], "influencer_id": api["influencer_id"], "terms": bad},
        headers=api["h"],
    )
    assert r.status_code == 422


def test_one_open_deal_per_creator_and_campaign(client: Any, api: dict[str, Any]) -> None:
    create_deal_api(client, api, api["h"])
    r = client.post(
        f"/api/v1/w/{api['ws']}/deals",
        json={"campaign_id": api["campaign_id"], "influencer_id": api["influencer_id"], "terms": TERMS},
        headers=api["h"],
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "deal_exists"


def test_cancel_applies_the_cancellation_clause(client: Any, creator: Any, api: dict[str, Any]) -> None:
    from kizuna.models.payable import Payable
    from tests.deals.conftest import accepted_deal

    ctx = accepted_deal(client, creator, api)  # reel + 2 stories, ¥200,000, kill fee 50%
    deal_id = ctx["deal"]["id"]
    items = client.get(f"/api/v1/w/{api['ws']}/deals/{deal_id}/content", headers=api["h"]).json()
    reel, story1 = items[0]["id"], items[1]["id"]
    base = f"/api/v1/w/{api['ws']}/deals/content"
    for item in (reel, story1):
        r = creator.post(
            ctx["link"]["path"] + f"/content/{item}/draft",
            data={"csrf_token": ctx["csrf"], "caption": "【PR】#ad"},
        )
        assert r.status_code == 200
    client.post(f"{base}/{reel}/approve", json={}, headers=api["h"])
    assert (
        client.post(
            f"{base}/{reel}/publish", json={"url": "https://instagram.com/reel/1"}, headers=api["h"]
        ).status_code
        == 200
    )
    r = client.post(
        f"/api/v1/w/{api['ws']}/deals/{deal_id}/cancel", json={"reason": "campaign stopped"}, headers=api["h"]
    )
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    with unit_of_work() as uow:
        rows = {p.content_item_id: p for p in uow.session.execute(select(Payable)).scalars()}
    assert set(rows) == {reel, story1}  # the untouched story lost its payable
    assert rows[reel].gross_minor == 66667 and rows[reel].clock_start == "publication"
    assert rows[story1].gross_minor == 66667 * 50 // 100 and rows[story1].status == "scheduled"
    assert rows[story1].due_at is not None
    assert _stage() == "declined"
    assert creator.get(ctx["link"]["path"]).status_code == 403
    assert (
        client.post(f"/api/v1/w/{api['ws']}/deals/{deal_id}/cancel", json={}, headers=api["h"]).status_code
        == 409
    )
    with unit_of_work() as uow:
        log = uow.session.execute(select(AuditLog).where(AuditLog.action == "deal.cancelled")).scalar_one()
    assert log.data["reason"] == "campaign stopped" and len(log.data["kill_fees"]) == 1
