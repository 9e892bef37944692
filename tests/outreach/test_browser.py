"""In a real browser (Chromium via Playwright): compose a sequence, preview it live, start it, drag the card."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from kizuna.db import unit_of_work
from kizuna.models.audit_log import AuditLog
from kizuna.models.campaign import Campaign
from kizuna.models.campaign_influencer import CampaignInfluencer
from kizuna.models.outreach_enrollment import OutreachEnrollment
from kizuna.outreach import engine
from tests.conftest import PASSWORD
from tests.e2e.conftest import browser_login, screenshot
from tests.outreach.conftest import SmtpServer, make_influencer, make_mailbox

pytestmark = pytest.mark.e2e


def test_compose_preview_start_and_drag(
    live_server: Any, page: Any, ws: Any, smtp_server: SmtpServer
) -> None:
    with unit_of_work() as uow:
        s = uow.session
        make_mailbox(s, ws["workspace_id"], smtp_server)
        camp = Campaign(workspace_id=ws["workspace_id"], name="春のリップ")
        s.add(camp)
        s.flush()
        yuki = make_influencer(s, ws["workspace_id"], "Yuki Tanaka", "yuki@creator.example")
        camp_id, yuki_id = camp.id, yuki.id
    browser_login(page, live_server.url, "owner@example.com", PASSWORD)
    page.goto(f"{live_server.url}/w/acme/outreach/sequences/new")
    page.fill("[data-testid=seq-name]", "Spring launch")
    page.select_option("select[name=campaign_id]", str(camp_id))
    page.fill("[data-testid=offer]", "新作リップを1本お送りします")
    # live preview for a chosen influencer (htmx)
    page.select_option("[data-testid=preview-influencer]", str(yuki_id))
    preview = page.locator("[data-testid=preview-body]")
    preview.wait_for()
    text = preview.inner_text()
    assert (
        "Yuki Tanaka様" in text
        and "突然のご連絡失礼いたします" in text
        and "新作リップを1本お送りします" in text
    )
    assert "春のリップ" in page.locator("[data-testid=preview-subject]").inner_text()
    # a missing variable is reported in the preview, not rendered as blank
    body = page.locator("[data-testid=step-1-body]")
    original = body.input_value()
    body.fill("{{ influencer.nickname }}さん、こんにちは")
    page.click("[data-testid=preview-button]")
    page.locator("[data-testid=preview-error]").wait_for()
    assert "influencer.nickname" in page.locator("[data-testid=preview-error]").inner_text()
    body.fill(original)
    page.select_option("[data-testid=enroll-ids]", [str(yuki_id)])
    screenshot(page, "outreach-compose", doc=True)
    page.click("[data-testid=start]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=enrollment]").count() == 1
    with unit_of_work() as uow:
        enr = uow.session.execute(select(OutreachEnrollment)).scalar_one()
        assert enr.status == "active" and enr.campaign_id == camp_id
    engine.send_due(poll_first=False)
    assert [m.rcpt for m in smtp_server.messages] == [["yuki@creator.example"]]
    # the pipeline board: drag Yuki from "contacted" to "negotiating"
    page.goto(f"{live_server.url}/w/acme/outreach/board/{camp_id}")
    card = page.locator(f"[data-testid=card-{yuki_id}]")
    target = page.locator(".board-col[data-stage=negotiating]")
    with page.expect_response(lambda r: r.url.endswith("/move")) as moved:
        card.drag_to(target)
    assert moved.value.status == 204
    with unit_of_work() as uow:
        ci = uow.session.execute(select(CampaignInfluencer)).scalar_one()
        assert ci.stage == "negotiating"
        assert (
            uow.session.execute(
                select(AuditLog).where(
                    AuditLog.action == "outreach.stage_changed", AuditLog.object_id == ci.id
                )
            )
            .scalars()
            .all()
        )
    screenshot(page, "outreach-board", doc=True)
