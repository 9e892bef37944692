"""The influencer pages in Japanese: the country filter lists countries only, platform lists read as words."""

from __future__ import annotations

from typing import Any

from tests.conftest import login
from tests.deals.conftest import make_world


def test_influencer_pages_in_japanese(client: Any, db: Any) -> None:
    w = make_world()
    login(client, w["email"])
    client.cookies.set("kizuna_lang", "ja")
    listing = client.get(f"/w/{w['ws']}/influencers").text
    assert '<option value="JP" >日本</option>' in listing
    assert "疑似" not in listing and "不明な地域" not in listing  # CLDR pseudo-regions are not countries
    new = client.get(f"/w/{w['ws']}/influencers/new").text
    assert '<option value="blog">ブログ</option>' in new and "<option>blog</option>" not in new
    profile = client.get(f"/w/{w['ws']}/influencers/{w['influencer_id']}").text
    assert '<option value="podcast">ポッドキャスト</option>' in profile


def test_languages_and_countries_read_as_names(client: Any, db: Any) -> None:
    """The profile and the registry name languages and countries (日本語 / Japanese), never ``ja`` or ``JP``."""
    from kizuna.db import unit_of_work
    from kizuna.models.influencer import Influencer
    from kizuna.tenancy import bind_workspace

    w = make_world()
    with unit_of_work() as uow:
        bind_workspace(uow.session, w["workspace_id"])
        inf = uow.session.get(Influencer, w["influencer_id"])
        assert inf is not None
        inf.languages, inf.country = ["ja", "zh-TW", "xx-custom"], "TW"
    login(client, w["email"])
    profile = client.get(f"/w/{w['ws']}/influencers/{w['influencer_id']}").text
    assert "<td>Japanese, Chinese (Taiwan), xx-custom</td>" in profile and " · Taiwan" in profile
    assert "<td>Taiwan</td>" in client.get(f"/w/{w['ws']}/influencers").text
    client.cookies.set("kizuna_lang", "ja")
    profile = client.get(f"/w/{w['ws']}/influencers/{w['influencer_id']}").text
    assert "<td>日本語, 中国語（台湾）, xx-custom</td>" in profile and " · 台湾" in profile
    assert "<td>ja, zh-TW" not in profile
    assert "<td>台湾</td>" in client.get(f"/w/{w['ws']}/influencers").text


def test_import_formats_read_in_japanese(client: Any, db: Any) -> None:
    w = make_world()
    login(client, w["email"])
    client.cookies.set("kizuna_lang", "ja")
    page = client.get(f"/w/{w['ws']}/influencers/import").text
    assert '<option value="instagram">Instagram ビジネスディスカバリー</option>' in page
    assert '<option value="tiktok">TikTok ユーザー情報</option>' in page
    assert "business discovery</option>" not in page and "user info</option>" not in page
