"""Every registered route, current and future, respects workspace isolation and read-only viewers.

The test walks ``app.routes``. Routes under ``/w/{ws}`` (pages) or ``/api/v1/w/{ws}`` (API):
- a member of workspace B gets 404 for workspace A, and 404 for A's objects inside B's own workspace;
- a viewer of A gets 403 for every write;
- A's owner never gets a 5xx from a GET.
Every other route must be a known account route or registered with ``register_public_path``; path parameters
that name objects must be registered with ``register_path_param`` (an unknown one fails the test).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.routing import APIRoute

from kizuna.db import unit_of_work
from kizuna.kit.crypto import token_hash
from kizuna.tenancy import PATH_PARAMS, PUBLIC_PATHS, bind_workspace
from tests.conftest import login, make_user_and_workspace
from tests.factories import make_row

ACCOUNT_ROUTES = {
    "/",
    "/login",
    "/logout",
    "/lang",
    "/workspaces",
    "/account",
    "/account/password",
    "/invite/{token}",
    "/healthz",
    "/api/v1/me",
    "/api/openapi.json",
    "/api/docs",
    "/docs/oauth2-redirect",
}
WRITE = {"POST", "PUT", "PATCH", "DELETE"}
PARAM_RE = re.compile(r"{([^}:]+)(?::[^}]*)?}")


def _workspace_routes(app: Any) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        if not isinstance(route, APIRoute):
            continue
        for method in sorted(route.methods):
            if method == "HEAD":
                continue
            found.append((method, route.path))
    return found


def test_every_route_is_classified(app: Any) -> None:
    unknown = []
    for route in app.routes:
        if not isinstance(route, APIRoute):
            continue
        path = route.path
        if path.startswith(("/w/{ws}", "/api/v1/w/{ws}")):
            assert type(route).__name__ == "UnitOfWorkRoute", f"{path} is not a unit-of-work route"
            for name in PARAM_RE.findall(path):
                if name != "ws" and name not in PATH_PARAMS and not name.endswith("path"):
                    unknown.append(f"{path}: register_path_param({name!r}, Model)")
        elif path not in ACCOUNT_ROUTES and not any(path.startswith(p) for p in PUBLIC_PATHS):
            unknown.append(f"{path}: neither a workspace route nor register_public_path(...)")
    assert not unknown, "\n".join(unknown)


@pytest.fixture
def tenants(db: Any) -> dict[str, Any]:
    a = make_user_and_workspace("alice@a.example", "ws-a")
    v = make_user_and_workspace("viewer@a.example", "ws-a", role="viewer")
    b = make_user_and_workspace("bob@b.example", "ws-b")
    make_user_and_workspace("extra@a.example", "ws-a", role="member")
    objects: dict[str, int] = {}
    with unit_of_work() as uow:
        bind_workspace(uow.session, a["workspace_id"])
        from sqlalchemy import select

        from kizuna.models.membership import Membership
        from kizuna.models.user import User as _User

        extra = uow.session.execute(
            select(Membership)
            .join(_User, _User.id == Membership.user_id)
            .where(_User.email == "extra@a.example")
        ).scalar_one()
        # Memberships are unique per user; the generic factory reuses an existing member's row.
        cache: dict[type, Any] = {Membership: extra}
        for name, model in PATH_PARAMS.items():
            objects[name] = make_row(uow.session, model, a["workspace_id"], cache).id
    from kizuna.accounts import service
    from kizuna.models.user import User
    from kizuna.models.workspace import Workspace

    with unit_of_work() as uow:
        ws_b = uow.session.get(Workspace, b["workspace_id"])
        user_b = uow.session.get(User, b["user_id"])
        assert ws_b is not None and user_b is not None
        tok = service.create_api_token(uow.session, ws_b, user_b, name="t")
        ws_a = uow.session.get(Workspace, a["workspace_id"])
        user_a = uow.session.get(User, a["user_id"])
        assert ws_a is not None and user_a is not None
        tok_a = service.create_api_token(uow.session, ws_a, user_a, name="t")
    return {"a": a, "v": v, "b": b, "objects": objects, "b_token": tok.token, "a_token": tok_a.token}


def _url(path: str, ws: str, objects: dict[str, int]) -> str:
    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name == "ws":
            return ws
        if name in objects:
            return str(objects[name])
        return "x"

    return PARAM_RE.sub(sub, path)


def _request(client: Any, method: str, url: str, csrf: str | None = None, token: str | None = None) -> Any:
    headers = {}
    if csrf:
        headers["X-CSRF-Token"] = csrf
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.request(method, url, headers=headers, follow_redirects=False)


def test_other_workspace_members_get_404(app: Any, client: Any, tenants: dict[str, Any]) -> None:
    csrf_b = login(client, "bob@b.example")
    failures = []
    checked = 0
    for method, path in _workspace_routes(app):
        if not (path.startswith(("/w/{ws}", "/api/v1/w/{ws}"))):
            continue
        # B asks for workspace A by its address.
        url = _url(path, "ws-a", tenants["objects"])
        r = _request(client, method, url, csrf=csrf_b)
        checked += 1
        if r.status_code != 404:
            failures.append(f"{method} {url} as B (session): {r.status_code}")
        if path.startswith("/api/"):
            r = _request(client.__class__(app), method, url, token=tenants["b_token"])
            if r.status_code != 404:
                failures.append(f"{method} {url} as B (token): {r.status_code}")
        # B uses its own workspace address with A's object ids.
        if any(n in PATH_PARAMS for n in PARAM_RE.findall(path)):
            url_b = _url(path, "ws-b", tenants["objects"])
            r = _request(client, method, url_b, csrf=csrf_b)
            if r.status_code != 404:
                failures.append(f"{method} {url_b} as B with A's ids: {r.status_code}")
    assert checked > 10
    assert not failures, "\n".join(failures)


def test_viewers_cannot_write_anywhere(app: Any, client: Any, tenants: dict[str, Any]) -> None:
    csrf_v = login(client, "viewer@a.example")
    failures = []
    writes = 0
    for method, path in _workspace_routes(app):
        if method not in WRITE or not (path.startswith(("/w/{ws}", "/api/v1/w/{ws}"))):
            continue
        writes += 1
        url = _url(path, "ws-a", tenants["objects"])
        r = _request(client, method, url, csrf=csrf_v)
        if r.status_code != 403:
            failures.append(f"{method} {url} as viewer: {r.status_code}")
    assert writes > 5
    assert not failures, "\n".join(failures)


def test_owner_gets_no_server_error_on_any_page(app: Any, client: Any, tenants: dict[str, Any]) -> None:
    login(client, "alice@a.example")
    failures = []
    for method, path in _workspace_routes(app):
        if method != "GET" or not (path.startswith(("/w/{ws}", "/api/v1/w/{ws}"))):
            continue
        url = _url(path, "ws-a", tenants["objects"])
        r = _request(client, method, url)
        # A 404 for a missing sub-resource (no agreement yet) is fine; a workspace-level 404 is not.
        if r.status_code >= 500 or (r.status_code == 404 and "workspace_not_found" in r.text):
            failures.append(f"GET {url} as owner: {r.status_code} {r.text[:200]}")
    assert not failures, "\n".join(failures)


def test_tokens_are_stored_hashed(tenants: dict[str, Any]) -> None:
    from sqlalchemy import select

    from kizuna.models.api_token import ApiToken

    with unit_of_work() as uow:
        hashes = set(uow.session.execute(select(ApiToken.token_hash)).scalars())
    assert token_hash(tenants["b_token"]) in hashes
    assert tenants["b_token"] not in hashes
