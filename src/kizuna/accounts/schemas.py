from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class WorkspaceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    slug: str
    name: str
    kind: str
    currency: str
    timezone: str
    tier_scheme: str


class WorkspaceUpdate(BaseModel):
    name: str | None = None
    currency: str | None = None
    timezone: str | None = None
    tier_scheme: str | None = None
    sender_identity: str | None = None
    kind: str | None = None


class MeOut(BaseModel):
    email: str
    name: str
    locale: str | None
    timezone: str
    workspaces: list[dict[str, str]]


class MemberOut(BaseModel):
    id: int
    email: str
    name: str
    role: str


class AuditOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    action: str
    actor_label: str
    object_type: str
    object_id: int | None
    data: dict[str, object]
    created_at: datetime
