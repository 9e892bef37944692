"""The campaign page in Japanese: platforms, audience and the link form's platform list read as words."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kizuna.db import unit_of_work
from kizuna.tenancy import bind_workspace
from tests.conftest import login
from tests.deals.conftest import make_world


def test_campaign_page_names_platforms_and_audience_in_japanese(client: Any, db: Any) -> None:
    from kizuna.models.campaign import Campaign

    w = make_world()
    with unit_of_work() as uow:
        bind_workspace(uow.session, w["workspace_id"])
        camp = uow.session.execute(select(Campaign).where(Campaign.id == w["campaign_id"])).scalar_one()
        camp.platforms = ["instagram", "blog"]
        camp.target = {"age_min": 25, "age_max": 34, "genders": ["female"], "interests": ["skincare"]}
    login(client, w["email"])
    client.cookies.set("kizuna_lang", "ja")
    html = client.get(f"/w/{w['ws']}/campaigns/{w['campaign_id']}").text
    assert "Instagram, ブログ" in html and "instagram, blog" not in html
    assert "25–34 · 女性" in html and "· female" not in html
    assert "スキンケア" in html
    assert (
        '<option value="podcast">ポッドキャスト</option>' in html and "<option>podcast</option>" not in html
    )
