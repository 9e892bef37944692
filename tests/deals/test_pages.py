"""Pages render for owners, in both languages; the nav shows Deals and Content; every route of this domain
keeps workspace isolation (404 for another tenant's objects) and read-only viewers (403)."""

from __future__ import annotations

import re
from typing import Any

from fastapi.routing import APIRoute

from kizuna.tenancy import PATH_PARAMS
from tests.conftest import login, make_user_and_workspace
from tests.deals.conftest import accepted_deal, make_world

MINE = ("/w/{ws}/deals", "/w/{ws}/content", "/api/v1/w/{ws}/deals")
PARAM = re.compile(r"{([^}:]+)(?::[^}]*)?}")


def test_nav_shows_deals_and_content(client: Any, api: dict[str, Any]) -> None:
    login(client, api["email"])
    html = client.get(f"/w/{api['ws']}").text
    assert f'href="/w/{api["ws"]}/deals"' in html and f'href="/w/{api["ws"]}/content"' in html


def test_every_page_renders_in_english_and_japanese(client: Any, creator: Any, api: dict[str, Any]) -> None:
    ctx = accepted_deal(client, creator, api)
    deal_id = ctx["deal"]["id"]
    items = client.get(f"/api/v1/w/{api['ws']}/deals/{deal_id}/content", headers=api["h"]).json()
    login(client, api["email"])
    ws = api["ws"]
    paths = [
        f"/w/{ws}/deals",
        f"/w/{ws}/deals?status=accepted",
        f"/w/{ws}/deals/new",
        f"/w/{ws}/deals/new?campaign_id={api['campaign_id']}&influencer_id={api['influencer_id']}",
        f"/w/{ws}/deals/{deal_id}",
        f"/w/{ws}/deals/{deal_id}/agreement",
        f"/w/{ws}/deals/briefs/{api['campaign_id']}",
        f"/w/{ws}/deals/payments",
        f"/w/{ws}/deals/payments?status=overdue",
        f"/w/{ws}/content",
        f"/w/{ws}/content?status=draft",
        f"/w/{ws}/content/{items[0]['id']}",
    ]
    for lang, word in (("en", "Deals"), ("ja", "契約")):
        client.cookies.set("kizuna_lang", lang)
        for path in paths:
            r = client.get(path)
            assert r.status_code == 200, (path, r.text[:300])
            assert word in r.text, (lang, path)
    client.cookies.set("kizuna_lang", "en")
    detail = client.get(f"/w/{ws}/deals/{deal_id}").text
    assert "Rate guidance" in detail and "Suggested per unit:" in detail
    pdf = client.get(f"/w/{ws}/deals/{deal_id}/agreement.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_new_offer_form_reports_problems(client: Any, api: dict[str, Any]) -> None:
    csrf = login(client, api["email"])
    r = client.post(
        f"/w/{api['ws']}/deals",
        data={
            "csrf_token": csrf,
            "campaign_id": api["campaign_id"],
            "influencer_id": api["influencer_id"],
            "fee": "abc",
        },
    )
    assert r.status_code == 422 and "Enter amounts as numbers." in r.text
    r = client.post(
        f"/w/{api['ws']}/deals",
        data={
            "csrf_token": csrf,
            "campaign_id": api["campaign_id"],
            "influencer_id": api["influencer_id"],
            "fee": "1000",
        },
    )
    assert r.status_code == 422 and "Add at least one deliverable." in r.text


def _routes(app: Any) -> list[tuple[str, str]]:
    out = []
    for route in app.routes:
        if isinstance(route, APIRoute) and route.path.startswith(MINE):
            out += [(m, route.path) for m in sorted(route.methods) if m != "HEAD"]
    return out


def _url(path: str, ws: str, ids: dict[str, int]) -> str:
    return PARAM.sub(lambda m: ws if m.group(1) == "ws" else str(ids.get(m.group(1), 1)), path)


def test_routes_of_this_domain_respect_tenancy_and_viewers(
    app: Any, client: Any, creator: Any, api: dict[str, Any]
) -> None:
    ctx = accepted_deal(client, creator, api)
    items = client.get(f"/api/v1/w/{api['ws']}/deals/{ctx['deal']['id']}/content", headers=api["h"]).json()
    payables = client.get(f"/api/v1/w/{api['ws']}/deals/payables", headers=api["h"]).json()
    ids = {
        "deal_id": ctx["deal"]["id"],
        "portal_link_id": ctx["link"]["id"],
        "content_item_id": items[0]["id"],
        "payable_id": payables[0]["id"],
        "campaign_id": api["campaign_id"],
        "deal_file_id": 1,
    }
    routes = _routes(app)
    assert len(routes) > 30
    for _m, path in routes:
        for name in PARAM.findall(path):
            assert name == "ws" or name in PATH_PARAMS, path
    make_world("other")
    make_user_and_workspace("viewer@acme.example", api["ws"], role="viewer")
    failures = []
    # another workspace's owner, in their own workspace, asking for our ids
    csrf_b = login(client, "owner@other.example")
    for method, path in routes:
        if "{" not in path.replace("{ws}", ""):
            continue
        r = client.request(
            method, _url(path, "other", ids), headers={"X-CSRF-Token": csrf_b}, follow_redirects=False
        )
        if r.status_code != 404:
            failures.append(f"{method} {path} as other tenant: {r.status_code}")
    csrf_v = login(client, "viewer@acme.example")
    for method, path in routes:
        r = client.request(
            method, _url(path, api["ws"], ids), headers={"X-CSRF-Token": csrf_v}, follow_redirects=False
        )
        if method != "GET" and r.status_code != 403:
            failures.append(f"{method} {path} as viewer: {r.status_code}")
        if method == "GET" and r.status_code >= 500:
            failures.append(f"GET {path} as viewer: {r.status_code}")
    assert not failures, "\n".join(failures)
