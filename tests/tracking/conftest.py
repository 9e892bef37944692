from __future__ import annotations

from collections.abc import Iterator

import pytest

from kizuna.tracking import buffer, resolver


@pytest.fixture(autouse=True)
def _explicit_flush(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No background flusher thread in tests: each test flushes when it wants the clicks in the database."""
    monkeypatch.setattr(buffer, "AUTO_FLUSH_SECONDS", 0.0)
    resolver.clear_cache()
    path = buffer.buffer_path()
    for suffix in ("", "-wal", "-shm"):
        p = path.with_name(path.name + suffix)
        if p.exists():
            p.unlink()
    buffer._buffer = None
    yield
    resolver.clear_cache()
    buffer._buffer = None
