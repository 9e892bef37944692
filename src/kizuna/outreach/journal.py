"""The local acceptance log: what the SMTP server told us, written before the database hears of it.

One line per event, appended with a single ``write()`` on an ``O_APPEND`` descriptor (atomic for short lines,
shared safely by threads and processes, and durable across a SIGKILL of this process because the kernel
already holds the data); ``fsync`` is optional for power-loss durability. ``begin`` is written just before the
final dot, ``accepted``/``rejected`` as soon as the server replies. One file per UTC day, so files are never
rewritten while another process appends; files older than :data:`KEEP_DAYS` are deleted. Reconciliation reads
the last event for a Message-ID; see docs/adr/0300-exactly-once-sending.md.
"""

from __future__ import annotations

import contextlib
import os
import threading
from datetime import timedelta
from pathlib import Path

from kizuna.config import get_settings
from kizuna.kit.time import utcnow

KEEP_DAYS = 14
_lock = threading.Lock()
_fds: dict[str, int] = {}


def journal_dir() -> Path:
    path = get_settings().data_dir / "outreach" / "journal"
    path.mkdir(parents=True, exist_ok=True)
    return path


_dir_cache: dict[str, Path] = {}


def _fd() -> int:
    data_dir = str(get_settings().data_dir)
    folder = _dir_cache.get(data_dir)
    if folder is None:
        folder = _dir_cache[data_dir] = journal_dir()
    key = f"{folder}/smtp-{utcnow():%Y%m%d}.log"
    with _lock:
        fd = _fds.get(key)
        if fd is None:
            fd = os.open(key, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            _fds[key] = fd
        return fd


def record(event: str, message_id: str, *, durable: bool = False) -> None:
    fd = _fd()
    os.write(fd, f"{event} {message_id}\n".encode())
    if durable:
        os.fsync(fd)


def last_events(message_ids: set[str]) -> dict[str, str]:
    """The last recorded event for each of ``message_ids`` (absent when nothing was recorded)."""
    out: dict[str, str] = {}
    if not message_ids:
        return out
    for path in sorted(journal_dir().glob("smtp-*.log")):
        with path.open("rb") as fh:
            for raw in fh:
                event, _sep, mid = raw.decode("utf-8", "replace").strip().partition(" ")
                if mid in message_ids:
                    out[mid] = event
    return out


def prune() -> None:
    cutoff = f"smtp-{utcnow() - timedelta(days=KEEP_DAYS):%Y%m%d}.log"
    for path in journal_dir().glob("smtp-*.log"):
        if path.name < cutoff:
            with contextlib.suppress(OSError):
                path.unlink()
