"""The redirect server: ``/r/{code}`` on a bare asyncio protocol (uvloop + httptools), one process per core.

``kizuna tracking serve`` runs it; the reverse proxy routes ``/r/`` here and everything else to the web app
(docs/adr/0503-redirect-server.md). It exists because at click rates the per-request cost of ASGI and uvicorn
(scope dicts, receive/send coroutines, header lists) is most of the work: here a request is a handful of parser
callbacks, one dict lookup for the prepared response bytes and, for a person's click, one row for the batch.

**Same semantics as the web app's** ``/r/{code}`` (``kizuna.tracking.endpoints.follow_link``), from the same
code: ``resolver.load`` (unknown code, inactive link, destination no longer on the workspace's allowed domains →
404 ``link_not_found``; so is a link past its expiry, checked against the clock on every request, never only when
the cache entry was made), ``bots.is_automated`` (bots, link previews, prefetches get the 302 without ``kzcid`` and
are not logged; so is every HEAD), ``clicks.make_click`` (keyed IP hash, referrer host, device class, country),
``clicks.add_click_id`` and the same response headers (``Cache-Control: no-store``, ``Referrer-Policy`` and the
web app's other security headers). Client addresses behind the proxy come from ``X-Forwarded-For`` when the peer
is trusted, exactly as uvicorn does it (``--forwarded-allow-ips``, default ``127.0.0.1``).

**Never loses a click (group commit).** The clicks of every request parsed in one event-loop iteration are
appended to this worker's own buffer file (``clicks-buffer.w{N}.db``: SQLite, WAL, ``synchronous=NORMAL``) in
one transaction, and only after that commit are that iteration's responses written. A committed WAL transaction
survives the death of the process (``kill -9``, OOM, a crash): it is in the operating system's page cache and
the next opener of the file recovers it. It does not survive a power cut or kernel crash before the OS writes
the WAL out (that needs ``synchronous=FULL``: an fsync per batch). If the commit fails, the batch's clicks are
answered 503 and their connections closed, so no 302 is ever sent for a click that is not stored. The flusher
(``buffer.flush``: in the server's master process every second, in the job worker, ``kizuna tracking flush``)
drains every worker's file into ``click_events``/``click_daily`` idempotently.

**Link cache.** Code → prepared response bytes (status line and headers, the click id spliced in), kept
``resolver.TTL_SECONDS`` (10 s), misses included. Edits in the web app (deactivating a link, changing the allowed
domains or a link's expiry) reach this process within that TTL — the same bound the web app's own processes give
each other. A link's expiry itself needs no edit to take effect: it is kept with the cached bytes and checked on
every request, so an expired link stops at its expiry time whatever the cache holds.

HTTP/1.1 keep-alive and pipelining (responses in request order, one write per connection per iteration), HTTP/1.0
with or without keep-alive. Only ``GET``/``HEAD /r/{code}``; anything else is a JSON 404. A malformed request is
answered 400 and the connection closed; request heads over ``MAX_HEAD_BYTES`` get 431; idle connections close
after ``KEEPALIVE_SECONDS``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import logging
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import formatdate
from typing import Any, cast
from urllib.parse import unquote_to_bytes

import httptools
from uvicorn.middleware.proxy_headers import _TrustedHosts

from kizuna.tracking import resolver
from kizuna.tracking.bots import is_automated
from kizuna.tracking.buffer import SERVER_BATCH, ClickWriter, click_row, flush
from kizuna.tracking.clicks import add_click_id, make_click
from kizuna.tracking.resolver import ResolvedLink
from kizuna.tracking.responses import NO_STORE, SECURITY_HEADERS
from kizuna.web.i18n import SUPPORTED, gettext, negotiate

log = logging.getLogger(__name__)

MAX_HEAD_BYTES = 16 * 1024
KEEPALIVE_SECONDS = 15
BACKLOG = 4096
FLUSH_NICE = 10
CODE_MIN, CODE_MAX = 6, 32


def _(message: str) -> str:
    """Marks a message for the catalogs; it is translated per locale when the responses are prepared."""
    return message


_ERRORS: dict[str, tuple[int, str, str]] = {
    "not_found": (404, "Not Found", _("Not found.")),
    "link_not_found": (404, "Not Found", _("This link does not exist or is no longer active.")),
    "bad_request": (400, "Bad Request", _("The request is not valid HTTP.")),
    "headers_too_large": (431, "Request Header Fields Too Large", _("The request headers are too large.")),
    "unavailable": (
        503,
        "Service Unavailable",
        _("The link could not be followed just now; please try again."),
    ),
}

_SECURITY = b"".join(f"{name.title()}: {value}\r\n".encode("latin-1") for name, value in SECURITY_HEADERS)
_REDIRECT_HEADERS = b"Cache-Control: " + NO_STORE.encode("ascii") + b"\r\nContent-Length: 0\r\n" + _SECURITY
_CLOSE = b"Connection: close\r\n"
_KEEP_ALIVE = b"Connection: keep-alive\r\n"


@dataclass(frozen=True, slots=True)
class Prepared:
    """A link's 302, ready to send: ``plain`` (not logged) or ``head`` + click id + ``tail`` (logged).

    Each ends after the last fixed header; the ``Date``/``Connection`` lines and the blank line follow.
    ``expires_at`` (Unix time, ``None``: never) is compared with the clock per request: the cache keeps the
    bytes up to ``resolver.TTL_SECONDS`` and must not keep redirecting past the expiry.
    """

    link: ResolvedLink
    plain: bytes
    head: bytes
    tail: bytes
    expires_at: float | None = None


def prepare(link: ResolvedLink) -> Prepared | None:
    """The response bytes for a usable link (``None`` for an unusable one: it answers 404)."""
    if not link.usable or any(c in link.target for c in "\r\n"):
        return None
    marker = "0" * 24
    logged = add_click_id(link.target, marker).encode("utf-8")
    at = logged.rindex(marker.encode("ascii"))
    status = b"HTTP/1.1 302 Found\r\nLocation: "
    return Prepared(
        link=link,
        plain=status + link.target.encode("utf-8") + b"\r\n" + _REDIRECT_HEADERS,
        head=status + logged[:at],
        tail=logged[at + len(marker) :] + b"\r\n" + _REDIRECT_HEADERS,
        expires_at=link.expires_at,
    )


def _error_response(key: str, locale: str) -> tuple[bytes, bytes]:
    """(status line and headers, body) of a JSON error, as the web app renders it for ``/r/``."""
    status, reason, message = _ERRORS[key]
    body = json.dumps(
        {"error": {"code": key, "message": gettext(message, locale)}},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n".encode(
            "ascii"
        )
        + _SECURITY
    )
    return head, body


_ERROR_BYTES: dict[tuple[str, str], tuple[bytes, bytes]] = {
    (key, locale): _error_response(key, locale) for key in _ERRORS for locale in SUPPORTED
}


class Worker:
    """One process's state: connections, the link cache, the current iteration's clicks and responses."""

    def __init__(
        self, loop: asyncio.AbstractEventLoop, writer: ClickWriter, trusted: str = "127.0.0.1"
    ) -> None:
        self.loop = loop
        self.writer = writer
        self.trusted = _TrustedHosts(trusted)
        self.cache: dict[str, tuple[float, Prepared | None]] = {}
        self.rows: list[tuple[object, ...]] = []
        self.dirty: list[Connection] = []
        self.scheduled = False
        self.conns: set[Connection] = set()
        self.tick = 0
        self.date = b""
        self.logged_at = -1e9
        self._timer: asyncio.TimerHandle | None = None
        self._second()

    # -- time ------------------------------------------------------------------------------------------------
    def _second(self) -> None:
        """Once a second: the ``Date`` line, a new buffer generation, closing connections idle too long."""
        self.tick += 1
        if self.scheduled:
            self.commit()  # this iteration's clicks go into the generation they were answered from
        try:
            self.writer.rotate()
        except Exception:
            log.exception("could not start a new click buffer generation; staying on the current one")
        self.date = b"Date: " + formatdate(usegmt=True).encode("ascii") + b"\r\n"
        for conn in [c for c in self.conns if self.tick - c.tick > KEEPALIVE_SECONDS and not c.queued]:
            if conn.transport is not None:
                conn.transport.close()
        self._timer = self.loop.call_later(1.0, self._second)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self.scheduled:
            self.commit()
        for conn in list(self.conns):
            if conn.transport is not None:
                conn.transport.close()

    # -- requests --------------------------------------------------------------------------------------------
    def lookup(self, code: str) -> Prepared | None:
        now = time.monotonic()
        hit = self.cache.get(code)
        if hit is not None and hit[0] > now:
            return hit[1]
        link = resolver.load(code)
        value = prepare(link) if link is not None else None
        if len(self.cache) >= resolver.MAX_ENTRIES:
            self.cache.clear()
        self.cache[code] = (now + resolver.TTL_SECONDS, value)
        return value

    def error(self, key: str, headers: Mapping[str, str], tail: bytes, *, head_only: bool = False) -> bytes:
        locale = negotiate(headers.get("accept-language"))
        head, body = _ERROR_BYTES[(key, locale)]
        return b"".join((head, self.date, tail, b"\r\n" if head_only else b"\r\n" + body))

    def respond(
        self, conn: Connection, method: bytes, url: bytes, headers: dict[str, str], tail: bytes
    ) -> bytes:
        """The bytes answering one request; a person's click joins this iteration's batch."""
        is_get = method == b"GET"
        if not (is_get or method == b"HEAD") or not url.startswith(b"/r/"):
            return self.error("not_found", headers, tail, head_only=method == b"HEAD")
        raw = url.partition(b"?")[0][3:]
        if b"%" in raw:
            raw = unquote_to_bytes(raw)
        if b"/" in raw:
            return self.error("not_found", headers, tail, head_only=not is_get)
        code = raw.decode("latin-1")
        try:
            prepared = self.lookup(code) if CODE_MIN <= len(code) <= CODE_MAX else None
        except Exception:
            now = time.monotonic()
            if now - self.logged_at > 10:  # a database outage must not also flood the log
                self.logged_at = now
                log.exception("could not resolve a link code (answering 503; logged at most every 10 s)")
            return self.error("unavailable", headers, tail, head_only=not is_get)
        if prepared is None or (prepared.expires_at is not None and time.time() >= prepared.expires_at):
            return self.error("link_not_found", headers, tail, head_only=not is_get)
        if is_get and not is_automated(headers.get("user-agent"), headers):
            click = make_click(prepared.link, ip=conn.client_ip(headers), headers=headers)
            self.rows.append(click_row(click))
            conn.clicked = True
            return b"".join(
                (prepared.head, click.click_id.encode("ascii"), prepared.tail, self.date, tail, b"\r\n")
            )
        return b"".join((prepared.plain, self.date, tail, b"\r\n"))

    def queue(self, conn: Connection) -> None:
        """Hold ``conn``'s responses until the end of this loop iteration (after the batch's commit)."""
        if not conn.queued:
            conn.queued = True
            self.dirty.append(conn)
        if not self.scheduled:
            self.scheduled = True
            self.loop.call_soon(self.commit)

    def commit(self) -> None:
        """Group commit: store every click of the iteration in one transaction, then write the responses."""
        self.scheduled = False
        rows, self.rows = self.rows, []
        conns, self.dirty = self.dirty, []
        failed = False
        if rows:
            try:
                self.writer.append_rows(rows)
            except Exception:
                log.exception("could not store %d clicks; answering 503", len(rows))
                failed = True
        for conn in conns:
            conn.queued = False
            out, conn.out = conn.out, []
            transport = conn.transport
            clicked, conn.clicked = conn.clicked, False
            if transport is None or transport.is_closing():
                continue
            if failed and clicked:
                transport.write(self.error("unavailable", {}, _CLOSE))
                transport.close()
                continue
            transport.write(out[0] if len(out) == 1 else b"".join(out))
            if conn.closing:
                transport.close()


class Connection(asyncio.Protocol):
    """One client connection: httptools calls back into it as it parses (pipelined requests included)."""

    def __init__(self, worker: Worker) -> None:
        self.w = worker
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpRequestParser(self)
        self.url = b""
        self.headers: dict[str, str] = {}
        self.out: list[bytes] = []
        self.clicked = False
        self.queued = False
        self.closing = False
        self.in_head = False
        self.head_bytes = 0
        self.peer: str | None = None
        self.trusted_peer = False
        self.tick = worker.tick

    # -- transport -------------------------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's transports are not its subclasses
        peer = transport.get_extra_info("peername")
        self.peer = str(peer[0]) if peer else None
        self.trusted_peer = self.peer is not None and self.peer in self.w.trusted
        self.w.conns.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.w.conns.discard(self)
        self.transport = None

    def pause_writing(self) -> None:
        if self.transport is not None:
            self.transport.pause_reading()

    def resume_writing(self) -> None:
        if self.transport is not None:
            self.transport.resume_reading()

    def data_received(self, data: bytes) -> None:
        if self.closing:
            return
        self.tick = self.w.tick
        self.head_bytes += len(data)
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            # ``Upgrade: h2c`` and the like: the request was answered over HTTP/1.1; nothing more is read.
            if not self.out:
                self.fail("bad_request")
            self.closing = True
            self.w.queue(self)
            return
        except httptools.HttpParserError:
            self.fail("bad_request")
            return
        if self.in_head and self.head_bytes > MAX_HEAD_BYTES:
            self.fail("headers_too_large")

    def fail(self, key: str) -> None:
        """Answer the request being parsed with an error and close once earlier responses are out."""
        self.out.append(self.w.error(key, self.headers if self.in_head else {}, _CLOSE))
        self.closing = True
        self.w.queue(self)

    def client_ip(self, headers: Mapping[str, str]) -> str | None:
        if self.trusted_peer:
            forwarded = headers.get("x-forwarded-for")
            if forwarded:
                host, _port = self.w.trusted.get_trusted_client_address(forwarded)
                return host or None
        return self.peer

    # -- parser callbacks ------------------------------------------------------------------------------------
    def on_message_begin(self) -> None:
        self.url = b""
        self.headers = {}
        self.in_head = True

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers[name.decode("latin-1").lower()] = value.decode("latin-1")

    def on_headers_complete(self) -> None:
        self.in_head = False

    def on_message_complete(self) -> None:
        self.head_bytes = 0
        if self.closing:
            return
        parser = self.parser
        if not parser.should_keep_alive():
            tail = _CLOSE
            self.closing = True
        elif parser.get_http_version() == "1.0":
            tail = _KEEP_ALIVE
        else:
            tail = b""
        self.out.append(self.w.respond(self, parser.get_method(), self.url, self.headers, tail))
        self.w.queue(self)


# -- processes -----------------------------------------------------------------------------------------------


def _socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


async def _worker(host: str, port: int, index: int, trusted: str, ready_fd: int | None) -> None:
    loop = asyncio.get_running_loop()
    writer = ClickWriter(index)
    worker = Worker(loop, writer, trusted)
    sock = _socket(host, port)  # SO_REUSEPORT: the kernel spreads new connections over the workers
    sock.listen(BACKLOG)
    sock.setblocking(False)
    server = await loop.create_server(lambda: Connection(worker), sock=sock, backlog=BACKLOG)
    stopped = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stopped.set)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the master stops us
    # Everything imported and set up so far lives as long as the process: keep the cyclic GC from scanning it
    # again and again under load (full collections would otherwise stall the loop for milliseconds).
    gc.collect()
    gc.freeze()
    if ready_fd is not None:
        os.write(ready_fd, b"1")
        os.close(ready_fd)
    await stopped.wait()
    server.close()
    worker.stop()
    await asyncio.sleep(0.2)  # let the last responses drain
    writer.close()


def run_worker(host: str, port: int, index: int, trusted: str, ready_fd: int | None = None) -> None:
    import uvloop

    logging.basicConfig(level=logging.WARNING, format=f"%(asctime)s worker {index} %(levelname)s %(message)s")
    uvloop.run(_worker(host, port, index, trusted, ready_fd))


class Master:
    """Starts ``workers`` worker processes on one port (SO_REUSEPORT), restarts any that dies, flushes clicks."""

    def __init__(
        self,
        host: str,
        port: int,
        workers: int,
        *,
        flush_seconds: float = 1.0,
        forwarded_allow_ips: str = "127.0.0.1",
    ) -> None:
        self.host = host
        self.workers = max(1, workers)
        self.flush_seconds = flush_seconds
        self.trusted = forwarded_allow_ips
        # Bound but never listening: resolves port 0 and keeps the port ours while workers come and go.
        self._holder = _socket(host, port)
        self.port = int(self._holder.getsockname()[1])
        self.procs: dict[int, subprocess.Popen[bytes]] = {}
        self.stopping = threading.Event()

    def _spawn(self, index: int) -> subprocess.Popen[bytes]:
        read_fd, write_fd = os.pipe()
        proc = subprocess.Popen(  # noqa: S603 (our own interpreter and module, fixed arguments)
            [
                sys.executable,
                "-m",
                "kizuna.tracking.server",
                "--worker",
                str(index),
                "--host",
                self.host,
                "--port",
                str(self.port),
                "--forwarded-allow-ips",
                self.trusted,
                "--ready-fd",
                str(write_fd),
            ],
            pass_fds=(write_fd,),
        )
        os.close(write_fd)
        try:
            ready, _w, _x = select.select([read_fd], [], [], 120)
            if not ready or not os.read(read_fd, 1):
                proc.kill()
                raise RuntimeError(f"redirect worker {index} did not start")
        finally:
            os.close(read_fd)
        return proc

    def start(self) -> None:
        for index in range(self.workers):
            self.procs[index] = self._spawn(index)

    def _flush_loop(self) -> None:
        # Background work: on Linux a thread has its own nice value, so the workers answering clicks win the CPU
        # and the buffers absorb a burst the flusher cannot keep up with; it catches up when the burst is over.
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), FLUSH_NICE)
        while not self.stopping.wait(self.flush_seconds):
            try:
                flush(
                    live=False, batch=SERVER_BATCH
                )  # finished generations only: never compete with a worker for a file
            except Exception:
                log.exception("click flush failed; the clicks stay in the buffers and are retried")

    def run(self, announce: Callable[[str], Any] = print) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda _s, _f: self.stopping.set())
        self.start()
        announce(f"Kizuna redirect server on http://{self.host}:{self.port} ({self.workers} workers)")
        flusher = None
        if self.flush_seconds > 0:
            flusher = threading.Thread(target=self._flush_loop, name="kizuna-click-flusher", daemon=True)
            flusher.start()
        while not self.stopping.wait(0.5):
            for index, proc in list(self.procs.items()):
                if proc.poll() is not None and not self.stopping.is_set():
                    log.warning("redirect worker %d exited with %s; restarting it", index, proc.returncode)
                    self.procs[index] = self._spawn(index)
        self.shutdown()
        if flusher is not None:
            flusher.join()
            flush()  # the last clicks of the stopped workers

    def shutdown(self) -> None:
        self.stopping.set()
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._holder.close()


def serve(
    host: str = "127.0.0.1",
    port: int = 8001,
    workers: int | None = None,
    *,
    flush_seconds: float = 1.0,
    forwarded_allow_ips: str | None = None,
    announce: Callable[[str], Any] = print,
) -> None:
    """Run the redirect server until SIGTERM/SIGINT (``kizuna tracking serve``)."""
    trusted = forwarded_allow_ips or os.environ.get("FORWARDED_ALLOW_IPS") or "127.0.0.1"
    master = Master(
        host, port, workers or os.cpu_count() or 1, flush_seconds=flush_seconds, forwarded_allow_ips=trusted
    )
    master.run(announce)


def _main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description="One redirect-server worker (started by the master).")
    parser.add_argument("--worker", type=int, required=True)
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--forwarded-allow-ips", default="127.0.0.1")
    parser.add_argument("--ready-fd", type=int, default=None)
    args = parser.parse_args(argv)
    run_worker(args.host, args.port, args.worker, args.forwarded_allow_ips, args.ready_fd)


if __name__ == "__main__":
    _main(sys.argv[1:])
