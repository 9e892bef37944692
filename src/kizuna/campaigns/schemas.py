"""Input and output shapes for the campaign API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field


class KpiTarget(BaseModel):
    metric: str = Field(
        description="reach, impressions, views, engagements, clicks, conversions, revenue, emv, "
        "roi, roas, er, ctr, cvr"
    )
    target: float = Field(
        gt=0, description="Revenue/EMV in major currency units; ROI, ROAS and rates as ratios"
    )


class CampaignCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    objective: str = "awareness"
    status: str = "draft"
    description: str = ""
    target: dict[str, Any] = Field(default_factory=dict)
    kpis: list[KpiTarget] = Field(default_factory=list)
    platforms: list[str] = Field(default_factory=list)
    budget: float | None = Field(default=None, ge=0)
    currency: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    attribution_window_days: int = Field(default=30, ge=1, le=365)
    emv_values: dict[str, float] = Field(default_factory=dict)


class CampaignUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    objective: str | None = None
    status: str | None = None
    description: str | None = None
    target: dict[str, Any] | None = None
    kpis: list[KpiTarget] | None = None
    platforms: list[str] | None = None
    budget: float | None = Field(default=None, ge=0)
    starts_on: date | None = None
    ends_on: date | None = None
    attribution_window_days: int | None = Field(default=None, ge=1, le=365)
    emv_values: dict[str, float] | None = None


class LinkCreate(BaseModel):
    destination: str
    influencer_id: int | None = None
    platform: str | None = None
    label: str = ""
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None
    utm_content: str | None = None
    expires_at: datetime | None = Field(
        default=None,
        description="When the link stops redirecting and counting clicks (ISO 8601; a time without a zone is in "
        "your time zone). Must lie ahead; omitted or null: never.",
    )


class LinkUpdate(BaseModel):
    expires_at: datetime | None = Field(
        description="A new expiry (ISO 8601, ahead; a time without a zone is in your time zone) or null to "
        "remove it."
    )


class ShortlistAdd(BaseModel):
    influencer_id: int
    fee: float | None = Field(default=None, ge=0)


class CodeCreate(BaseModel):
    influencer_id: int | None = None
    suffix: str = ""
    single_use_count: int = Field(default=0, ge=0, le=10_000)
    prefix: str = ""


class PostRegister(BaseModel):
    url: str
    influencer_id: int
    caption: str = ""
    published_at: str | None = None


class SnapshotCreate(BaseModel):
    captured_at: str | None = None
    reach: int | None = Field(default=None, ge=0)
    impressions: int | None = Field(default=None, ge=0)
    views: int | None = Field(default=None, ge=0)
    likes: int | None = Field(default=None, ge=0)
    comments: int | None = Field(default=None, ge=0)
    shares: int | None = Field(default=None, ge=0)
    saves: int | None = Field(default=None, ge=0)
    instagram_insights: dict[str, Any] | None = Field(
        default=None, description="An Instagram Graph API media insights response, instead of the counts"
    )
