"""Agreements: generated in Japanese and English from the accepted offer, accepted once, then immutable."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from kizuna.db import unit_of_work
from kizuna.deals import agreement
from kizuna.errors import Conflict
from kizuna.models.audit_log import AuditLog
from kizuna.models.deal_agreement import DealAgreement
from kizuna.models.workspace import Workspace
from tests.conftest import csrf_from
from tests.deals.conftest import accepted_deal


def _agreement(client: Any, api: dict[str, Any], deal_id: int) -> dict[str, Any]:
    return dict(client.get(f"/api/v1/w/{api['ws']}/deals/{deal_id}/agreement", headers=api["h"]).json())


def test_japanese_agreement_has_every_clause(client: Any, creator: Any, api: dict[str, Any]) -> None:
    ctx = accepted_deal(client, creator, api)
    body = _agreement(client, api, ctx["deal"]["id"])["body"]
    for needle in (
        "インフルエンサー業務委託契約書",
        "Hana Sato",
        "Acme",
        "リール 1件",
        "2026-12-10",
        "￥200,000",
        "源泉徴収",
        "10.21%",
        "20.42%",
        "ステマ告示",
        "景品表示法" if False else "不当景品類及び不当表示防止法第5条第3号",
        "16 CFR Part 255",
        "【PR】",
        "投稿の日から30日以内",
        "委託者のウェブサイト",
        "90日間",
        "広告ホワイトリスト",
        "skincare",
        "解約",
        "SHA-256",
    ):
        assert needle in body, needle


def test_english_agreement_and_reissue(
    client: Any, creator: Any, api: dict[str, Any], signed_in_csrf: str
) -> None:
    ctx = accepted_deal(client, creator, api)
    deal_id = ctx["deal"]["id"]
    r = client.post(
        f"/w/{api['ws']}/deals/{deal_id}/agreement",
        data={"csrf_token": signed_in_csrf, "language": "en"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    a = _agreement(client, api, deal_id)
    assert a["language"] == "en" and a["version"] == 2
    for needle in (
        "Influencer Content Agreement",
        "1 × reel on Instagram",
        "the Brand's website",
        "within 30 days after its publication",
        "Article 5(3) of the Act against Unjustifiable Premiums",
        "FTC Guides",
        "#ad",
        "Paid partnership with Acme",
        "10.21%",
        "skincare",
        "Cancellation",
    ):
        assert needle in a["body"], needle
    with unit_of_work() as uow:
        statuses = [
            r.status
            for r in uow.session.execute(select(DealAgreement).order_by(DealAgreement.version)).scalars()
        ]
    assert statuses == ["void", "issued"]


@pytest.fixture
def signed_in_csrf(client: Any, api: dict[str, Any]) -> str:
    from tests.conftest import login

    return login(client, api["email"])


def test_creator_accepts_with_name_time_ip_and_hash(client: Any, creator: Any, api: dict[str, Any]) -> None:
    ctx = accepted_deal(client, creator, api)
    a = _agreement(client, api, ctx["deal"]["id"])
    page = creator.get(ctx["link"]["path"] + "/agreement")
    assert page.status_code == 200 and a["sha256"] in page.text
    csrf = csrf_from(page.text)
    # a tampered fingerprint is refused
    r = creator.post(
        ctx["link"]["path"] + "/agreement/accept",
        data={"csrf_token": csrf, "name": "佐藤 花", "sha256": "0" * 64},
    )
    assert r.status_code == 409
    r = creator.post(
        ctx["link"]["path"] + "/agreement/accept",
        data={"csrf_token": csrf, "name": "佐藤 花", "sha256": a["sha256"]},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    after = _agreement(client, api, ctx["deal"]["id"])
    assert after["status"] == "accepted" and after["accepted_name"] == "佐藤 花"
    assert after["sha256"] == a["sha256"] == agreement.sha256_of(after["body"])
    with unit_of_work() as uow:
        log = uow.session.execute(
            select(AuditLog).where(AuditLog.action == "agreement.accepted")
        ).scalar_one()
    assert log.data["name"] == "佐藤 花" and log.data["sha256"] == a["sha256"] and log.ip == "testclient"
    assert log.data["at"] and log.actor_label == "creator: 佐藤 花"
    # accepting twice is refused
    r = creator.post(
        ctx["link"]["path"] + "/agreement/accept",
        data={"csrf_token": csrf, "name": "x", "sha256": a["sha256"]},
    )
    assert r.status_code == 409


def test_accepted_agreement_is_immutable(
    client: Any, creator: Any, api: dict[str, Any], signed_in_csrf: str
) -> None:
    ctx = accepted_deal(client, creator, api)
    a = _agreement(client, api, ctx["deal"]["id"])
    csrf = csrf_from(creator.get(ctx["link"]["path"] + "/agreement").text)
    creator.post(
        ctx["link"]["path"] + "/agreement/accept",
        data={"csrf_token": csrf, "name": "Hana", "sha256": a["sha256"]},
    )
    with pytest.raises(Conflict) as err, unit_of_work() as uow:
        row = uow.session.execute(select(DealAgreement)).scalar_one()
        row.body = row.body.replace("200,000", "20,000")
        uow.session.flush()
    assert err.value.code == "agreement_immutable"
    with pytest.raises(Conflict), unit_of_work() as uow:
        row = uow.session.execute(select(DealAgreement)).scalar_one()
        uow.session.delete(row)
        uow.session.flush()
    # re-issuing after acceptance is refused too
    r = client.post(
        f"/w/{api['ws']}/deals/{ctx['deal']['id']}/agreement",
        data={"csrf_token": signed_in_csrf, "language": "en"},
    )
    assert r.status_code == 409
    assert _agreement(client, api, ctx["deal"]["id"])["sha256"] == a["sha256"]


def test_pdf_embeds_japanese_text(client: Any, creator: Any, api: dict[str, Any]) -> None:
    ctx = accepted_deal(client, creator, api)
    r = creator.get(ctx["link"]["path"] + "/agreement.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].startswith("attachment")
    reader = PdfReader(io.BytesIO(r.content))
    text = "".join(page.extract_text() for page in reader.pages)
    text = text.replace("\x00", "").replace(" ", "").replace("\n", "")
    assert "業務委託契約書" in text
    assert "ステマ告示" in text
    assert "第5条（広告であることの表示）" in text and "SHA-256" in text


def test_custom_templates_run_in_a_sandbox(db: Any) -> None:
    from kizuna.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as err:
        agreement.render_body("{{ ''.__class__.__mro__[1].__subclasses__() }}", {})
    assert err.value.code == "agreement_template_invalid"
    with pytest.raises(ValidationFailed):
        agreement.render_body("{{ missing_variable }}", {})


def test_workspace_template_is_used(client: Any, creator: Any, api: dict[str, Any]) -> None:
    with unit_of_work() as uow:
        ws = uow.session.execute(select(Workspace)).scalar_one()
        ws.settings = {
            "agreement_templates": {
                "ja": "# 当社様式の契約書\n{{ brand.name }} と {{ creator.name }}\n報酬 {{ fee }}"
            }
        }
    ctx = accepted_deal(client, creator, api)
    body = _agreement(client, api, ctx["deal"]["id"])["body"]
    assert body.startswith("# 当社様式の契約書") and "Hana Sato" in body and "￥200,000" in body


def test_missing_font_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(agreement, "FONT_CANDIDATES", ("/nonexistent/font.ttc",))
    monkeypatch.delenv("KIZUNA_PDF_FONT", raising=False)
    with pytest.raises(agreement.AgreementFontMissing) as err:
        agreement.find_font()
    assert "fonts-noto-cjk" in err.value.message
