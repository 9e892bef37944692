from __future__ import annotations

from collections.abc import Iterator

import pytest

from kizuna.tracking import buffer, resolver


def remove_buffer_files() -> None:
    """Every click buffer of the data dir (the web app's and each redirect-server worker's), with its WAL."""
    for path in buffer.buffer_files():
        for suffix in ("", "-wal", "-shm"):
            p = path.with_name(path.name + suffix)
            if p.exists():
                p.unlink()


@pytest.fixture(autouse=True)
def _explicit_flush(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No background flusher thread in tests: each test flushes when it wants the clicks in the database."""
    monkeypatch.setattr(buffer, "AUTO_FLUSH_SECONDS", 0.0)
    resolver.clear_cache()
    remove_buffer_files()
    buffer._buffer = None
    yield
    resolver.clear_cache()
    buffer._buffer = None
