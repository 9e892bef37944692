"""Invitations, roles and the owner rules."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from kizuna.db import unit_of_work
from kizuna.models.membership import Membership
from tests.conftest import login, make_user_and_workspace


def test_invite_accept_and_sign_in_as_the_new_member(client: Any, owner: dict[str, Any]) -> None:
    csrf = login(client, owner["email"])
    r = client.post(
        "/w/acme/settings/members/invite",
        data={"email": "mika@example.com", "role": "member", "csrf_token": csrf},
    )
    assert r.status_code == 200
    link = re.search(r"/invite/([A-Za-z0-9_\-]+)", r.text)
    assert link
    client.post("/logout", data={"csrf_token": csrf})
    page = client.get(f"/invite/{link.group(1)}")
    assert page.status_code == 200 and "mika@example.com" in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    r = client.post(
        f"/invite/{link.group(1)}",
        data={"name": "Mika", "password": "a long enough pw", "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    login(client, "mika@example.com", "a long enough pw")
    assert client.get("/w/acme").status_code == 200
    # the link works once
    again = client.get(f"/invite/{link.group(1)}")
    assert again.status_code == 409


def test_member_cannot_manage_members_and_owner_cannot_be_orphaned(
    client: Any, owner: dict[str, Any]
) -> None:
    make_user_and_workspace("mem@example.com", "acme", role="member")
    csrf = login(client, "mem@example.com")
    r = client.post(
        "/w/acme/settings/members/invite",
        data={"email": "x@example.com", "role": "viewer", "csrf_token": csrf},
    )
    assert r.status_code == 403
    client.post("/logout", data={"csrf_token": csrf})
    csrf = login(client, owner["email"])
    with unit_of_work() as uow:
        own = uow.session.execute(select(Membership).where(Membership.role == "owner")).scalar_one()
    r = client.post(f"/w/acme/settings/members/{own.id}/role", data={"role": "admin", "csrf_token": csrf})
    assert r.status_code == 409 and "at least one owner" in r.text


def test_admin_cannot_invite_an_owner(client: Any, owner: dict[str, Any]) -> None:
    make_user_and_workspace("adm@example.com", "acme", role="admin")
    csrf = login(client, "adm@example.com")
    r = client.post(
        "/w/acme/settings/members/invite",
        data={"email": "boss@example.com", "role": "owner", "csrf_token": csrf},
    )
    assert r.status_code == 403


def test_language_switch_persists_on_the_profile(client: Any, owner: dict[str, Any]) -> None:
    csrf = login(client, owner["email"])
    r = client.post(
        "/lang", data={"lang": "ja", "next": "/w/acme", "csrf_token": csrf}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == "/w/acme"
    assert "ダッシュボード" in client.get("/w/acme").text
    client.cookies.delete("kizuna_lang")
    assert "ダッシュボード" in client.get("/w/acme").text, "the profile keeps the choice without the cookie"


def test_accept_language_is_the_default(client: Any, owner: dict[str, Any]) -> None:
    assert "ログイン" in client.get("/login", headers={"Accept-Language": "ja-JP,ja;q=0.9,en;q=0.8"}).text
    assert "Sign in" in client.get("/login", headers={"Accept-Language": "fr-FR,en;q=0.5"}).text
