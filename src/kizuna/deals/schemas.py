"""API shapes for deals, content and payments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class DealCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    campaign_id: int
    influencer_id: int
    terms: dict[str, Any]
    note: str = ""
    creator_locale: str = "ja"
    title: str = ""


class OfferCounter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    terms: dict[str, Any]
    note: str = ""
    expected_version: int


class OfferAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expected_version: int
    reason: str = ""


class DealCancel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = ""


class OfferOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    author: str
    author_label: str
    status: str
    terms: dict[str, Any]
    note: str
    created_at: datetime


class DealOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    campaign_id: int
    influencer_id: int
    title: str
    status: str
    currency: str
    creator_locale: str
    current_version: int
    accepted_offer_id: int | None
    accepted_at: datetime | None
    created_at: datetime


class DealDetail(DealOut):
    offers: list[OfferOut] = Field(default_factory=list)


class AgreementOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    language: str
    status: str
    sha256: str
    body: str
    accepted_at: datetime | None
    accepted_name: str | None


class PortalLinkCreate(BaseModel):
    days: int = 30


class PortalLinkOut(BaseModel):
    id: int
    url: str
    expires_at: datetime


class ReviewAction(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = ""
    override_compliance: bool = False
    spoken_disclosure: bool | None = None
    onscreen_disclosure: bool | None = None


class PublishIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str
    caption: str | None = None


class ReuseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: str
    text: str


class CheckOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    context: str
    jurisdiction: str
    platform: str
    channel: str
    verdict: str
    findings: list[dict[str, Any]]
    created_at: datetime


class ContentItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    deal_id: int
    platform: str
    format: str
    sequence: int
    status: str
    due_at: datetime | None
    approved_at: datetime | None
    published_at: datetime | None
    live_url: str | None


class PayableOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    deal_id: int
    content_item_id: int | None
    description: str
    gross_minor: int
    currency: str
    status: str
    clock_start: str
    net_days: int
    clock_started_at: datetime | None
    due_at: datetime | None
    withholding_minor: int
    paid_minor: int | None
    paid_at: datetime | None
    paid_reference: str | None
    overdue: bool = False


class MarkPaid(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reference: str
