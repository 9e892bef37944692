"""Discover page and search API: render, filter, explain, save searches, add results to shortlists and lists."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from kizuna.accounts import service as accounts
from kizuna.db import unit_of_work
from kizuna.models.campaign import Campaign
from kizuna.models.campaign_influencer import CampaignInfluencer
from kizuna.models.influencer_list import InfluencerList
from kizuna.models.influencer_list_member import InfluencerListMember
from kizuna.models.saved_search import SavedSearch
from kizuna.models.user import User
from kizuna.models.workspace import Workspace
from kizuna.tenancy import bind_workspace
from tests.conftest import login
from tests.discovery.conftest import Corpus


def _token(corpus: Corpus) -> dict[str, str]:
    with unit_of_work() as uow:
        ws = uow.session.get(Workspace, corpus.ws_id)
        user = uow.session.execute(select(User)).scalars().first()
        assert ws is not None and user is not None
        return {"Authorization": f"Bearer {accounts.create_api_token(uow.session, ws, user, name='t').token}"}


def _campaign_and_list(corpus: Corpus) -> tuple[int, int]:
    with unit_of_work() as uow:
        bind_workspace(uow.session, corpus.ws_id)
        c = Campaign(name="Spring skincare", workspace_id=corpus.ws_id, target={"countries": ["TW"]})
        lst = InfluencerList(name="Taiwan audience", workspace_id=corpus.ws_id)
        uow.session.add_all([c, lst])
        uow.session.flush()
        return c.id, lst.id


def test_api_search_with_filters_and_explanations(client: Any, corpus: Corpus) -> None:
    h = _token(corpus)
    r = client.get(
        f"/api/v1/w/{corpus.slug}/search",
        params=[("countries", "JP"), ("audience", "age:25-34>=45%"), ("keywords", "スキンケア")],
        headers=h,
    )
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["total"] == 2
    assert {x["display_name"] for x in data["results"]} == {"美咲｜スキンケア", "Yui 美容日記"}
    assert data["weights"] == {"keywords": 1.0}
    assert data["results"][0]["parts"][0]["detail"]["matched"] == ["スキンケア"]
    assert "audience=age:25-34>=45%" not in data["filters"]  # labels are human readable
    assert "age:25-34>=45%" in data["filters"]


def test_api_errors_have_codes(client: Any, corpus: Corpus) -> None:
    h = _token(corpus)
    r = client.get(f"/api/v1/w/{corpus.slug}/search", params={"audience": "age:1-2>=3"}, headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_audience_threshold"
    r = client.get(f"/api/v1/w/{corpus.slug}/influencers/999999/lookalikes", headers=h)
    assert r.status_code == 404


def test_api_lookalikes_saved_searches_and_adding(client: Any, embedded_corpus: Corpus) -> None:
    corpus = embedded_corpus
    h = _token(corpus)
    campaign_id, list_id = _campaign_and_list(corpus)
    r = client.get(f"/api/v1/w/{corpus.slug}/influencers/{corpus.ids['misaki']}/lookalikes", headers=h)
    assert r.status_code == 200
    assert r.json()["results"][0]["display_name"] == "Yui 美容日記"

    r = client.post(
        f"/api/v1/w/{corpus.slug}/search",
        json={"brief": "スキンケア", "campaign_id": campaign_id, "limit": 3},
        headers=h,
    )
    assert r.status_code == 200
    assert r.json()["target"]["countries"] == ["TW"]

    r = client.post(
        f"/api/v1/w/{corpus.slug}/saved-searches",
        json={"name": "JP skincare", "params": {"countries": "JP", "categories": "skincare"}},
        headers=h,
    )
    assert r.status_code == 201, r.text
    saved_id = r.json()["id"]
    assert client.get(f"/api/v1/w/{corpus.slug}/saved-searches", headers=h).json()[0]["name"] == "JP skincare"
    r = client.get(f"/api/v1/w/{corpus.slug}/saved-searches/{saved_id}/results", headers=h)
    assert r.json()["total"] == 2

    ids = [corpus.ids["misaki"], corpus.ids["yui"]]
    r = client.post(
        f"/api/v1/w/{corpus.slug}/search/add",
        json={"influencer_ids": ids, "campaign_id": campaign_id, "list_id": list_id},
        headers=h,
    )
    assert r.json() == {"shortlisted": 2, "listed": 2}
    r = client.post(
        f"/api/v1/w/{corpus.slug}/search/add",
        json={"influencer_ids": ids, "campaign_id": campaign_id},
        headers=h,
    )
    assert r.json() == {"shortlisted": 0}
    with unit_of_work() as uow:
        bind_workspace(uow.session, corpus.ws_id)
        stages = uow.session.execute(select(CampaignInfluencer.stage)).scalars().all()
        assert stages == ["prospect", "prospect"]
        assert len(uow.session.execute(select(InfluencerListMember)).scalars().all()) == 2

    assert client.delete(f"/api/v1/w/{corpus.slug}/saved-searches/{saved_id}", headers=h).status_code == 204
    status = client.get(f"/api/v1/w/{corpus.slug}/search/index", headers=h).json()
    assert status == {"influencers": 7, "embedded": 7, "pending": 0}


def test_discover_page_renders_and_searches(client: Any, embedded_corpus: Corpus) -> None:
    corpus = embedded_corpus
    login(client, "owner@example.com")
    page = client.get(f"/w/{corpus.slug}/discover")
    assert page.status_code == 200
    assert f'href="/w/{corpus.slug}/discover"' in page.text  # the nav item appears
    assert 'name="brief"' in page.text and "htmx-indicator" in page.text

    r = client.get(
        f"/w/{corpus.slug}/discover/results",
        params={"brief": "25〜35歳の女性向けスキンケア、朝のルーティン", "countries": "JP"},
    )
    assert r.status_code == 200
    assert "美咲｜スキンケア" in r.text and "ラーメン巡りの達人" in r.text
    assert r.text.index("美咲｜スキンケア") < r.text.index("ラーメン巡りの達人")
    assert "semantic" in r.text and "スキンケア" in r.text

    ja = client.get(
        f"/w/{corpus.slug}/discover", params={"brief": "スキンケア"}, headers={"accept-language": "ja"}
    )
    assert "意味的類似度" in ja.text and "該当するクリエイター" in ja.text


def test_page_save_search_and_add_to_shortlist(client: Any, corpus: Corpus) -> None:
    campaign_id, list_id = _campaign_and_list(corpus)
    csrf = login(client, "owner@example.com")
    r = client.post(
        f"/w/{corpus.slug}/discover/saved",
        data={"csrf_token": csrf, "name": "Taiwan reach", "aud_country": "TW", "aud_country_min": "20"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    saved_id = int(re.search(r"saved=(\d+)", r.headers["location"]).group(1))  # type: ignore[union-attr]
    page = client.get(f"/w/{corpus.slug}/discover?saved={saved_id}")
    assert "Taiwan reach" in page.text and "小美 旅遊" in page.text and "美咲" not in page.text

    r = client.post(
        f"/w/{corpus.slug}/discover/add",
        data={
            "influencer_id": [str(corpus.ids["yui"]), str(corpus.ids["taipei"])],
            "target": f"campaign:{campaign_id}",
        },
        headers={"x-csrf-token": csrf, "hx-request": "true"},
    )
    assert r.status_code == 200 and "2" in r.text
    r = client.post(
        f"/w/{corpus.slug}/discover/add",
        data={"influencer_id": [str(corpus.ids["yui"])], "target": f"list:{list_id}"},
        headers={"x-csrf-token": csrf},
    )
    assert r.status_code == 200
    with unit_of_work() as uow:
        bind_workspace(uow.session, corpus.ws_id)
        assert len(uow.session.execute(select(CampaignInfluencer)).scalars().all()) == 2
        assert len(uow.session.execute(select(InfluencerListMember)).scalars().all()) == 1
        assert uow.session.execute(select(SavedSearch.name)).scalars().all() == ["Taiwan reach"]

    r = client.post(
        f"/w/{corpus.slug}/discover/saved/{saved_id}/delete",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303


def test_results_name_countries_languages_and_tiers(client: Any, corpus: Corpus) -> None:
    """A result reads "日本 · 日本語 · … · マイクロ", not "JP · ja · … · micro"; the tier filter lists the workspace's
    scheme by name (no "mid" and "middle" side by side)."""
    login(client, "owner@example.com")
    page = client.get(f"/w/{corpus.slug}/discover", params={"countries": "JP", "tiers": "micro"}).text
    assert "Japan · Japanese · Skincare, Beauty · Micro" in page and "JP · ja" not in page
    assert '<option value="mid" >Mid-tier</option>' in page and 'value="middle"' not in page
    client.cookies.set("kizuna_lang", "ja")
    page = client.get(f"/w/{corpus.slug}/discover", params={"countries": "JP", "tiers": "micro"}).text
    assert "日本 · 日本語 · スキンケア, 美容 · マイクロ" in page
    assert '<option value="micro" selected>マイクロ</option>' in page


def test_the_filters_in_force_read_as_words(client: Any, corpus: Corpus) -> None:
    """ "Filters: countries=JP · languages=ja" was the code's own notation; the page names each filter and value."""
    login(client, "owner@example.com")
    params = {
        "countries": "JP",
        "languages": "ja",
        "tiers": "micro",
        "platforms": "instagram",
        "followers_min": "10000",
        "has_email": "1",
    }
    client.cookies.set("kizuna_lang", "ja")
    page = client.get(f"/w/{corpus.slug}/discover/results", params=params).text
    shown = page.split("絞り込み条件: ", 1)[1].split("</p>", 1)[0]
    assert shown.startswith("プラットフォーム: Instagram") and "ティア: マイクロ" in shown
    assert "クリエイターの国: 日本" in shown and "言語: 日本語" in shown
    assert "countries=JP" not in page and "languages=ja" not in page
    client.cookies.set("kizuna_lang", "en")
    page = client.get(f"/w/{corpus.slug}/discover/results", params=params).text
    assert "Platform: Instagram · Tier: Micro" in page
    assert "Creator country: Japan · Language: Japanese" in page and "has e-mail" in page
    line = page.split("Filters: ", 1)[1].split("</p>", 1)[0]
    assert "Followers from 10K · Creator country" in line
