from __future__ import annotations

from typing import Any

from tests.deals.conftest import TERMS


def test_smoke(client: Any, signed_in: dict[str, Any]) -> None:
    w = signed_in
    h = {"X-CSRF-Token": w["csrf"]}
    r = client.get(f"/w/{w['ws']}/deals")
    assert r.status_code == 200, r.text
    r = client.get(f"/w/{w['ws']}/deals/new")
    assert r.status_code == 200, r.text
    data = {
        "csrf_token": w["csrf"],
        "campaign_id": w["campaign_id"],
        "influencer_id": w["influencer_id"],
        "currency": "JPY",
        "fee": "200000",
        "d0_platform": "instagram",
        "d0_format": "reel",
        "d0_count": "1",
        "d0_due": "2026-12-10",
        "net_days": "30",
        "clock_start": "publication",
        "disclosure_required": "on",
        "jurisdictions": ["jp", "us"],
        "creator_locale": "ja",
    }
    r = client.post(f"/w/{w['ws']}/deals", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text
    url = r.headers["location"]
    r = client.get(url)
    assert r.status_code == 200, r.text
    r = client.post(url + "/links", data={"csrf_token": w["csrf"], "days": "10"})
    assert r.status_code == 200, r.text
    import re

    link = re.search(r'(/portal/[^<"\s]+)', r.text).group(1)
    portal = client.__class__(client.app)
    r = portal.get(link)
    assert r.status_code == 200, r.text
    print(r.text[:300])
    _ = TERMS, h
