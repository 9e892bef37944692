"""JSON API of audience quality: scores with their breakdown, overrides, follower and comment samples, overlap.

Thin: every rule lives in :mod:`kizuna.audience.quality_service` and :mod:`kizuna.audience.overlap`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Depends, File, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from kizuna.audience import overlap as ov
from kizuna.audience import quality_service as qs
from kizuna.errors import ValidationFailed
from kizuna.models.campaign import Campaign
from kizuna.models.influencer_list import InfluencerList
from kizuna.models.social_account import SocialAccount
from kizuna.tenancy import Ctx, register_path_param
from kizuna.web.auth import workspace_ctx
from kizuna.web.routing import api_router

router = api_router(prefix="/api/v1", tags=["audience"])
register_path_param("social_account_id", SocialAccount)
CtxDep = Annotated[Ctx, Depends(workspace_ctx)]
_ACC = "/w/{ws}/audience/accounts/{social_account_id:int}"


class OverrideIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: float = Field(ge=0, le=100)
    reason: str = Field(min_length=1, max_length=2000)


class ClearOverrideIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=2000)


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=2000)
    post: str | None = Field(default=None, max_length=120, description="Platform post id")
    author: str | None = Field(default=None, max_length=200)
    commented_at: datetime | None = Field(default=None, description="ISO 8601 with a time zone")


class CommentsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comments: list[CommentIn] = Field(max_length=qs.MAX_COMMENTS)
    replace: bool = False


class OverlapIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    influencer_ids: list[int] | None = Field(default=None, max_length=200)
    campaign_id: int | None = None
    list_id: int | None = None
    basis: Literal["followers", "commenters"] = "followers"


def _score_payload(ctx: Ctx, account: SocialAccount) -> dict[str, Any]:
    eff = qs.effective(ctx.session, account.id)
    return {"social_account_id": account.id, **qs.result_payload(eff.computed, eff.override)}


@router.get(f"{_ACC}/quality")
def get_quality(ctx: CtxDep, social_account_id: int) -> dict[str, Any]:
    """The account's effective score (an active override wins), the computed breakdown and its confidence."""
    return _score_payload(ctx, ctx.get(SocialAccount, social_account_id))


@router.post(f"{_ACC}/quality/recompute")
def recompute_quality(ctx: CtxDep, social_account_id: int) -> dict[str, Any]:
    """Score the account now from its current data (adds a history entry)."""
    account = ctx.get(SocialAccount, social_account_id)
    ctx.require("member")
    qs.recompute(ctx.session, account, trigger="api")
    return _score_payload(ctx, account)


@router.get(f"{_ACC}/quality/history")
def quality_history(ctx: CtxDep, social_account_id: int, limit: int = 50) -> dict[str, Any]:
    """Computed scores (newest first) and every override, including removed ones."""
    account = ctx.get(SocialAccount, social_account_id)
    return {
        "scores": [
            {
                "score": h.score,
                "confidence": h.confidence,
                "coverage": h.coverage,
                "computed_at": h.computed_at.isoformat(),
                "trigger": h.trigger,
                "method_version": h.method_version,
            }
            for h in qs.history(ctx.session, account.id, limit=max(1, min(limit, 500)))
        ],
        "overrides": [
            {
                "score": o.score,
                "reason": o.reason,
                "created_at": o.created_at.isoformat(),
                "created_by_id": o.created_by_id,
                "cleared_at": o.cleared_at.isoformat() if o.cleared_at else None,
                "cleared_reason": o.cleared_reason,
            }
            for o in qs.overrides(ctx.session, account.id)
        ],
    }


@router.post(f"{_ACC}/quality/override")
def override_quality(ctx: CtxDep, social_account_id: int, body: OverrideIn) -> dict[str, Any]:
    """Replace the computed score with a person's judgement; the reason goes to the audit log."""
    account = ctx.get(SocialAccount, social_account_id)
    qs.set_override(ctx, account, score=body.score, reason=body.reason)
    return _score_payload(ctx, account)


@router.post(f"{_ACC}/quality/override/clear")
def clear_override(ctx: CtxDep, social_account_id: int, body: ClearOverrideIn) -> dict[str, Any]:
    """Return to the computed score (404 ``quality_override_not_found`` when there is no active override)."""
    account = ctx.get(SocialAccount, social_account_id)
    qs.clear_override(ctx, account, reason=body.reason)
    return _score_payload(ctx, account)


@router.post(f"{_ACC}/follower-sample")
def upload_follower_sample(
    ctx: CtxDep, social_account_id: int, file: Annotated[UploadFile, File()]
) -> dict[str, Any]:
    """Score a CSV sample of the account's followers, then rescore the account. Returns the sample summary."""
    account = ctx.get(SocialAccount, social_account_id)
    rows = qs.read_csv(file.file.read(qs.MAX_UPLOAD_BYTES + 1), max_rows=qs.MAX_SAMPLE_ROWS)
    sample = qs.add_follower_sample(ctx, account, rows, filename=file.filename or "")
    qs.recompute(ctx.session, account, trigger="sample")
    return {
        "sample": {
            "rows": sample.rows,
            "suspicious": sample.suspicious,
            "share": sample.share,
            "ci_low": sample.ci_low,
            "ci_high": sample.ci_high,
            "model_version": sample.model_version,
            "fields_used": sample.fields_used,
            "usernames": len(sample.usernames),
        },
        **_score_payload(ctx, account),
    }


@router.post(f"{_ACC}/comments")
def add_comments(ctx: CtxDep, social_account_id: int, body: CommentsIn) -> dict[str, Any]:
    """Add sampled comments (classified ja/en as genuine, generic, emoji_only or promo) and rescore."""
    account = ctx.get(SocialAccount, social_account_id)
    ctx.require("member")
    items = [
        {
            "text": c.text,
            "post": c.post,
            "author": c.author,
            "commented_at": c.commented_at.isoformat() if c.commented_at else None,
        }
        for c in body.comments
    ]
    counts = qs.add_comments(ctx.session, account, items, source="api", replace=body.replace)
    qs.recompute(ctx.session, account, trigger="comments")
    return {"labels": counts, **_score_payload(ctx, account)}


@router.post("/w/{ws}/audience/overlap")
def audience_overlap(ctx: CtxDep, body: OverlapIn) -> dict[str, Any]:
    """Pairwise overlap (exact Jaccard for small sets, MinHash for large) and the shortlist's unique reach."""
    s = ctx.session
    if body.campaign_id is not None:
        ids = ov.campaign_influencer_ids(s, ctx.get(Campaign, body.campaign_id).id)
    elif body.list_id is not None:
        ids = ov.list_influencer_ids(s, ctx.get(InfluencerList, body.list_id).id)
    elif body.influencer_ids:
        ids = body.influencer_ids
    else:
        raise ValidationFailed(
            "Name a campaign, a list or influencer ids.", code="overlap_shortlist_required"
        )
    return ov.overlap(ov.shortlist_members(s, ids, basis=body.basis)).to_dict()
