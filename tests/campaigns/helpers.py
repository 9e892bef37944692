"""Shared set-up for the campaign, tracking and analytics tests: a workspace with influencers and a campaign."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import select

from kizuna.db import unit_of_work
from kizuna.models.influencer import Influencer
from kizuna.models.membership import Membership
from kizuna.models.social_account import SocialAccount
from kizuna.models.user import User
from kizuna.models.workspace import Workspace
from kizuna.tenancy import Ctx, bind_workspace


@contextmanager
def ctx_for(info: dict[str, Any]) -> Iterator[Ctx]:
    """A committed unit of work acting as the workspace owner."""
    with unit_of_work() as uow:
        s = uow.session
        bind_workspace(s, info["workspace_id"])
        ws = s.get(Workspace, info["workspace_id"])
        user = s.get(User, info["user_id"])
        assert ws is not None and user is not None
        role = s.execute(
            select(Membership.role).where(Membership.user_id == user.id, Membership.workspace_id == ws.id)
        ).scalar_one()
        yield Ctx(session=s, user=user, workspace=ws, role=role)


def add_influencer(
    ctx: Ctx, name: str, handle: str, followers: int, tier: str, platform: str = "instagram"
) -> int:
    inf = Influencer(display_name=name, tier=tier, max_followers=followers)
    ctx.add(inf)
    ctx.session.flush()
    ctx.add(
        SocialAccount(
            influencer_id=inf.id,
            platform=platform,
            handle=handle,
            handle_key=handle.lower(),
            followers=followers,
            tier=tier,
        )
    )
    ctx.session.flush()
    return inf.id


def setup_campaign(
    info: dict[str, Any], *, domains: tuple[str, ...] = ("shop.example.com",)
) -> dict[str, Any]:
    from kizuna.campaigns import service
    from kizuna.tracking import links

    with ctx_for(info) as ctx:
        links.set_allowed_domains(ctx.workspace, domains)
        aya = add_influencer(ctx, "Aya", "aya_beauty", 50_000, "micro")
        ken = add_influencer(ctx, "Ken", "ken_big", 800_000, "macro")
        campaign = service.create_campaign(
            ctx,
            {
                "name": "Spring Launch",
                "objective": "launch",
                "currency": "JPY",
                "budget": 1_000_000,
                "starts_on": date(2026, 4, 1),
                "ends_on": date(2026, 4, 30),
                "platforms": ["instagram"],
                "kpis": [{"metric": "reach", "target": 100_000}, {"metric": "conversions", "target": 10}],
            },
        )
        return {"campaign_id": campaign.id, "aya": aya, "ken": ken, **info}
