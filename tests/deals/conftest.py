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
        camp = Campaign(workspace_id=info["workspace_id"], name="Spring serum launch", currency="JPY",
                        brief_text="New vitamin C serum", starts_on=date(2026, 12, 1))
        inf = Influencer(workspace_id=info["workspace_id"], display_name=name, max_followers=followers)
        s.add_all([camp, inf])
        s.flush()
        s.add(SocialAccount(workspace_id=info["workspace_id"], influencer_id=inf.id, platform="instagram",
                            handle="hana", handle_key="hana", followers=followers, engagement_rate=3.2))
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
