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


def test_registry_tier_filter_offers_the_workspace_tiers_with_celebrity(client: Any, db: Any) -> None:
    """The registry's tier filter offers what ``tier_choices`` offers (Celebrity too, in the global scheme)."""
    from kizuna.db import unit_of_work
    from kizuna.influencers.tiers import tier_choices
    from kizuna.models.workspace import Workspace

    w = make_world()
    with unit_of_work() as uow:
        ws = uow.session.get(Workspace, w["workspace_id"])
        assert ws is not None
        expected = tier_choices(ws, "ja")
    assert expected[-1] == ("celebrity", "セレブリティ")
    login(client, w["email"])
    client.cookies.set("kizuna_lang", "ja")
    listing = client.get(f"/w/{w['ws']}/influencers").text
    tier_select = listing.split('<select name="tier">', 1)[1].split("</select>", 1)[0]
    for key, label in expected:
        assert f'<option value="{key}" >{label}</option>' in tier_select
    chosen = client.get(f"/w/{w['ws']}/influencers?tier=celebrity").text
    assert '<option value="celebrity" selected>セレブリティ</option>' in chosen


def test_registry_country_filter_uses_short_names(client: Any, db: Any) -> None:
    """香港 / マカオ as the rest of the app names them, not CLDR's 中華人民共和国香港特別行政区."""
    w = make_world()
    login(client, w["email"])
    client.cookies.set("kizuna_lang", "ja")
    listing = client.get(f"/w/{w['ws']}/influencers").text
    assert '<option value="HK" >香港</option>' in listing and '<option value="MO" >マカオ</option>' in listing
    assert "特別行政区" not in listing
    edit = client.get(f"/w/{w['ws']}/influencers/{w['influencer_id']}/edit").text
    assert '<option value="HK" >香港</option>' in edit
    client.cookies.set("kizuna_lang", "en")
    listing = client.get(f"/w/{w['ws']}/influencers").text
    assert '<option value="HK" >Hong Kong</option>' in listing and "SAR China" not in listing
