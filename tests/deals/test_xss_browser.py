"""Script in a creator's name, a caption or a comment renders inert, in a real browser (Chromium).

The page's CSP would block inline script anyway, so the test proves escaping itself: no injected element exists
in the DOM, nothing ran, and the hostile text is shown literally — on the brand's pages and in the portal.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from kizuna.db import unit_of_work
from kizuna.models.influencer import Influencer
from tests.conftest import PASSWORD
from tests.deals.conftest import TERMS, api_headers, create_deal_api, make_world, portal_link
from tests.e2e.conftest import browser_login, screenshot

pytestmark = pytest.mark.e2e

NAME = '<img src=x id=pwn-name onerror="window.__xss=1">Hana<script id=pwn-script>window.__xss=2</script>'
CAPTION = '【PR】#ad <svg id=pwn-svg onload="window.__xss=3"></svg> "><iframe id=pwn-frame src="javascript:alert(4)"></iframe>'
COMMENT = '</textarea><b id=pwn-comment onmouseover="window.__xss=5">hover</b>'


def _assert_inert(pg: Any) -> None:
    for selector in ("#pwn-name", "#pwn-script", "#pwn-svg", "#pwn-frame", "#pwn-comment"):
        assert pg.locator(selector).count() == 0, selector
    assert pg.evaluate("() => window.__xss") is None


def test_hostile_name_caption_and_comment_render_inert(
    live_server: Any, page: Any, phone_page: Any, client: Any
) -> None:
    w = make_world("xss")
    with unit_of_work() as uow:
        uow.session.execute(select(Influencer)).scalar_one().display_name = NAME
    h = api_headers(client, w["email"], w["ws"])
    deal = create_deal_api(client, w, h, {**TERMS, "disclosure": {"required": True, "jurisdictions": ["jp"]}})
    link = portal_link(client, w, h, deal["id"])
    dialogs: list[str] = []
    for pg in (page, phone_page):
        pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    # the creator accepts and submits the hostile caption and comment from a phone
    phone_page.goto(live_server.url + link["path"])
    _assert_inert(phone_page)
    assert NAME in phone_page.locator("h1").inner_text()
    phone_page.click("text=このオファーを承諾する")
    phone_page.wait_for_load_state("networkidle")
    phone_page.fill("#item-1 textarea[name=caption]", CAPTION)
    phone_page.click("#item-1 button.primary")
    phone_page.wait_for_load_state("networkidle")
    phone_page.fill("#item-1 input[name=body]", COMMENT)
    phone_page.locator("#item-1 form.row button").click()
    phone_page.wait_for_load_state("networkidle")
    _assert_inert(phone_page)
    assert CAPTION in phone_page.locator("#item-1 .caption").first.inner_text()
    assert COMMENT in phone_page.locator("#item-1 .activity").inner_text()
    width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    wide = phone_page.evaluate(
        "() => [...document.querySelectorAll('body *')].filter(e => e.scrollWidth > 392 || e.getBoundingClientRect().width > 392).slice(0, 12).map(e => e.tagName + '.' + e.className + ' ' + e.scrollWidth + '/' + Math.round(e.getBoundingClientRect().width))"
    )
    assert width <= 390 + 1, f"portal overflows a phone screen: {width}px {wide}"
    screenshot(phone_page, "portal-phone-ja", doc=True)

    # the brand reviews it
    browser_login(page, live_server.url, w["email"], PASSWORD)
    for path in (
        f"/w/{w['ws']}/deals",
        f"/w/{w['ws']}/deals/{deal['id']}",
        f"/w/{w['ws']}/content",
        f"/w/{w['ws']}/deals/payments",
        f"/w/{w['ws']}/deals/{deal['id']}/agreement",
    ):
        page.goto(live_server.url + path)
        _assert_inert(page)
        assert "Hana" in page.locator("body").inner_text()
    page.goto(live_server.url + f"/w/{w['ws']}/content")
    page.click("table a >> nth=0")
    page.wait_for_load_state("networkidle")
    _assert_inert(page)
    assert CAPTION in page.locator(".caption").first.inner_text()
    page.hover("text=hover")
    _assert_inert(page)
    screenshot(page, "content-review", doc=True)
    assert dialogs == []
