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


def test_campaign_page_names_stages_tiers_and_audience_in_both_languages(client: Any, db: Any) -> None:
    """Stage and tier codes ("content", "micro") read as words in English too, like the target's languages."""
    from kizuna.models.campaign import Campaign
    from kizuna.models.campaign_influencer import CampaignInfluencer
    from kizuna.models.influencer import Influencer

    w = make_world()
    with unit_of_work() as uow:
        s = uow.session
        bind_workspace(s, w["workspace_id"])
        camp = s.execute(select(Campaign).where(Campaign.id == w["campaign_id"])).scalar_one()
        camp.target = {"countries": ["JP", "TW"], "languages": ["ja", "zh-TW"]}
        inf = s.get(Influencer, w["influencer_id"])
        assert inf is not None
        inf.tier = "micro"
        s.add(
            CampaignInfluencer(
                workspace_id=w["workspace_id"], campaign_id=camp.id, influencer_id=inf.id, stage="content"
            )
        )
    login(client, w["email"])
    html = client.get(f"/w/{w['ws']}/campaigns/{w['campaign_id']}").text
    assert '<span class="badge">Creating content: 1</span>' in html and "<td>Creating content</td>" in html
    assert '<small class="muted">Micro</small>' in html and ">micro<" not in html
    assert "Japan, Taiwan Japanese, Chinese (Taiwan)" in html
    client.cookies.set("kizuna_lang", "ja")
    html = client.get(f"/w/{w['ws']}/campaigns/{w['campaign_id']}").text
    assert '<span class="badge">制作中: 1</span>' in html and '<small class="muted">マイクロ</small>' in html
    assert "日本, 台湾 日本語, 中国語（台湾）" in html
