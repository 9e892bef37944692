"""API shapes of the registry (``InfluencerCreate``, ``InfluencerUpdate``, ``Influencer`` ...)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class AccountIn(BaseModel):
    platform: str = Field(description="instagram, youtube, tiktok, x, blog, podcast, line, xiaohongshu, ...")
    handle: str
    url: str | None = None
    external_id: str | None = None
    followers: int | None = Field(default=None, ge=0)
    following: int | None = Field(default=None, ge=0)
    posts_count: int | None = Field(default=None, ge=0)
    verified: bool | None = None
    account_created_at: datetime | None = None
    avg_likes: float | None = Field(default=None, ge=0)
    avg_comments: float | None = Field(default=None, ge=0)
    avg_views: float | None = Field(default=None, ge=0)


class AccountUpdate(BaseModel):
    handle: str | None = None
    url: str | None = None
    external_id: str | None = None
    followers: int | None = Field(default=None, ge=0)
    following: int | None = Field(default=None, ge=0)
    posts_count: int | None = Field(default=None, ge=0)
    verified: bool | None = None
    avg_likes: float | None = Field(default=None, ge=0)
    avg_comments: float | None = Field(default=None, ge=0)
    avg_views: float | None = Field(default=None, ge=0)


class Account(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    platform: str
    handle: str
    url: str | None
    external_id: str | None
    followers: int | None
    following: int | None
    posts_count: int | None
    verified: bool | None
    avg_likes: float | None
    avg_comments: float | None
    avg_views: float | None
    engagement_rate: float | None = Field(description="A fraction (0.032 = 3.2%)")
    engagement_definition: str | None = Field(description="How engagement_rate was computed")
    posts_per_week: float | None
    follower_growth_30d: float | None
    tier: str | None


class InfluencerCreate(BaseModel):
    display_name: str = Field(min_length=1, max_length=300)
    kind: str = "person"
    bio: str = ""
    emails: list[str] = []
    languages: list[str] = []
    country: str | None = Field(default=None, description="ISO 3166 code or a country name")
    city: str | None = None
    timezone: str | None = None
    categories: list[str] = []
    tags: list[str] = []
    notes: str = ""
    manager_id: int | None = None
    accounts: list[AccountIn] = []


class InfluencerUpdate(BaseModel):
    display_name: str | None = Field(default=None, min_length=1, max_length=300)
    kind: str | None = None
    bio: str | None = None
    emails: list[str] | None = None
    languages: list[str] | None = None
    country: str | None = None
    city: str | None = None
    timezone: str | None = None
    categories: list[str] | None = None
    tags: list[str] | None = None
    notes: str | None = None
    manager_id: int | None = None


class Influencer(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    display_name: str
    kind: str
    bio: str
    emails: list[str]
    languages: list[str]
    country: str | None
    city: str | None
    categories: list[str]
    primary_category: str | None
    tags: list[str]
    notes: str
    manager_id: int | None
    max_followers: int | None
    followers_total: int | None
    tier: str | None
    engagement_rate: float | None
    created_at: datetime
    updated_at: datetime
    accounts: list[Account] = []


class InfluencerPage(BaseModel):
    items: list[Influencer]
    next_cursor: str | None = Field(description="Pass as ?after= for the next page; null on the last page")
    total: int
    total_capped: bool = Field(description="True when more than `total` match (counting stops at 1,000)")


class RowErrorOut(BaseModel):
    row: int
    column: str
    value: str
    reason: str


class ImportResultOut(BaseModel):
    rows: int
    imported: int
    updated: int
    unchanged: int
    rejected: int
    errors: list[RowErrorOut]
    warnings: list[str] = []
    dry_run: bool = False


class BulkUpsertIn(BaseModel):
    rows: list[dict[str, Any]] = Field(
        min_length=1,
        max_length=10_000,
        description="Flat rows with the importer's column names: platform, handle, name, followers, ...",
    )
    dry_run: bool = False


class ImportJobOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    filename: str
    file_format: str
    status: str
    dry_run: bool
    total_rows: int | None
    processed_rows: int
    imported: int
    updated: int
    rejected: int
    errors: list[dict[str, Any]]
    message: str
    created_at: datetime
    finished_at: datetime | None


class MergeIn(BaseModel):
    duplicate_ids: list[int] = Field(min_length=1)


class ListIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = ""


class ListOut(BaseModel):
    id: int
    name: str
    description: str
    members: int = 0


class ListMembersIn(BaseModel):
    influencer_ids: list[int] = Field(min_length=1)
