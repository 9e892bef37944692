from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, JsonType, Timestamped, WorkspaceOwned

OBJECTIVES = ("awareness", "launch", "growth", "conversion")
CAMPAIGN_STATUSES = ("draft", "active", "completed", "archived")


class Campaign(WorkspaceOwned, Timestamped, Base):
    """Step 1 of the lifecycle: what the partnership work is for, for whom, with which budget and KPIs.

    ``target`` holds the audience (age range, genders, countries, languages, interests); ``kpis`` a list of
    ``{"metric": "reach", "target": 500000}``. Money is in minor units of ``currency``.
    ``attribution_window_days`` is how long after a click an order still credits the link (30 by default, the
    field's usual rule); ``emv_values`` overrides the value per engagement type used for EMV
    (see :mod:`kizuna.analytics.kpis`).
    """

    __tablename__ = "campaigns"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    objective: Mapped[str] = mapped_column(String(20), nullable=False, default="awareness")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="draft")
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    brief_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    target: Mapped[dict[str, Any]] = mapped_column(JsonType, nullable=False, default=dict)
    kpis: Mapped[list[dict[str, Any]]] = mapped_column(JsonType, nullable=False, default=list)
    platforms: Mapped[list[str]] = mapped_column(JsonType, nullable=False, default=list)
    budget_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="JPY")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    owner_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    attribution_window_days: Mapped[int] = mapped_column(
        Integer, nullable=False, default=30, server_default="30"
    )
    emv_values: Mapped[dict[str, Any]] = mapped_column(
        JsonType, nullable=False, default=dict, server_default="{}"
    )
