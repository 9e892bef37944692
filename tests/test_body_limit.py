"""Oversized request bodies get a 413 in the usual error shape, declared or streamed, JSON or page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kizuna.app import BodyLimit


@pytest.fixture
def small_client(db: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The real app, built with a 100-byte ceiling (the limits are 1 MiB below it plus the configured sizes)."""
    from fastapi.testclient import TestClient

    from kizuna.app import create_app
    from kizuna.config import get_settings

    settings = get_settings()
    monkeypatch.setattr(settings, "import_max_bytes", 0)
    monkeypatch.setattr(settings, "upload_max_bytes", 0)
    monkeypatch.setattr("kizuna.app.BODY_LIMIT_SLACK", 100)
    with TestClient(create_app(embedded_worker=False), base_url="http://127.0.0.1:8000") as c:
        yield c


def test_the_app_installs_the_body_limit(app: Any) -> None:
    assert any(m.cls is BodyLimit for m in app.user_middleware)


def test_declared_oversized_body_is_a_json_413_for_the_api(small_client: Any) -> None:
    r = small_client.post(
        "/api/v1/w/acme/influencers",
        content=b"{" + b" " * 500 + b"}",
        headers={"content-type": "application/json", "Accept-Language": "ja"},
    )
    assert r.status_code == 413
    assert r.json() == {
        "error": {"code": "payload_too_large", "message": "リクエストのサイズが上限を超えています。"}
    }
    assert r.headers["x-content-type-options"] == "nosniff"


def test_streamed_oversized_body_is_a_413_not_a_parse_error(small_client: Any) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"x" * 50

    r = small_client.post(
        "/api/v1/w/acme/influencers", content=chunks(), headers={"content-type": "application/json"}
    )
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "payload_too_large"


def test_oversized_form_post_gets_an_error_page(small_client: Any) -> None:
    r = small_client.post(
        "/login",
        content=b"email=" + b"a" * 500,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 413
    assert r.headers["content-type"].startswith("text/html")
    assert "The request is larger than allowed." in r.text


def test_small_bodies_pass_through(small_client: Any) -> None:
    r = small_client.post(
        "/api/v1/w/acme/influencers", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code in (400, 401)
    assert r.json()["error"]["code"] != "payload_too_large"
