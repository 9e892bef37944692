"""Payments: Japanese invoice numbers and withholding, due dates from the terms, overdue alerts, CSV, days to pay."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from kizuna.db import unit_of_work
from kizuna.errors import ValidationFailed
from kizuna.kit.time import utcnow
from kizuna.models.audit_log import AuditLog
from kizuna.models.campaign_influencer import CampaignInfluencer
from kizuna.models.payable import Payable
from kizuna.models.payee import Payee
from kizuna.payments import service
from kizuna.payments.japan import check_digit, validate_registration_number, withholding_yen
from tests.conftest import csrf_from, login
from tests.deals.conftest import TERMS, accepted_deal

# ------------------------------------------------------------------------------------- invoice numbers


def test_check_digit_matches_published_examples() -> None:
    # Worked example of the Ministry of Finance formula (9 - Σ Pn×Qn mod 9): base 123456789012 → 7.
    assert check_digit("123456789012") == 7
    # Real corporate numbers (National Tax Agency publication site): their first digit is the check digit.
    for number in ("4011001098993", "7010705000725", "2120901007402"):
        assert check_digit(number[1:]) == int(number[0]), number


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("T7123456789012", "T7123456789012"),
        ("t7123456789012", "T7123456789012"),
        ("Ｔ７１２３４５６７８９０１２", "T7123456789012"),  # full-width, as typed with a Japanese IME
        ("T7-1234-5678-9012", "T7123456789012"),
        (" T 4011001098993 ", "T4011001098993"),
    ],
)
def test_valid_registration_numbers_are_normalised(raw: str, expected: str) -> None:
    assert validate_registration_number(raw) == expected


@pytest.mark.parametrize(
    "raw, code",
    [
        ("7123456789012", "invoice_number_format"),  # no T
        ("T712345678901", "invoice_number_format"),  # 12 digits
        ("T71234567890123", "invoice_number_format"),  # 14 digits
        ("X7123456789012", "invoice_number_format"),
        ("T71234567890I2", "invoice_number_format"),
        ("T8123456789012", "invoice_number_check"),  # one wrong digit
        ("T7123456789021", "invoice_number_check"),  # swapped digits
    ],
)
def test_invalid_registration_numbers_are_refused(raw: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        validate_registration_number(raw)
    assert err.value.code == code


# ----------------------------------------------------------------------------------------- withholding


@pytest.mark.parametrize(
    "amount, tax",
    [
        (0, 0),
        (10_000, 1_021),
        (99_999, 10_209),  # 10,209.8979 rounded down
        (999_999, 102_099),
        (1_000_000, 102_100),
        (1_000_001, 102_100),  # 0.2042 yen on the excess rounds down to 0
        (1_000_005, 102_101),
        (1_000_010, 102_102),
        (1_500_000, 204_200),  # 102,100 + 500,000 × 20.42%
        (3_000_000, 510_500),
    ],
)
def test_withholding_at_the_million_yen_boundary(amount: int, tax: int) -> None:
    assert withholding_yen(amount) == tax


# ------------------------------------------------------------------------------------ due dates, paying


def _payables() -> list[Payable]:
    with unit_of_work() as uow:
        return list(uow.session.execute(select(Payable).order_by(Payable.id)).scalars())


def _approve_and_publish(
    client: Any, api: dict[str, Any], creator: Any, ctx: dict[str, Any], csrf: str
) -> int:
    items = client.get(f"/api/v1/w/{api['ws']}/deals/{ctx['deal']['id']}/content", headers=api["h"]).json()
    item = items[0]["id"]
    r = creator.post(
        ctx["link"]["path"] + f"/content/{item}/draft",
        data={"csrf_token": ctx["csrf"], "caption": "【PR】#ad 新しいセラムを使ってみました"},
    )
    assert r.status_code in (200, 303), r.text
    r = client.post(f"/api/v1/w/{api['ws']}/deals/content/{item}/approve", json={}, headers=api["h"])
    assert r.status_code == 200, r.text
    return int(item)


def test_due_date_starts_at_publication(client: Any, creator: Any, api: dict[str, Any]) -> None:
    ctx = accepted_deal(client, creator, api)
    assert all(p.status == "awaiting_clock" and p.due_at is None for p in _payables())
    item = _approve_and_publish(client, api, creator, ctx, ctx["csrf"])
    # approval does not start a publication clock
    assert all(p.due_at is None for p in _payables())
    r = creator.post(
        ctx["link"]["path"] + f"/content/{item}/live",
        data={"csrf_token": ctx["csrf"], "url": "https://www.instagram.com/p/abc/"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    first = _payables()[0]
    assert first.status == "scheduled" and first.clock_started_at is not None
    assert first.due_at == first.clock_started_at + timedelta(days=30)
    assert [p.due_at for p in _payables()[1:]] == [None, None]


def test_due_date_starts_at_approval_when_the_terms_say_so(
    client: Any, creator: Any, api: dict[str, Any]
) -> None:
    terms = {**TERMS, "payment": {"net_days": 14, "clock_start": "approval"}}
    ctx = accepted_deal(client, creator, api, terms)
    _approve_and_publish(client, api, creator, ctx, ctx["csrf"])
    first = _payables()[0]
    assert first.status == "scheduled" and first.due_at == first.clock_started_at + timedelta(days=14)  # type: ignore[operator]


def test_overdue_alert_and_mark_paid_with_withholding(client: Any, creator: Any, api: dict[str, Any]) -> None:
    terms = {
        **TERMS,
        "compensation": {"fee_minor": 1_200_000},
        "deliverables": [{"platform": "youtube", "format": "video", "count": 1}],
        "payment": {"net_days": 30, "clock_start": "approval"},
    }
    ctx = accepted_deal(client, creator, api, terms)
    _approve_and_publish(client, api, creator, ctx, ctx["csrf"])
    with unit_of_work() as uow:
        p = uow.session.execute(select(Payable)).scalar_one()
        p.clock_started_at = utcnow() - timedelta(days=40)
        p.due_at = utcnow() - timedelta(days=10)
    with unit_of_work() as uow:
        assert service.alert_overdue(uow.session) == 1
    with unit_of_work() as uow:
        assert service.alert_overdue(uow.session) == 0  # once only
        assert uow.session.execute(select(AuditLog).where(AuditLog.action == "payment.overdue")).scalar_one()
    listed = client.get(f"/api/v1/w/{api['ws']}/deals/payables?status=overdue", headers=api["h"]).json()
    assert len(listed) == 1 and listed[0]["overdue"] is True
    # the creator registers as an individual with an invoice number
    r = creator.post(
        ctx["link"]["path"] + "/payee",
        data={
            "csrf_token": ctx["csrf"],
            "legal_name": "佐藤 花",
            "entity_type": "individual",
            "country": "JP",
            "invoice_registration_number": "Ｔ７１２３４５６７８９０１２",
            "bank_details": "みずほ銀行 渋谷支店 普通 1234567 サトウ ハナ",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    with unit_of_work() as uow:
        payee = uow.session.execute(select(Payee)).scalar_one()
        assert payee.invoice_registration_number == "T7123456789012"
        assert "1234567" not in payee.bank_details_enc  # encrypted at rest
    pid = listed[0]["id"]
    r = client.post(
        f"/api/v1/w/{api['ws']}/deals/payables/{pid}/paid", json={"reference": " "}, headers=api["h"]
    )
    assert r.status_code == 422
    r = client.post(
        f"/api/v1/w/{api['ws']}/deals/payables/{pid}/paid", json={"reference": "TRX-991"}, headers=api["h"]
    )
    assert r.status_code == 200, r.text
    paid = r.json()
    # ¥1,200,000: 102,100 + 200,000 × 20.42% = 142,940
    assert paid["withholding_minor"] == 142_940 and paid["paid_minor"] == 1_200_000 - 142_940
    assert paid["status"] == "paid" and paid["paid_reference"] == "TRX-991"
    r = client.post(
        f"/api/v1/w/{api['ws']}/deals/payables/{pid}/paid", json={"reference": "again"}, headers=api["h"]
    )
    assert r.status_code == 409
    with unit_of_work() as uow:
        assert uow.session.execute(select(CampaignInfluencer.stage)).scalar_one() == "paid"
    # portal shows the status
    html = creator.get(ctx["link"]["path"], headers={"Accept-Language": "en"}).text
    assert "TRX" not in html and "paid" in html and "¥142,940" in html


def test_companies_and_foreign_currency_have_no_withholding(db: Any) -> None:
    company = Payee(
        legal_name="株式会社ハナ", entity_type="company", country="JP", influencer_id=1, workspace_id=1
    )
    person = Payee(legal_name="Hana", entity_type="individual", country="JP", influencer_id=1, workspace_id=1)
    abroad = Payee(legal_name="Hana", entity_type="individual", country="US", influencer_id=1, workspace_id=1)
    assert service.withholding_for(company, "JPY", 500_000) == 0
    assert service.withholding_for(person, "JPY", 500_000) == 51_050
    assert service.withholding_for(person, "USD", 500_000) == 0
    assert service.withholding_for(abroad, "JPY", 500_000) == 0
    assert service.withholding_for(None, "JPY", 500_000) == 51_050


def test_invalid_invoice_number_in_portal_is_explained(
    client: Any, creator: Any, api: dict[str, Any]
) -> None:
    ctx = accepted_deal(client, creator, api)
    r = creator.post(
        ctx["link"]["path"] + "/payee",
        data={
            "csrf_token": ctx["csrf"],
            "legal_name": "Hana",
            "entity_type": "individual",
            "invoice_registration_number": "T8123456789012",
        },
        headers={"Accept-Language": "ja"},
    )
    assert r.status_code == 422 and "チェックデジット" in r.text


def test_only_admins_mark_paid_and_csv_export(client: Any, creator: Any, api: dict[str, Any]) -> None:
    from tests.conftest import make_user_and_workspace
    from tests.deals.conftest import api_headers

    accepted_deal(client, creator, api)
    make_user_and_workspace("member@acme.example", api["ws"], role="member")
    member = api_headers(client, "member@acme.example", api["ws"])
    pid = _payables()[0].id
    r = client.post(
        f"/api/v1/w/{api['ws']}/deals/payables/{pid}/paid", json={"reference": "x"}, headers=member
    )
    assert r.status_code == 403
    with unit_of_work() as uow:
        inf = uow.session.execute(select(Payable)).scalars().first()
        assert inf is not None
    # a creator name that would be a spreadsheet formula is neutralised
    from kizuna.models.influencer import Influencer

    with unit_of_work() as uow:
        uow.session.execute(select(Influencer)).scalar_one().display_name = '=HYPERLINK("http://evil")'
    r = client.post(
        f"/api/v1/w/{api['ws']}/deals/payables/{pid}/paid", json={"reference": "B-1"}, headers=api["h"]
    )
    assert r.status_code == 200
    csrf = login(client, api["email"])
    assert csrf
    r = client.get(f"/w/{api['ws']}/deals/payments.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert len(rows) == 3
    paid = next(row for row in rows if row["status"] == "paid")
    assert paid["creator"].startswith("'=") and paid["reference"] == "B-1" and paid["days_to_pay"] == "0"
    assert paid["gross"] == "66667" and paid["withholding"] == "6806"
    page = client.get(f"/w/{api['ws']}/deals/payments")
    assert page.status_code == 200 and "Days to pay, per creator" in page.text


def test_days_to_pay_per_creator(client: Any, creator: Any, api: dict[str, Any]) -> None:
    ctx = accepted_deal(client, creator, api)
    now = utcnow()
    with unit_of_work() as uow:
        rows = list(uow.session.execute(select(Payable).order_by(Payable.id)).scalars())
        for p, (started, paid_after, net) in zip(
            rows, [(60, 45, 30), (50, 20, 30), (40, None, 30)], strict=True
        ):
            p.clock_started_at = now - timedelta(days=started)
            p.due_at = p.clock_started_at + timedelta(days=net)
            p.status = "scheduled"
            if paid_after is not None:
                p.status = "paid"
                p.paid_at = p.clock_started_at + timedelta(days=paid_after)
                p.paid_minor = p.gross_minor
    with unit_of_work() as uow:
        summary = service.days_to_pay_by_creator(uow.session)
    assert len(summary) == 1
    s = summary[0]
    assert s.paid_count == 2 and s.avg_days_to_pay == 32.5 and s.max_days_to_pay == 45
    assert s.paid_late == 1 and s.open_overdue == 1
    _ = ctx, csrf_from


def test_bank_details_are_shown_to_admins_only(client: Any, creator: Any, api: dict[str, Any]) -> None:
    from tests.conftest import make_user_and_workspace

    ctx = accepted_deal(client, creator, api)
    r = creator.post(
        ctx["link"]["path"] + "/payee",
        data={
            "csrf_token": ctx["csrf"],
            "legal_name": "佐藤 花",
            "entity_type": "individual",
            "bank_details": "みずほ銀行 渋谷支店 普通 7654321",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    login(client, api["email"])
    assert "普通 7654321" in client.get(f"/w/{api['ws']}/deals/{ctx['deal']['id']}").text
    make_user_and_workspace("member@acme.example", api["ws"], role="member")
    login(client, "member@acme.example")
    page = client.get(f"/w/{api['ws']}/deals/{ctx['deal']['id']}")
    assert page.status_code == 200 and "7654321" not in page.text and "佐藤 花" in page.text
