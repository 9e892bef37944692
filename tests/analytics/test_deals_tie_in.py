"""Spend comes from an accepted deal when there is one; overdue content raises a missed-deadline alert; the
campaign page shows the outreach/deals/content pipeline."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from kizuna.analytics.alerts import campaign_alerts
from kizuna.analytics.service import campaign_results
from kizuna.campaigns import service
from kizuna.models.campaign import Campaign
from kizuna.models.content_item import ContentItem
from kizuna.models.deal import Deal
from kizuna.models.deal_offer import DealOffer
from kizuna.models.influencer import Influencer
from tests.campaigns.helpers import ctx_for, setup_campaign
from tests.conftest import login


def test_accepted_deal_fee_is_spend_and_overdue_content_alerts(client: Any, owner: dict[str, Any]) -> None:
    info = setup_campaign(owner)
    with ctx_for(info) as ctx:
        c = ctx.get(Campaign, info["campaign_id"])
        aya = ctx.get(Influencer, info["aya"])
        service.add_to_shortlist(ctx, c, aya, fee=10_000)  # shortlist fee: replaced by the deal's
        deal = Deal(campaign_id=c.id, influencer_id=aya.id, status="accepted", currency="JPY")
        ctx.add(deal)
        ctx.session.flush()
        offer = DealOffer(
            deal_id=deal.id,
            version=1,
            author="brand",
            terms={},
            fee_minor=120_000,
            currency="JPY",
            status="accepted",
        )
        ctx.add(offer)
        ctx.session.flush()
        deal.accepted_offer_id = offer.id
        ctx.add(
            ContentItem(
                deal_id=deal.id,
                platform="instagram",
                format="reel",
                status="in_review",
                due_at=datetime(2026, 4, 10, tzinfo=UTC),
            )
        )
        ctx.session.flush()
        r = campaign_results(ctx.session, c)
        assert r.totals.spend_minor == 120_000
        alerts = campaign_alerts(ctx.session, c, [], date(2026, 4, 12), now=datetime(2026, 4, 12, tzinfo=UTC))
        assert [a.kind for a in alerts] == ["deadline_missed"]
        assert alerts[0].params == {"name": "Aya", "date": "2026-04-10"}
    login(client, info["email"])
    page = client.get(f"/w/{info['slug']}/campaigns/{info['campaign_id']}")
    assert page.status_code == 200
    assert "Accepted: 1" in page.text and "In review: 1" in page.text  # statuses read as words, not codes
