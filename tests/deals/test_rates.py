"""Rate guidance: tier cost ranges, reach × CPM and engagements × CPE, then the workspace's own history."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import select

from kizuna.db import unit_of_work
from kizuna.deals import rates
from kizuna.deals.terms import Deliverable
from kizuna.models.influencer import Influencer
from kizuna.models.workspace import Workspace
from kizuna.tenancy import bind_workspace
from tests.deals.conftest import TERMS, accepted_deal, create_deal_api, portal_csrf, portal_link


def _guide(ws_id: int, influencer_id: int, fmt: str = "feed", currency: str = "JPY") -> rates.Guidance:
    with unit_of_work() as uow:
        bind_workspace(uow.session, ws_id)
        inf = uow.session.get(Influencer, influencer_id)
        ws = uow.session.get(Workspace, ws_id)
        assert inf is not None
        return rates.guide(
            uow.session,
            influencer=inf,
            deliverable=Deliverable(platform="instagram", format=fmt),
            currency=currency,
            workspace=ws,
        )


def test_benchmarks_without_history(api: dict[str, Any]) -> None:
    g = _guide(api["workspace_id"], api["influencer_id"])
    assert g.basis == "benchmarks"
    keys = [r.key for r in g.reasons]
    assert keys == ["tier", "cpm", "cpe", "history_short"]
    tier = g.reasons[0]
    # micro tier (45,000 followers): $100–$1,000 per post at ¥150/$ → ¥15,000–¥150,000
    assert (tier.low_minor, tier.high_minor) == (15_000, 150_000)
    assert tier.params["tier"] == "Micro" and tier.params["followers"] == "45,000"
    # reach 45,000 × 20% = 9,000; CPM $5–$15 → ¥6,750–¥20,250, rounded to ¥1,000 steps
    assert (g.reasons[1].low_minor, g.reasons[1].high_minor) == (7_000, 20_000)
    # engagements 45,000 × 3.2% = 1,440; CPE $0.05–$0.30 → ¥10,800–¥64,800
    assert (g.reasons[2].low_minor, g.reasons[2].high_minor) == (11_000, 65_000)
    assert (g.low_minor, g.high_minor) == (11_000, 65_000)  # medians of the three estimates
    as_dict = g.as_dict()
    assert as_dict["reasons"][0]["message"].startswith("Micro tier (45,000 followers)")


def test_format_factor_and_currency(api: dict[str, Any]) -> None:
    story = _guide(api["workspace_id"], api["influencer_id"], "story")
    video = _guide(api["workspace_id"], api["influencer_id"], "video")
    assert story.reasons[0].high_minor < video.reasons[0].high_minor  # type: ignore[operator]
    usd = _guide(api["workspace_id"], api["influencer_id"], "feed", "USD")
    assert (usd.reasons[0].low_minor, usd.reasons[0].high_minor) == (100_00, 1000_00)


def test_workspace_history_takes_over_after_five_deals(
    client: Any, creator: Any, api: dict[str, Any]
) -> None:
    from kizuna.models.campaign import Campaign

    fees = [80_000, 90_000, 100_000, 110_000, 120_000]
    for i, fee in enumerate(fees):
        with unit_of_work() as uow:
            bind_workspace(uow.session, api["workspace_id"])
            camp = Campaign(workspace_id=api["workspace_id"], name=f"Past {i}", currency="JPY")
            uow.session.add(camp)
            uow.session.flush()
            cid = camp.id
        terms = copy.deepcopy(TERMS)
        terms["compensation"]["fee_minor"] = fee
        terms["deliverables"] = [{"platform": "instagram", "format": "feed", "count": 1}]
        deal = create_deal_api(client, {**api, "campaign_id": cid}, api["h"], terms)
        link = portal_link(client, api, api["h"], deal["id"])
        csrf = portal_csrf(creator, link["path"])
        assert (
            creator.post(
                link["path"] + "/offer/accept", data={"csrf_token": csrf, "expected_version": 1}
            ).status_code
            == 200
        )
        g = _guide(api["workspace_id"], api["influencer_id"])
        if i < 4:
            assert g.basis == "benchmarks" and g.reasons[-1].params["n"] == i + 1
    g = _guide(api["workspace_id"], api["influencer_id"])
    assert g.basis == "history"
    assert (g.low_minor, g.high_minor) == (90_000, 110_000)
    assert g.reasons[-1].params["median"] == "100000"
    # a different format is not comparable
    assert _guide(api["workspace_id"], api["influencer_id"], "reel").basis == "benchmarks"
    # the API shows the same reasoning
    r = client.get(
        f"/api/v1/w/{api['ws']}/deals/rate-guidance",
        params={"influencer_id": api["influencer_id"], "platform": "instagram", "format": "feed"},
        headers=api["h"],
    )
    assert r.status_code == 200 and r.json()["basis"] == "history"


def test_unknown_followers_give_no_suggestion(api: dict[str, Any]) -> None:
    from kizuna.models.social_account import SocialAccount

    with unit_of_work() as uow:
        bind_workspace(uow.session, api["workspace_id"])
        acct = uow.session.execute(select(SocialAccount)).scalar_one()
        acct.followers = None
        uow.session.execute(select(Influencer)).scalar_one().max_followers = None
    g = _guide(api["workspace_id"], api["influencer_id"])
    assert g.low_minor is None and g.basis == "none" and g.reasons[0].key == "no_followers"
    _ = accepted_deal
