"""Content review: workflow transitions, approval by role, disclosure checks stored on drafts, live posts and
brand reuse, caption diff, deadline reminders, briefs with per-creator overrides."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from kizuna.content import service
from kizuna.content.briefs import effective_brief
from kizuna.db import unit_of_work
from kizuna.kit.time import utcnow
from kizuna.models.audit_log import AuditLog
from kizuna.models.campaign_influencer import CampaignInfluencer
from kizuna.models.content_check import ContentCheck
from kizuna.models.content_item import ContentItem
from kizuna.models.content_version import ContentVersion
from kizuna.models.workspace import Workspace
from tests.conftest import login, make_user_and_workspace
from tests.deals.conftest import accepted_deal, api_headers

GOOD = "【PR】#ad 新しいビタミンCセラムを2週間使ってみました。\n朝のスキンケアが楽しみに。"
BAD = "新しいビタミンCセラムを2週間使ってみました。\n#skincare #serum #beauty #sp"


def _items(client: Any, api: dict[str, Any], deal_id: int) -> list[dict[str, Any]]:
    return list(client.get(f"/api/v1/w/{api['ws']}/deals/{deal_id}/content", headers=api["h"]).json())


def _draft(creator: Any, ctx: dict[str, Any], item: int, caption: str) -> Any:
    return creator.post(
        ctx["link"]["path"] + f"/content/{item}/draft",
        data={"csrf_token": ctx["csrf"], "caption": caption},
        follow_redirects=False,
    )


@pytest.fixture
def flow(client: Any, creator: Any, api: dict[str, Any]) -> dict[str, Any]:
    ctx = accepted_deal(client, creator, api)
    ctx["items"] = _items(client, api, ctx["deal"]["id"])
    return ctx


def test_drafts_are_checked_and_the_results_stored(
    client: Any, creator: Any, api: dict[str, Any], flow: dict[str, Any]
) -> None:
    item = flow["items"][0]["id"]
    assert _draft(creator, flow, item, BAD).status_code == 303
    with unit_of_work() as uow:
        checks = list(uow.session.execute(select(ContentCheck).order_by(ContentCheck.id)).scalars())
        version = uow.session.execute(select(ContentVersion)).scalar_one()
        stage = uow.session.execute(select(CampaignInfluencer.stage)).scalar_one()
    assert {(c.context, c.jurisdiction) for c in checks} == {("draft", "jp"), ("draft", "us")}
    assert all(c.verdict == "non_compliant" and c.version_id == version.id for c in checks)
    codes = {f["code"] for c in checks for f in c.findings}
    assert "disclosure_missing" in codes or "ambiguous_disclosure_only" in codes
    assert all(f["message"] and f["message_ja"] for c in checks for f in c.findings)
    assert version.verdict == "non_compliant" and version.from_creator
    assert stage == "content"
    detail = client.get(f"/api/v1/w/{api['ws']}/deals/content/{item}", headers=api["h"]).json()
    assert detail["item"]["status"] == "in_review" and len(detail["checks"]) == 2


def test_non_compliant_draft_needs_an_override(
    client: Any, creator: Any, api: dict[str, Any], flow: dict[str, Any]
) -> None:
    item = flow["items"][0]["id"]
    _draft(creator, flow, item, BAD)
    r = client.post(f"/api/v1/w/{api['ws']}/deals/content/{item}/approve", json={}, headers=api["h"])
    assert r.status_code == 409 and r.json()["error"]["code"] == "draft_not_compliant"
    r = client.post(
        f"/api/v1/w/{api['ws']}/deals/content/{item}/approve",
        json={"override_compliance": True},
        headers=api["h"],
    )
    assert r.status_code == 200 and r.json()["status"] == "approved"
    with unit_of_work() as uow:
        log = uow.session.execute(select(AuditLog).where(AuditLog.action == "content.approved")).scalar_one()
    assert log.data["override"] is True and log.data["verdict"] == "non_compliant"


def test_full_workflow_with_changes_and_diff(
    client: Any, creator: Any, api: dict[str, Any], flow: dict[str, Any]
) -> None:
    item = flow["items"][0]["id"]
    base = f"/api/v1/w/{api['ws']}/deals/content/{item}"
    # cannot approve or publish a draft-less item
    assert client.post(base + "/approve", json={}, headers=api["h"]).status_code == 409
    assert (
        client.post(
            base + "/publish", json={"url": "https://instagram.com/p/1"}, headers=api["h"]
        ).status_code
        == 409
    )
    _draft(creator, flow, item, BAD)
    r = client.post(
        base + "/request-changes", json={"note": "Please put 【PR】 at the start"}, headers=api["h"]
    )
    assert r.status_code == 200 and r.json()["status"] == "changes_requested"
    assert client.post(base + "/approve", json={}, headers=api["h"]).status_code == 409  # not in review
    html = creator.get(flow["link"]["path"]).text
    assert "Please put 【PR】 at the start" in html
    assert _draft(creator, flow, item, GOOD).status_code == 303
    r = client.post(base + "/approve", json={}, headers=api["h"])
    assert r.status_code == 200 and r.json()["status"] == "approved"
    # drafts are closed once approved
    r = _draft(creator, flow, item, GOOD + " more")
    assert r.status_code == 409
    # the brand's page shows the side-by-side diff of v1 and v2
    login(client, api["email"])
    page = client.get(f"/w/{api['ws']}/content/{item}")
    assert page.status_code == 200
    assert 'class="diff"' in page.text and "<ins>【PR】#ad </ins>" in page.text
    # publish: live post checked again, stage moves
    r = client.post(base + "/publish", json={"url": "javascript:alert(1)"}, headers=api["h"])
    assert r.status_code == 422
    r = client.post(base + "/publish", json={"url": "https://www.instagram.com/reel/xyz/"}, headers=api["h"])
    assert r.status_code == 200, r.text
    assert {c["context"] for c in r.json()} == {"live_post"}
    with unit_of_work() as uow:
        it = uow.session.get(ContentItem, item)
        assert it is not None and it.status == "published" and it.live_url
        assert uow.session.execute(select(CampaignInfluencer.stage)).scalar_one() == "published"
    assert (
        client.post(base + "/publish", json={"url": "https://x.com/1"}, headers=api["h"]).status_code == 409
    )


def test_brand_reuse_is_checked(client: Any, creator: Any, api: dict[str, Any], flow: dict[str, Any]) -> None:
    item = flow["items"][0]["id"]
    base = f"/api/v1/w/{api['ws']}/deals/content/{item}"
    assert (
        client.post(
            base + "/reuse", json={"channel": "brand site", "text": "お客様の声"}, headers=api["h"]
        ).status_code
        == 409
    )
    _draft(creator, flow, item, GOOD)
    client.post(base + "/approve", json={}, headers=api["h"])
    r = client.post(
        base + "/reuse",
        json={"channel": "brand site /reviews", "text": "お客様の声：ハナさん"},
        headers=api["h"],
    )
    assert r.status_code == 200
    checks = r.json()
    assert {c["context"] for c in checks} == {"brand_reuse"} and all(
        c["channel"] == "brand site /reviews" for c in checks
    )
    assert any(f["code"] == "brand_reuse_label_missing" for c in checks for f in c["findings"])
    r = client.post(
        base + "/reuse",
        json={"channel": "brand site", "text": "【PR】#ad お客様の声：ハナさん"},
        headers=api["h"],
    )
    assert all(c["verdict"] != "non_compliant" for c in r.json())
    with unit_of_work() as uow:
        assert (
            len(
                list(
                    uow.session.execute(
                        select(ContentCheck).where(ContentCheck.context == "brand_reuse")
                    ).scalars()
                )
            )
            == 4
        )


def test_approval_needs_the_configured_role(
    client: Any, creator: Any, api: dict[str, Any], flow: dict[str, Any]
) -> None:
    item = flow["items"][0]["id"]
    base = f"/api/v1/w/{api['ws']}/deals/content/{item}"
    make_user_and_workspace("member@acme.example", api["ws"], role="member")
    make_user_and_workspace("viewer@acme.example", api["ws"], role="viewer")
    member = api_headers(client, "member@acme.example", api["ws"])
    viewer = api_headers(client, "viewer@acme.example", api["ws"])
    _draft(creator, flow, item, GOOD)
    assert client.post(base + "/approve", json={}, headers=viewer).status_code == 403
    r = client.post(base + "/approve", json={}, headers=member)
    assert r.status_code == 403 and r.json()["error"]["details"]["required"] == "admin"
    # members may request changes
    assert client.post(base + "/request-changes", json={"note": "tweak"}, headers=member).status_code == 200
    _draft(creator, flow, item, GOOD + "！")
    with unit_of_work() as uow:
        ws = uow.session.execute(select(Workspace).where(Workspace.slug == api["ws"])).scalar_one()
        ws.settings = {"content_approval_role": "member"}
    assert client.post(base + "/approve", json={}, headers=member).status_code == 200


def test_creators_cannot_approve_their_own_draft(
    client: Any, creator: Any, api: dict[str, Any], flow: dict[str, Any]
) -> None:
    # the portal has no approve route at all; the service refuses creators too
    from kizuna.deals.actors import Actor
    from kizuna.errors import PermissionDenied

    item = flow["items"][0]["id"]
    _draft(creator, flow, item, GOOD)
    assert creator.post(
        flow["link"]["path"] + f"/content/{item}/approve", data={"csrf_token": flow["csrf"]}
    ).status_code in (404, 405)
    with unit_of_work() as uow:
        it = uow.session.get(ContentItem, item)
        assert it is not None
        with pytest.raises(PermissionDenied):
            service.approve(Actor.creator(uow.session, it.workspace_id, "Hana", None), it)


def test_caption_diff_marks_changed_characters() -> None:
    rows = service.caption_diff("新しいセラム\n#skincare", "【PR】新しいセラム\n#skincare\n#ad")
    assert [r.tag for r in rows] == ["replace", "equal", "insert"]
    assert rows[0].right[0] == ("【PR】", True) and rows[0].right[1] == ("新しいセラム", False)
    assert rows[2].right == [("#ad", True)] and rows[2].left == []


def test_deadline_reminders_once_a_day(
    client: Any, creator: Any, api: dict[str, Any], flow: dict[str, Any]
) -> None:
    now = utcnow()
    with unit_of_work() as uow:
        items = list(uow.session.execute(select(ContentItem).order_by(ContentItem.id)).scalars())
        items[0].due_at = now + timedelta(hours=20)
        items[1].due_at = now - timedelta(days=1)
        items[2].due_at = now + timedelta(days=10)
    with unit_of_work() as uow:
        assert service.send_reminders(uow.session, now) == 2
    with unit_of_work() as uow:
        assert service.send_reminders(uow.session, now + timedelta(hours=2)) == 0
        assert service.send_reminders(uow.session, now + timedelta(hours=25)) == 2
    with unit_of_work() as uow:
        logs = list(
            uow.session.execute(
                select(AuditLog).where(AuditLog.action == "content.deadline_reminder")
            ).scalars()
        )
    assert len(logs) == 4 and any(log.data["overdue"] for log in logs)


def test_periodic_tasks_are_registered() -> None:
    from kizuna.content import tasks as content_tasks
    from kizuna.payments import tasks as payment_tasks
    from kizuna.worker.queue import huey

    names = {t.__name__ for t in huey._registry._periodic_tasks}
    assert {"content.send_reminders", "payments.alert_overdue"} <= names
    assert content_tasks.send_reminders and payment_tasks.alert_overdue


def test_brief_overrides_per_creator(
    client: Any, creator: Any, api: dict[str, Any], flow: dict[str, Any]
) -> None:
    csrf = login(client, api["email"])
    url = f"/w/{api['ws']}/deals/briefs/{api['campaign_id']}"
    r = client.post(
        url,
        data={
            "csrf_token": csrf,
            "key_messages": "ビタミンC 10%\n朝のスキンケア",
            "hashtags": "#PR\n#新セラム",
            "mentions": "@acme_beauty",
            "disclosure_wording": "【PR】",
            "draft_due": "2026-12-05",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    r = client.post(
        url,
        data={
            "csrf_token": csrf,
            "influencer_id": str(api["influencer_id"]),
            "hashtags": "#PR\n#ハナの新習慣",
            "key_messages": "",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    with unit_of_work() as uow:
        brief, overridden = effective_brief(uow.session, api["campaign_id"], api["influencer_id"])
        base, _ = effective_brief(uow.session, api["campaign_id"], None)
    assert brief.hashtags == ["#PR", "#ハナの新習慣"] and overridden == {"hashtags"}
    assert brief.key_messages == ["ビタミンC 10%", "朝のスキンケア"] and brief.mentions == ["@acme_beauty"]
    assert base.hashtags == ["#PR", "#新セラム"]
    page = creator.get(flow["link"]["path"]).text
    assert "#ハナの新習慣" in page and "@acme_beauty" in page and "#新セラム" not in page
    assert client.get(url + f"?influencer_id={api['influencer_id']}").status_code == 200


def test_reviewer_verified_video_disclosure_clears_the_review_flag(
    client: Any, creator: Any, api: dict[str, Any], flow: dict[str, Any]
) -> None:
    item = flow["items"][0]["id"]  # a reel: video, so the engine asks for a spoken/on-screen disclosure
    _draft(creator, flow, item, GOOD)
    detail = client.get(f"/api/v1/w/{api['ws']}/deals/content/{item}", headers=api["h"]).json()
    assert detail["versions"][0]["verdict"] == "needs_review"
    assert any(f["code"] == "video_disclosure_unverified" for c in detail["checks"] for f in c["findings"])
    r = client.post(
        f"/api/v1/w/{api['ws']}/deals/content/{item}/approve",
        json={"spoken_disclosure": True, "onscreen_disclosure": True},
        headers=api["h"],
    )
    assert r.status_code == 200, r.text
    detail = client.get(f"/api/v1/w/{api['ws']}/deals/content/{item}", headers=api["h"]).json()
    assert detail["versions"][0]["verdict"] == "compliant"
    newest = [c for c in detail["checks"] if c["context"] == "draft"][:2]
    assert all(c["verdict"] == "compliant" for c in newest)
    with unit_of_work() as uow:
        log = uow.session.execute(
            select(AuditLog).where(AuditLog.action == "content.media_disclosure_verified")
        ).scalar_one()
    assert log.data == {"spoken": True, "onscreen": True, "verdict": "compliant"}


def test_review_page_approves_with_video_verification(
    client: Any, creator: Any, api: dict[str, Any], flow: dict[str, Any]
) -> None:
    item = flow["items"][0]["id"]
    _draft(creator, flow, item, GOOD)
    csrf = login(client, api["email"])
    page = client.get(f"/w/{api['ws']}/content/{item}")
    assert 'name="spoken"' in page.text and 'name="onscreen"' in page.text
    r = client.post(
        f"/w/{api['ws']}/content/{item}/approve",
        data={"csrf_token": csrf, "spoken": "on", "onscreen": "on"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    with unit_of_work() as uow:
        version = uow.session.execute(select(ContentVersion)).scalar_one()
        it = uow.session.get(ContentItem, item)
    assert version.verdict == "compliant" and it is not None and it.status == "approved"


def test_missing_mandatory_tags_and_mentions() -> None:
    from kizuna.content.briefs import BriefContent, missing_mandatory

    brief = BriefContent(hashtags=["#PR", "#新セラム"], mentions=["@acme_beauty"])
    assert missing_mandatory("＃ＰＲ 使ってみました #新セラム @acme_beauty", brief) == []
    assert missing_mandatory("#PRODUCT #新セラム2 @acme_beauty.jp", brief) == [
        "#PR",
        "#新セラム",
        "@acme_beauty",
    ]
    assert missing_mandatory("#pr #新セラム", brief) == ["@acme_beauty"]


def test_brief_gaps_and_comment_versions_are_shown(
    client: Any, creator: Any, api: dict[str, Any], flow: dict[str, Any]
) -> None:
    csrf = login(client, api["email"])
    client.post(
        f"/w/{api['ws']}/deals/briefs/{api['campaign_id']}",
        data={"csrf_token": csrf, "hashtags": "#PR\n#新セラム", "mentions": "@acme_beauty"},
    )
    item = flow["items"][0]["id"]
    _draft(creator, flow, item, GOOD + " #新セラム")
    client.post(
        f"/w/{api['ws']}/content/{item}/request-changes", data={"csrf_token": csrf, "note": "add the mention"}
    )
    page = client.get(f"/w/{api['ws']}/content/{item}").text
    assert "required by the brief" in page and "@acme_beauty" in page
    assert '<span class="badge">v1</span>' in page
    portal = creator.get(flow["link"]["path"], headers={"Accept-Language": "en"}).text
    assert "required by the brief" in portal and '<span class="badge">v1</span>' in portal


def test_assets_for_the_campaign_and_for_one_creator(
    client: Any, creator: Any, api: dict[str, Any], flow: dict[str, Any]
) -> None:
    from kizuna.models.upload import Upload

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    pdf = b"%PDF-1.7\n" + b"0" * 64
    csrf = login(client, api["email"])
    url = f"/w/{api['ws']}/deals/briefs/{api['campaign_id']}/assets"
    r = client.post(
        url, data={"csrf_token": csrf}, files={"file": ("logo.png", png, "image/png")}, follow_redirects=False
    )
    assert r.status_code == 303
    r = client.post(
        url,
        data={"csrf_token": csrf, "influencer_id": str(api["influencer_id"])},
        files={"file": ("hana-script.pdf", pdf, "application/pdf")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    # another creator on the same campaign, with their own deal and link, sees only the shared asset
    from kizuna.models.influencer import Influencer
    from kizuna.tenancy import bind_workspace
    from tests.deals.conftest import TERMS, create_deal_api, portal_link

    with unit_of_work() as uow:
        bind_workspace(uow.session, api["workspace_id"])
        other = Influencer(workspace_id=api["workspace_id"], display_name="Ken")
        uow.session.add(other)
        uow.session.flush()
        other_id = other.id
    other_deal = create_deal_api(client, {**api, "influencer_id": other_id}, api["h"], TERMS)
    other_link = portal_link(client, api, api["h"], other_deal["id"])
    with unit_of_work() as uow:
        rows = {u.original_name: u.id for u in uow.session.execute(select(Upload)).scalars()}
    mine = creator.get(flow["link"]["path"]).text
    assert "logo.png" in mine and "hana-script.pdf" in mine
    assert creator.get(flow["link"]["path"] + f"/files/{rows['hana-script.pdf']}").status_code == 200
    theirs = creator.get(other_link["path"]).text
    assert "logo.png" in theirs and "hana-script.pdf" not in theirs
    assert creator.get(other_link["path"] + f"/files/{rows['hana-script.pdf']}").status_code == 404
    assert creator.get(other_link["path"] + f"/files/{rows['logo.png']}").status_code == 200
