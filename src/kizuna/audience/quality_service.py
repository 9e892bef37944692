"""Audience Quality Score as a service: load an account's data, score it, keep the history, honour overrides.

Every entry point (pages, API, the recompute job) goes through these functions, so the value written to
``social_accounts.audience_quality`` (read by discovery's "minimum audience quality" filter) is always the
*effective* score: a person's active override when there is one, else the latest computed score. Services flush
and never commit; the caller's unit of work does.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kizuna.audience.comments import classify_many
from kizuna.audience.features import FeatureInputError
from kizuna.audience.quality import (
    CommentPoint,
    PostPoint,
    QualityInputs,
    QualityResult,
    SampleSummary,
    compute,
)
from kizuna.audience.scoring import score_accounts
from kizuna.errors import NotFound, PayloadTooLarge, ValidationFailed
from kizuna.kit.time import utcnow
from kizuna.models.audience_quality_override import AudienceQualityOverride
from kizuna.models.audience_quality_score import AudienceQualityScore
from kizuna.models.comment_sample import CommentSample
from kizuna.models.follower_sample import FollowerSample
from kizuna.models.metric_snapshot import MetricSnapshot
from kizuna.models.post import Post
from kizuna.models.social_account import SocialAccount
from kizuna.tenancy import Ctx

#: Posts and snapshots the score looks at (the same window the registry uses for engagement, doubled).
RECENT_POSTS = 24
SNAPSHOT_LIMIT = 104
MAX_SAMPLE_ROWS = 200_000
MAX_COMMENTS = 20_000
MAX_UPLOAD_BYTES = 25 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Effective:
    """What a person sees: the computed score, the override if any, and which one counts."""

    computed: AudienceQualityScore | None
    override: AudienceQualityOverride | None

    @property
    def score(self) -> float | None:
        if self.override is not None:
            return self.override.score
        return self.computed.score if self.computed is not None else None


def load_inputs(session: Session, account: SocialAccount) -> QualityInputs:
    """Everything :func:`kizuna.audience.quality.compute` needs for one account, from the registry tables."""
    sample_row = latest_sample(session, account.id)
    posts = session.execute(
        select(Post.published_at, Post.likes, Post.comments, Post.views)
        .where(Post.social_account_id == account.id)
        .order_by(Post.published_at.desc())
        .limit(RECENT_POSTS)
    ).all()
    snaps = session.execute(
        select(MetricSnapshot.captured_at, MetricSnapshot.followers)
        .where(MetricSnapshot.social_account_id == account.id)
        .order_by(MetricSnapshot.captured_at.desc())
        .limit(SNAPSHOT_LIMIT)
    ).all()
    comments = session.execute(
        select(
            CommentSample.post_key, CommentSample.author, CommentSample.commented_at, CommentSample.label
        ).where(CommentSample.social_account_id == account.id)
    ).all()
    return QualityInputs(
        platform=account.platform,
        followers=account.followers,
        engagement_rate=account.engagement_rate,
        engagement_definition=account.engagement_definition,
        sample=(
            SampleSummary(sample_row.rows, sample_row.suspicious, sample_row.model_version)
            if sample_row is not None
            else None
        ),
        snapshots=[(t, f) for t, f in snaps],
        posts=[PostPoint(*p) for p in posts],
        comments=[CommentPoint(*c) for c in comments],
    )


def latest_sample(session: Session, account_id: int) -> FollowerSample | None:
    return session.execute(
        select(FollowerSample)
        .where(FollowerSample.social_account_id == account_id)
        .order_by(FollowerSample.created_at.desc(), FollowerSample.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def latest_score(session: Session, account_id: int) -> AudienceQualityScore | None:
    return session.execute(
        select(AudienceQualityScore)
        .where(AudienceQualityScore.social_account_id == account_id)
        .order_by(AudienceQualityScore.computed_at.desc(), AudienceQualityScore.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def active_override(session: Session, account_id: int) -> AudienceQualityOverride | None:
    return session.execute(
        select(AudienceQualityOverride)
        .where(
            AudienceQualityOverride.social_account_id == account_id,
            AudienceQualityOverride.cleared_at.is_(None),
        )
        .order_by(AudienceQualityOverride.created_at.desc(), AudienceQualityOverride.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def effective(session: Session, account_id: int) -> Effective:
    return Effective(latest_score(session, account_id), active_override(session, account_id))


def history(session: Session, account_id: int, limit: int = 50) -> list[AudienceQualityScore]:
    return list(
        session.execute(
            select(AudienceQualityScore)
            .where(AudienceQualityScore.social_account_id == account_id)
            .order_by(AudienceQualityScore.computed_at.desc(), AudienceQualityScore.id.desc())
            .limit(limit)
        ).scalars()
    )


def overrides(session: Session, account_id: int) -> list[AudienceQualityOverride]:
    return list(
        session.execute(
            select(AudienceQualityOverride)
            .where(AudienceQualityOverride.social_account_id == account_id)
            .order_by(AudienceQualityOverride.created_at.desc(), AudienceQualityOverride.id.desc())
        ).scalars()
    )


def _sync_account(session: Session, account: SocialAccount) -> None:
    account.audience_quality = effective(session, account.id).score
    session.flush()


def recompute(
    session: Session, account: SocialAccount, *, trigger: str = "manual", now: datetime | None = None
) -> tuple[AudienceQualityScore, QualityResult]:
    """Score the account from its current data, add the score to its history and update the account row."""
    result = compute(load_inputs(session, account))
    row = AudienceQualityScore(
        workspace_id=account.workspace_id,
        social_account_id=account.id,
        score=None if result.score is None else round(result.score, 2),
        confidence=result.confidence,
        coverage=round(result.coverage, 4),
        factors=[f.to_dict() for f in result.factors],
        method_version=result.method_version,
        trigger=trigger,
        computed_at=now or utcnow(),
    )
    session.add(row)
    session.flush()
    _sync_account(session, account)
    return row, result


def set_override(ctx: Ctx, account: SocialAccount, *, score: float, reason: str) -> AudienceQualityOverride:
    """A person's score replaces the computed one (members and above); the reason is required and audited."""
    ctx.require("member")
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("An override needs a reason.", code="quality_override_reason_required")
    if not 0 <= score <= 100:
        raise ValidationFailed("The score must be between 0 and 100.", code="quality_override_out_of_range")
    now = utcnow()
    for old in overrides(ctx.session, account.id):
        if old.cleared_at is None:
            old.cleared_at = now
            old.cleared_reason = "replaced by a newer override"
    computed = latest_score(ctx.session, account.id)
    row = AudienceQualityOverride(
        workspace_id=account.workspace_id,
        social_account_id=account.id,
        score=float(score),
        reason=reason,
        created_by_id=ctx.user.id,
        created_at=now,
    )
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit(
        "audience_quality.override",
        account,
        {
            "score": float(score),
            "reason": reason,
            "computed_score": computed.score if computed is not None else None,
            "override_id": row.id,
        },
    )
    _sync_account(ctx.session, account)
    return row


def clear_override(ctx: Ctx, account: SocialAccount, *, reason: str) -> None:
    """Go back to the computed score; the cleared override stays in the history."""
    ctx.require("member")
    active = active_override(ctx.session, account.id)
    if active is None:
        raise NotFound("This account has no active override.", code="quality_override_not_found")
    active.cleared_at = utcnow()
    active.cleared_reason = reason.strip() or None
    ctx.audit(
        "audience_quality.override_cleared",
        account,
        {"override_id": active.id, "score": active.score, "reason": reason.strip()},
    )
    _sync_account(ctx.session, account)


# ------------------------------------------------------------------------------------------ follower samples
def _username_key(columns: Iterable[str]) -> str | None:
    for name in columns:
        if name.strip().lower() in ("username", "user_name", "handle"):
            return name
    return None


def read_csv(data: bytes, *, max_rows: int) -> list[dict[str, str]]:
    """Rows of an uploaded CSV (UTF-8, BOM tolerated); typed errors for unreadable or oversized files."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise PayloadTooLarge("The file is too large.", code="quality_upload_too_large")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed("The file is not UTF-8 CSV.", code="quality_upload_unreadable") from None
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows:
        raise ValidationFailed("The file has no rows.", code="quality_upload_empty")
    if len(rows) > max_rows:
        raise PayloadTooLarge(
            "The file has too many rows.", code="quality_upload_too_many_rows", details={"max": max_rows}
        )
    return rows


def add_follower_sample(
    ctx: Ctx, account: SocialAccount, rows: Sequence[Mapping[str, object]], *, filename: str = ""
) -> FollowerSample:
    """Score a sample of the account's followers with the follower model and keep its summary and usernames."""
    ctx.require("member")
    try:
        result = score_accounts(rows)
    except FeatureInputError as exc:
        raise ValidationFailed(
            "The follower sample could not be read.",
            code="quality_sample_unreadable",
            details={"why": str(exc)},
        ) from None
    lo, hi = result.ci95
    name_key = _username_key(rows[0].keys()) if rows else None
    usernames = sorted(
        {str(r.get(name_key) or "").strip().lstrip("@").lower() for r in rows} - {""} if name_key else set()
    )
    sample = FollowerSample(
        workspace_id=account.workspace_id,
        social_account_id=account.id,
        filename=filename[:300],
        rows=result.rows,
        suspicious=result.suspicious_count,
        share=round(result.share, 6),
        ci_low=round(lo, 6),
        ci_high=round(hi, 6),
        model_version=result.model_version,
        fields_used=list(result.fields_used),
        usernames=usernames,
        created_by_id=ctx.user.id,
    )
    ctx.session.add(sample)
    ctx.session.flush()
    ctx.audit(
        "audience_quality.sample_added",
        account,
        {"rows": result.rows, "suspicious": result.suspicious_count, "filename": filename},
    )
    return sample


# ---------------------------------------------------------------------------------------------- comments
def _parse_time(value: object) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValidationFailed(
            "A comment time is not an ISO 8601 date-time.",
            code="quality_comment_bad_time",
            details={"value": value},
        ) from None
    if moment.tzinfo is None:
        raise ValidationFailed(
            "Comment times need a time zone (e.g. 2024-05-01T10:00:00+09:00).",
            code="quality_comment_naive_time",
            details={"value": value},
        )
    return moment


def add_comments(
    session: Session,
    account: SocialAccount,
    items: Sequence[Mapping[str, object]],
    *,
    source: str = "upload",
    replace: bool = False,
) -> dict[str, int]:
    """Store a comment sample and (re)label the account's whole sample, so repetition counts across uploads.

    Each item has ``text`` and optionally ``post`` (platform post id, matched to a stored post), ``author`` and
    ``commented_at`` (ISO 8601 with zone). Returns the label counts of the account's sample.
    """
    if len(items) > MAX_COMMENTS:
        raise PayloadTooLarge("Too many comments at once.", code="quality_comments_too_many")
    if replace:
        session.execute(delete(CommentSample).where(CommentSample.social_account_id == account.id))
    post_ids: dict[str, int] = dict(
        session.execute(
            select(Post.platform_post_id, Post.id).where(Post.social_account_id == account.id)
        ).all()
    )
    for item in items:
        text = str(item.get("text") or "").strip()
        if not text:
            continue
        post_key = str(item.get("post") or item.get("post_id") or "").strip()[:120]
        author = str(item.get("author") or "").strip().lstrip("@")[:200] or None
        session.add(
            CommentSample(
                workspace_id=account.workspace_id,
                social_account_id=account.id,
                post_id=post_ids.get(post_key),
                post_key=post_key,
                author=author,
                text=text[:2000],
                commented_at=_parse_time(item.get("commented_at")),
                label="genuine",
                source=source,
            )
        )
    session.flush()
    rows = list(
        session.execute(select(CommentSample).where(CommentSample.social_account_id == account.id)).scalars()
    )
    labels = classify_many([r.text for r in rows])
    counts: dict[str, int] = {}
    for row, lab in zip(rows, labels, strict=True):
        row.label = lab.label
        counts[lab.label] = counts.get(lab.label, 0) + 1
    session.flush()
    return counts


def comment_sample(session: Session, account_id: int, limit: int = 200) -> list[CommentSample]:
    return list(
        session.execute(
            select(CommentSample)
            .where(CommentSample.social_account_id == account_id)
            .order_by(CommentSample.id)
            .limit(limit)
        ).scalars()
    )


def result_payload(
    row: AudienceQualityScore | None, override: AudienceQualityOverride | None
) -> dict[str, Any]:
    """The JSON shape of an account's current score (API and CLI)."""
    out: dict[str, Any] = {
        "score": None,
        "computed_score": None,
        "confidence": "none",
        "coverage": 0.0,
        "factors": [],
        "computed_at": None,
        "method_version": None,
        "override": None,
    }
    if row is not None:
        out.update(
            score=row.score,
            computed_score=row.score,
            confidence=row.confidence,
            coverage=row.coverage,
            factors=row.factors,
            computed_at=row.computed_at.isoformat(),
            method_version=row.method_version,
        )
    if override is not None:
        out["score"] = override.score
        out["override"] = {
            "score": override.score,
            "reason": override.reason,
            "created_at": override.created_at.isoformat(),
            "created_by_id": override.created_by_id,
        }
    return out


def get_account(ctx: Ctx, account_id: int) -> SocialAccount:
    return ctx.get(SocialAccount, account_id)
