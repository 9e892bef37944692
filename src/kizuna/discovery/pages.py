"""Discover page: filter form and brief box, results with their score breakdown, saved searches, and htmx
actions that put results on a campaign shortlist or an influencer list."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from kizuna.discovery import repository as repo
from kizuna.discovery.filters import AGE_BANDS, SORTS, SearchQuery, parse_query
from kizuna.discovery.service import SearchResults, discovery
from kizuna.errors import KizunaError
from kizuna.influencers.tiers import tier_choices
from kizuna.models.campaign import Campaign
from kizuna.models.influencer_list import InfluencerList
from kizuna.models.saved_search import SavedSearch
from kizuna.tenancy import Ctx, register_path_param
from kizuna.web.auth import workspace_ctx
from kizuna.web.i18n import _
from kizuna.web.routing import page_router
from kizuna.web.templating import render

router = page_router()
register_path_param("saved_search_id", SavedSearch)
CtxDep = Annotated[Ctx, Depends(workspace_ctx)]

PLATFORMS = ("instagram", "youtube", "tiktok", "x", "blog", "podcast", "line", "xiaohongshu", "naver_blog")


def _form_data(request: Request) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in request.query_params.multi_items():
        data.setdefault(key, []).append(value)
    return data


def _has_query(data: dict[str, Any]) -> bool:
    return any(str(v).strip() for vals in data.values() for v in vals if vals) and set(data) != {"saved"}


def _tiers(ctx: Ctx, data: dict[str, Any]) -> list[str]:
    """The workspace's tier keys (its scheme's bands), plus any other key a saved search still selects."""
    keys = [key for key, _label in tier_choices(ctx.workspace)]
    return keys + [t for t in dict.fromkeys(data.get("tiers") or []) if t and t not in keys]


def _context(ctx: Ctx, data: dict[str, Any]) -> dict[str, Any]:
    campaigns = ctx.session.execute(select(Campaign).order_by(Campaign.id.desc()).limit(100)).scalars().all()
    lists = ctx.session.execute(select(InfluencerList).order_by(InfluencerList.name)).scalars().all()
    return {
        "form": {k: ", ".join(v) for k, v in data.items()},
        "form_lists": data,
        "platforms": PLATFORMS,
        "tiers": _tiers(ctx, data),
        "sorts": SORTS,
        "age_bands": AGE_BANDS,
        "campaigns": campaigns,
        "lists": lists,
        "saved": repo.saved_searches(ctx.session),
    }


def _run(ctx: Ctx, data: dict[str, Any]) -> tuple[SearchQuery | None, SearchResults | None, str | None]:
    try:
        query = parse_query(data)
        return query, discovery.search(ctx.session, ctx.workspace_id, query), None
    except KizunaError as exc:
        return None, None, _(exc.message)


@router.get("/w/{ws}/discover")
def discover_page(request: Request, ctx: CtxDep, saved: int | None = None) -> HTMLResponse:
    data = _form_data(request)
    if saved is not None:
        row = ctx.get(SavedSearch, saved)
        data = {k: (v if isinstance(v, list) else [str(v)]) for k, v in row.params.items()}
    context = _context(ctx, data)
    if _has_query(data):
        query, found, error = _run(ctx, data)
        context.update(
            found=found, error=error, query_string=urlencode(query.to_params(), doseq=True) if query else ""
        )
    return render(request, "discovery/index.html", context)


@router.get("/w/{ws}/discover/results")
def discover_results(request: Request, ctx: CtxDep) -> HTMLResponse:
    """The results fragment (htmx swaps it in while the form stays put)."""
    data = _form_data(request)
    query, found, error = _run(ctx, data)
    context = _context(ctx, data)
    context.update(
        found=found, error=error, query_string=urlencode(query.to_params(), doseq=True) if query else ""
    )
    return render(request, "discovery/_results.html", context)


@router.post("/w/{ws}/discover/saved")
async def save_search(request: Request, ctx: CtxDep) -> Response:
    form = await request.form()
    data: dict[str, Any] = {}
    for key, value in form.multi_items():
        if key not in ("csrf_token", "name"):
            data.setdefault(key, []).append(str(value))
    name = str(form.get("name", ""))
    row = discovery.save_search(ctx.session, user_id=ctx.user.id, name=name, query=parse_query(data))
    return RedirectResponse(f"/w/{ctx.workspace.slug}/discover?saved={row.id}", status_code=303)


@router.post("/w/{ws}/discover/saved/{saved_search_id}/delete")
def delete_saved(request: Request, ctx: CtxDep, saved_search_id: int) -> Response:
    discovery.delete_saved_search(ctx.session, ctx.get(SavedSearch, saved_search_id))
    return RedirectResponse(f"/w/{ctx.workspace.slug}/discover", status_code=303)


@router.post("/w/{ws}/discover/add")
def add_to(
    request: Request,
    ctx: CtxDep,
    influencer_id: Annotated[list[int], Form()],
    target: Annotated[str, Form()],
) -> HTMLResponse:
    """``target`` is ``campaign:<id>`` or ``list:<id>``; answers with a one-line status for htmx."""
    kind, _sep, raw = target.partition(":")
    try:
        if not raw.isdigit():
            raise KizunaError("Choose a campaign or a list.", code="target_required")
        if kind == "campaign":
            n = discovery.add_to_shortlist(
                ctx.session, campaign_id=int(raw), influencer_ids=influencer_id, user_id=ctx.user.id
            )
            message = _("Added to the campaign shortlist: %(n)s", n=n)
        elif kind == "list":
            n = discovery.add_to_list(ctx.session, list_id=int(raw), influencer_ids=influencer_id)
            message = _("Added to the list: %(n)s", n=n)
        else:
            raise KizunaError("Choose a campaign or a list.", code="target_required")
    except KizunaError as exc:
        return render(request, "discovery/_added.html", {"message": _(exc.message), "ok": False})
    return render(request, "discovery/_added.html", {"message": message, "ok": True})
