"""Tracking links can expire: from ``expires_at`` on no redirect path sends the visitor on or logs the click.

Times are set in the past or future relative to now; where a cached link has to see its expiry pass, the module's
clock (``time``) is replaced for the request instead of sleeping. The redirect server's subprocess tests are in
test_redirect_server.py (they share its running server).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import Engine, inspect, select

from kizuna import migrations
from kizuna.db import make_engine, unit_of_work
from kizuna.errors import ValidationFailed
from kizuna.models.audit_log import AuditLog
from kizuna.models.campaign import Campaign
from kizuna.models.click_event import ClickEvent
from kizuna.models.tracking_link import TrackingLink
from kizuna.models.workspace import Workspace
from kizuna.tracking import buffer, endpoints, links, resolver
from kizuna.tracking import server as redirect_server
from kizuna.tracking.asgi import app as redirect_app
from tests.campaigns.helpers import ctx_for, setup_campaign
from tests.campaigns.test_api import _token
from tests.conftest import login

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Instagram 300.0"
TOKYO = ZoneInfo("Asia/Tokyo")  # the test user's time zone (the default for users and workspaces)


def _now() -> datetime:
    return datetime.now(UTC)


def _clicks() -> list[int]:
    """The link id of every click in the database, after moving the buffered ones there."""
    buffer.flush()
    with unit_of_work() as uow:
        return list(uow.session.execute(select(ClickEvent.link_id).order_by(ClickEvent.id)).scalars())


@pytest.fixture
def world(owner: dict[str, Any]) -> dict[str, Any]:
    """Three links: ``live`` (no expiry), ``later`` (expires in a day), ``expired`` (expired an hour ago)."""
    info = setup_campaign(owner)
    with ctx_for(info) as ctx:
        campaign = ctx.get(Campaign, info["campaign_id"])
        made = {}
        for name, expiry in (("live", None), ("later", _now() + timedelta(days=1)), ("expired", None)):
            made[name] = links.create_link(
                ctx.session,
                workspace=ctx.workspace,
                campaign=campaign,
                destination=f"https://shop.example.com/{name}",
                expires_at=expiry,
            )
        # create_link refuses a past expiry, so the expired link is one whose time has come since it was made.
        made["expired"].expires_at = _now() - timedelta(hours=1)
        for name, link in made.items():
            info[name] = {"code": link.code, "id": link.id}
    return info


# -- the web app's /r/ -----------------------------------------------------------------------------------------


def test_web_route_expired_link_is_404_and_not_counted(client: Any, world: dict[str, Any]) -> None:
    expired = world["expired"]["code"]
    r = client.get(f"/r/{expired}", headers={"user-agent": BROWSER}, follow_redirects=False)
    assert r.status_code == 404 and "location" not in r.headers
    assert r.json()["error"]["code"] == "link_not_found"  # exactly what an inactive link answers
    for lang in ("en", "ja"):  # word for word what an unknown (or inactive) link answers
        h = {"user-agent": BROWSER, "accept-language": lang}
        assert (
            client.get(f"/r/{expired}", headers=h).json() == client.get("/r/doesnotexist1", headers=h).json()
        )
    assert client.head(f"/r/{expired}", headers={"user-agent": BROWSER}).status_code == 404
    for name in ("live", "later"):
        ok = client.get(f"/r/{world[name]['code']}", headers={"user-agent": BROWSER}, follow_redirects=False)
        assert ok.status_code == 302 and ok.headers["location"].startswith(
            f"https://shop.example.com/{name}?"
        )
        assert "kzcid=" in ok.headers["location"]
    assert _clicks() == [world["live"]["id"], world["later"]["id"]]


def test_web_route_cached_link_stops_when_its_expiry_passes(
    client: Any, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    code = world["later"]["code"]
    first = client.get(f"/r/{code}", headers={"user-agent": BROWSER}, follow_redirects=False)
    assert first.status_code == 302
    cached = resolver._cache[code][1]
    assert cached is not None and cached.expires_at is not None
    # A day later (the link's expiry has passed), with the entry still in the resolver's cache.
    day_later = time.time() + 86_400 + 60
    monkeypatch.setattr(endpoints, "time", SimpleNamespace(time=lambda: day_later))
    second = client.get(f"/r/{code}", headers={"user-agent": BROWSER}, follow_redirects=False)
    assert second.status_code == 404 and second.json()["error"]["code"] == "link_not_found"
    assert resolver._cache[code][1] is cached  # answered from the cache, which carried the expiry
    assert _clicks() == [world["later"]["id"]]  # only the click made before the expiry


def test_resolved_link_is_live_until_its_expiry() -> None:
    link = resolver.ResolvedLink(1, 1, 1, None, "https://shop.example.com/", True, expires_at=1000.0)
    assert link.live(999.9) and not link.live(1000.0) and not link.live(5000.0)
    assert resolver.ResolvedLink(1, 1, 1, None, "https://x.example/", True).live(1e12)  # never expires
    assert not resolver.ResolvedLink(1, 1, 1, None, "https://x.example/", False, expires_at=2000.0).live(1.0)


# -- the stand-alone ASGI app -----------------------------------------------------------------------------------


def test_standalone_app_expired_link_is_404_and_not_counted(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    with TestClient(redirect_app) as client:
        r = client.get(
            f"/r/{world['expired']['code']}", headers={"user-agent": BROWSER}, follow_redirects=False
        )
        assert r.status_code == 404 and "location" not in r.headers
        assert r.json()["error"]["code"] == "link_not_found"
        later = world["later"]["code"]
        ok = client.get(f"/r/{later}", headers={"user-agent": BROWSER}, follow_redirects=False)
        assert ok.status_code == 302 and "kzcid=" in ok.headers["location"]
        day_later = time.time() + 86_400 + 60
        monkeypatch.setattr(endpoints, "time", SimpleNamespace(time=lambda: day_later))
        gone = client.get(f"/r/{later}", headers={"user-agent": BROWSER}, follow_redirects=False)
        assert gone.status_code == 404 and "location" not in gone.headers
    assert _clicks() == [world["later"]["id"]]


# -- the redirect server's cache (in process; the subprocess tests are in test_redirect_server.py) --------------


@pytest.fixture
def worker(db: Engine) -> Iterator[redirect_server.Worker]:
    loop = asyncio.new_event_loop()
    writer = buffer.ClickWriter(90)
    w = redirect_server.Worker(loop, writer)
    yield w
    w.stop()
    writer.close()
    loop.close()
    buffer.flush()


def _status(raw: bytes) -> int:
    return int(raw.split(b" ", 2)[1])


def test_redirect_server_cache_does_not_outlive_the_expiry(
    worker: redirect_server.Worker, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    conn = redirect_server.Connection(worker)
    headers = {"user-agent": BROWSER}
    code = world["later"]["code"].encode()
    first = worker.respond(conn, b"GET", b"/r/" + code, headers, b"")
    assert _status(first) == 302 and b"kzcid=" in first
    assert (
        _status(worker.respond(conn, b"GET", b"/r/" + world["expired"]["code"].encode(), headers, b"")) == 404
    )
    worker.commit()
    cached = worker.cache[code.decode()][1]
    assert cached is not None and cached.expires_at is not None
    day_later = time.time() + 86_400 + 60
    monkeypatch.setattr(
        redirect_server, "time", SimpleNamespace(time=lambda: day_later, monotonic=time.monotonic)
    )
    gone = worker.respond(conn, b"GET", b"/r/" + code, headers, b"")
    assert _status(gone) == 404 and b"Location:" not in gone and b'"link_not_found"' in gone
    assert worker.cache[code.decode()][1] is cached  # the cached entry, checked against the clock
    worker.commit()
    assert _clicks() == [world["later"]["id"]]


# -- rules, API and pages -------------------------------------------------------------------------------------


def test_create_link_refuses_a_past_expiry(world: dict[str, Any]) -> None:
    with ctx_for(world) as ctx:
        campaign = ctx.get(Campaign, world["campaign_id"])
        with pytest.raises(ValidationFailed) as err:
            links.create_link(
                ctx.session,
                workspace=ctx.workspace,
                campaign=campaign,
                destination="https://shop.example.com/",
                expires_at=_now() - timedelta(minutes=1),
            )
        assert err.value.code == "link_expiry_past" and err.value.status == 422
        with pytest.raises(ValidationFailed) as naive:
            links.set_expiry(ctx.get(TrackingLink, world["live"]["id"]), datetime(2999, 1, 1))
        assert naive.value.code == "link_expiry_invalid"


def test_api_round_trip(client: Any, world: dict[str, Any]) -> None:
    h = {"Authorization": f"Bearer {_token(world)}"}
    base = f"/api/v1/w/{world['slug']}/campaigns/{world['campaign_id']}/links"
    past = client.post(
        base,
        json={
            "destination": "https://shop.example.com/",
            "expires_at": (_now() - timedelta(days=1)).isoformat(),
        },
        headers=h,
    )
    assert past.status_code == 422 and past.json()["error"]["code"] == "link_expiry_past"
    when = (_now() + timedelta(days=30)).replace(microsecond=0)
    made = client.post(
        base, json={"destination": "https://shop.example.com/", "expires_at": when.isoformat()}, headers=h
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert datetime.fromisoformat(body["expires_at"]) == when and body["expired"] is False
    # A time without a zone is the caller's wall clock (Asia/Tokyo), as in the UI.
    moved = client.patch(f"{base}/{body['id']}", json={"expires_at": "2999-04-01T09:00:00"}, headers=h)
    assert moved.status_code == 200, moved.text
    assert datetime.fromisoformat(moved.json()["expires_at"]) == datetime(2999, 4, 1, 0, 0, tzinfo=UTC)
    refused = client.patch(f"{base}/{body['id']}", json={"expires_at": "2001-01-01T00:00:00Z"}, headers=h)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "link_expiry_past"
    cleared = client.patch(f"{base}/{body['id']}", json={"expires_at": None}, headers=h)
    assert cleared.status_code == 200 and cleared.json()["expires_at"] is None
    listed = {row["code"]: row for row in client.get(base, headers=h).json()}
    assert listed[world["expired"]["code"]]["expired"] is True
    assert listed[world["later"]["code"]]["expired"] is False and listed[world["later"]["code"]]["expires_at"]
    assert listed[body["code"]]["expires_at"] is None
    other = client.patch(
        f"/api/v1/w/{world['slug']}/campaigns/999999/links/{body['id']}", json={"expires_at": None}, headers=h
    )
    assert other.status_code == 404
    with unit_of_work() as uow:
        actions = list(
            uow.session.execute(select(AuditLog.action).where(AuditLog.action.like("tracking.%"))).scalars()
        )
    assert actions.count("tracking.link_expiry_changed") == 2  # the two accepted changes, not the refused one


def test_form_round_trip_in_the_users_time_zone(client: Any, world: dict[str, Any]) -> None:
    csrf = login(client, world["email"])
    page_url = f"/w/{world['slug']}/campaigns/{world['campaign_id']}"
    create = f"{page_url}/links"
    local = (datetime.now(TOKYO) + timedelta(days=10)).replace(second=0, microsecond=0, tzinfo=None)
    r = client.post(
        create,
        data={
            "csrf_token": csrf,
            "destination": "https://shop.example.com/form",
            "expires_at": local.isoformat(timespec="minutes"),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    with ctx_for(world) as ctx:
        link = ctx.session.execute(
            select(TrackingLink).where(TrackingLink.destination == "https://shop.example.com/form")
        ).scalar_one()
        assert link.expires_at == local.replace(tzinfo=TOKYO)  # typed in Tokyo time, stored as that instant
        assert link.expires_at is not None and link.expires_at.utcoffset() == timedelta(0)
        link_id = link.id
    past = (datetime.now(TOKYO) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(
        create,
        data={"csrf_token": csrf, "destination": "https://shop.example.com/past", "expires_at": past},
        headers={"accept": "application/json"},
        follow_redirects=False,
    )
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "link_expiry_past"
    bad = client.post(
        f"/w/{world['slug']}/campaigns/links/{link_id}/expiry",
        data={"csrf_token": csrf, "expires_at": "next tuesday"},
        headers={"accept": "application/json"},
        follow_redirects=False,
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "form_datetime_invalid"

    page = client.get(page_url).text
    # The edit field shows the expiry in the user's zone, ready to be sent back unchanged.
    assert f'value="{local.isoformat(timespec="minutes")}"' in page
    assert re.search(r'<span class="badge err">expired</span>', page)  # the link that expired an hour ago
    assert page.count('<small class="muted">expires ') == 2  # the form's link and "later"
    client.cookies.set("kizuna_lang", "ja")
    ja = client.get(page_url).text
    assert "期限切れ" in ja and ja.count('<small class="muted">有効期限 ') == 2

    moved = (datetime.now(TOKYO) + timedelta(days=2)).replace(second=0, microsecond=0, tzinfo=None)
    url = f"/w/{world['slug']}/campaigns/links/{link_id}/expiry"
    r = client.post(
        url,
        data={"csrf_token": csrf, "expires_at": moved.isoformat(timespec="minutes")},
        follow_redirects=False,
    )
    assert r.status_code == 303
    with ctx_for(world) as ctx:
        assert ctx.get(TrackingLink, link_id).expires_at == moved.replace(tzinfo=TOKYO)
    r = client.post(url, data={"csrf_token": csrf, "expires_at": ""}, follow_redirects=False)
    assert r.status_code == 303
    with ctx_for(world) as ctx:
        assert ctx.get(TrackingLink, link_id).expires_at is None


# -- the migration ------------------------------------------------------------------------------------------


@pytest.fixture
def scratch_engine(engine: Engine, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of the suite's kind: a SQLite file, or a PostgreSQL schema of its own."""
    if engine.dialect.name != "postgresql":
        eng = make_engine(f"sqlite:///{tmp_path / 'migrate.db'}")
        yield eng
        eng.dispose()
        return
    schema = "kizuna_migration_0009"
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    eng = make_engine(
        engine.url.render_as_string(hide_password=False), connect_args={"options": f"-csearch_path={schema}"}
    )
    try:
        yield eng
    finally:
        eng.dispose()
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


def _downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as conn:
        cfg = migrations.alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def _expiry_column(engine: Engine) -> dict[str, Any] | None:
    columns = {c["name"]: c for c in inspect(engine).get_columns("tracking_links")}
    return dict(columns["expires_at"]) if "expires_at" in columns else None


def test_migration_adds_a_nullable_expiry_and_keeps_existing_links(scratch_engine: Engine) -> None:
    eng = scratch_engine
    migrations.upgrade(eng, "0008")
    assert _expiry_column(eng) is None
    with (
        eng.begin() as conn
    ):  # a link made before the migration (the model's tables at 0008, without expires_at)
        ws_id = conn.execute(Workspace.__table__.insert().values(slug="m", name="M")).inserted_primary_key[0]
        camp_id = conn.execute(
            Campaign.__table__.insert().values(workspace_id=ws_id, name="Old")
        ).inserted_primary_key[0]
        conn.execute(
            TrackingLink.__table__.insert().values(
                workspace_id=ws_id, campaign_id=camp_id, code="oldcode12345", destination="https://a.example/"
            )
        )
    migrations.upgrade(eng)
    assert migrations.current_revision(eng) == "0009"
    column = _expiry_column(eng)
    assert column is not None and column["nullable"] is True
    with eng.connect() as conn:
        row = conn.execute(select(TrackingLink.__table__).where(TrackingLink.code == "oldcode12345")).one()
    assert row.expires_at is None and row.active  # existing links never expire
    later = datetime(2031, 5, 1, 12, 30, tzinfo=UTC)
    with eng.begin() as conn:
        conn.execute(
            TrackingLink.__table__.update()
            .where(TrackingLink.code == "oldcode12345")
            .values(expires_at=later)
        )
    with eng.connect() as conn:
        stored = conn.execute(
            select(TrackingLink.expires_at).where(TrackingLink.code == "oldcode12345")
        ).scalar()
    assert stored == later and stored.tzinfo is not None  # an aware UTC time on SQLite and PostgreSQL alike
    _downgrade(eng, "0008")
    assert _expiry_column(eng) is None
    with eng.connect() as conn:
        count = conn.execute(sa.text("SELECT count(*) FROM tracking_links")).scalar()
    assert count == 1
