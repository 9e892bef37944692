"""The campaign page's link form: a destination on a domain the workspace does not allow (or another bad value)
is told on the form, next to its field, in the reader's language, with what was typed kept; the API keeps its
422 and stable error code."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from sqlalchemy import func, select

from kizuna.accounts import service as accounts
from kizuna.db import unit_of_work
from kizuna.models.tracking_link import TrackingLink
from kizuna.models.user import User
from kizuna.models.workspace import Workspace
from kizuna.tenancy import bind_workspace
from tests.campaigns.helpers import setup_campaign
from tests.conftest import login, make_user_and_workspace


def _links(workspace_id: int) -> int:
    with unit_of_work() as uow:
        bind_workspace(uow.session, workspace_id)
        return int(uow.session.execute(select(func.count(TrackingLink.id))).scalar_one())


def _post(client: Any, info: dict[str, Any], csrf: str, lang: str, **fields: str) -> Any:
    client.cookies.set("kizuna_lang", lang)
    return client.post(
        f"/w/{info['slug']}/campaigns/{info['campaign_id']}/links",
        data={"csrf_token": csrf, **fields},
        follow_redirects=False,
    )


def _form(html: str) -> str:
    """The link form's HTML."""
    m = re.search(r'<form method="post" action="[^"]*/links" class="row">.*?</form>', html, flags=re.S)
    assert m is not None, html
    return m.group(0)


def test_a_destination_on_a_domain_not_allowed_is_told_on_the_form(
    client: Any, owner: dict[str, Any]
) -> None:
    info = setup_campaign(owner)  # allows shop.example.com only
    csrf = login(client, owner["email"])
    typed = {
        "destination": "https://evil.example.net/landing?x=<b>1</b>",
        "influencer_id": str(info["aya"]),
        "platform": "tiktok",
        "expires_at": "2099-05-01T10:00",
    }

    r = _post(client, info, csrf, "ja", **typed)
    assert r.status_code == 422
    html = r.text
    assert "<h1>" in html and "Spring Launch" in html  # the campaign page, not an error page
    form = _form(html)
    # the reason, translated, next to the destination field; where to allow the domain, linked
    assert "リンク先がこのワークスペースで許可されたドメインではありません。" in form
    assert "evil.example.net をリンク先として許可するドメインに追加してください：" in form
    assert f'<a href="/w/{info["slug"]}/campaigns/tracking">トラッキング設定</a>' in form
    assert (
        form.index('name="destination"') < form.index('id="link-error"') < form.index('name="influencer_id"')
    )
    assert 'aria-invalid="true" aria-describedby="link-error"' in form
    # what was typed is still there (escaped)
    m = re.search(r'<input name="destination"[^>]*value="([^"]*)"', form)
    assert m is not None and unescape(m.group(1)) == typed["destination"]
    assert "<b>1</b>" not in form
    assert (
        f'name="influencer_id" list="shortlisted" size="10" placeholder="任意" value="{info["aya"]}"' in form
    )
    assert '<option value="tiktok" selected>TikTok</option>' in form
    assert 'value="2099-05-01T10:00"' in form
    assert _links(info["workspace_id"]) == 0

    en = _form(_post(client, info, csrf, "en", **typed).text)
    assert "The destination is not on one of this workspace&#39;s allowed domains." in en
    assert "Add evil.example.net to the allowed link domains:" in en

    # an allowed domain still makes the link and goes back to the page
    ok = _post(client, info, csrf, "en", destination="https://shop.example.com/p/1")
    assert ok.status_code == 303 and ok.headers["location"].endswith(
        f"/campaigns/{info['campaign_id']}#links"
    )
    assert _links(info["workspace_id"]) == 1


def test_other_link_form_errors_stay_on_the_form(client: Any, owner: dict[str, Any]) -> None:
    info = setup_campaign(owner)
    csrf = login(client, owner["email"])
    past = _post(
        client, info, csrf, "ja", destination="https://shop.example.com/", expires_at="2001-01-01T00:00"
    )
    assert past.status_code == 422
    form = _form(past.text)
    assert "有効期限には未来の日時を指定してください。" in form
    assert form.index('name="expires_at"') < form.index('id="link-error"')
    assert "トラッキング設定" not in form  # no domain hint for an error that is not about the domain
    bad_url = _form(_post(client, info, csrf, "en", destination="javascript:alert(1)").text)
    assert "The destination must be an http(s) address." in bad_url
    for typed in ("Aya", "999999"):  # a name instead of an id, an id that is not this workspace's
        r = _post(client, info, csrf, "ja", destination="https://shop.example.com/", influencer_id=typed)
        assert r.status_code == 422
        form = _form(r.text)
        assert "インフルエンサーが見つかりません。" in form
        assert (
            form.index('name="influencer_id"') < form.index('id="link-error"') < form.index('name="platform"')
        )
        assert 'value="https://shop.example.com/"' in form
    assert _links(info["workspace_id"]) == 0


def test_a_member_is_told_to_ask_an_admin(client: Any, owner: dict[str, Any]) -> None:
    info = setup_campaign(owner)
    make_user_and_workspace("member@example.com", info["slug"], role="member", workspace_exists=True)
    csrf = login(client, "member@example.com")
    form = _form(_post(client, info, csrf, "ja", destination="https://evil.example.net/").text)
    assert "evil.example.net をリンク先として許可するドメインに追加するよう管理者に依頼してください：" in form


def test_the_api_keeps_its_422_and_error_code(client: Any, owner: dict[str, Any]) -> None:
    info = setup_campaign(owner)
    with unit_of_work() as uow:
        ws = uow.session.get(Workspace, info["workspace_id"])
        user = uow.session.get(User, info["user_id"])
        assert ws is not None and user is not None
        token = accounts.create_api_token(uow.session, ws, user, name="api").token
    r = client.post(
        f"/api/v1/w/{info['slug']}/campaigns/{info['campaign_id']}/links",
        json={"destination": "https://evil.example.net/"},
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "ja"},
    )
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "destination_not_allowed"
    assert r.json()["error"]["details"] == {"host": "evil.example.net"}
