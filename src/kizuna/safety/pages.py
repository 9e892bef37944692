"""Brand-safety pages: edit the workspace's keyword categories, and see an influencer's hits in context."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kizuna.errors import KizunaError
from kizuna.models.influencer import Influencer
from kizuna.safety import service
from kizuna.tenancy import Ctx, register_path_param
from kizuna.web.auth import workspace_ctx
from kizuna.web.i18n import _
from kizuna.web.routing import page_router
from kizuna.web.templating import render

router = page_router()
register_path_param("influencer_id", Influencer)
CtxDep = Annotated[Ctx, Depends(workspace_ctx)]


def _page(request: Request, ctx: Ctx, *, status_code: int = 200, **extra: object) -> HTMLResponse:
    cats = service.categories(ctx.session)
    return render(
        request,
        "safety/categories.html",
        {"categories": cats, "locale": ctx.locale, "base": f"/w/{ctx.workspace.slug}/safety", **extra},
        status_code=status_code,
    )


@router.get("/w/{ws}/safety")
def categories_page(request: Request, ctx: CtxDep) -> HTMLResponse:
    """The keyword categories scanned over bios and captions (the defaults until someone edits them)."""
    return _page(request, ctx)


@router.post("/w/{ws}/safety/categories")
def save_category(
    request: Request,
    ctx: CtxDep,
    key: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    name_ja: Annotated[str, Form()] = "",
    terms: Annotated[str, Form()] = "",
    exceptions: Annotated[str, Form()] = "",
    enabled: Annotated[str, Form()] = "",
) -> Response:
    try:
        service.save_category(
            ctx,
            key=key,
            name=name,
            name_ja=name_ja,
            terms=terms,
            exceptions=exceptions,
            enabled=enabled == "on",
        )
    except KizunaError as exc:
        return _page(request, ctx, error=_(exc.message), status_code=exc.status)
    return RedirectResponse(f"/w/{ctx.workspace.slug}/safety", status_code=303)


@router.post("/w/{ws}/safety/categories/delete")
def delete_category(request: Request, ctx: CtxDep, key: Annotated[str, Form()] = "") -> Response:
    try:
        service.delete_category(ctx, key)
    except KizunaError as exc:
        return _page(request, ctx, error=_(exc.message), status_code=exc.status)
    return RedirectResponse(f"/w/{ctx.workspace.slug}/safety", status_code=303)


@router.get("/w/{ws}/safety/influencers/{influencer_id:int}")
def influencer_report(request: Request, ctx: CtxDep, influencer_id: int) -> HTMLResponse:
    """Every brand-safety hit in the influencer's bio and recent captions, highlighted in its sentence."""
    influencer = ctx.get(Influencer, influencer_id)
    report = service.scan_influencer(ctx.session, influencer)
    labels = {c.key: c.label(ctx.locale) for c in service.categories(ctx.session)}
    return render(
        request,
        "safety/report.html",
        {
            "influencer": influencer,
            "report": report,
            "labels": labels,
            "base": f"/w/{ctx.workspace.slug}/safety",
        },
    )
