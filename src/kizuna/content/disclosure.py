"""Runs the disclosure compliance engine (:mod:`kizuna.compliance.engine`) on drafts, live posts and brand
reuse, and stores every result in ``content_checks``.

A deal's terms say which jurisdictions apply (Japan's ステマ告示, the FTC); each gets its own stored result.
Findings are kept in both languages so the creator and the brand each read theirs.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna.compliance import engine
from kizuna.compliance.packs import UnknownPlatform
from kizuna.models.content_check import ContentCheck
from kizuna.models.content_item import ContentItem
from kizuna.models.content_version import ContentVersion

_VERDICT_RANK = {"compliant": 0, "needs_review": 1, "non_compliant": 2}
_PLATFORM_ALIASES = {"youtube": "youtube", "line": "generic", "other": "generic"}


def engine_platform(item: ContentItem) -> str | None:
    platform = _PLATFORM_ALIASES.get(item.platform, item.platform)
    if item.platform == "youtube" and item.format == "short":
        platform = "youtube_shorts"
    return platform


def _findings(result: engine.Result) -> list[dict[str, Any]]:
    out = []
    for en, ja in zip(result.to_dict("en")["findings"], result.to_dict("ja")["findings"], strict=True):
        out.append({**en, "message_ja": ja["message"], "fix_ja": ja["fix"]})
    return out


def run(
    session: Session,
    item: ContentItem,
    *,
    text: str,
    context: engine.Context,
    jurisdictions: list[str],
    version: ContentVersion | None = None,
    channel: str = "",
    spoken: bool | None = None,
    onscreen: bool | None = None,
) -> list[ContentCheck]:
    """Check ``text`` in each jurisdiction and store the results; returns the stored rows.

    ``spoken`` / ``onscreen`` record what a reviewer verified in the video or image itself (``None``: not
    checked); the engine needs them to clear the "video without a verified disclosure" review finding.
    """
    rows = []
    for jurisdiction in jurisdictions or ["jp"]:
        platform = engine_platform(item) if context != "brand_reuse" else "website"
        options: dict[str, Any] = {
            "jurisdiction": jurisdiction,
            "media_type": item.format,
            "context": context,
            "has_spoken_disclosure": spoken,
            "has_onscreen_disclosure": onscreen,
        }
        try:
            result = engine.check(text, platform=platform, **options)
        except UnknownPlatform:
            result = engine.check(text, **options)
        row = ContentCheck(
            workspace_id=item.workspace_id,
            item_id=item.id,
            version_id=version.id if version is not None else None,
            context=context,
            jurisdiction=result.jurisdiction,
            platform=result.platform,
            channel=channel[:200],
            text=text,
            verdict=result.verdict,
            findings=_findings(result),
        )
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


def worst(verdicts: list[str]) -> str | None:
    if not verdicts:
        return None
    return max(verdicts, key=lambda v: _VERDICT_RANK.get(v, 0))


def checks_for(session: Session, item: ContentItem) -> list[ContentCheck]:
    return list(
        session.execute(
            select(ContentCheck).where(ContentCheck.item_id == item.id).order_by(ContentCheck.id.desc())
        ).scalars()
    )
