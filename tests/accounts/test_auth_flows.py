"""Sign-in, sessions, CSRF, API tokens and the error contract."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from kizuna.db import unit_of_work
from kizuna.kit.time import utcnow
from kizuna.models.audit_log import AuditLog
from kizuna.models.login_attempt import LoginAttempt
from kizuna.models.user_session import UserSession
from tests.conftest import PASSWORD, csrf_from, login


def _token(email: str, slug: str) -> str:
    from kizuna.accounts import service
    from kizuna.models.user import User
    from kizuna.models.workspace import Workspace

    with unit_of_work() as uow:
        user = uow.session.execute(select(User).where(User.email == email)).scalar_one()
        ws = uow.session.execute(select(Workspace).where(Workspace.slug == slug)).scalar_one()
        return service.create_api_token(uow.session, ws, user, name="test").token


def test_wrong_password_is_401_with_message_and_counted(client: Any, owner: dict[str, Any]) -> None:
    page = client.get("/login")
    token = csrf_from(page.text)
    r = client.post(
        "/login", data={"email": owner["email"], "password": "nope-nope-nope", "csrf_token": token}
    )
    assert r.status_code == 401
    assert "not correct" in r.text
    with unit_of_work() as uow:
        failures = (
            uow.session.execute(select(LoginAttempt).where(LoginAttempt.succeeded.is_(False))).scalars().all()
        )
    # one row per key (e-mail and client address), kept although the request itself rolled back
    assert {f.key.split(":")[0] for f in failures} == {"email", "ip"}


def test_login_is_rate_limited_after_repeated_failures(client: Any, owner: dict[str, Any]) -> None:
    token = csrf_from(client.get("/login").text)
    for _ in range(5):
        r = client.post(
            "/login", data={"email": owner["email"], "password": "wrong-password", "csrf_token": token}
        )
        assert r.status_code == 401
    r = client.post("/login", data={"email": owner["email"], "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 429
    assert "Too many" in r.text


def test_login_form_without_csrf_is_refused(client: Any, owner: dict[str, Any]) -> None:
    client.get("/login")
    r = client.post("/login", data={"email": owner["email"], "password": PASSWORD})
    assert r.status_code == 403
    assert "csrf_failed" in r.text


def test_open_redirect_after_login_is_refused(client: Any, owner: dict[str, Any]) -> None:
    token = csrf_from(client.get("/login").text)
    for evil in ("https://evil.example/", "//evil.example", "/\\evil.example"):
        r = client.post(
            "/login",
            data={"email": owner["email"], "password": PASSWORD, "csrf_token": token, "next": evil},
            follow_redirects=False,
        )
        assert r.status_code == 303
        assert r.headers["location"] == "/", evil


def test_pages_need_sign_in_and_remember_where_to_go(client: Any, owner: dict[str, Any]) -> None:
    r = client.get("/w/acme/settings", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fw%2Facme%2Fsettings"


def test_write_without_csrf_token_is_refused_and_changes_nothing(client: Any, owner: dict[str, Any]) -> None:
    login(client, owner["email"])
    data = {"name": "Hacked", "currency": "USD", "timezone": "UTC", "tier_scheme": "global"}
    r = client.post("/w/acme/settings", data=data)
    assert r.status_code == 403
    r = client.post("/w/acme/settings", data={**data, "csrf_token": "forged"})
    assert r.status_code == 403
    assert "Acme" in client.get("/w/acme/settings").text


def test_settings_change_is_audited_in_the_same_transaction(client: Any, owner: dict[str, Any]) -> None:
    csrf = login(client, owner["email"])
    data = {
        "name": "Acme JP",
        "currency": "USD",
        "timezone": "UTC",
        "tier_scheme": "japan",
        "csrf_token": csrf,
    }
    r = client.post("/w/acme/settings", data=data, follow_redirects=False)
    assert r.status_code == 303
    with unit_of_work() as uow:
        actions = (
            uow.session.execute(select(AuditLog.action).where(AuditLog.workspace_id == owner["workspace_id"]))
            .scalars()
            .all()
        )
    assert "workspace.updated" in actions
    # a rejected change leaves neither the change nor an audit row
    bad = {**data, "currency": "XXX"}
    r = client.post("/w/acme/settings", data=bad)
    assert r.status_code == 422
    with unit_of_work() as uow:
        count = len(
            uow.session.execute(select(AuditLog).where(AuditLog.action == "workspace.updated"))
            .scalars()
            .all()
        )
    assert count == 1


def test_expired_session_asks_to_sign_in_again(client: Any, owner: dict[str, Any]) -> None:
    login(client, owner["email"])
    with unit_of_work() as uow:
        uow.session.execute(update(UserSession).values(expires_at=utcnow() - timedelta(minutes=1)))
    r = client.get("/api/v1/me")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "session_expired"
    r = client.get("/w/acme", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_logout_revokes_the_session(client: Any, owner: dict[str, Any]) -> None:
    csrf = login(client, owner["email"])
    cookie = client.cookies.get("kizuna_session")
    r = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    client.cookies.set("kizuna_session", cookie)
    assert client.get("/api/v1/me").status_code == 401


def test_api_token_auth_and_error_shapes(client: Any, owner: dict[str, Any]) -> None:
    token = _token(owner["email"], "acme")
    h = {"Authorization": f"Bearer {token}"}
    r = client.get("/api/v1/w/acme", headers=h)
    assert r.status_code == 200 and r.json()["currency"] == "JPY"
    r = client.get("/api/v1/w/acme", headers={"Authorization": "Bearer kz_wrong"})
    assert r.status_code == 401 and r.json() == {
        "error": {"code": "invalid_token", "message": "The API token is not valid."}
    }
    r = client.get("/api/v1/w/acme", headers={"Authorization": "Basic abc"})
    assert r.json()["error"]["code"] == "invalid_authorization_header"
    r = client.patch(
        "/api/v1/w/acme", headers={**h, "content-type": "application/json"}, content=b"{not json"
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "malformed_json"
    r = client.patch("/api/v1/w/acme", headers=h, json={"currency": "XXX"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_currency"
    r = client.patch("/api/v1/w/acme", headers=h, json={"currency": "USD"})
    assert r.status_code == 200 and r.json()["currency"] == "USD"
    assert client.get("/api/v1/w/nope", headers=h).json()["error"]["code"] == "workspace_not_found"
    assert client.get("/api/v1/nothing-here", headers=h).json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/w/acme/members", headers=h).json()[0]["role"] == "owner"


def test_api_errors_are_translated_for_japanese_clients(client: Any, owner: dict[str, Any]) -> None:
    r = client.get(
        "/api/v1/w/acme", headers={"Authorization": "Bearer kz_wrong", "Accept-Language": "ja,en;q=0.5"}
    )
    assert r.json()["error"] == {"code": "invalid_token", "message": "APIトークンが無効です。"}


def test_unknown_object_id_is_404(client: Any, owner: dict[str, Any]) -> None:
    csrf = login(client, owner["email"])
    r = client.post("/w/acme/settings/members/999999/role", data={"role": "admin", "csrf_token": csrf})
    assert r.status_code == 404
    r = client.post("/w/acme/settings/members/not-a-number/role", data={"role": "admin", "csrf_token": csrf})
    assert r.status_code == 404


def test_security_headers_on_every_response(client: Any) -> None:
    r = client.get("/login")
    assert r.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "http" not in r.text.split("<body")[0].replace("http-equiv", ""), "no external resources in <head>"


def test_api_docs_are_served_offline(client: Any) -> None:
    r = client.get("/api/docs")
    assert r.status_code == 200
    assert "cdn" not in r.text.lower() and "http" not in r.text
    assert "<script>" not in r.text, "no inline script (CSP)"
    for asset in ("/static/vendor/swagger-ui/swagger-ui-bundle.js", "/static/swagger-init.js"):
        assert client.get(asset).status_code == 200
    spec = client.get("/api/openapi.json").json()
    assert spec["info"]["title"] == "Kizuna API"
    assert "/api/v1/w/{ws}/members" in spec["paths"]


def test_no_template_or_static_file_loads_from_the_internet() -> None:
    from kizuna.web.templating import STATIC_DIR, TEMPLATE_DIR

    offenders = []
    for folder in (TEMPLATE_DIR, STATIC_DIR):
        for path in folder.rglob("*"):
            if path.suffix not in (".html", ".js", ".css") or "vendor" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            for attr in (
                'src="http',
                "src='http",
                'href="http',
                "href='http",
                "url(http",
                "@import url(http",
            ):
                if attr in text:
                    offenders.append(f"{path.name}: {attr}")
    assert not offenders, offenders


def test_oversized_request_is_refused_with_413(db: Any) -> None:
    from fastapi.testclient import TestClient

    from kizuna.app import create_app
    from kizuna.config import get_settings

    settings = get_settings()
    saved = (settings.import_max_bytes, settings.upload_max_bytes)
    settings.import_max_bytes = settings.upload_max_bytes = 1000
    try:
        small = TestClient(create_app(embedded_worker=False))
    finally:
        settings.import_max_bytes, settings.upload_max_bytes = saved
    r = small.post("/api/v1/w/acme/anything", content=b"x" * (1024 * 1024 + 5000))
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "payload_too_large", r.text


def test_changing_the_tier_scheme_retiers_influencers(client: Any, owner: dict[str, Any]) -> None:
    from kizuna.models.influencer import Influencer
    from kizuna.models.social_account import SocialAccount
    from kizuna.tenancy import bind_workspace

    with unit_of_work() as uow:
        bind_workspace(uow.session, owner["workspace_id"])
        inf = Influencer(display_name="Aoi", max_followers=5_000, tier="nano")
        uow.session.add(inf)
        uow.session.flush()
        uow.session.add(
            SocialAccount(
                influencer_id=inf.id, platform="instagram", handle="aoi", handle_key="aoi", followers=5_000
            )
        )
    csrf = login(client, owner["email"])
    data = {
        "name": "Acme",
        "currency": "JPY",
        "timezone": "Asia/Tokyo",
        "tier_scheme": "japan",
        "csrf_token": csrf,
    }
    assert client.post("/w/acme/settings", data=data, follow_redirects=False).status_code == 303
    with unit_of_work() as uow:
        ws_scheme = uow.session.execute(
            select(AuditLog.action).where(AuditLog.action == "workspace.tier_scheme")
        ).all()
        tier = uow.session.execute(select(Influencer.tier)).scalar_one()
    assert ws_scheme, "the re-tiering is audited"
    assert tier == "nano"  # 5,000 followers: nano in both schemes, but now computed by the Japan table


def test_dashboard_lists_tiers_from_the_smallest_band_in_the_readers_language(
    client: Any, owner: dict[str, Any]
) -> None:
    from kizuna.models.influencer import Influencer
    from kizuna.tenancy import bind_workspace

    with unit_of_work() as uow:
        bind_workspace(uow.session, owner["workspace_id"])
        for i, tier in enumerate(["celebrity", "mega", "nano", "micro", "nano", "macro", "mid"]):
            uow.session.add(Influencer(display_name=f"P{i}", max_followers=1000, tier=tier))
    login(client, owner["email"])
    import re

    def rows(html: str) -> list[str]:
        section = (
            html.split("Creators by tier")[1] if "Creators by tier" in html else html.split("ティア別")[1]
        )
        return re.findall(r"<tr><td>([^<]+)</td>", section.split("</table>")[0])

    assert rows(client.get("/w/acme").text) == ["Nano", "Micro", "Mid-tier", "Macro", "Mega", "Celebrity"]
    ja = client.get("/w/acme", headers={"Accept-Language": "ja"}).text
    assert rows(ja)[:2] == ["ナノ", "マイクロ"]
