"""Shared fixtures. The environment is set before Kizuna is imported, so settings and the job queue point at a
throw-away data dir. ``KIZUNA_TEST_DATABASE_URL`` switches the whole suite to PostgreSQL;
``KIZUNA_TEST_REDIS_URL`` adds the Redis job lane."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_DATA_DIR = Path(tempfile.mkdtemp(prefix="kizuna-test-"))
os.environ["KIZUNA_DATA_DIR"] = str(_DATA_DIR)
os.environ["KIZUNA_EMBEDDED_WORKER"] = "false"
os.environ.pop("KIZUNA_JOBS", None)
if os.environ.get("KIZUNA_TEST_DATABASE_URL"):
    os.environ["KIZUNA_DATABASE_URL"] = os.environ["KIZUNA_TEST_DATABASE_URL"]
else:
    os.environ["KIZUNA_DATABASE_URL"] = f"sqlite:///{_DATA_DIR / 'test.db'}"

import pytest  # noqa: E402
from sqlalchemy import Engine, text  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
IN_CI = bool(os.environ.get("CI"))


def require_component(available: bool, what: str) -> None:
    """Skip locally when a component is missing, but fail in CI, where a skip would hide it."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available")
    pytest.skip(f"{what} not available")


def shared_file(relative: str) -> Path:
    path = SHARED / relative
    if not path.exists():
        pytest.fail(f"missing shared data file: {path} (clone ../shared beside the repository)")
    return path


def _reset_database(engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        path = engine.url.database
        engine.dispose()
        if path and os.path.exists(path):
            os.remove(path)


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    from kizuna import migrations
    from kizuna.db import get_engine

    eng = get_engine()
    _reset_database(eng)
    migrations.upgrade(eng)
    yield eng
    eng.dispose()


def _all_tables_reversed() -> list[str]:
    from kizuna.models import Base

    return [t.name for t in reversed(Base.metadata.sorted_tables)]


@pytest.fixture
def db(engine: Engine) -> Iterator[Engine]:
    """A migrated database, emptied after the test."""
    yield engine
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(
                text(
                    "TRUNCATE "
                    + ", ".join(f'"{t}"' for t in _all_tables_reversed())
                    + " RESTART IDENTITY CASCADE"
                )
            )
        else:
            for table in _all_tables_reversed():
                conn.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture
def app(db: Engine) -> Any:
    from kizuna.app import create_app

    return create_app(embedded_worker=False)


@pytest.fixture
def client(app: Any) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        yield c


CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]*)"')
PASSWORD = "correct horse battery"


def csrf_from(html: str) -> str:
    m = CSRF_META.search(html)
    assert m, "page has no CSRF meta tag"
    return m.group(1)


def login(client: Any, email: str, password: str = PASSWORD) -> str:
    """Sign in through the real form; returns the session's CSRF token."""
    page = client.get("/login")
    token = csrf_from(page.text)
    r = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    r = client.get("/account")
    assert r.status_code == 200
    return csrf_from(r.text)


def make_user_and_workspace(
    email: str = "owner@example.com",
    slug: str = "acme",
    *,
    role: str = "owner",
    workspace_exists: bool = False,
) -> dict[str, Any]:
    from sqlalchemy import select

    from kizuna.accounts import service
    from kizuna.db import unit_of_work
    from kizuna.models.user import User
    from kizuna.models.workspace import Workspace

    with unit_of_work() as uow:
        s = uow.session
        user = s.execute(select(User).where(User.email == email)).scalar_one_or_none()
        if user is None:
            user = service.create_user(s, email=email, password=PASSWORD, name=email.split("@")[0])
        ws = s.execute(select(Workspace).where(Workspace.slug == slug)).scalar_one_or_none()
        if ws is None:
            ws = service.create_workspace(s, owner=user, slug=slug, name=slug.title())
            if role != "owner":
                raise AssertionError("the creator of a workspace is its owner")
        else:
            service.add_member(s, ws, None, user, role)
        return {"user_id": user.id, "email": user.email, "workspace_id": ws.id, "slug": ws.slug}


@pytest.fixture
def owner(db: Engine) -> dict[str, Any]:
    return make_user_and_workspace()


# --- Browser tests: one Playwright instance for the whole session (defined here, once, so that every test
# package shares it; a second sync_playwright() in the same thread fails). Helpers live in tests/e2e/conftest.py.
import shutil  # noqa: E402
import socket  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

CHROMIUM = os.environ.get("KIZUNA_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_server(app: Any) -> Iterator[LiveServer]:
    """A real HTTP server for the app on a free port (function-scoped, like the ``db`` it serves)."""
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    available = Path(CHROMIUM).exists() and shutil.which(CHROMIUM) is not None
    require_component(available, f"Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    b = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
    yield b
    b.close()
    pw.stop()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 860})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    """A phone-sized page (iPhone 13-like viewport, touch) for mobile layouts such as the creator portal."""
    context = browser.new_context(
        locale="ja-JP",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()
