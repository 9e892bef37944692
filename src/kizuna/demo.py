"""``kizuna demo``: migrate, then create the demo user, workspace and synthetic data exactly once."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna import migrations
from kizuna.accounts import service
from kizuna.config import get_settings
from kizuna.db import get_engine, unit_of_work
from kizuna.kit.crypto import new_token
from kizuna.kit.time import utcnow
from kizuna.models.user import User
from kizuna.models.workspace import Workspace
from kizuna.tenancy import bind_workspace

DEMO_EMAIL = "demo@kizuna.example"
DEMO_SLUG = "demo"


@dataclass(frozen=True)
class DemoInfo:
    email: str
    password: str
    workspace_slug: str
    created: bool


def _credentials_path() -> Path:
    return get_settings().data_dir / "demo-login.json"


def _demo_password() -> str:
    """Generated once per data dir and kept there (0600), so a second ``make demo`` prints the same login."""
    path = _credentials_path()
    if path.exists():
        return str(json.loads(path.read_text(encoding="utf-8"))["password"])
    password = new_token(12)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"email": DEMO_EMAIL, "password": password}, fh)
    return password


def load_demo(*, influencers: int = 600, seed: int = 7, console: Console | None = None) -> DemoInfo:
    console = console or Console()
    settings = get_settings()
    settings.ensure_data_dir()
    engine = get_engine()
    migrations.upgrade(engine)
    password = _demo_password()
    with unit_of_work() as uow:
        existing = uow.session.execute(
            select(Workspace).where(Workspace.slug == DEMO_SLUG)
        ).scalar_one_or_none()
        if existing is not None:
            return DemoInfo(DEMO_EMAIL, password, DEMO_SLUG, created=False)
        user = uow.session.execute(select(User).where(User.email == DEMO_EMAIL)).scalar_one_or_none()
        if user is None:
            user = service.create_user(uow.session, email=DEMO_EMAIL, password=password, name="Demo Marketer")
        ws = service.create_workspace(
            uow.session, owner=user, slug=DEMO_SLUG, name="Hanami Skincare (demo)", currency="JPY"
        )
        ws.sender_identity = (
            "Hanami Skincare株式会社 / 〒150-0001 東京都渋谷区神宮前1-2-3 / partners@hanami.example"
        )
        bind_workspace(uow.session, ws.id)
        _seed(uow.session, ws, influencers=influencers, seed=seed, console=console)
        _seed_campaign(uow.session, ws, user)
    return DemoInfo(DEMO_EMAIL, password, DEMO_SLUG, created=True)


def _seed_campaign(session: Session, ws: Workspace, owner: User) -> None:
    """A launch campaign with a shortlist of beauty micro-influencers, so every section has something to show."""
    from datetime import date, timedelta

    from kizuna.models.campaign import Campaign
    from kizuna.models.campaign_influencer import CampaignInfluencer
    from kizuna.models.influencer import Influencer

    today = date.today()
    campaign = Campaign(
        workspace_id=ws.id,
        name="ビタミンC美容液 ローンチ / Vitamin C serum launch",
        objective="launch",
        status="active",
        description="Launch of the new vitamin C serum with beauty micro-influencers in Japan and Taiwan.",
        brief_text="25〜35歳の女性向けスキンケア、朝のルーティン。敏感肌でも使えるビタミンC美容液。",
        target={
            "age_min": 25,
            "age_max": 34,
            "genders": ["female"],
            "countries": ["JP", "TW"],
            "languages": ["ja"],
        },
        kpis=[
            {"metric": "reach", "target": 1_500_000},
            {"metric": "engagements", "target": 60_000},
            {"metric": "conversions", "target": 800},
        ],
        platforms=["instagram", "tiktok"],
        budget_minor=3_000_000,
        currency=ws.currency,
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=50),
        owner_user_id=owner.id,
    )
    session.add(campaign)
    session.flush()
    picks = session.execute(
        select(Influencer.id)
        .where(
            Influencer.primary_category.in_(("beauty", "skincare")),
            Influencer.tier.in_(("micro", "nano", "mid")),
        )
        .order_by(Influencer.engagement_rate.desc())
        .limit(12)
    ).scalars()
    for position, influencer_id in enumerate(picks):
        session.add(
            CampaignInfluencer(
                workspace_id=ws.id,
                campaign_id=campaign.id,
                influencer_id=influencer_id,
                stage="prospect",
                position=position,
                added_by_id=owner.id,
            )
        )


def _seed(session: Session, ws: Workspace, *, influencers: int, seed: int, console: Console) -> None:
    from rich.progress import Progress

    from kizuna import synthetic

    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("creating demo influencers", total=influencers)
        synthetic.write_to_db(
            session,
            ws.id,
            synthetic.generate(seed, influencers, as_of=utcnow()),
            batch_size=100,
            on_batch=lambda counts: progress.advance(task, counts.influencers),
        )
