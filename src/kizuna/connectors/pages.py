"""Connector settings page: enter API keys and tokens (stored encrypted), see when each was used and its last
error, and refresh one account by hand."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kizuna.connectors import service
from kizuna.errors import KizunaError
from kizuna.models.social_account import SocialAccount
from kizuna.tenancy import Ctx, register_path_param
from kizuna.web.auth import workspace_ctx
from kizuna.web.i18n import _
from kizuna.web.routing import page_router
from kizuna.web.templating import render

router = page_router()
register_path_param("social_account_id", SocialAccount)
CtxDep = Annotated[Ctx, Depends(workspace_ctx)]

FIELD_LABELS = {
    "api_key": "API key",
    "access_token": "Access token",
    "ig_user_id": "Your Instagram professional account id",
}
ERROR_LABELS = {
    "connector_auth_failed": "The platform refused these credentials.",
    "connector_quota_exhausted": "The platform's quota or rate limit is exhausted.",
    "connector_unavailable": "The platform could not be reached.",
    "connector_not_found": "The platform does not know this account.",
    "connector_bad_response": "The platform sent a response Kizuna could not read.",
}


def _page(request: Request, ctx: Ctx, *, status_code: int = 200, **extra: object) -> HTMLResponse:
    rows = service.credential_rows(ctx.session)
    providers = [
        {
            "key": key,
            "name": service.PROVIDER_NAMES[key],
            "fields": [(f, FIELD_LABELS[f]) for f in fields],
            "row": rows.get(key),
            "error": ERROR_LABELS.get(rows[key].last_error or "", rows[key].last_error)
            if key in rows
            else None,
        }
        for key, fields in service.PROVIDERS.items()
    ]
    return render(
        request,
        "connectors/settings.html",
        {
            "providers": providers,
            "base": f"/w/{ctx.workspace.slug}/connectors",
            "can_edit": ctx.has_role("admin"),
            **extra,
        },
        status_code=status_code,
    )


@router.get("/w/{ws}/connectors")
def connectors_page(request: Request, ctx: CtxDep) -> HTMLResponse:
    return _page(request, ctx)


@router.post("/w/{ws}/connectors")
def save(
    request: Request,
    ctx: CtxDep,
    provider: Annotated[str, Form()] = "",
    api_key: Annotated[str, Form()] = "",
    access_token: Annotated[str, Form()] = "",
    ig_user_id: Annotated[str, Form()] = "",
) -> Response:
    try:
        service.save_credentials(
            ctx, provider, {"api_key": api_key, "access_token": access_token, "ig_user_id": ig_user_id}
        )
    except KizunaError as exc:
        return _page(request, ctx, error=_(exc.message), status_code=exc.status)
    return RedirectResponse(f"/w/{ctx.workspace.slug}/connectors", status_code=303)


@router.post("/w/{ws}/connectors/delete")
def delete(request: Request, ctx: CtxDep, provider: Annotated[str, Form()] = "") -> Response:
    try:
        service.delete_credentials(ctx, provider)
    except KizunaError as exc:
        return _page(request, ctx, error=_(exc.message), status_code=exc.status)
    return RedirectResponse(f"/w/{ctx.workspace.slug}/connectors", status_code=303)


@router.post("/w/{ws}/connectors/refresh/{social_account_id:int}")
def refresh(request: Request, ctx: CtxDep, social_account_id: int) -> Response:
    """Refresh one account now and go to its quality panel (errors are shown on the connectors page)."""
    account = ctx.get(SocialAccount, social_account_id)
    ctx.require("member")
    try:
        service.refresh_account(ctx.session, account)
    except KizunaError as exc:
        return _page(request, ctx, error=_(exc.message), status_code=exc.status)
    return RedirectResponse(f"/w/{ctx.workspace.slug}/audience/accounts/{account.id}", status_code=303)
