"""Briefs: what the brand asks for, per campaign, with per-creator overrides of individual fields."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna.deals.actors import Actor
from kizuna.models.brief import Brief

LIST_FIELDS = ("key_messages", "dos", "donts", "hashtags", "mentions")
FIELDS = (*LIST_FIELDS, "disclosure_wording", "draft_due", "publish_from", "publish_until", "notes")


class BriefContent(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    key_messages: list[str] = Field(default_factory=list, max_length=30)
    dos: list[str] = Field(default_factory=list, max_length=30)
    donts: list[str] = Field(default_factory=list, max_length=30)
    hashtags: list[str] = Field(default_factory=list, max_length=30)
    mentions: list[str] = Field(default_factory=list, max_length=30)
    disclosure_wording: str = Field(default="", max_length=200)
    draft_due: date | None = None
    publish_from: date | None = None
    publish_until: date | None = None
    notes: str = Field(default="", max_length=5000)


def parse_lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def _row(session: Session, campaign_id: int, influencer_id: int | None) -> Brief | None:
    q = select(Brief).where(Brief.campaign_id == campaign_id)
    q = q.where(
        Brief.influencer_id.is_(None) if influencer_id is None else Brief.influencer_id == influencer_id
    )
    return session.execute(q).scalar_one_or_none()


def save(actor: Actor, campaign_id: int, influencer_id: int | None, values: dict[str, Any]) -> Brief:
    """Save the campaign brief (``influencer_id`` None) or a creator override (only non-empty fields kept)."""
    actor.require("member")
    content = BriefContent.model_validate(values)
    data = content.model_dump(mode="json")
    if influencer_id is not None:
        data = {k: v for k, v in data.items() if v not in (None, "", [])}
    row = _row(actor.session, campaign_id, influencer_id)
    if row is None:
        row = Brief(workspace_id=actor.workspace_id, campaign_id=campaign_id, influencer_id=influencer_id)
        actor.session.add(row)
    row.content = data
    actor.session.flush()
    actor.audit("brief.saved", row, {"campaign_id": campaign_id, "influencer_id": influencer_id})
    return row


def effective_brief(
    session: Session, campaign_id: int, influencer_id: int | None
) -> tuple[BriefContent, set[str]]:
    """The campaign brief with the creator's overrides applied, and the names of the overridden fields."""
    base = _row(session, campaign_id, None)
    data: dict[str, Any] = dict(base.content) if base is not None else {}
    overridden: set[str] = set()
    if influencer_id is not None:
        override = _row(session, campaign_id, influencer_id)
        if override is not None:
            for key, value in override.content.items():
                if key in FIELDS and value not in (None, "", []):
                    data[key] = value
                    overridden.add(key)
    return BriefContent.model_validate(data), overridden


def _tag_key(tag: str) -> str:
    return unicodedata.normalize("NFKC", tag).strip().lower()


def missing_mandatory(caption: str, brief: BriefContent) -> list[str]:
    """Mandatory hashtags and mentions of the brief that the caption does not contain (width and case folded,
    so ``＃ＰＲ`` counts as ``#pr``; a tag must not merely be the start of a longer one)."""
    import re

    text = unicodedata.normalize("NFKC", caption).lower()
    missing = []
    for raw in [*brief.hashtags, *brief.mentions]:
        key = _tag_key(raw)
        if not key:
            continue
        if key[0] not in "#@":
            key = ("#" if raw in brief.hashtags else "@") + key
        if re.search(re.escape(key) + r"(?![\w.])", text) is None:
            missing.append(raw)
    return missing
