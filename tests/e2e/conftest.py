"""Browser-test helpers. The fixtures (``live_server``, ``browser``, ``page``, ``phone_page``) are defined once in
``tests/conftest.py``; Chromium is Debian's /usr/bin/chromium (never ``playwright install``)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CHROMIUM, LAUNCH_ARGS, REPO

__all__ = ["CHROMIUM", "LAUNCH_ARGS", "browser_login", "screenshot"]

ARTIFACTS = REPO / "tests" / "e2e" / "artifacts"
DOC_IMAGES = REPO / "docs" / "guide" / "img"

pytestmark = pytest.mark.e2e


def screenshot(page: Any, name: str, *, doc: bool = False) -> Path:
    """Save a screenshot under tests/e2e/artifacts/ (and docs/guide/img/ for the user guide when ``doc``)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 1000, "screenshot is empty"
    if doc and os.environ.get("KIZUNA_UPDATE_DOC_IMAGES"):
        DOC_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOC_IMAGES / f"{name}.png")
    return path


def browser_login(page: Any, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
