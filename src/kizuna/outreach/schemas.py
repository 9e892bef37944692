"""API shapes for outreach. Passwords are accepted on input and never returned."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class MailboxIn(BaseModel):
    name: str
    from_name: str = ""
    from_email: str
    smtp_host: str
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_username: str = ""
    smtp_password: str = ""
    imap_host: str = ""
    imap_port: int = 993
    imap_security: str = "ssl"
    imap_username: str = ""
    imap_password: str = ""
    imap_folder: str = "INBOX"
    sent_folder: str = ""
    server_files_sent: bool = False
    daily_limit: int = 100
    ramp_start: int = 40
    ramp_step: int = 5
    limits_enabled: bool = True
    window_start_hour: int = 9
    window_end_hour: int = 18
    weekdays_only: bool = True


class MailboxOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    from_name: str
    from_email: str
    smtp_host: str
    smtp_port: int
    smtp_security: str
    imap_host: str
    imap_port: int
    sent_folder: str
    daily_limit: int
    ramp_start: int
    ramp_step: int
    limits_enabled: bool
    window_start_hour: int
    window_end_hour: int
    weekdays_only: bool
    status: str
    paused_reason: str
    paused_until: datetime | None
    last_polled_at: datetime | None


class TemplateIn(BaseModel):
    name: str
    language: str = "ja"
    subject: str = ""
    body: str


class TemplateOut(TemplateIn):
    model_config = ConfigDict(from_attributes=True)
    id: int


class PreviewIn(BaseModel):
    influencer_id: int
    subject: str = ""
    body: str
    campaign_id: int | None = None
    offer: str = ""


class PreviewOut(BaseModel):
    to: str
    subject: str
    body: str


class StepIn(BaseModel):
    kind: str = "email"
    delay_days: int = 0
    template_id: int | None = None
    subject: str = ""
    body: str = ""
    variants: list[dict[str, str]] = Field(default_factory=list)
    platform: str = "instagram"
    text: str = ""


class SequenceIn(BaseModel):
    name: str
    steps: list[StepIn]
    offer: str = ""
    campaign_id: int | None = None


class SequenceUpdate(BaseModel):
    name: str | None = None
    offer: str | None = None
    steps: list[StepIn] | None = None


class SequenceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    offer: str
    campaign_id: int | None
    current_version: int
    status: str
    steps: list[dict[str, Any]] = Field(default_factory=list)


class EnrollIn(BaseModel):
    influencer_ids: list[int] = Field(default_factory=list)
    campaign_id: int | None = None
    campaign_stages: list[str] = Field(default_factory=lambda: ["prospect"])
    search: dict[str, str] | None = None


class EnrollOut(BaseModel):
    enrolled: list[int]
    skipped: dict[int, str]


class EnrollmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    sequence_id: int
    version_id: int
    influencer_id: int
    campaign_id: int | None
    mailbox_id: int | None
    to_email: str
    status: str
    stop_reason: str
    stop_detail: str
    next_step: int
    next_due_at: datetime | None


class MessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    direction: str
    kind: str
    status: str
    enrollment_id: int | None
    influencer_id: int | None
    step_index: int | None
    variant: str
    message_id: str
    in_reply_to: str
    subject: str
    from_addr: str
    to_addr: str
    body_text: str
    sent_at: datetime | None
    received_at: datetime | None
    replied_at: datetime | None
    created_at: datetime


class ReplyIn(BaseModel):
    body: str
    nonce: str = Field(min_length=6, max_length=64)
    mailbox_id: int | None = None


class SuppressionIn(BaseModel):
    email: str


class SuppressionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    email: str
    reason: str
    source: str
    created_at: datetime


class StageMoveIn(BaseModel):
    stage: str
    position: int | None = None


class MetricRow(BaseModel):
    key: str
    sent: int
    delivered: int
    bounced: int
    replied: int
    reply_rate: float | None
