"""The web shell in a real browser: sign in, switch to Japanese, read Japanese on the dashboard."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import PASSWORD, make_user_and_workspace
from tests.e2e.conftest import browser_login, screenshot

pytestmark = pytest.mark.e2e


def test_login_switch_to_japanese_and_dashboard(live_server: Any, page: Any) -> None:
    make_user_and_workspace("hana@example.com", "hanami")
    browser_login(page, live_server.url, "hana@example.com", PASSWORD)
    assert page.url.rstrip("/").endswith("/w/hanami")
    assert page.locator("h1").first.inner_text().startswith("Dashboard")
    # every lifecycle section of the navigation that exists is reachable from the top bar
    assert page.locator("nav.mainnav a", has_text="Settings").count() == 1

    page.click("form.lang button")
    page.wait_for_load_state("networkidle")
    heading = page.locator("h1").first.inner_text()
    assert heading.startswith("ダッシュボード"), heading
    body = page.locator("body").inner_text()
    assert "インフルエンサー" in body
    assert "設定" in body
    assert page.locator("html").get_attribute("lang") == "ja"
    screenshot(page, "dashboard-ja", doc=True)

    # the choice is remembered on the profile: a fresh sign-in is still Japanese
    page.context.clear_cookies()
    browser_login(page, live_server.url, "hana@example.com", PASSWORD)
    assert page.locator("h1").first.inner_text().startswith("ダッシュボード")


def test_wrong_password_shows_message(live_server: Any, page: Any) -> None:
    make_user_and_workspace("kenji@example.com", "kenji")
    browser_login(page, live_server.url, "kenji@example.com", "not the password")
    assert "/login" in page.url
    assert "not correct" in page.locator(".flash.error").inner_text()
