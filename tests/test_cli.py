"""The ``kizuna`` command line: help everywhere, one transaction per command, clear errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from kizuna.cli.main import app
from kizuna.db import unit_of_work
from kizuna.models.user import User
from kizuna.models.workspace import Workspace
from tests.conftest import REPO

runner = CliRunner()


def _commands(typer_app: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    import typer.main

    click_cmd = typer.main.get_command(typer_app)
    found: list[tuple[str, ...]] = []

    def walk(cmd: Any, path: tuple[str, ...]) -> None:
        found.append(path)
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, (*path, name))

    walk(click_cmd, prefix)
    return found


def test_help_everywhere() -> None:
    paths = _commands(app)
    assert ("serve",) in paths and ("db", "upgrade") in paths and ("token", "create") in paths
    for path in paths:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage" in result.output


def test_user_workspace_token_create(db: Any) -> None:
    r = runner.invoke(
        app, ["user", "create", "cli@example.com", "--password", "long enough password", "--name", "Cli"]
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        app,
        ["workspace", "create", "cli-ws", "--name", "CLI", "--owner", "cli@example.com", "--currency", "USD"],
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        app, ["token", "create", "--email", "cli@example.com", "--workspace", "cli-ws", "--json"]
    )
    assert r.exit_code == 0, r.output
    token = json.loads(r.output)["token"]
    assert token.startswith("kz_")
    with unit_of_work() as uow:
        ws = uow.session.execute(select(Workspace).where(Workspace.slug == "cli-ws")).scalar_one()
        assert ws.currency == "USD"


def test_errors_are_one_line_and_nothing_is_half_written(db: Any) -> None:
    r = runner.invoke(app, ["user", "create", "bad", "--password", "long enough password"])
    assert r.exit_code == 2
    assert "invalid_email" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["workspace", "create", "x-ws", "--name", "X", "--owner", "nobody@example.com"])
    assert r.exit_code == 2 and "user_not_found" in r.output
    runner.invoke(app, ["user", "create", "dup@example.com", "--password", "long enough password"])
    r = runner.invoke(app, ["workspace", "create", "Bad Slug!", "--name", "X", "--owner", "dup@example.com"])
    assert r.exit_code == 2 and "invalid_slug" in r.output
    with unit_of_work() as uow:
        assert uow.session.execute(select(func.count()).select_from(Workspace)).scalar_one() == 0
        assert uow.session.execute(select(func.count()).select_from(User)).scalar_one() == 1


def test_demo_twice_on_the_same_data_dir(tmp_path: Any) -> None:
    """A second ``kizuna demo`` finds the demo loaded, prints the same login and writes nothing twice."""
    env = {
        **os.environ,
        "KIZUNA_DATA_DIR": str(tmp_path / "demo"),
        "KIZUNA_DATABASE_URL": f"sqlite:///{tmp_path / 'demo' / 'kizuna.db'}",
        "KIZUNA_LANG": "en",
    }
    cmd = [sys.executable, "-m", "kizuna.cli.main", "demo", "--no-serve", "--influencers", "40"]
    first = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "created now" in first.stdout
    second = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    assert "already loaded" in second.stdout

    def password(out: str) -> str:
        return next(line.split()[-1] for line in out.splitlines() if line.startswith("password"))

    assert password(first.stdout) == password(second.stdout)
    import sqlite3

    con = sqlite3.connect(tmp_path / "demo" / "kizuna.db")
    assert con.execute("select count(*) from influencers").fetchone()[0] == 40
    assert con.execute("select count(*) from workspaces").fetchone()[0] == 1
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    secrets = json.loads((tmp_path / "demo" / "secrets.json").read_text())
    assert secrets and all(len(v) > 40 for v in secrets.values())
    assert oct((tmp_path / "demo" / "secrets.json").stat().st_mode)[-3:] == "600"


def test_the_command_line_speaks_the_terminals_language(tmp_path: Any) -> None:
    """``KIZUNA_LANG`` / ``LANG=ja_JP.UTF-8`` turn messages and errors Japanese; the error code stays stable."""
    base = {
        **os.environ,
        "KIZUNA_DATA_DIR": str(tmp_path / "d"),
        "KIZUNA_DATABASE_URL": f"sqlite:///{tmp_path / 'd' / 'kizuna.db'}",
    }
    base.pop("KIZUNA_LANG", None)
    base.pop("LC_ALL", None)
    base.pop("LC_MESSAGES", None)
    cmd = [sys.executable, "-m", "kizuna.cli.main"]
    up = subprocess.run(
        [*cmd, "db", "upgrade"], env={**base, "LANG": "ja_JP.UTF-8"}, capture_output=True, text=True
    )
    assert up.returncode == 0, up.stderr
    assert "データベースのリビジョン" in up.stdout
    create = [*cmd, "workspace", "create", "acme", "--name", "Acme", "--owner", "nobody@example.com"]
    ja = subprocess.run(create, env={**base, "LANG": "ja_JP.UTF-8"}, capture_output=True, text=True)
    assert ja.returncode == 2
    assert "(user_not_found)" in ja.stderr and "エラー" in ja.stderr
    assert "メールアドレス nobody@example.com のユーザーはいません。" in ja.stderr
    en = subprocess.run(
        create, env={**base, "LANG": "ja_JP.UTF-8", "KIZUNA_LANG": "en"}, capture_output=True, text=True
    )
    assert en.returncode == 2
    assert "No user with e-mail nobody@example.com." in en.stderr


def test_cli_locale_reads_the_environment(monkeypatch: Any) -> None:
    from kizuna.cli.messages import cli_locale

    for name in ("KIZUNA_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    assert cli_locale() == "en"
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    assert cli_locale() == "ja"
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    assert cli_locale() == "en"
    monkeypatch.setenv("KIZUNA_LANG", "ja")
    assert cli_locale() == "ja"


# --- the address links point at --------------------------------------------------------------------------------


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """``uvicorn.run`` replaced by a recorder of the settings in force when the server would start."""
    import uvicorn

    from kizuna.config import get_settings
    from kizuna.tracking.links import short_url

    seen: dict[str, Any] = {}

    def fake_run(app_: Any, *, host: str, port: int, **kwargs: Any) -> None:
        seen.update(host=host, port=port, base_url=get_settings().base_url, link=short_url("abc123"))

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.setenv("KIZUNA_BASE_URL", "")  # restored (unset) afterwards, whatever the command sets
    monkeypatch.delenv("KIZUNA_BASE_URL")
    get_settings.cache_clear()
    yield seen
    monkeypatch.undo()
    get_settings.cache_clear()


def test_serve_links_point_at_the_port_being_served(served: dict[str, Any]) -> None:
    r = runner.invoke(app, ["serve", "--port", "8765", "--no-worker"])
    assert r.exit_code == 0, r.output
    assert served["port"] == 8765
    assert served["base_url"] == "http://127.0.0.1:8765"
    assert served["link"] == "http://127.0.0.1:8765/r/abc123"


def test_demo_links_point_at_the_port_being_served(
    served: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import kizuna.demo

    monkeypatch.setattr(
        kizuna.demo, "load_demo", lambda **kw: kizuna.demo.DemoInfo("demo@x.example", "pw", "demo", False)
    )
    r = runner.invoke(app, ["demo", "--port", "8123"])
    assert r.exit_code == 0, r.output
    assert "http://127.0.0.1:8123/" in r.output
    assert served["base_url"] == "http://127.0.0.1:8123"
    assert served["link"] == "http://127.0.0.1:8123/r/abc123"


def test_an_explicit_base_url_wins_over_the_port(
    served: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIZUNA_BASE_URL", "https://kizuna.example.com")
    r = runner.invoke(app, ["serve", "--port", "9000", "--no-worker"])
    assert r.exit_code == 0, r.output
    assert served["base_url"] == "https://kizuna.example.com"
    assert served["link"] == "https://kizuna.example.com/r/abc123"


def test_the_served_address_of_any_interface() -> None:
    from kizuna.config import served_base_url

    assert served_base_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert served_base_url("0.0.0.0", 8080) == "http://127.0.0.1:8080"  # every interface: this machine
    assert served_base_url("::", 8080) == "http://[::1]:8080"
    assert served_base_url("fe80::1", 9000) == "http://[fe80::1]:9000"
    assert served_base_url("kizuna.local", 80) == "http://kizuna.local"
