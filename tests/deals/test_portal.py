"""The creator portal: magic links that cannot be guessed, expire and can be revoked; CSRF; language."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from kizuna.db import unit_of_work
from kizuna.kit.crypto import Signer, new_token, token_hash
from kizuna.kit.time import utcnow
from kizuna.models.portal_link import PortalLink
from kizuna.tenancy import PUBLIC_PATHS
from tests.deals.conftest import accepted_deal, create_deal_api, make_world, portal_csrf, portal_link


def test_portal_is_a_registered_public_path(app: Any) -> None:
    assert "/portal/" in PUBLIC_PATHS


def test_link_shows_offer_and_only_the_hash_is_stored(client: Any, creator: Any, api: dict[str, Any]) -> None:
    deal = create_deal_api(client, api, api["h"])
    link = portal_link(client, api, api["h"], deal["id"])
    r = creator.get(link["path"])
    assert r.status_code == 200
    assert "Hana Sato" in r.text and "Spring serum launch" in r.text
    assert r.headers["cache-control"] == "no-store"
    secret = Signer("creator-portal").loads(link["path"].rsplit("/", 1)[1])
    with unit_of_work() as uow:
        stored = uow.session.execute(select(PortalLink.token_hash)).scalar_one()
    assert stored == token_hash(secret) and secret not in stored


def test_guessed_forged_and_foreign_tokens_are_404(client: Any, creator: Any, api: dict[str, Any]) -> None:
    deal = create_deal_api(client, api, api["h"])
    link = portal_link(client, api, api["h"], deal["id"])
    token = link["path"].rsplit("/", 1)[1]
    for bad in (
        new_token(32),  # a random guess
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # altered signature
        Signer("creator-portal").dumps(
            new_token(32)
        ),  # validly signed but unknown secret (leaked key scenario)
        Signer("login-session").dumps(Signer("creator-portal").loads(token)),  # right secret, wrong purpose
        "x" * 400,
    ):
        r = creator.get(f"/portal/{bad}")
        assert r.status_code == 404, bad
    assert creator.get(link["path"]).status_code == 200


def test_revoked_link_is_403(client: Any, creator: Any, api: dict[str, Any]) -> None:
    deal = create_deal_api(client, api, api["h"])
    link = portal_link(client, api, api["h"], deal["id"])
    other = portal_link(client, api, api["h"], deal["id"])
    assert creator.get(link["path"]).status_code == 200
    r = client.post(
        f"/api/v1/w/{api['ws']}/deals/{deal['id']}/portal-links/{link['id']}/revoke", headers=api["h"]
    )
    assert r.status_code == 204
    r = creator.get(link["path"], headers={"Accept-Language": "en"})
    assert r.status_code == 403 and "withdrawn" in r.text
    assert creator.get(link["path"] + "/agreement").status_code == 403
    assert creator.get(other["path"]).status_code == 200  # only that link


def test_expired_link_is_403(client: Any, creator: Any, api: dict[str, Any]) -> None:
    deal = create_deal_api(client, api, api["h"])
    link = portal_link(client, api, api["h"], deal["id"], days=1)
    with unit_of_work() as uow:
        row = uow.session.execute(select(PortalLink)).scalar_one()
        row.expires_at = utcnow() - timedelta(seconds=1)
    r = creator.get(link["path"], headers={"Accept-Language": "en"})
    assert r.status_code == 403 and "expired" in r.text
    r = client.post(
        f"/api/v1/w/{api['ws']}/deals/{deal['id']}/portal-links", json={"days": 999}, headers=api["h"]
    )
    assert r.status_code == 422


def test_writes_need_the_csrf_token(client: Any, creator: Any, api: dict[str, Any]) -> None:
    deal = create_deal_api(client, api, api["h"])
    link = portal_link(client, api, api["h"], deal["id"])
    creator.get(link["path"])
    r = creator.post(link["path"] + "/offer/accept", data={"expected_version": 1})
    assert r.status_code == 403
    r = creator.post(link["path"] + "/offer/accept", data={"expected_version": 1, "csrf_token": "forged"})
    assert r.status_code == 403
    assert (
        client.get(f"/api/v1/w/{api['ws']}/deals/{deal['id']}", headers=api["h"]).json()["status"]
        == "negotiating"
    )


def test_language_follows_accept_language_then_the_deal(
    client: Any, creator: Any, api: dict[str, Any]
) -> None:
    deal = create_deal_api(client, api, api["h"])
    link = portal_link(client, api, api["h"], deal["id"])
    r = creator.get(link["path"], headers={"Accept-Language": "en-US,en;q=0.9"})
    assert 'lang="en"' in r.text and "Accept this offer" in r.text
    r = creator.get(link["path"], headers={"Accept-Language": "ja,en;q=0.5"})
    assert 'lang="ja"' in r.text and "このオファーを承諾する" in r.text
    r = creator.get(link["path"])  # no header: the deal's creator language (ja)
    assert 'lang="ja"' in r.text
    creator.cookies.set("kizuna_lang", "en")
    r = creator.get(link["path"], headers={"Accept-Language": "ja"})
    assert 'lang="en"' in r.text  # an explicit choice wins


def test_objects_of_another_deal_are_404(client: Any, creator: Any, api: dict[str, Any]) -> None:
    ctx = accepted_deal(client, creator, api)
    items = client.get(f"/api/v1/w/{api['ws']}/deals/{ctx['deal']['id']}/content", headers=api["h"]).json()
    # a second workspace with its own deal and link
    other = make_world("other", name="Other Creator")
    from tests.deals.conftest import api_headers

    oh = api_headers(client, other["email"], other["ws"])
    odeal = create_deal_api(client, other, oh)
    olink = portal_link(client, other, oh, odeal["id"])
    csrf = portal_csrf(creator, olink["path"])
    r = creator.post(
        f"{olink['path']}/content/{items[0]['id']}/draft", data={"csrf_token": csrf, "caption": "hi"}
    )
    assert r.status_code == 404
    r = creator.get(f"{olink['path']}/files/1")
    assert r.status_code == 404


def test_portal_page_works_on_a_phone_viewport(client: Any, creator: Any, api: dict[str, Any]) -> None:
    ctx = accepted_deal(client, creator, api)
    html = creator.get(ctx["link"]["path"]).text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "noindex" in html
