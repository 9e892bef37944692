"""Audience pages: the quality panel of one account (breakdown, uploads, override, history) and the overlap matrix.

Every write goes through :mod:`kizuna.audience.quality_service`, the same functions the API and the jobs use.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from kizuna.audience import overlap as ov
from kizuna.audience import quality_service as qs
from kizuna.audience.comments import label_counts
from kizuna.errors import KizunaError
from kizuna.models.campaign import Campaign
from kizuna.models.influencer import Influencer
from kizuna.models.influencer_list import InfluencerList
from kizuna.models.social_account import SocialAccount
from kizuna.tenancy import Ctx, register_path_param
from kizuna.web.auth import workspace_ctx
from kizuna.web.i18n import _
from kizuna.web.routing import page_router
from kizuna.web.templating import render

router = page_router()
register_path_param("social_account_id", SocialAccount)
CtxDep = Annotated[Ctx, Depends(workspace_ctx)]

FACTOR_LABELS = {
    "follower_sample": "Follower sample",
    "engagement_vs_tier": "Engagement vs tier benchmark",
    "follower_spikes": "Follower spikes",
    "likes_to_comments": "Likes-to-comments ratio",
    "generic_comments": "Generic or bot comments",
    "engagement_pods": "Engagement pods",
}
CONFIDENCE_LABELS = {"high": "High", "medium": "Medium", "low": "Low", "none": "No data"}
CONFIDENCE_BADGES = {"high": "ok", "medium": "warn", "low": "err", "none": ""}
DATA_LABELS = {
    "rows": "Followers sampled",
    "suspicious": "Suspicious",
    "share": "Share",
    "ci_low": "95% interval from",
    "ci_high": "95% interval to",
    "model_version": "Model",
    "over_usual_bar": "Over the usual 25% bar",
    "engagement_rate": "Engagement rate",
    "definition": "Definition",
    "typical_low": "Typical from",
    "typical_high": "Typical to",
    "verdict": "Verdict",
    "benchmark_source": "Benchmark",
    "snapshots": "Snapshots",
    "usual_growth": "Usual growth between snapshots",
    "jump_threshold": "Jump threshold",
    "jumps": "Jumps",
    "unexplained": "Unexplained jumps",
    "posts_checked": "Posts checked",
    "posts": "Posts",
    "likes": "Likes",
    "comments": "Comments",
    "likes_per_comment": "Likes per comment",
    "posts_with_hidden_likes": "Posts with hidden likes (left out)",
    "bot_like": "Generic, emoji-only or promo",
    "by_label": "By label",
    "timed_comments": "Comments with author and time",
    "pods": "Pods",
    "pod_comment_share": "Share of comments by pod members",
    "window_minutes": "Window (minutes)",
}
SHARE_KEYS = {
    "share",
    "ci_low",
    "ci_high",
    "engagement_rate",
    "typical_low",
    "typical_high",
    "pod_comment_share",
}


def _fmt(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key in SHARE_KEYS and isinstance(value, int | float):
        return f"{value * 100:.1f}%"
    if key == "usual_growth" or key == "jump_threshold":
        return f"{float(value) * 100:+.1f}%"
    if key == "jumps" and isinstance(value, list):
        parts = []
        for j in value:
            when = str(j.get("to", ""))[:10]
            growth = f"{float(j.get('growth', 0)) * 100:+.1f}%"
            explained = j.get("explained_by")
            parts.append(
                f"{when} {growth} "
                + (_("(explained by a viral post)") if explained else _("(no viral post)"))
            )
        return "; ".join(parts) or "—"
    if key == "pods" and isinstance(value, list):
        return "; ".join(", ".join("@" + m for m in p.get("members", [])) for p in value) or "—"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _factor_rows(factors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for f in factors:
        rows.append(
            {
                **f,
                "label": FACTOR_LABELS.get(f["key"], f["key"]),
                "confidence_label": CONFIDENCE_LABELS.get(f["confidence"], f["confidence"]),
                "badge": CONFIDENCE_BADGES.get(f["confidence"], ""),
                "details": [(DATA_LABELS.get(k, k), _fmt(k, v)) for k, v in f.get("data", {}).items()],
            }
        )
    return rows


def _base(ctx: Ctx) -> str:
    return f"/w/{ctx.workspace.slug}/audience"


def _panel(
    request: Request, ctx: Ctx, account: SocialAccount, *, status_code: int = 200, **extra: Any
) -> HTMLResponse:
    s = ctx.session
    eff = qs.effective(s, account.id)
    influencer = ctx.get(Influencer, account.influencer_id)
    sample = qs.latest_sample(s, account.id)
    comments = qs.comment_sample(s, account.id, limit=50)
    all_labels = [c.label for c in qs.comment_sample(s, account.id, limit=qs.MAX_COMMENTS)]
    data = {
        "account": account,
        "influencer": influencer,
        "eff": eff,
        "computed": eff.computed,
        "override": eff.override,
        "factors": _factor_rows(eff.computed.factors if eff.computed is not None else []),
        "confidence_label": CONFIDENCE_LABELS.get(eff.computed.confidence if eff.computed else "none", ""),
        "confidence_badge": CONFIDENCE_BADGES.get(eff.computed.confidence if eff.computed else "none", ""),
        "history": qs.history(s, account.id, limit=30),
        "overrides": qs.overrides(s, account.id),
        "sample": sample,
        "comments": comments,
        "comment_counts": label_counts(all_labels),
        "comment_total": len(all_labels),
        "base": _base(ctx),
        **extra,
    }
    return render(request, "quality/account.html", data, status_code=status_code)


def _redirect(ctx: Ctx, account: SocialAccount) -> RedirectResponse:
    return RedirectResponse(f"{_base(ctx)}/accounts/{account.id}", status_code=303)


@router.get("/w/{ws}/audience/accounts/{social_account_id:int}")
def account_panel(request: Request, ctx: CtxDep, social_account_id: int) -> HTMLResponse:
    """The Audience Quality Score of one account with every factor, its data and confidence."""
    return _panel(request, ctx, ctx.get(SocialAccount, social_account_id))


@router.post("/w/{ws}/audience/accounts/{social_account_id:int}/recompute")
def account_recompute(ctx: CtxDep, social_account_id: int) -> Response:
    account = ctx.get(SocialAccount, social_account_id)
    ctx.require("member")
    qs.recompute(ctx.session, account, trigger="manual")
    return _redirect(ctx, account)


@router.post("/w/{ws}/audience/accounts/{social_account_id:int}/sample")
def account_sample(
    request: Request, ctx: CtxDep, social_account_id: int, file: Annotated[UploadFile, File()]
) -> Response:
    """Score an uploaded follower sample (CSV) and rescore the account."""
    account = ctx.get(SocialAccount, social_account_id)
    try:
        rows = qs.read_csv(file.file.read(qs.MAX_UPLOAD_BYTES + 1), max_rows=qs.MAX_SAMPLE_ROWS)
        qs.add_follower_sample(ctx, account, rows, filename=file.filename or "")
    except KizunaError as exc:
        return _panel(request, ctx, account, error=_(exc.message), status_code=exc.status)
    qs.recompute(ctx.session, account, trigger="sample")
    return _redirect(ctx, account)


@router.post("/w/{ws}/audience/accounts/{social_account_id:int}/comments")
def account_comments(
    request: Request,
    ctx: CtxDep,
    social_account_id: int,
    file: Annotated[UploadFile, File()],
    replace: Annotated[str, Form()] = "",
) -> Response:
    """Add a comment sample (CSV: text, and optionally post, author, commented_at) and rescore the account."""
    account = ctx.get(SocialAccount, social_account_id)
    try:
        ctx.require("member")
        rows = qs.read_csv(file.file.read(qs.MAX_UPLOAD_BYTES + 1), max_rows=qs.MAX_COMMENTS)
        qs.add_comments(ctx.session, account, rows, replace=replace == "on")
    except KizunaError as exc:
        return _panel(request, ctx, account, error=_(exc.message), status_code=exc.status)
    qs.recompute(ctx.session, account, trigger="comments")
    return _redirect(ctx, account)


@router.post("/w/{ws}/audience/accounts/{social_account_id:int}/override")
def account_override(
    request: Request,
    ctx: CtxDep,
    social_account_id: int,
    score: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    account = ctx.get(SocialAccount, social_account_id)
    try:
        value = float(score)
    except ValueError:
        return _panel(request, ctx, account, error=_("The score must be between 0 and 100."), status_code=422)
    try:
        qs.set_override(ctx, account, score=value, reason=reason)
    except KizunaError as exc:
        return _panel(request, ctx, account, error=_(exc.message), status_code=exc.status)
    return _redirect(ctx, account)


@router.post("/w/{ws}/audience/accounts/{social_account_id:int}/override/clear")
def account_override_clear(
    request: Request, ctx: CtxDep, social_account_id: int, reason: Annotated[str, Form()] = ""
) -> Response:
    account = ctx.get(SocialAccount, social_account_id)
    try:
        qs.clear_override(ctx, account, reason=reason)
    except KizunaError as exc:
        return _panel(request, ctx, account, error=_(exc.message), status_code=exc.status)
    return _redirect(ctx, account)


def _heat(value: float | None) -> str:
    """Background colour of a matrix cell: white at 0% shared, deep rose at 50% or more."""
    if value is None:
        return "#f4f4f4"
    t = min(1.0, value / 0.5)
    r, g, b = 255 - int(t * 40), 255 - int(t * 150), 255 - int(t * 120)
    return f"rgb({r},{g},{b})"


@router.get("/w/{ws}/audience/overlap")
def overlap_page(
    request: Request,
    ctx: CtxDep,
    campaign_id: int | None = None,
    list_id: int | None = None,
    basis: str = "followers",
) -> HTMLResponse:
    """Pairwise audience overlap of a campaign shortlist or an influencer list, with the unique reach."""
    s = ctx.session
    campaigns = s.execute(select(Campaign.id, Campaign.name).order_by(Campaign.id.desc()).limit(200)).all()
    lists = s.execute(select(InfluencerList.id, InfluencerList.name).order_by(InfluencerList.name)).all()
    if basis not in ov.BASES:
        basis = "followers"
    data: dict[str, Any] = {
        "campaigns": campaigns,
        "lists": lists,
        "basis": basis,
        "campaign_id": campaign_id,
        "list_id": list_id,
        "result": None,
    }
    ids: list[int] | None = None
    if campaign_id is not None:
        ids = ov.campaign_influencer_ids(s, ctx.get(Campaign, campaign_id).id)
    elif list_id is not None:
        ids = ov.list_influencer_ids(s, ctx.get(InfluencerList, list_id).id)
    if ids is not None:
        result = ov.overlap(ov.shortlist_members(s, ids, basis=basis))
        data["result"] = result
        data["cells"] = [
            [(v, _heat(v if i != j else None)) for j, v in enumerate(row)]
            for i, row in enumerate(result.shared)
        ]
    return render(request, "quality/overlap.html", data)
