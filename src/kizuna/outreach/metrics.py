"""Measured outreach: sent, delivered, bounced, replied and reply rate by template, step, variant and tier.

Counts come straight from ``outreach_messages``: *sent* is every message the server accepted (``sent`` or later
``bounced``), *delivered* excludes bounces, *replied* counts messages a human reply was credited to (the last
message sent before the reply; auto-replies and bounces never count). Reply rate = replied / delivered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from kizuna.models.outreach_message import OutreachMessage
from kizuna.models.outreach_template import OutreachTemplate

GROUPS = ("template", "step", "variant", "tier", "sequence_step_variant")


@dataclass
class Row:
    """One group's counts. ``key`` is the group as the API names it ("step 1 / B", a template's name, a tier
    key); pages name the group from ``step``, ``variant`` and ``template_id`` in the reader's language."""

    key: str
    sent: int
    delivered: int
    bounced: int
    replied: int
    #: the step's number, from 1 (grouped by step or by step and variant)
    step: int | None = None
    #: the A/B variant, "A" for a step without variants (grouped by step and variant)
    variant: str | None = None
    #: the saved template the message came from; None when written in the step (grouped by template)
    template_id: int | None = None

    @property
    def reply_rate(self) -> float | None:
        return self.replied / self.delivered if self.delivered else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "sent": self.sent,
            "delivered": self.delivered,
            "bounced": self.bounced,
            "replied": self.replied,
            "reply_rate": self.reply_rate,
        }


def breakdown(session: Session, by: str, *, sequence_id: int | None = None) -> list[Row]:
    from kizuna.models.outreach_enrollment import OutreachEnrollment

    accepted = OutreachMessage.status.in_(("sent", "bounced"))
    cols: list[Any]
    if by == "template":
        cols = [OutreachMessage.template_id]
    elif by == "step":
        cols = [OutreachMessage.step_index]
    elif by == "variant":
        cols = [OutreachMessage.step_index, OutreachMessage.variant]
    elif by == "tier":
        cols = [OutreachMessage.tier]
    else:
        raise ValueError(by)
    stmt = (
        select(
            *cols,
            func.count().label("sent"),
            func.sum(case((OutreachMessage.status == "bounced", 1), else_=0)).label("bounced"),
            func.sum(
                case(
                    ((OutreachMessage.replied_at.is_not(None)) & (OutreachMessage.status == "sent"), 1),
                    else_=0,
                )
            ).label("replied"),
        )
        .where(OutreachMessage.direction == "out", OutreachMessage.kind == "sequence", accepted)
        .group_by(*cols)
        .order_by(*cols)
    )
    if sequence_id is not None:
        stmt = stmt.join(OutreachEnrollment, OutreachEnrollment.id == OutreachMessage.enrollment_id).where(
            OutreachEnrollment.sequence_id == sequence_id
        )
    names: dict[int, str] = {}
    if by == "template":
        names = {t.id: t.name for t in session.execute(select(OutreachTemplate)).scalars()}
    rows = []
    for r in session.execute(stmt).all():
        sent, bounced, replied = int(r.sent), int(r.bounced or 0), int(r.replied or 0)
        step = int(r[0]) + 1 if by in ("step", "variant") and r[0] is not None else None
        variant = (r[1] or "A") if by == "variant" and step is not None else None
        template_id = int(r[0]) if by == "template" and r[0] is not None else None
        if by == "template":
            key = names.get(r[0], "(inline)") if r[0] is not None else "(inline)"
        elif by == "step":
            key = f"step {step}" if step is not None else "-"
        elif by == "variant":
            key = f"step {step} / {variant}" if step is not None else "-"
        else:
            key = r[0] or "(none)"
        rows.append(
            Row(
                key=str(key),
                sent=sent,
                delivered=sent - bounced,
                bounced=bounced,
                replied=replied,
                step=step,
                variant=variant,
                template_id=template_id,
            )
        )
    return rows


def ab_verdict(a: Row, b: Row) -> dict[str, Any]:
    """Two-proportion z-test on reply rates; says which variant leads and whether the gap is significant."""
    n1, n2 = a.delivered, b.delivered
    if n1 == 0 or n2 == 0:
        return {"leader": None, "z": None, "significant": False}
    p1, p2 = a.replied / n1, b.replied / n2
    pooled = (a.replied + b.replied) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2)) if 0 < pooled < 1 else 0.0
    z = (p1 - p2) / se if se else 0.0
    leader = a.key if p1 > p2 else b.key if p2 > p1 else None
    return {"leader": leader, "z": round(z, 2), "significant": abs(z) >= 1.96}
