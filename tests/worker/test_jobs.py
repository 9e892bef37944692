"""Jobs wait for the commit: a rolled-back transaction never runs its jobs. SQLite and Redis backends."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from kizuna.db import unit_of_work
from kizuna.kit.time import utcnow
from kizuna.models.login_attempt import LoginAttempt
from kizuna.worker.queue import build_huey, defer
from tests.conftest import IN_CI, REPO, require_component

REDIS_URL = os.environ.get("KIZUNA_TEST_REDIS_URL")


def _backends() -> list[Any]:
    params = [pytest.param("sqlite", id="sqlite")]
    params.append(pytest.param("redis", id="redis", marks=pytest.mark.redis))
    return params


@pytest.fixture(params=_backends())
def queue(request: Any, tmp_path: Path) -> Iterator[Any]:
    if request.param == "redis":
        if not REDIS_URL:
            if IN_CI:
                pytest.fail("KIZUNA_TEST_REDIS_URL must be set in CI (.ci/run starts redis-server)")
            pytest.skip("KIZUNA_TEST_REDIS_URL not set")
        import redis

        try:
            redis.Redis.from_url(REDIS_URL).ping()
        except redis.exceptions.ConnectionError:
            require_component(False, f"Redis at {REDIS_URL}")
        h = build_huey(REDIS_URL, name=f"kizuna-test-{uuid.uuid4().hex[:8]}")
    else:
        h = build_huey(f"sqlite:///{tmp_path / 'jobs.db'}", name="kizuna-test")
    ran: list[str] = []

    @h.task()
    def record(label: str) -> str:
        ran.append(label)
        return label

    h.flush()
    yield h, record, ran
    h.flush()


def _drain(h: Any) -> int:
    n = 0
    while (task := h.dequeue()) is not None:
        h.execute(task)
        n += 1
    return n


def test_job_in_rolled_back_transaction_never_runs(queue: Any, db: Any) -> None:
    h, record, ran = queue
    with pytest.raises(RuntimeError), unit_of_work():
        defer(record, "doomed")
        assert h.pending_count() == 0, "nothing is enqueued before the commit"
        raise RuntimeError("business rule broken")
    assert h.pending_count() == 0
    assert _drain(h) == 0
    assert ran == []


def test_job_runs_once_after_commit(queue: Any, db: Any) -> None:
    h, record, ran = queue
    with unit_of_work():
        defer(record, "kept")
        assert h.pending_count() == 0
    assert h.pending_count() == 1
    assert _drain(h) == 1
    assert ran == ["kept"]
    assert _drain(h) == 0


def test_periodic_housekeeping_is_registered_and_works(db: Any) -> None:
    from datetime import timedelta

    from kizuna.accounts.tasks import purge_expired
    from kizuna.worker.queue import huey, load_all_tasks

    modules = load_all_tasks()
    assert "kizuna.accounts.tasks" in modules
    names = {t.name for t in huey._registry.periodic_tasks}
    assert "accounts.purge_expired" in names
    with unit_of_work() as uow:
        old = LoginAttempt(key="email:x@example.com", succeeded=False)
        old.created_at = utcnow() - timedelta(days=3)
        uow.session.add(old)
        uow.session.add(LoginAttempt(key="email:y@example.com", succeeded=False))
    assert purge_expired()["login_attempts"] == 1
    with unit_of_work() as uow:
        assert uow.session.execute(select(func.count()).select_from(LoginAttempt)).scalar_one() == 1


def test_standalone_worker_process_runs_queued_jobs(db: Any) -> None:
    """``kizuna worker`` in its own process picks up a job enqueued by this one (shared data dir queue)."""
    from kizuna.worker.queue import huey
    from kizuna.worker.tasks import ping

    huey.flush()
    result = ping("from-test")
    proc = subprocess.Popen(
        [sys.executable, "-m", "kizuna.cli.main", "worker", "--workers", "1"],
        cwd=REPO,
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    from huey.exceptions import ResultTimeout

    value = None
    try:
        value = result.get(blocking=True, timeout=60)
    except ResultTimeout:
        value = None  # reported with the worker's output below
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert isinstance(value, dict), out.decode(errors="replace")[-3000:]
    assert value["label"] == "from-test"
    assert value["pid"] != os.getpid(), "ran in the worker process, not here"
    # the job left the queue; the worker's own scheduler may have enqueued housekeeping at a minute boundary
    assert [t for t in huey.pending() if t.id == result.id] == []


def test_embedded_consumer_runs_jobs_inside_the_web_process(db: Any) -> None:
    """``kizuna serve`` starts a consumer in the app lifespan; a job enqueued meanwhile runs in this process."""
    from fastapi.testclient import TestClient

    from kizuna.app import create_app
    from kizuna.worker.queue import huey
    from kizuna.worker.tasks import ping

    huey.flush()
    with TestClient(create_app(embedded_worker=True)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        value = ping("embedded").get(blocking=True, timeout=60)
    assert value["label"] == "embedded"
    assert value["pid"] == os.getpid()
