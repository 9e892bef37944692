"""Engine, sessions and the unit of work.

One HTTP request, job or CLI command is one :class:`UnitOfWork`: services ``flush()`` when they need ids and
never commit. Side effects (jobs, emails, webhooks) are registered with :meth:`UnitOfWork.after_commit` and run
only once the transaction has committed; a rollback drops them.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from kizuna.config import get_settings

log = logging.getLogger(__name__)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the pragmas Kizuna relies on (SQLite: WAL, foreign keys, busy timeout)."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            **kwargs,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # pysqlite's implicit BEGIN handling breaks SAVEPOINT; take control of it (SQLAlchemy docs).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


@lru_cache(maxsize=8)
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def get_engine() -> Engine:
    settings = get_settings()
    settings.ensure_data_dir()
    return _engine_for(settings.resolved_database_url)


def dispose_engines() -> None:
    for_engine = _engine_for
    with contextlib.suppress(Exception):
        for_engine.cache_clear()


def session_factory(engine: Engine | None = None) -> sessionmaker[Session]:
    return sessionmaker(bind=engine or get_engine(), expire_on_commit=False, autoflush=True)


_current: contextvars.ContextVar[UnitOfWork | None] = contextvars.ContextVar("kizuna_uow", default=None)


class UnitOfWork:
    """A transaction plus the side effects that wait for its commit."""

    def __init__(self, engine: Engine | None = None) -> None:
        self.session: Session = session_factory(engine)()
        self._after_commit: list[Callable[[], None]] = []
        self._closed = False

    def after_commit(self, fn: Callable[[], None]) -> None:
        self._after_commit.append(fn)

    def commit(self) -> None:
        self.session.commit()
        callbacks, self._after_commit = self._after_commit, []
        for fn in callbacks:
            try:
                fn()
            except Exception:
                # The data is committed; a failing side effect must not turn success into an error page.
                log.exception("after-commit callback failed")

    def rollback(self) -> None:
        self._after_commit = []
        self.session.rollback()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.session.close()


def current_uow() -> UnitOfWork:
    uow = _current.get()
    if uow is None:
        raise RuntimeError("no unit of work is active")
    return uow


@contextlib.contextmanager
def unit_of_work(engine: Engine | None = None) -> Iterator[UnitOfWork]:
    """Open a transaction; commit on success, roll back on any exception."""
    uow = UnitOfWork(engine)
    token = _current.set(uow)
    try:
        yield uow
        uow.commit()
    except BaseException:
        uow.rollback()
        raise
    finally:
        _current.reset(token)
        uow.close()


@contextlib.contextmanager
def activate(uow: UnitOfWork) -> Iterator[UnitOfWork]:
    token = _current.set(uow)
    try:
        yield uow
    finally:
        _current.reset(token)


__all__ = [
    "NullPool",
    "UnitOfWork",
    "activate",
    "current_uow",
    "get_engine",
    "make_engine",
    "session_factory",
    "unit_of_work",
]
