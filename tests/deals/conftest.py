"""Fixtures for the deals, portal, content and payments tests: a workspace with a campaign and a creator."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from kizuna.db import unit_of_work
from kizuna.tenancy import bind_workspace
from tests.conftest import login, make_user_and_workspace

TERMS: dict[str, Any] = {
    "currency": "JPY",
    "compensation": {"fee_minor": 200000},
    "deliverables": [
        {"platform": "instagram", "format": "reel", "count": 1, "due_dates": ["2026-12-10"]},
        {"platform": "instagram", "format": "story", "count": 2},
    ],
    "usage": {"channels": ["brand_website"], "duration_days": 90, "paid_ads_whitelisting": True},
    "exclusivity": {"category": "skincare", "days": 30},
    "payment": {"net_days": 30, "clock_start": "publication"},
    "disclosure": {"required": True, "jurisdictions": ["jp", "us"], "wording": "【PR】"},
}


def make_world(slug: str = "acme", followers: int = 45_000, name: str = "Hana Sato") -> dict[str, Any]:
    from kizuna.models.campaign import Campaign
    from kizuna.models.influencer import Influencer
    from kizuna.models.social_account import SocialAccount
    from kizuna.models.workspace import Workspace

    info = make_user_and_workspace(f"owner@{slug}.example", slug)
    with unit_of_work() as uow:
        s = uow.session
        bind_workspace(s, info["workspace_id"])
        camp = Campaign(
            workspace_id=info["workspace_id"],
            name="Spring serum launch",
            currency="JPY",
            brief_text="New vitamin C serum",
            starts_on=date(2026, 12, 1),
        )
        inf = Influencer(workspace_id=info["workspace_id"], display_name=name, max_followers=followers)
        s.add_all([camp, inf])
        s.flush()
        s.add(
            SocialAccount(
                workspace_id=info["workspace_id"],
                influencer_id=inf.id,
                platform="instagram",
                handle="hana",
                handle_key="hana",
                followers=followers,
                engagement_rate=3.2,
            )
        )
        ws = s.execute(select(Workspace).where(Workspace.id == info["workspace_id"])).scalar_one()
        info.update(campaign_id=camp.id, influencer_id=inf.id, ws=ws.slug)
    return info


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    return make_world()


@pytest.fixture
def signed_in(client: Any, world: dict[str, Any]) -> Iterator[dict[str, Any]]:
    csrf = login(client, world["email"])
    yield {**world, "csrf": csrf}


def api_headers(client: Any, email: str, slug: str) -> dict[str, str]:
    """A bearer token for ``email`` in workspace ``slug`` (API calls without CSRF)."""
    from kizuna.accounts import service
    from kizuna.models.user import User
    from kizuna.models.workspace import Workspace

    with unit_of_work() as uow:
        s = uow.session
        user = s.execute(select(User).where(User.email == email)).scalar_one()
        ws = s.execute(select(Workspace).where(Workspace.slug == slug)).scalar_one()
        tok = service.create_api_token(s, ws, user, name="tests")
    return {"Authorization": f"Bearer {tok.token}"}


def create_deal_api(
    client: Any, w: dict[str, Any], headers: dict[str, str], terms: dict[str, Any] | None = None
) -> dict[str, Any]:
    r = client.post(
        f"/api/v1/w/{w['ws']}/deals",
        json={"campaign_id": w["campaign_id"], "influencer_id": w["influencer_id"], "terms": terms or TERMS},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def portal_link(
    client: Any, w: dict[str, Any], headers: dict[str, str], deal_id: int, days: int = 30
) -> dict[str, Any]:
    r = client.post(f"/api/v1/w/{w['ws']}/deals/{deal_id}/portal-links", json={"days": days}, headers=headers)
    assert r.status_code == 201, r.text
    data = dict(r.json())
    data["path"] = data["url"].split("127.0.0.1:8000", 1)[-1]
    return data


def portal_csrf(creator: Any, path: str) -> str:
    """Load the portal page (sets the anonymous CSRF cookie) and return the token from its meta tag."""
    from tests.conftest import csrf_from

    r = creator.get(path)
    assert r.status_code == 200, r.text
    return csrf_from(r.text)


@pytest.fixture
def api(client: Any, world: dict[str, Any]) -> dict[str, Any]:
    return {**world, "h": api_headers(client, world["email"], world["ws"])}


@pytest.fixture
def creator(app: Any) -> Iterator[Any]:
    """A second browser with no session: the creator."""
    from fastapi.testclient import TestClient

    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        yield c


def accepted_deal(
    client: Any, creator: Any, api: dict[str, Any], terms: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A deal whose first offer the creator accepted in the portal; returns ids and the portal path."""
    deal = create_deal_api(client, api, api["h"], terms)
    link = portal_link(client, api, api["h"], deal["id"])
    csrf = portal_csrf(creator, link["path"])
    r = creator.post(
        link["path"] + "/offer/accept",
        data={"csrf_token": csrf, "expected_version": 1},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return {"deal": deal, "link": link, "csrf": csrf}
