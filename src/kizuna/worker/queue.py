"""The job queue: huey on SQLite in the data dir by default, Redis when ``KIZUNA_JOBS=redis://...``.

Jobs are enqueued with :func:`defer`, which waits for the current unit of work to commit: a job queued inside a
transaction that rolls back never runs, and a job never sees data that is not committed yet.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from huey import Huey, RedisHuey, SqliteHuey

from kizuna.config import get_settings
from kizuna.db import current_uow


def build_huey(url: str, *, name: str = "kizuna", immediate: bool = False) -> Huey:
    """A huey instance for ``sqlite:///path`` or ``redis://host:port/db``."""
    parsed = urlparse(url)
    if parsed.scheme in ("redis", "rediss"):
        return RedisHuey(name=name, url=url, immediate=immediate)
    if parsed.scheme == "sqlite":
        path = Path(url[len("sqlite:///") :])
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name=name, filename=str(path), immediate=immediate)
    raise ValueError(f"unsupported KIZUNA_JOBS URL: {url!r} (use sqlite:///path or redis://...)")


def _default_huey() -> Huey:
    settings = get_settings()
    settings.ensure_data_dir()
    return build_huey(settings.resolved_jobs_url)


huey: Huey = _default_huey()


def defer(task: Any, *args: Any, **kwargs: Any) -> None:
    """Enqueue ``task(*args, **kwargs)`` once the current transaction commits (dropped on rollback)."""
    current_uow().after_commit(lambda: task(*args, **kwargs))


def load_all_tasks() -> list[str]:
    """Import every ``kizuna.<domain>.tasks`` module so the consumer knows every task and schedule."""
    from kizuna.kit.modules import domain_modules

    modules = domain_modules("tasks")
    for name in modules:
        importlib.import_module(name)
    return modules
