"""Live posts: registration by URL, metric snapshots (manual, Instagram insights, CSV) and disclosure checks.

The URL is all a person has when a creator says "it's up!", so platform, post id and (where the URL has one)
the handle are parsed from it. Short links that need a network round-trip to expand (``vm.tiktok.com``) are
refused with a message asking for the full URL: the app never fetches third-party pages on a user's behalf.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna.errors import Conflict, ValidationFailed
from kizuna.integrations.shopify import parse_time
from kizuna.kit.numbers import parse_count
from kizuna.models.campaign import Campaign
from kizuna.models.campaign_influencer import CampaignInfluencer
from kizuna.models.campaign_post import CampaignPost
from kizuna.models.influencer import Influencer
from kizuna.models.post import Post
from kizuna.models.post_metric_snapshot import PostMetricSnapshot
from kizuna.models.social_account import SocialAccount
from kizuna.tenancy import Ctx

METRICS = ("reach", "impressions", "views", "likes", "comments", "shares", "saves")
_EARLY_STAGES = ("prospect", "contacted", "replied", "negotiating", "agreed", "content")
_JURISDICTION_OF_COUNTRY = {"JP": "jp", "US": "us", "GB": "uk", "IN": "in"}


@dataclass(frozen=True)
class ParsedPostUrl:
    platform: str
    post_id: str
    handle: str | None
    post_type: str
    url: str


_IG = re.compile(r"^/(?:([A-Za-z0-9_.]+)/)?(p|reel|reels|tv)/([A-Za-z0-9_-]+)")
_TT = re.compile(r"^/@([A-Za-z0-9_.]+)/(video|photo)/(\d+)")
_X = re.compile(r"^/([A-Za-z0-9_]{1,15})/status(?:es)?/(\d+)")
_YT_PATH = re.compile(r"^/(shorts|live|embed)/([A-Za-z0-9_-]{11})")
_YT_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")


def parse_post_url(url: str) -> ParsedPostUrl:
    """Platform, post id, handle and type from an Instagram, TikTok, YouTube or X URL (422 otherwise)."""
    text = url.strip()
    if not re.match(r"^https?://", text, re.IGNORECASE):
        text = "https://" + text
    parts = urlsplit(text)
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.").removeprefix("mobile.")
    path = parts.path
    if host in ("instagram.com", "instagr.am"):
        m = _IG.match(path)
        if m:
            kind = {"p": "feed", "reel": "reel", "reels": "reel", "tv": "video"}[m.group(2)]
            return ParsedPostUrl(
                "instagram",
                m.group(3),
                m.group(1),
                kind,
                f"https://www.instagram.com/{m.group(2)}/{m.group(3)}/",
            )
    elif host == "tiktok.com":
        m = _TT.match(path)
        if m:
            return ParsedPostUrl(
                "tiktok",
                m.group(3),
                m.group(1),
                "video",
                f"https://www.tiktok.com/@{m.group(1)}/{m.group(2)}/{m.group(3)}",
            )
    elif host in ("vm.tiktok.com", "vt.tiktok.com"):
        raise ValidationFailed(
            "This is a TikTok short link; open it and paste the full tiktok.com/@handle/video/... address.",
            code="post_url_short_link",
        )
    elif host in ("youtube.com", "music.youtube.com", "youtu.be"):
        video_id, kind = None, "video"
        if host == "youtu.be":
            candidate = path.strip("/").split("/")[0]
            video_id = candidate if _YT_ID.match(candidate) else None
        elif path == "/watch":
            candidate = (parse_qs(parts.query).get("v") or [""])[0]
            video_id = candidate if _YT_ID.match(candidate) else None
        else:
            m = _YT_PATH.match(path)
            if m:
                video_id = m.group(2)
                kind = {"shorts": "short", "live": "live"}.get(m.group(1), "video")
        if video_id:
            return ParsedPostUrl(
                "youtube", video_id, None, kind, f"https://www.youtube.com/watch?v={video_id}"
            )
    elif host in ("x.com", "twitter.com"):
        m = _X.match(path)
        if m:
            return ParsedPostUrl(
                "x", m.group(2), m.group(1), "feed", f"https://x.com/{m.group(1)}/status/{m.group(2)}"
            )
    raise ValidationFailed(
        "Not a recognised Instagram, TikTok, YouTube or X post address.", code="post_url_unrecognised"
    )


def jurisdictions_for(campaign: Campaign) -> list[str]:
    target = campaign.target or {}
    explicit = [str(j) for j in target.get("jurisdictions") or []]
    if explicit:
        return explicit
    mapped = [
        _JURISDICTION_OF_COUNTRY[c] for c in target.get("countries") or [] if c in _JURISDICTION_OF_COUNTRY
    ]
    return list(dict.fromkeys(mapped)) or ["jp", "us"]


def check_disclosure(campaign: Campaign, cp: CampaignPost, post: Post) -> None:
    """Run the compliance engine on the live caption (context ``live_post``); ``unchecked`` without a caption."""
    if not post.caption.strip():
        cp.disclosure, cp.disclosure_findings = "unchecked", []
        return
    try:
        from kizuna.compliance.service import check_content
    except ImportError:  # the engine is an optional part of a deployment's build
        cp.disclosure, cp.disclosure_findings = "unchecked", []
        return
    platform = cp.platform if cp.platform in ("instagram", "tiktok", "youtube", "x") else None
    report = check_content(
        post.caption,
        platform=platform,
        jurisdictions=jurisdictions_for(campaign),
        context="live_post",
        media_type=post.post_type if post.post_type in ("reel", "short", "video", "story", "live") else None,
    )
    data = report.to_dict("en")
    cp.disclosure = str(report.verdict)
    cp.disclosure_findings = list(data.get("findings") or [])[:20]
    cp.disclosure_checked_at = datetime.now(UTC)


def _account(ctx: Ctx, influencer: Influencer, parsed: ParsedPostUrl) -> SocialAccount:
    accounts = (
        ctx.session.execute(
            select(SocialAccount).where(
                SocialAccount.influencer_id == influencer.id, SocialAccount.platform == parsed.platform
            )
        )
        .scalars()
        .all()
    )
    if parsed.handle:
        key = parsed.handle.lower()
        for a in accounts:
            if a.handle_key == key:
                return a
        other = ctx.session.execute(
            select(SocialAccount).where(
                SocialAccount.platform == parsed.platform, SocialAccount.handle_key == key
            )
        ).scalar_one_or_none()
        if other is not None:
            raise Conflict(
                "This post's account belongs to another influencer.", code="post_account_other_influencer"
            )
    if accounts and not parsed.handle:
        return accounts[0]
    handle = parsed.handle or f"{parsed.platform}-{influencer.id}"
    account = SocialAccount(
        influencer_id=influencer.id, platform=parsed.platform, handle=handle, handle_key=handle.lower()
    )
    ctx.add(account)
    ctx.session.flush()
    return account


def register_post(
    ctx: Ctx,
    campaign: Campaign,
    influencer: Influencer,
    url: str,
    *,
    caption: str = "",
    published_at: datetime | None = None,
) -> CampaignPost:
    """Attach a live post to the campaign (creating registry rows as needed) and check its disclosure."""
    parsed = parse_post_url(url)
    account = _account(ctx, influencer, parsed)
    post = ctx.session.execute(
        select(Post).where(Post.social_account_id == account.id, Post.platform_post_id == parsed.post_id)
    ).scalar_one_or_none()
    if post is None:
        post = Post(
            social_account_id=account.id,
            platform_post_id=parsed.post_id,
            url=parsed.url,
            caption=caption,
            published_at=published_at or datetime.now(UTC),
            post_type=parsed.post_type,
            is_sponsored=True,
        )
        ctx.add(post)
        ctx.session.flush()
    elif caption:
        post.caption = caption
    cp = ctx.session.execute(
        select(CampaignPost).where(CampaignPost.campaign_id == campaign.id, CampaignPost.post_id == post.id)
    ).scalar_one_or_none()
    if cp is None:
        cp = CampaignPost(
            campaign_id=campaign.id, post_id=post.id, influencer_id=influencer.id, platform=parsed.platform
        )
        ctx.add(cp)
    ci = ctx.session.execute(
        select(CampaignInfluencer).where(
            CampaignInfluencer.campaign_id == campaign.id, CampaignInfluencer.influencer_id == influencer.id
        )
    ).scalar_one_or_none()
    if ci is None:
        ctx.add(
            CampaignInfluencer(
                campaign_id=campaign.id,
                influencer_id=influencer.id,
                stage="published",
                added_by_id=ctx.user.id,
            )
        )
    elif ci.stage in _EARLY_STAGES:
        ci.stage = "published"
        ci.stage_changed_at = datetime.now(UTC)
    check_disclosure(campaign, cp, post)
    ctx.session.flush()
    ctx.audit("campaign.post_registered", campaign, {"url": parsed.url, "disclosure": cp.disclosure})
    return cp


def instagram_insights(payload: dict[str, Any]) -> dict[str, int]:
    """Counts from an Instagram Graph API ``/{media-id}/insights`` response."""
    names = {
        "reach": "reach",
        "views": "views",
        "impressions": "impressions",
        "plays": "views",
        "saved": "saves",
        "shares": "shares",
        "likes": "likes",
        "comments": "comments",
    }
    out: dict[str, int] = {}
    for item in payload.get("data") or []:
        key = names.get(str(item.get("name")))
        values = item.get("values") or []
        if key and values and isinstance(values[0].get("value"), int | float):
            out[key] = int(values[0]["value"])
    return out


def add_snapshot(
    session: Session,
    post: Post,
    values: dict[str, Any],
    *,
    captured_at: datetime | None = None,
    source: str = "manual",
) -> PostMetricSnapshot:
    """Record counts at a moment; the post's own counters follow the newest snapshot."""
    clean: dict[str, int | None] = {}
    for key in METRICS:
        raw = values.get(key)
        clean[key] = parse_count(raw) if raw not in (None, "") else None
        if clean[key] is not None and clean[key] < 0:  # type: ignore[operator]
            raise ValidationFailed(f"{key} cannot be negative.", code="snapshot_negative")
    if all(v is None for v in clean.values()):
        raise ValidationFailed("Enter at least one count.", code="snapshot_empty")
    at = captured_at or datetime.now(UTC)
    snap = PostMetricSnapshot(post_id=post.id, captured_at=at, source=source[:40], **clean)
    snap.workspace_id = post.workspace_id
    session.add(snap)
    newest = session.execute(
        select(PostMetricSnapshot.captured_at)
        .where(PostMetricSnapshot.post_id == post.id)
        .order_by(PostMetricSnapshot.captured_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    if newest is None or at >= newest:
        for key in ("reach", "views", "likes", "comments", "shares", "saves"):
            if clean[key] is not None:
                setattr(post, key, clean[key])
    session.flush()
    return snap


def import_snapshots_csv(ctx: Ctx, campaign: Campaign, text: str) -> tuple[int, list[str]]:
    """CSV ``url,captured_at,reach,impressions,views,likes,comments,shares,saves`` for the campaign's posts."""
    rows = (
        ctx.session.execute(
            select(Post)
            .join(CampaignPost, CampaignPost.post_id == Post.id)
            .where(CampaignPost.campaign_id == campaign.id)
        )
        .scalars()
        .all()
    )
    by_key: dict[tuple[str, str], Post] = {}
    for p in rows:
        if p.url:
            try:
                parsed = parse_post_url(p.url)
                by_key[(parsed.platform, parsed.post_id)] = p
            except ValidationFailed:
                continue
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    made, problems = 0, []
    for lineno, row in enumerate(reader, start=2):
        row = {str(k).strip().lower(): (v or "").strip() for k, v in row.items() if k}
        try:
            parsed = parse_post_url(row.get("url", ""))
            post = by_key.get((parsed.platform, parsed.post_id))
            if post is None:
                raise ValidationFailed("post not registered in this campaign", code="import_row_invalid")
            at = parse_time(row["captured_at"]) if row.get("captured_at") else None
            add_snapshot(ctx.session, post, row, captured_at=at, source="import")
            made += 1
        except ValidationFailed as exc:
            problems.append(f"line {lineno}: {exc.message}")
    return made, problems
