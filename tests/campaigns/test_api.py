"""The campaign API end to end with a bearer token."""

from __future__ import annotations

from typing import Any

from kizuna.accounts import service as accounts
from kizuna.db import unit_of_work
from kizuna.models.user import User
from kizuna.models.workspace import Workspace
from tests.campaigns.helpers import setup_campaign


def _token(info: dict[str, Any]) -> str:
    with unit_of_work() as uow:
        ws = uow.session.get(Workspace, info["workspace_id"])
        user = uow.session.get(User, info["user_id"])
        assert ws is not None and user is not None
        return accounts.create_api_token(uow.session, ws, user, name="api").token


def test_campaign_api_flow(client: Any, owner: dict[str, Any]) -> None:
    info = setup_campaign(owner)
    h = {"Authorization": f"Bearer {_token(info)}"}
    base = f"/api/v1/w/{info['slug']}/campaigns"
    r = client.post(
        base,
        json={
            "name": "API launch",
            "objective": "conversion",
            "budget": 300000,
            "kpis": [{"metric": "revenue", "target": 1000000}],
            "platforms": ["tiktok"],
        },
        headers=h,
    )
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    assert r.json()["budget"] == 300000 and r.json()["currency"] == "JPY"
    assert client.patch(f"{base}/{cid}", json={"status": "active"}, headers=h).json()["status"] == "active"
    bad = client.post(f"{base}/{cid}/links", json={"destination": "https://evil.example.net/"}, headers=h)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "destination_not_allowed"
    link = client.post(
        f"{base}/{cid}/links",
        json={"destination": "https://shop.example.com/", "influencer_id": info["aya"]},
        headers=h,
    ).json()
    assert link["short_url"].endswith(f"/r/{link['code']}") and "utm_medium=influencer" in link["target"]
    assert (
        client.post(
            f"{base}/{cid}/shortlist", json={"influencer_id": info["aya"], "fee": 80000}, headers=h
        ).status_code
        == 201
    )
    codes = client.post(
        f"{base}/{cid}/codes", json={"influencer_id": info["aya"], "suffix": "5"}, headers=h
    ).json()
    assert codes["codes"] == ["AYABEAUTY5"]
    post = client.post(
        f"{base}/{cid}/posts",
        json={
            "url": "https://www.tiktok.com/@aya_beauty/video/7300000000000000001",
            "influencer_id": info["aya"],
            "caption": "#PR 新作",
        },
        headers=h,
    )
    assert post.status_code == 201, post.text
    snap = client.post(
        f"{base}/{cid}/posts/{post.json()['campaign_post_id']}/snapshots",
        json={"reach": 40000, "likes": 2000, "comments": 100, "shares": 50, "saves": 50},
        headers=h,
    )
    assert snap.status_code == 201, snap.text
    imp = client.post(
        f"{base}/{cid}/orders/import",
        content="order_id,created_at,revenue,discount_codes\nX1,2026-04-03T10:00:00Z,40000,AYABEAUTY5\n",
        headers={**h, "content-type": "text/csv"},
    )
    assert imp.json() == {"created": 1, "updated": 0, "problems": []}
    res = client.get(f"{base}/{cid}/results", headers=h).json()
    t = res["totals"]
    assert (t["reach"], t["engagements"], t["conversions"], t["revenue_minor"], t["spend_minor"]) == (
        40000,
        2200,
        1,
        40000,
        80000,
    )
    assert t["roas"] == 0.5 and abs(t["cpe"] - 80000 / 2200) < 1e-9
    assert res["pacing"][0]["metric"] == "revenue"
    fc = client.get(f"{base}/{cid}/forecast", params={"influencer_id": info["ken"]}, headers=h).json()
    assert fc["interval"] == 0.8 and fc["reach"]["low"] <= fc["reach"]["high"]
    sc = client.get(f"/api/v1/w/{info['slug']}/analytics/scorecards/{info['aya']}", headers=h).json()
    assert sc["campaigns"] == 1 and sc["posts"] == 1 and sc["conversions"] == 1 and sc["roas"] == 0.5
    x = client.get(f"{base}/{cid}/report.xlsx", params={"lang": "ja"}, headers=h)
    assert x.status_code == 200 and x.content[:2] == b"PK"
