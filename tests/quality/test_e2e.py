"""The quality panel in a real browser: upload a follower sample, see the breakdown, override with a reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from kizuna.db import unit_of_work
from kizuna.models.social_account import SocialAccount
from kizuna.tenancy import bind_workspace
from tests.conftest import PASSWORD, make_user_and_workspace
from tests.e2e.conftest import browser_login, screenshot
from tests.quality.conftest import load_synthetic

pytestmark = pytest.mark.e2e


def test_panel_upload_breakdown_and_override(live_server: Any, page: Any, tmp_path: Path) -> None:
    ws = make_user_and_workspace("aya@example.com", "aya")
    load_synthetic(ws["workspace_id"], 2, seed=5)
    with unit_of_work() as uow:
        bind_workspace(uow.session, ws["workspace_id"])
        account_id = uow.session.execute(
            select(SocialAccount.id).order_by(SocialAccount.followers.desc()).limit(1)
        ).scalar_one()
    sample = tmp_path / "followers.csv"
    rows = [f"fan_{i},{150 + i},{120 + i},{25 + i},1" for i in range(90)]
    rows += [f"user{40000000 + i},0,{5000 + i},0,0" for i in range(30)]
    sample.write_text("username,followers,following,posts,has_profile_picture\n" + "\n".join(rows) + "\n")

    browser_login(page, live_server.url, "aya@example.com", PASSWORD)
    page.goto(f"{live_server.url}/w/aya/audience/accounts/{account_id}")
    page.set_input_files("form[action$='/sample'] input[type=file]", str(sample))
    page.click("form[action$='/sample'] button")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=aqs-score]").inner_text().strip().isdigit()
    table = page.locator("table.table").first.inner_text()
    assert "Follower sample" in table and "Followers sampled: 120" in table
    screenshot(page, "audience-quality-panel", doc=True)

    page.fill("form[action$='/override'] input[name=score]", "35")
    page.fill("form[action$='/override'] input[name=reason]", "Bought followers in March (agency confirmed)")
    page.click("form[action$='/override'] button")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=aqs-score]").inner_text().strip() == "35"
    assert "Overridden by a person" in page.locator("body").inner_text()
