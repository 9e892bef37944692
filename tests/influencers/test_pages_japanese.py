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
