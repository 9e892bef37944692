"""A durable local buffer for clicks, drained into the database in batches.

Why: writing a click straight into the main database costs an ORM session, a transaction and an update of the
daily rollup per request, and on SQLite every writer queues behind one lock. The redirect instead appends one
row to a small SQLite file in the data directory (WAL, no indexes; committed before the 302 is sent, so a
crash of the web process loses nothing that was answered). A flusher moves rows into ``click_events`` and adds
them to ``click_daily`` in one transaction per batch, then deletes them from the buffer.

Crash safety of the flush: rows are deleted from the buffer only after the main transaction committed; if the
process dies in between, the next flush sees the same rows again and skips the ``click_id`` values that are
already in ``click_events`` (and adds only the new ones to the rollup), so nothing is lost or counted twice.
Only one flusher runs at a time on a host (``flock`` on a lock file).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Engine, Table, select
from sqlalchemy.dialects import postgresql, sqlite

from kizuna.config import get_settings
from kizuna.db import get_engine
from kizuna.models.click_daily import ClickDaily
from kizuna.models.click_event import ClickEvent
from kizuna.models.tracking_link import TrackingLink

log = logging.getLogger(__name__)

#: Seconds between background flushes in a web process; 0 disables the thread (tests flush explicitly).
AUTO_FLUSH_SECONDS = float(os.environ.get("KIZUNA_CLICK_FLUSH_SECONDS", "1"))
BATCH = 5000
#: The redirect server's flusher (its own niced thread, finished generations only) takes bigger bites: fewer commits.
SERVER_BATCH = 20_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pending (
  id INTEGER PRIMARY KEY,
  click_id TEXT NOT NULL,
  link_id INTEGER NOT NULL,
  workspace_id INTEGER NOT NULL,
  campaign_id INTEGER NOT NULL,
  influencer_id INTEGER,
  ts REAL NOT NULL,
  referrer_host TEXT NOT NULL,
  device TEXT NOT NULL,
  country TEXT,
  ip_hash TEXT NOT NULL
)
"""
_INSERT = (
    "INSERT INTO pending (click_id, link_id, workspace_id, campaign_id, influencer_id, ts, referrer_host, device,"
    " country, ip_hash) VALUES (?,?,?,?,?,?,?,?,?,?)"
)


@dataclass(frozen=True, slots=True)
class Click:
    click_id: str
    link_id: int
    workspace_id: int
    campaign_id: int
    influencer_id: int | None
    ts: float
    referrer_host: str
    device: str
    country: str | None
    ip_hash: str


def buffer_path() -> Path:
    """The buffer of the web app and the stand-alone ASGI app (shared by their processes)."""
    settings = get_settings()
    settings.ensure_data_dir()
    return settings.data_dir / "clicks-buffer.db"


def worker_buffer_path(index: int, generation: int) -> Path:
    """Generation ``generation`` of redirect-server worker ``index``'s buffer (see :class:`ClickWriter`)."""
    settings = get_settings()
    settings.ensure_data_dir()
    return settings.data_dir / f"clicks-buffer.w{index}.g{generation:09d}.db"


def _worker_files(data_dir: Path, index: int | None = None) -> list[Path]:
    pattern = "clicks-buffer.w*.g*.db" if index is None else f"clicks-buffer.w{index}.g*.db"
    return sorted(data_dir.glob(pattern))


def buffer_files() -> list[Path]:
    """Every buffer file on this host: the web app's first, then each redirect-server worker's generations."""
    main = buffer_path()
    return [main, *_worker_files(main.parent)]


def _writer_lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".writer")


def _is_worker_file(path: Path) -> bool:
    return path.name.startswith("clicks-buffer.w")


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
    worker_file = _is_worker_file(path)
    if worker_file:
        # Small pages: a group commit of a few dozen ~100-byte rows writes one or two pages to the WAL, not 4 KB
        # each (takes effect when the file is created, before WAL mode is set).
        conn.execute("PRAGMA page_size=1024")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute(_SCHEMA)
    if not worker_file:
        # A redirect-server worker's file has no index: each commit would touch a random index page; the file
        # holds about a second of clicks, so ``find_pending`` scans it.
        conn.execute("CREATE INDEX IF NOT EXISTS pending_click_id ON pending (click_id)")
    return conn


def click_row(click: Click) -> tuple[object, ...]:
    return (
        click.click_id,
        click.link_id,
        click.workspace_id,
        click.campaign_id,
        click.influencer_id,
        click.ts,
        click.referrer_host,
        click.device,
        click.country,
        click.ip_hash,
    )


def _settle(items: list[tuple[asyncio.Future[None], BaseException | None]]) -> None:
    for fut, err in items:
        if fut.done():
            continue
        if err is None:
            fut.set_result(None)
        else:
            fut.set_exception(err)


class ClickBuffer:
    """One process's handle on the buffer file.

    :meth:`append_async` is a *group commit*: concurrent requests hand their click to one writer thread, which
    commits everything waiting in a single transaction and then wakes every request of the batch. Each request
    still answers only after its click is committed, but a burst of N clicks costs one commit instead of N.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or buffer_path()
        self.data_dir = get_settings().data_dir
        self._conn = _connect(self.path)
        self._lock = threading.Lock()
        self._flusher: threading.Thread | None = None
        self._queue: list[tuple[Click, asyncio.Future[None]]] = []
        self._cv = threading.Condition()
        self._writer: threading.Thread | None = None

    async def append_async(self, click: Click) -> None:
        """Store one click durably; returns once the batch holding it has committed."""
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        with self._cv:
            self._queue.append((click, fut))
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._write_loop, name="kizuna-click-writer", daemon=True
                )
                self._writer.start()
            self._cv.notify()
        if AUTO_FLUSH_SECONDS > 0 and self._flusher is None:
            self._start_flusher()
        await fut

    def _write_loop(self) -> None:
        while True:
            with self._cv:
                while not self._queue:
                    self._cv.wait()
                batch, self._queue = self._queue, []
            err: BaseException | None = None
            try:
                with self._lock:
                    self._conn.execute("BEGIN IMMEDIATE")
                    try:
                        self._conn.executemany(_INSERT, [click_row(c) for c, _f in batch])
                        self._conn.execute("COMMIT")
                    except BaseException:
                        self._conn.execute("ROLLBACK")
                        raise
            except (
                Exception
            ) as exc:  # the requests of this batch fail (500) rather than lose a click silently
                log.exception("could not store %d clicks", len(batch))
                err = exc
            by_loop: dict[
                asyncio.AbstractEventLoop, list[tuple[asyncio.Future[None], BaseException | None]]
            ] = {}
            for _c, fut in batch:
                by_loop.setdefault(fut.get_loop(), []).append((fut, err))
            for loop, items in by_loop.items():
                try:
                    loop.call_soon_threadsafe(_settle, items)
                except RuntimeError:
                    continue  # that event loop is closed (shutdown); its requests are gone anyway

    def append(self, click: Click) -> None:
        """Store one click durably (autocommit insert); raises if the disk refuses, so the caller knows."""
        with self._lock:
            self._conn.execute(_INSERT, click_row(click))
        if AUTO_FLUSH_SECONDS > 0 and self._flusher is None:
            self._start_flusher()

    def pending(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM pending").fetchone()[0])

    def _start_flusher(self) -> None:
        with self._lock:
            if self._flusher is not None:
                return
            thread = threading.Thread(target=self._flush_loop, name="kizuna-click-flusher", daemon=True)
            self._flusher = thread
        thread.start()

    def _flush_loop(self) -> None:
        while True:
            time.sleep(AUTO_FLUSH_SECONDS)
            try:
                flush(path=self.path)
            except Exception:
                log.exception("click flush failed; the clicks stay in the buffer and are retried")


def _close_generation(conn: sqlite3.Connection, lock_fd: int) -> None:
    """Close a finished generation (SQLite checkpoints the WAL on the last close: an fsync, hence a thread),
    then let the flushers have it."""
    try:
        conn.close()
    except Exception:
        log.exception("closing a click buffer generation failed; the flusher will recover its WAL")
    finally:
        os.close(lock_fd)  # releases the writer lock


def _open_generation(index: int) -> tuple[Path, sqlite3.Connection, int]:
    """Create worker ``index``'s next generation file, holding its writer lock: (path, connection, lock fd)."""
    data_dir = get_settings().data_dir
    existing = _worker_files(data_dir, index)
    generation = int(existing[-1].name.rsplit(".g", 1)[1].split(".")[0]) + 1 if existing else 0
    path = worker_buffer_path(index, generation)
    lock_fd = os.open(_writer_lock_path(path), os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(lock_fd, fcntl.LOCK_EX)  # taken before the file exists: a flusher never sees it unlocked
    conn = _connect(path)
    conn.execute("PRAGMA wal_autocheckpoint=0")
    return path, conn, lock_fd


class ClickWriter:
    """A redirect-server worker's buffer, written synchronously from its event loop.

    :meth:`append_rows` commits a whole event-loop iteration's clicks in one transaction (group commit): durable
    against a crash of the process once it returns (the transaction is in the WAL, ``synchronous=NORMAL``).

    The event loop never fsyncs, never creates a file and never waits for another process. The worker writes one
    *generation* file at a time, ``clicks-buffer.w{index}.g{n}.db``, holding an exclusive ``flock`` on
    ``<file>.writer``; a helper thread has the next generation created and locked in advance. :meth:`rotate`
    (every second, from the worker's timer) switches to it and hands the finished one to the thread, which
    closes it (SQLite checkpoints the WAL on the last close: that is where the fsync happens) and so releases its
    lock. No automatic checkpoint runs on the writing connection (``wal_autocheckpoint=0``), and the server's
    flusher drains a generation only once its writer lock is free (finished, or its worker died), so it never
    takes the write lock from under the event loop.
    """

    def __init__(self, index: int, *, rotate_seconds: float = 1.0) -> None:
        self.index = index
        self.rotate_seconds = rotate_seconds
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kizuna-click-buffer")
        self._closing: Future[None] | None = None
        self._use(*_open_generation(index))
        self._next = self._pool.submit(_open_generation, index)

    def _use(self, path: Path, conn: sqlite3.Connection, lock_fd: int) -> None:
        self.path, self._conn, self._lock_fd = path, conn, lock_fd
        self.opened_at = time.monotonic()
        self.rows_in_file = 0

    def append_rows(self, rows: list[tuple[object, ...]]) -> None:
        """Durable on return (the transaction is in the WAL); raises when the disk refuses."""
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany(_INSERT, rows)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        self.rows_in_file += len(rows)

    def rotate(self, *, force: bool = False) -> bool:
        """Switch to the prepared next generation when this one holds clicks and is ``rotate_seconds`` old (or
        ``force``); never waits: if the next file is not ready yet, this one is kept a little longer."""
        if not self.rows_in_file or (not force and time.monotonic() - self.opened_at < self.rotate_seconds):
            return False
        if not self._next.done():
            return False
        try:
            nxt = self._next.result()
        except Exception:
            log.exception("could not create the next click buffer generation; staying on the current one")
            self._next = self._pool.submit(_open_generation, self.index)
            return False
        old_conn, old_fd = self._conn, self._lock_fd
        self._use(*nxt)
        self._closing = self._pool.submit(_close_generation, old_conn, old_fd)
        self._next = self._pool.submit(_open_generation, self.index)
        return True

    def settle(self) -> None:
        """Wait for the helper thread (the finished generation closed, the next one created)."""
        if self._closing is not None:
            self._closing.result()
        self._next.exception()

    def close(self) -> None:
        self.settle()
        self._pool.shutdown(wait=True)
        _close_generation(self._conn, self._lock_fd)
        if self._next.exception() is None:
            _path, conn, lock_fd = self._next.result()
            _close_generation(conn, lock_fd)


def find_pending(click_id: str) -> Click | None:
    """A click still waiting in a buffer (an order can arrive seconds after its click)."""
    for path in buffer_files():
        if not path.exists():
            continue
        try:
            # Read-only for a worker's generation: never re-create a file a flusher has just removed.
            conn = (
                sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
                if _is_worker_file(path)
                else _connect(path)
            )
        except sqlite3.Error:
            continue
        try:
            row = conn.execute(
                "SELECT click_id, link_id, workspace_id, campaign_id, influencer_id, ts, referrer_host, device,"
                " country, ip_hash FROM pending WHERE click_id = ?",
                (click_id,),
            ).fetchone()
        except sqlite3.Error:
            row = None  # removed or being created meanwhile
        finally:
            conn.close()
        if row:
            return Click(*row)
    return None


_buffer: ClickBuffer | None = None
_buffer_lock = threading.Lock()


def get_buffer() -> ClickBuffer:
    global _buffer
    current = _buffer
    if current is not None and current.data_dir == get_settings().data_dir:
        return current
    path = buffer_path()
    if _buffer is None or _buffer.path != path:
        with _buffer_lock:
            if _buffer is None or _buffer.path != path:
                _buffer = ClickBuffer(path)
    return _buffer


@contextlib.contextmanager
def _flush_lock(path: Path) -> Iterator[None]:
    lock_path = path.with_suffix(".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _upsert_daily(engine: Engine) -> Any:
    table = cast(Table, ClickDaily.__table__)
    ins = postgresql.insert(table) if engine.dialect.name == "postgresql" else sqlite.insert(table)
    return ins.on_conflict_do_update(
        index_elements=["link_id", "day"], set_={"clicks": table.c.clicks + ins.excluded.clicks}
    )


def flush(
    *, path: Path | None = None, engine: Engine | None = None, batch: int = BATCH, live: bool = True
) -> int:
    """Move buffered clicks into ``click_events`` and ``click_daily``; returns how many were added.

    Without ``path``: every buffer file of this host (the web app's and each redirect-server worker's). A worker
    generation that is still being written is drained too unless ``live`` is false (the redirect server's own
    flusher passes ``live=False`` and waits for the generation to finish, so that it never competes with a
    worker for the file's write lock; ``kizuna tracking flush``, the job worker and tests take everything).
    """
    engine = engine or get_engine()
    if path is not None:
        return _flush_file(path, engine, batch, live=live)
    return sum(_flush_file(p, engine, batch, live=live) for p in buffer_files())


def _flush_file(path: Path, engine: Engine, batch: int, *, live: bool) -> int:
    if not _is_worker_file(path):
        with _flush_lock(path):
            return _drain(path, engine, batch)
    with _flush_lock(path):
        if not path.exists():
            return 0  # finished and removed by another flusher
        fd = os.open(_writer_lock_path(path), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # a live worker writes this generation
                return _drain(path, engine, batch) if live else 0
            added = _drain(path, engine, batch)
            newest = _worker_files(path.parent, int(path.name.split(".w", 1)[1].split(".", 1)[0]))[-1:]
            if newest != [path]:
                # A finished generation, drained: remove it (its worker has moved on to a newer one).
                for suffix in ("", "-wal", "-shm", ".writer"):
                    p = path.with_name(path.name + suffix)
                    with contextlib.suppress(FileNotFoundError):
                        p.unlink()
                with contextlib.suppress(FileNotFoundError):
                    path.with_suffix(".lock").unlink()
            return added
        finally:
            os.close(fd)


def _drain(path: Path, engine: Engine, batch: int) -> int:
    added = 0
    conn = _connect(path)
    try:
        while True:
            rows = conn.execute(
                "SELECT id, click_id, link_id, workspace_id, campaign_id, influencer_id, ts, referrer_host,"
                " device, country, ip_hash FROM pending ORDER BY id LIMIT ?",
                (batch,),
            ).fetchall()
            if not rows:
                break
            added += _ingest(engine, rows)
            conn.execute("DELETE FROM pending WHERE id <= ?", (rows[-1][0],))
    finally:
        conn.close()
    return added


def _ingest(engine: Engine, rows: list[tuple[object, ...]]) -> int:
    events = cast(Table, ClickEvent.__table__)
    with engine.begin() as db:
        click_ids = [str(r[1]) for r in rows]
        seen: set[str] = set()
        for i in range(0, len(click_ids), 900):
            seen.update(
                db.execute(
                    select(events.c.click_id).where(events.c.click_id.in_(click_ids[i : i + 900]))
                ).scalars()
            )
        link_ids = {int(str(r[2])) for r in rows}
        live_links: set[int] = set()
        ids = sorted(link_ids)
        for i in range(0, len(ids), 900):
            live_links.update(
                db.execute(
                    select(TrackingLink.__table__.c.id).where(
                        TrackingLink.__table__.c.id.in_(ids[i : i + 900])
                    )
                ).scalars()
            )
        new: list[dict[str, object]] = []
        daily: Counter[tuple[int, int, int, int | None, object]] = Counter()
        for _id, click_id, link_id, ws, campaign, influencer, ts, ref, device, country, ip_hash in rows:
            if click_id in seen or int(str(link_id)) not in live_links:
                continue  # replayed after a crash, or the link was deleted meanwhile
            seen.add(str(click_id))
            at = datetime.fromtimestamp(float(str(ts)), UTC)
            infl = int(str(influencer)) if influencer is not None else None
            new.append(
                {
                    "click_id": click_id,
                    "link_id": link_id,
                    "workspace_id": ws,
                    "campaign_id": campaign,
                    "influencer_id": infl,
                    "clicked_at": at,
                    "referrer_host": ref,
                    "device": device,
                    "country": country,
                    "ip_hash": ip_hash,
                }
            )
            daily[(int(str(link_id)), int(str(ws)), int(str(campaign)), infl, at.date())] += 1
        if new:
            db.execute(events.insert(), new)
            db.execute(
                _upsert_daily(engine),
                [
                    {
                        "link_id": link_id,
                        "workspace_id": ws,
                        "campaign_id": campaign,
                        "influencer_id": infl,
                        "day": day,
                        "clicks": n,
                    }
                    for (link_id, ws, campaign, infl, day), n in daily.items()
                ],
            )
    return len(new)
