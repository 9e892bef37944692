"""Payables per deliverable, due dates from the payment terms, withholding on payment, overdue alerts.

Late payment is the creators' top complaint, so the clock is explicit: each payable waits for its content
item's approval or publication (as the terms say), then is due ``net_days`` later. Withholding tax is
computed when the payment is recorded, from the payee details at that moment.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna.accounts.audit import record
from kizuna.deals import pipeline
from kizuna.deals.actors import Actor
from kizuna.errors import Conflict, ValidationFailed
from kizuna.kit.crypto import encrypt
from kizuna.kit.money import from_minor
from kizuna.kit.sheets import formula_safe
from kizuna.kit.time import utcnow
from kizuna.models.content_item import ContentItem
from kizuna.models.deal import Deal
from kizuna.models.influencer import Influencer
from kizuna.models.payable import Payable
from kizuna.models.payee import Payee
from kizuna.payments.japan import validate_registration_number, withholding_yen

ENTITY_TYPES = ("individual", "company")


def create_for_item(
    session: Session,
    deal: Deal,
    item: ContentItem,
    *,
    fee_minor: int,
    currency: str,
    net_days: int,
    clock: str,
) -> Payable | None:
    if fee_minor <= 0:
        return None
    row = Payable(
        workspace_id=deal.workspace_id,
        deal_id=deal.id,
        content_item_id=item.id,
        description=f"{item.platform} {item.format} #{item.sequence}",
        gross_minor=fee_minor,
        currency=currency,
        net_days=net_days,
        clock_start=clock,
        status="awaiting_clock",
    )
    session.add(row)
    return row


def start_clock(session: Session, item: ContentItem, event: str, at: datetime) -> list[Payable]:
    """The item was approved or published: payables waiting for that event get their due date."""
    started = []
    for p in session.execute(
        select(Payable).where(
            Payable.content_item_id == item.id,
            Payable.status == "awaiting_clock",
            Payable.clock_start == event,
        )
    ).scalars():
        p.clock_started_at = at
        p.due_at = at + timedelta(days=p.net_days)
        p.status = "scheduled"
        started.append(p)
    return started


def payee_for(session: Session, influencer_id: int) -> Payee | None:
    return session.execute(select(Payee).where(Payee.influencer_id == influencer_id)).scalar_one_or_none()


def withholding_for(payee: Payee | None, currency: str, gross_minor: int) -> int:
    """Japanese withholding applies to payments in yen to individuals (a missing payee is treated as one:
    under-withholding is the payer's liability, so the safe default is to withhold)."""
    if currency != "JPY":
        return 0
    if payee is not None and (payee.entity_type != "individual" or payee.country != "JP"):
        return 0
    return withholding_yen(gross_minor)


def mark_paid(actor: Actor, payable: Payable, *, reference: str, paid_at: datetime | None = None) -> Payable:
    actor.require("admin")
    reference = reference.strip()
    if not reference:
        raise ValidationFailed(
            "Enter the payment reference (bank transfer ID).", code="payment_reference_required"
        )
    if payable.status == "paid":
        raise Conflict("This payable is already paid.", code="payable_already_paid")
    s = actor.session
    deal = s.get(Deal, payable.deal_id)
    assert deal is not None
    payee = payee_for(s, deal.influencer_id)
    when = paid_at or utcnow()
    payable.withholding_minor = withholding_for(payee, payable.currency, payable.gross_minor)
    payable.paid_minor = payable.gross_minor - payable.withholding_minor
    payable.paid_at = when
    payable.paid_reference = reference[:200]
    if payable.clock_started_at is None:
        # Paid before the clock started (early payment): count days from the payment itself.
        payable.clock_started_at = when
        payable.due_at = when
    payable.status = "paid"
    actor.audit(
        "payment.paid",
        payable,
        {
            "reference": reference,
            "gross_minor": payable.gross_minor,
            "withholding_minor": payable.withholding_minor,
            "paid_minor": payable.paid_minor,
            "currency": payable.currency,
        },
    )
    s.flush()
    open_left = s.execute(
        select(Payable.id).where(Payable.deal_id == deal.id, Payable.status != "paid")
    ).first()
    if open_left is None:
        pipeline.advance(s, deal, "paid")
    return payable


def save_payee(
    actor: Actor,
    influencer_id: int,
    *,
    legal_name: str,
    entity_type: str,
    country: str,
    invoice_registration_number: str,
    bank_details: str,
) -> Payee:
    legal_name = legal_name.strip()
    if not legal_name:
        raise ValidationFailed("Enter the name payments are made to.", code="payee_name_required")
    if entity_type not in ENTITY_TYPES:
        raise ValidationFailed("Choose individual or company.", code="payee_entity_type")
    country = (country or "JP").strip().upper()[:2]
    number = (
        validate_registration_number(invoice_registration_number)
        if invoice_registration_number.strip()
        else None
    )
    s = actor.session
    payee = payee_for(s, influencer_id)
    if payee is None:
        payee = Payee(workspace_id=actor.workspace_id, influencer_id=influencer_id, legal_name=legal_name)
        s.add(payee)
    payee.legal_name = legal_name[:200]
    payee.entity_type = entity_type
    payee.country = country
    payee.invoice_registration_number = number
    if bank_details.strip():
        payee.bank_details_enc = encrypt(bank_details.strip())
    s.flush()
    actor.audit(
        "payee.saved",
        payee,
        {"entity_type": entity_type, "country": country, "invoice_registration_number": number},
    )
    return payee


def is_overdue(p: Payable, now: datetime | None = None) -> bool:
    return p.status == "scheduled" and p.due_at is not None and p.due_at < (now or utcnow())


def overdue(session: Session, now: datetime | None = None) -> list[Payable]:
    moment = now or utcnow()
    return list(
        session.execute(
            select(Payable)
            .where(Payable.status == "scheduled", Payable.due_at < moment)
            .order_by(Payable.due_at)
        ).scalars()
    )


def alert_overdue(session: Session, now: datetime | None = None) -> int:
    """Record one alert per overdue payable (audit row, flag shown in the UI). Runs in the periodic job."""
    count = 0
    for p in overdue(session, now):
        if p.overdue_alerted_at is not None:
            continue
        p.overdue_alerted_at = now or utcnow()
        record(
            session,
            action="payment.overdue",
            workspace_id=p.workspace_id,
            actor=None,
            obj=p,
            data={"due_at": p.due_at.isoformat() if p.due_at else None, "gross_minor": p.gross_minor},
        )
        count += 1
    return count


@dataclass
class PayableRow:
    payable: Payable
    deal: Deal
    influencer: Influencer
    #: The deliverable paid for, so pages can name it in the reader's language (``description`` is English).
    item: ContentItem | None = None

    @property
    def days_to_pay(self) -> int | None:
        p = self.payable
        if p.paid_at is None or p.clock_started_at is None:
            return None
        return (p.paid_at - p.clock_started_at).days

    @property
    def days_overdue(self) -> int:
        p = self.payable
        end = p.paid_at or utcnow()
        if p.due_at is None or end <= p.due_at:
            return 0
        return (end - p.due_at).days


def rows(session: Session, *, status: str | None = None, deal_id: int | None = None) -> list[PayableRow]:
    q = (
        select(Payable, Deal, Influencer, ContentItem)
        .join(Deal, Deal.id == Payable.deal_id)
        .join(Influencer, Influencer.id == Deal.influencer_id)
        .outerjoin(ContentItem, ContentItem.id == Payable.content_item_id)
        .order_by(Payable.due_at.is_(None), Payable.due_at, Payable.id)
    )
    if status == "overdue":
        q = q.where(Payable.status == "scheduled", Payable.due_at < utcnow())
    elif status:
        q = q.where(Payable.status == status)
    if deal_id is not None:
        q = q.where(Payable.deal_id == deal_id)
    return [PayableRow(p, d, i, item) for p, d, i, item in session.execute(q).all()]


CSV_HEADER = (
    "payable_id",
    "creator",
    "deal_id",
    "description",
    "currency",
    "gross",
    "withholding",
    "net_paid",
    "clock_start",
    "clock_started_at",
    "due_at",
    "status",
    "paid_at",
    "reference",
    "days_to_pay",
    "days_overdue",
)


def _cell(value: str) -> str:
    # Spreadsheet formula injection: a creator-controlled name must never start a formula.
    return str(formula_safe(value))


def export_csv(session: Session) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_HEADER)
    for r in rows(session):
        p = r.payable
        w.writerow(
            [
                p.id,
                _cell(r.influencer.display_name),
                r.deal.id,
                _cell(p.description),
                p.currency,
                str(from_minor(p.gross_minor, p.currency)),
                str(from_minor(p.withholding_minor, p.currency)),
                str(from_minor(p.paid_minor, p.currency)) if p.paid_minor is not None else "",
                p.clock_start,
                p.clock_started_at.isoformat() if p.clock_started_at else "",
                p.due_at.isoformat() if p.due_at else "",
                "overdue" if is_overdue(p) else p.status,
                p.paid_at.isoformat() if p.paid_at else "",
                _cell(p.paid_reference or ""),
                "" if r.days_to_pay is None else r.days_to_pay,
                r.days_overdue,
            ]
        )
    return buf.getvalue()


@dataclass
class CreatorPaySummary:
    influencer: Influencer
    paid_count: int
    avg_days_to_pay: float | None
    max_days_to_pay: int | None
    paid_late: int
    open_overdue: int


def days_to_pay_by_creator(session: Session) -> list[CreatorPaySummary]:
    """Per creator: how long payments took from the start of the clock, how many were late, how many are."""
    grouped: dict[int, list[PayableRow]] = {}
    for r in rows(session):
        grouped.setdefault(r.influencer.id, []).append(r)
    out = []
    for items in grouped.values():
        days = [r.days_to_pay for r in items if r.days_to_pay is not None]
        out.append(
            CreatorPaySummary(
                influencer=items[0].influencer,
                paid_count=len(days),
                avg_days_to_pay=round(sum(days) / len(days), 1) if days else None,
                max_days_to_pay=max(days) if days else None,
                paid_late=sum(1 for r in items if r.payable.status == "paid" and r.days_overdue > 0),
                open_overdue=sum(1 for r in items if is_overdue(r.payable)),
            )
        )
    out.sort(key=lambda c: (-(c.open_overdue), -(c.avg_days_to_pay or 0)))
    return out
