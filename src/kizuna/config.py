"""Settings, read from ``KIZUNA_*`` environment variables.

Secrets are never hard-coded: on first use they are generated with :mod:`secrets` and kept in
``<data_dir>/secrets.json`` (mode 0600), so a restart keeps sessions and encrypted values valid.
"""

from __future__ import annotations

import json
import os
import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "kizuna"


SECRET_NAMES = ("signing_key", "encryption_key")


class Settings(BaseSettings):
    """Runtime configuration. Every field can be set as ``KIZUNA_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="KIZUNA_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str | None = None
    jobs: str | None = None
    base_url: str = "http://127.0.0.1:8000"
    default_locale: str = "en"
    default_timezone: str = "Asia/Tokyo"
    session_max_age_seconds: int = 14 * 24 * 3600
    login_max_failures: int = 5
    login_window_seconds: int = 900
    import_max_bytes: int = 200 * 1024 * 1024
    upload_max_bytes: int = 25 * 1024 * 1024
    embedded_worker: bool = True
    secure_cookies: bool = False

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'kizuna.db'}"

    @property
    def resolved_jobs_url(self) -> str:
        if self.jobs:
            return self.jobs
        return f"sqlite:///{self.data_dir / 'jobs.db'}"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    def ensure_data_dir(self) -> None:
        """Create the data dir and its generated secrets on first run."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.uploads_dir.mkdir(parents=True, exist_ok=True)
        for name in SECRET_NAMES:
            self.secret(name)

    def secret(self, name: str) -> str:
        """A named secret from ``secrets.json``, created on first use."""
        return _load_secret(str(self.data_dir), name)


@lru_cache(maxsize=64)
def _load_secret(data_dir: str, name: str) -> str:
    path = Path(data_dir) / "secrets.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    data: dict[str, str] = {}
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
    if name not in data:
        data[name] = secrets.token_urlsafe(48)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        tmp.replace(path)
    return data[name]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def served_base_url(host: str, port: int) -> str:
    """The address people reach a server listening on ``host:port`` at: a wildcard interface (``0.0.0.0``,
    ``::``) becomes this machine's loopback, an IPv6 address gets its brackets, port 80 is left out."""
    name = host.strip().strip("[]") or "127.0.0.1"
    if name == "0.0.0.0":  # noqa: S104 - reading the bind address, not binding
        name = "127.0.0.1"
    elif name == "::":
        name = "::1"
    if ":" in name:
        name = f"[{name}]"
    return f"http://{name}" if port == 80 else f"http://{name}:{port}"


def use_served_address(host: str, port: int) -> Settings:
    """Make ``base_url`` (portal, tracking, invitation and unsubscribe links) the address being served, unless
    ``KIZUNA_BASE_URL`` was set: an explicit setting (a public host name behind a proxy) always wins.

    It goes through the environment, so every later ``get_settings()`` (and any child process) agrees.
    """
    if not os.environ.get("KIZUNA_BASE_URL", "").strip():
        os.environ["KIZUNA_BASE_URL"] = served_base_url(host, port)
        get_settings.cache_clear()
    return get_settings()
