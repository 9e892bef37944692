"""The campaign form's target audience: genders, languages and interests chosen by name, not typed as codes."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from kizuna.models.campaign import Campaign
from tests.campaigns.helpers import ctx_for
from tests.conftest import login


def _checkbox(html: str, name: str, value: str) -> str:
    """The ``<label>`` holding the checkbox ``name=value`` (empty when there is none)."""
    m = re.search(
        rf'<label class="inline"><input type="checkbox" name="{name}" value="{re.escape(value)}" ?(checked)?> '
        r"([^<]*)</label>",
        html,
    )
    return m.group(0) if m else ""


def test_new_campaign_form_offers_named_choices_in_japanese(client: Any, owner: dict[str, Any]) -> None:
    login(client, owner["email"])
    client.cookies.set("kizuna_lang", "ja")
    html = client.get(f"/w/{owner['slug']}/campaigns").text
    assert _checkbox(html, "genders", "female").endswith(" 女性</label>")
    assert _checkbox(html, "genders", "male").endswith(" 男性</label>")
    for code, name in (
        ("ja", "日本語"),
        ("en", "英語"),
        ("zh-tw", "中国語（台湾）"),
        ("th", "タイ語"),
        ("pt", "ポルトガル語"),
    ):
        assert _checkbox(html, "languages", code).endswith(f" {name}</label>"), code
    assert _checkbox(html, "interests", "skincare").endswith(" スキンケア</label>")
    assert _checkbox(html, "interests", "gaming").endswith(" ゲーム</label>")
    assert "checked" not in _checkbox(html, "languages", "ja")
    # no free-text fields asking for codes any more
    assert 'placeholder="female, male"' not in html and 'placeholder="ja, en"' not in html
    assert 'placeholder="beauty, skincare"' not in html


def test_create_with_checkboxes_and_edit_keeps_the_choices(client: Any, owner: dict[str, Any]) -> None:
    csrf = login(client, owner["email"])
    base = f"/w/{owner['slug']}/campaigns"
    r = client.post(
        base,
        data={
            "csrf_token": csrf,
            "name": "Asia beauty",
            "objective": "awareness",
            "currency": "JPY",
            "genders": ["female"],
            "languages": ["ja", "zh-tw", "th"],
            "interests": ["beauty", "skincare"],
            "countries": "JP, TW",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    with ctx_for(owner) as ctx:
        c = ctx.session.execute(select(Campaign).where(Campaign.name == "Asia beauty")).scalar_one()
        assert c.target == {
            "genders": ["female"],
            "countries": ["JP", "TW"],
            "languages": ["ja", "zh-tw", "th"],
            "interests": ["beauty", "skincare"],
        }
        campaign_id = c.id
        # a value outside the offered choices (set through the API) is kept when the form is saved
        c.target = {
            **c.target,
            "interests": ["beauty", "skincare", "kpop"],
            "languages": ["ja", "zh-TW", "yue"],
        }

    page = client.get(f"{base}/{campaign_id}").text
    assert "checked" in _checkbox(page, "genders", "female") and "checked" not in _checkbox(
        page, "genders", "male"
    )
    assert "checked" in _checkbox(page, "languages", "ja") and "checked" in _checkbox(
        page, "languages", "zh-tw"
    )
    assert "checked" not in _checkbox(page, "languages", "en")
    assert _checkbox(page, "languages", "yue").endswith("checked> Cantonese</label>")
    assert "checked" in _checkbox(page, "interests", "skincare")
    assert "checked" not in _checkbox(page, "interests", "fashion")
    assert _checkbox(page, "interests", "kpop").endswith("checked> kpop</label>")

    # post back exactly what the page ticks, plus one more language
    ticked = {
        name: re.findall(rf'name="{name}" value="([^"]*)" checked>', page)
        for name in ("genders", "languages", "interests")
    }
    r = client.post(
        f"{base}/{campaign_id}",
        data={
            "csrf_token": csrf,
            "name": "Asia beauty",
            "objective": "awareness",
            "status": "draft",
            "countries": "JP, TW",
            "genders": ticked["genders"],
            "languages": [*ticked["languages"], "ko"],
            "interests": ticked["interests"],
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    with ctx_for(owner) as ctx:
        c = ctx.session.get(Campaign, campaign_id)
        assert c is not None
        assert c.target["genders"] == ["female"]
        assert c.target["languages"] == ["ja", "zh-tw", "yue", "ko"]
        assert c.target["interests"] == ["beauty", "skincare", "kpop"]


def test_form_still_accepts_comma_separated_values(client: Any, owner: dict[str, Any]) -> None:
    """A client that posts the old text fields (``ja, en``) gets the same target as before."""
    csrf = login(client, owner["email"])
    r = client.post(
        f"/w/{owner['slug']}/campaigns",
        data={
            "csrf_token": csrf,
            "name": "Old client",
            "genders": "Female, male",
            "languages": "ja, EN",
            "interests": "beauty, skincare",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    with ctx_for(owner) as ctx:
        c = ctx.session.execute(select(Campaign).where(Campaign.name == "Old client")).scalar_one()
        assert c.target == {
            "genders": ["female", "male"],
            "languages": ["ja", "en"],
            "interests": ["beauty", "skincare"],
        }
