"""The dedicated redirect server (``kizuna tracking serve``), started for real and spoken to over sockets.

One server (two workers, no flusher) serves the module; each test flushes the worker buffers itself, and drains
them on teardown so that no click leaks into the next test. The crash test starts its own server and kills it.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import Engine, func
from sqlalchemy import select as sa_select

from kizuna.db import unit_of_work
from kizuna.models.campaign import Campaign
from kizuna.models.click_daily import ClickDaily
from kizuna.models.click_event import ClickEvent
from kizuna.models.influencer import Influencer
from kizuna.models.tracking_link import TrackingLink
from kizuna.tracking import buffer, links, resolver
from tests.campaigns.helpers import ctx_for, setup_campaign
from tests.conftest import REPO

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Instagram 300.0"


class Server:
    def __init__(self, *, workers: int = 2, flush_seconds: float = 0.0) -> None:
        cmd = [
            sys.executable,
            "-m",
            "kizuna.cli.main",
            "tracking",
            "serve",
            "--port",
            "0",
            "--workers",
            str(workers),
            "--flush-seconds",
            str(flush_seconds),
        ]
        self.proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, start_new_session=True)
        assert self.proc.stdout is not None
        ready, _w, _x = select.select([self.proc.stdout], [], [], 180)
        line = self.proc.stdout.readline().decode() if ready else ""
        if "redirect server on http://" not in line:
            self.kill()
            pytest.fail(f"the redirect server did not start: {line!r}")
        self.port = int(line.split("http://", 1)[1].split()[0].rsplit(":", 1)[1])

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def connect(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def json(self) -> Any:
        return json.loads(self.body)


class Reader:
    """Reads HTTP/1.1 responses off one socket, in order (enough HTTP for these tests)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock, self.buf = sock, b""

    def _fill(self) -> bool:
        chunk = self.sock.recv(65536)
        self.buf += chunk
        return bool(chunk)

    def read(self, *, head: bool = False) -> Response:
        while b"\r\n\r\n" not in self.buf:
            if not self._fill():
                raise EOFError("connection closed before a response")
        raw, self.buf = self.buf.split(b"\r\n\r\n", 1)
        status_line, *lines = raw.decode("latin-1").split("\r\n")
        headers: dict[str, str] = {}
        for line in lines:
            name, _sep, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = 0 if head else int(headers.get("content-length", "0"))
        while len(self.buf) < length:
            if not self._fill():
                raise EOFError("connection closed inside a body")
        body, self.buf = self.buf[:length], self.buf[length:]
        return Response(int(status_line.split()[1]), headers, body)

    def closed(self) -> bool:
        """True when the server closed the connection (after any data already read)."""
        return not self.buf and not self._fill()


def request(
    method: str, path: str, *, ua: str | None = BROWSER, extra: str = "", version: str = "1.1"
) -> bytes:
    lines = [f"{method} {path} HTTP/{version}", "Host: 127.0.0.1"]
    if ua is not None:
        lines.append(f"User-Agent: {ua}")
    text = "\r\n".join(lines) + "\r\n" + extra + "\r\n"
    return text.encode("latin-1")


def one(server: Server, raw: bytes, *, head: bool = False) -> Response:
    with server.connect() as sock:
        sock.sendall(raw)
        return Reader(sock).read(head=head)


def clicks() -> int:
    with unit_of_work() as uow:
        return int(uow.session.execute(sa_select(func.count(ClickEvent.id))).scalar_one())


@pytest.fixture(scope="module")
def server(engine: Engine) -> Iterator[Server]:
    srv = Server(workers=2, flush_seconds=0)
    yield srv
    srv.stop()


@pytest.fixture(autouse=True)
def _explicit_flush(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Overrides the package fixture: the module's server keeps its buffer files open, so they are drained
    (``_drain``), never deleted, between tests."""
    monkeypatch.setattr(buffer, "AUTO_FLUSH_SECONDS", 0.0)
    resolver.clear_cache()
    buffer._buffer = None
    yield
    resolver.clear_cache()
    buffer._buffer = None


@pytest.fixture
def world(server: Server, owner: dict[str, Any]) -> Iterator[dict[str, Any]]:
    info = setup_campaign(owner)
    with ctx_for(info) as ctx:
        campaign = ctx.get(Campaign, info["campaign_id"])
        aya = ctx.get(Influencer, info["aya"])
        link = links.create_link(
            ctx.session,
            workspace=ctx.workspace,
            campaign=campaign,
            influencer=aya,
            destination="https://shop.example.com/products/serum?ref=ig#reviews",
        )
        other = links.create_link(
            ctx.session, workspace=ctx.workspace, campaign=campaign, destination="https://shop.example.com/"
        )
        info.update(code=link.code, link_id=link.id, other=other.code)
    yield info
    buffer.flush()  # drain the workers' buffers before the database is emptied for the next test


def test_302_with_utm_and_keep_alive(server: Server, world: dict[str, Any]) -> None:
    with server.connect() as sock:
        reader = Reader(sock)
        ids = []
        for _ in range(3):
            sock.sendall(
                request("GET", f"/r/{world['code']}", extra="Referer: https://l.instagram.com/x?u=1\r\n")
            )
            r = reader.read()
            assert r.status == 302
            target = urlsplit(r.headers["location"])
            assert target.hostname == "shop.example.com" and target.path == "/products/serum"
            assert target.fragment == "reviews"
            q = parse_qs(target.query)
            assert (
                q["ref"] == ["ig"] and q["utm_source"] == ["instagram"] and q["utm_medium"] == ["influencer"]
            )
            assert q["utm_campaign"] == ["spring-launch"] and q["utm_content"] == ["aya_beauty"]
            ids.append(q["kzcid"][0])
            assert r.headers["cache-control"].startswith("no-store")
            assert r.headers["referrer-policy"] == "same-origin"
            assert r.headers["content-length"] == "0" and "date" in r.headers
            assert "connection" not in r.headers  # HTTP/1.1 keeps the connection open
    assert len(set(ids)) == 3 and all(len(i) == 24 for i in ids)
    assert buffer.flush() == 3
    with unit_of_work() as uow:
        events = uow.session.execute(sa_select(ClickEvent)).scalars().all()
        assert sorted(e.click_id for e in events) == sorted(ids)
        assert {(e.device, e.referrer_host, e.influencer_id) for e in events} == {
            ("mobile", "l.instagram.com", world["aya"])
        }
        assert all(e.ip_hash and "127.0.0.1" not in e.ip_hash for e in events)
        daily = uow.session.execute(sa_select(ClickDaily)).scalar_one()
        assert daily.clicks == 3 and daily.link_id == world["link_id"]


def test_pipelined_requests_are_answered_in_order(server: Server, world: dict[str, Any]) -> None:
    with server.connect() as sock:
        sock.sendall(
            request("GET", f"/r/{world['code']}")
            + request("GET", "/r/doesnotexist1")
            + request("HEAD", f"/r/{world['code']}")
            + request("GET", f"/r/{world['other']}")
            + request("GET", f"/r/{world['code']}", ua="Slackbot-LinkExpanding 1.0")
        )
        reader = Reader(sock)
        first = reader.read()
        assert first.status == 302 and "/products/serum" in first.headers["location"]
        assert "kzcid=" in first.headers["location"]
        missing = reader.read()
        assert missing.status == 404 and missing.json()["error"]["code"] == "link_not_found"
        head = reader.read(head=True)
        assert head.status == 302 and "kzcid" not in head.headers["location"]
        fourth = reader.read()
        assert fourth.status == 302 and urlsplit(fourth.headers["location"]).path == "/"
        assert "kzcid=" in fourth.headers["location"]
        bot = reader.read()
        assert bot.status == 302 and "kzcid" not in bot.headers["location"]
    assert buffer.flush() == 2


@pytest.mark.parametrize(
    ("method", "ua", "extra"),
    [
        ("HEAD", BROWSER, ""),
        ("GET", "facebookexternalhit/1.1;line-poker/1.0", ""),
        ("GET", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", ""),
        ("GET", "Twitterbot/1.0", ""),
        ("GET", None, ""),
        ("GET", BROWSER, "Sec-Purpose: prefetch;prerender\r\n"),
    ],
)
def test_head_bots_and_prefetches_are_redirected_not_logged(
    server: Server, world: dict[str, Any], method: str, ua: str | None, extra: str
) -> None:
    r = one(server, request(method, f"/r/{world['code']}", ua=ua, extra=extra), head=method == "HEAD")
    assert r.status == 302 and "kzcid" not in r.headers["location"]
    assert "utm_source=instagram" in r.headers["location"]
    assert buffer.flush() == 0
    assert clicks() == 0


def test_not_found_is_json(server: Server, world: dict[str, Any]) -> None:
    r = one(server, request("GET", "/r/doesnotexist1"))
    assert r.status == 404 and r.headers["content-type"] == "application/json"
    assert r.json() == {
        "error": {"code": "link_not_found", "message": "This link does not exist or is no longer active."}
    }
    ja = one(server, request("GET", "/r/doesnotexist2", extra="Accept-Language: ja,en;q=0.5\r\n"))
    assert ja.json()["error"]["message"] == "このリンクは存在しないか、無効になっています。"
    for raw in (
        request("GET", "/"),
        request("GET", "/w/acme/campaigns"),
        request("POST", f"/r/{world['code']}", extra="Content-Length: 0\r\n"),
        request("GET", f"/r/{world['code']}/x"),
    ):
        r = one(server, raw)
        assert r.status == 404 and r.json()["error"]["code"] == "not_found"
    assert buffer.flush() == 0


def test_malformed_request_is_400_and_closed(server: Server, world: dict[str, Any]) -> None:
    with server.connect() as sock:
        sock.sendall(request("GET", f"/r/{world['code']}") + b"NOT HTTP AT ALL\r\n\r\n")
        reader = Reader(sock)
        assert reader.read().status == 302  # the good request before it is still answered, in order
        bad = reader.read()
        assert bad.status == 400 and bad.json()["error"]["code"] == "bad_request"
        assert bad.headers["connection"] == "close"
        assert reader.closed()
    with server.connect() as sock:
        sock.sendall(b"GET /r/" + world["code"].encode() + b" HTTP/1.1\r\nX-Big: " + b"a" * 40_000 + b"\r\n")
        reader = Reader(sock)
        big = reader.read()
        assert big.status == 431 and big.json()["error"]["code"] == "headers_too_large"
        assert reader.closed()
    assert buffer.flush() == 1


def test_http10_and_connection_close(server: Server, world: dict[str, Any]) -> None:
    with server.connect() as sock:
        sock.sendall(request("GET", f"/r/{world['code']}", version="1.0"))
        reader = Reader(sock)
        r = reader.read()
        assert r.status == 302 and r.headers["connection"] == "close"
        assert reader.closed()
    with server.connect() as sock:
        sock.sendall(
            request("GET", f"/r/{world['code']}", version="1.0", extra="Connection: keep-alive\r\n") * 2
        )
        reader = Reader(sock)
        assert [reader.read().headers["connection"] for _ in range(2)] == ["keep-alive", "keep-alive"]
    with server.connect() as sock:
        sock.sendall(request("GET", f"/r/{world['code']}", extra="Connection: close\r\n"))
        reader = Reader(sock)
        assert reader.read().headers["connection"] == "close"
        assert reader.closed()
    assert buffer.flush() == 4


def test_disabled_link_and_disallowed_destination_are_never_redirected(
    server: Server, world: dict[str, Any]
) -> None:
    with ctx_for(world) as ctx:
        campaign = ctx.get(Campaign, world["campaign_id"])
        sub = links.create_link(
            ctx.session,
            workspace=ctx.workspace,
            campaign=campaign,
            destination="https://jp.shop.example.com/",
        )
        sub_code = sub.code
        links.set_active(ctx.get(TrackingLink, world["link_id"]), False)
        links.set_allowed_domains(ctx.workspace, ["other.example.org"])
    for code in (world["code"], sub_code):  # inactive; destination no longer on an allowed domain
        r = one(server, request("GET", f"/r/{code}"))
        assert r.status == 404 and r.json()["error"]["code"] == "link_not_found"
        assert "location" not in r.headers
    # A destination written straight into the database (not through create_link) is checked again here.
    with ctx_for(world) as ctx:
        links.set_allowed_domains(ctx.workspace, ["shop.example.com"])
        link = ctx.session.execute(
            sa_select(TrackingLink).where(TrackingLink.code == world["other"])
        ).scalar_one()
        link.destination = "https://shop.example.com.evil.net/phish"
    r = one(server, request("GET", f"/r/{world['other']}"))
    assert r.status == 404 and "location" not in r.headers
    assert buffer.flush() == 0


def test_expired_link_is_not_redirected_or_counted(server: Server, world: dict[str, Any]) -> None:
    """Past its expiry a link answers like an inactive one (404 ``link_not_found``, nothing logged); one whose
    expiry is still ahead redirects and counts. (That a cached link stops when its expiry passes is tested in
    process, with the clock moved: test_link_expiry.py.)"""
    now = datetime.now(UTC)
    with ctx_for(world) as ctx:
        campaign = ctx.get(Campaign, world["campaign_id"])
        later = links.create_link(
            ctx.session,
            workspace=ctx.workspace,
            campaign=campaign,
            destination="https://shop.example.com/later",
            expires_at=now + timedelta(days=1),
        )
        later_code, later_id = later.code, later.id
        # create_link refuses a past expiry: this is a link whose expiry has come since it was made
        ctx.get(TrackingLink, world["link_id"]).expires_at = now - timedelta(minutes=1)
    with server.connect() as sock:
        sock.sendall(
            request("GET", f"/r/{world['code']}")
            + request("HEAD", f"/r/{world['code']}")
            + request("GET", f"/r/{world['code']}", extra="Accept-Language: ja\r\n")
            + request("GET", f"/r/{later_code}")
        )
        reader = Reader(sock)
        gone = reader.read()
        assert gone.status == 404 and "location" not in gone.headers
        assert gone.json() == {
            "error": {"code": "link_not_found", "message": "This link does not exist or is no longer active."}
        }
        head = reader.read(head=True)
        assert head.status == 404 and "location" not in head.headers
        assert reader.read().json()["error"]["message"] == "このリンクは存在しないか、無効になっています。"
        ok = reader.read()
        assert ok.status == 302 and ok.headers["location"].startswith("https://shop.example.com/later?")
        assert "kzcid=" in ok.headers["location"]
    assert buffer.flush() == 1
    with unit_of_work() as uow:
        assert uow.session.execute(sa_select(ClickEvent.link_id)).scalars().all() == [later_id]


def test_forwarded_for_from_a_trusted_proxy(server: Server, world: dict[str, Any]) -> None:
    from kizuna.tracking.clicks import hash_ip

    r = one(server, request("GET", f"/r/{world['code']}", extra="X-Forwarded-For: 203.0.113.9\r\n"))
    assert r.status == 302
    assert buffer.flush() == 1
    with unit_of_work() as uow:
        ev = uow.session.execute(sa_select(ClickEvent)).scalar_one()
    assert ev.ip_hash == hash_ip("203.0.113.9")


def test_same_headers_as_the_web_app(server: Server, world: dict[str, Any], client: Any) -> None:
    from kizuna.app import CSP
    from kizuna.tracking.responses import SECURITY_HEADERS

    assert (
        dict(SECURITY_HEADERS)["content-security-policy"] == CSP
    )  # the web app's defaults, not a drifted copy
    page = client.get("/login")
    assert all(page.headers[name] == value for name, value in SECURITY_HEADERS)
    web = client.get(f"/r/{world['code']}", headers={"user-agent": BROWSER}, follow_redirects=False)
    ours = one(server, request("GET", f"/r/{world['code']}"))
    assert web.status_code == ours.status == 302
    for name in (
        "cache-control",
        "content-length",
        "referrer-policy",
        "x-content-type-options",
        "x-frame-options",
        "content-security-policy",
    ):
        assert web.headers[name] == ours.headers[name], name
    strip = lambda url: url.split("kzcid=")[0]  # noqa: E731
    assert strip(web.headers["location"]) == strip(ours.headers["location"])
    missing_web = client.get("/r/doesnotexist1", headers={"user-agent": BROWSER})
    missing_ours = one(server, request("GET", "/r/doesnotexist1"))
    assert missing_web.status_code == missing_ours.status == 404
    assert missing_web.json() == missing_ours.json()
    assert buffer.flush() == 2


def test_clicks_in_click_events_equal_requests_sent(server: Server, world: dict[str, Any]) -> None:
    sent = 0
    socks = [server.connect() for _ in range(4)]
    try:
        readers = [Reader(s) for s in socks]
        for _round in range(10):
            for sock, reader in zip(socks, readers, strict=True):
                sock.sendall(request("GET", f"/r/{world['code']}") * 5)  # pipelined
                sent += 5
                assert all(reader.read().status == 302 for _ in range(5))
    finally:
        for s in socks:
            s.close()
    assert buffer.flush() == sent == 200
    assert clicks() == sent
    with unit_of_work() as uow:
        assert uow.session.execute(sa_select(func.sum(ClickDaily.clicks))).scalar_one() == sent


def _pending_in_worker_buffers() -> int:
    total = 0
    for path in buffer.buffer_files()[1:]:
        conn = sqlite3.connect(path, timeout=30)
        try:
            # A worker prepares its next generation in a helper thread; killed between creating that file and
            # writing its schema, it leaves a file without the table (and without clicks: nothing wrote to it).
            has_table = conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'pending'").fetchone()[
                0
            ]
            if not has_table:
                continue
            total += int(conn.execute("SELECT count(*) FROM pending").fetchone()[0])
        finally:
            conn.close()
    return total


def test_sigkill_after_answering_loses_no_click(server: Server, world: dict[str, Any]) -> None:
    """The master's flusher drains the workers' files; then, with the flusher frozen, clicks answered by the
    workers are only in their buffer files when every process of the server is killed with SIGKILL."""
    buffer.flush()
    crash = Server(workers=2, flush_seconds=0.2)
    try:
        with crash.connect() as sock:
            reader = Reader(sock)
            for _ in range(20):
                sock.sendall(request("GET", f"/r/{world['code']}"))
                assert reader.read().status == 302
        deadline = time.monotonic() + 120
        while clicks() < 20 and time.monotonic() < deadline:  # a wait for the flusher, not a speed check
            time.sleep(0.2)
        assert clicks() == 20
        os.kill(crash.proc.pid, signal.SIGSTOP)  # freeze the master (and its flusher); workers keep serving
        answered = 0
        socks = [crash.connect() for _ in range(3)]
        for sock in socks:
            reader = Reader(sock)
            sock.sendall(request("GET", f"/r/{world['code']}") * 10)
            answered += sum(reader.read().status == 302 for _ in range(10))
            sock.close()
        assert answered == 30
    finally:
        crash.kill()  # SIGKILL to the master and both workers
    # counted once nobody holds the files: a live worker may be mid-transaction on its current file
    assert _pending_in_worker_buffers() >= 30
    assert buffer.flush() == 30
    assert clicks() == 50
    with unit_of_work() as uow:
        assert uow.session.execute(sa_select(func.sum(ClickDaily.clicks))).scalar_one() == 50


def test_a_killed_worker_is_restarted_and_its_clicks_kept(server: Server, world: dict[str, Any]) -> None:
    buffer.flush()
    srv = Server(workers=1, flush_seconds=0)
    try:
        children = Path(f"/proc/{srv.proc.pid}/task/{srv.proc.pid}/children").read_text().split()
        assert len(children) == 1
        with srv.connect() as sock:
            reader = Reader(sock)
            sock.sendall(request("GET", f"/r/{world['code']}") * 5)
            assert all(reader.read().status == 302 for _ in range(5))
        os.kill(int(children[0]), signal.SIGKILL)
        answered, deadline = 0, time.monotonic() + 180
        while not answered and time.monotonic() < deadline:  # a wait for the restart, not a speed check
            try:
                answered = one(srv, request("GET", f"/r/{world['code']}")).status == 302
            except (OSError, EOFError):  # refused, or reset by the dying worker
                time.sleep(0.2)
        assert answered
        after = Path(f"/proc/{srv.proc.pid}/task/{srv.proc.pid}/children").read_text().split()
        assert len(after) == 1 and after != children
    finally:
        srv.stop()
    assert buffer.flush() == 6
