"""Sign-in, workspaces, the dashboard, settings (workspace, members, tokens, audit log) and the profile."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select

from kizuna.accounts import audit, service
from kizuna.config import get_settings
from kizuna.errors import KizunaError
from kizuna.influencers.service import set_tier_scheme
from kizuna.kit.money import CURRENCIES
from kizuna.models.api_token import ApiToken
from kizuna.models.audit_log import AuditLog
from kizuna.models.influencer import Influencer
from kizuna.models.invitation import Invitation
from kizuna.models.membership import ROLES, Membership
from kizuna.models.post import Post
from kizuna.models.social_account import SocialAccount
from kizuna.models.user import User
from kizuna.tenancy import Ctx, register_path_param
from kizuna.web.auth import (
    SESSION_COOKIE,
    Caller,
    client_ip,
    current_caller,
    optional_caller,
    require_anon_csrf,
    safe_next,
    session_signer,
    workspace_ctx,
)
from kizuna.web.i18n import _
from kizuna.web.routing import LOCALE_COOKIE, page_router, uow_of
from kizuna.web.templating import render

router = page_router()
register_path_param("membership_id", Membership)
register_path_param("invitation_id", Invitation)
register_path_param("token_id", ApiToken)

CtxDep = Annotated[Ctx, Depends(workspace_ctx)]
CallerDep = Annotated[Caller, Depends(current_caller)]
TIMEZONES = (
    "Asia/Tokyo",
    "Asia/Taipei",
    "Asia/Seoul",
    "Asia/Hong_Kong",
    "Asia/Shanghai",
    "Asia/Bangkok",
    "Asia/Singapore",
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "America/New_York",
    "America/Los_Angeles",
)


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/healthz", include_in_schema=False)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/")
async def home(request: Request) -> Response:
    caller = await optional_caller(request)
    if caller is None:
        return _redirect("/login")
    spaces = service.user_workspaces(uow_of(request).session, caller.user)
    if len(spaces) == 1:
        return _redirect(f"/w/{spaces[0][0].slug}")
    return _redirect("/workspaces")


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    return render(request, "auth/login.html", {"next": safe_next(next, "")})


@router.post("/login", dependencies=[Depends(require_anon_csrf)])
def login(
    request: Request,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "",
) -> Response:
    session = uow_of(request).session
    try:
        user = service.authenticate(session, email=email, password=password, ip=client_ip(request))
    except KizunaError as exc:
        return render(
            request,
            "auth/login.html",
            {"next": safe_next(next, ""), "email": email, "error": _(exc.message)},
            status_code=exc.status,
        )
    new = service.start_session(
        session, user, ip=client_ip(request), user_agent=request.headers.get("user-agent")
    )
    response = _redirect(safe_next(next, "/"))
    settings = get_settings()
    response.set_cookie(
        SESSION_COOKIE,
        session_signer().dumps(new.key),
        max_age=settings.session_max_age_seconds,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )
    if user.locale:
        response.set_cookie(LOCALE_COOKIE, user.locale, max_age=365 * 86400, samesite="lax", path="/")
    return response


@router.post("/logout")
def logout(request: Request, caller: CallerDep) -> Response:
    if caller.session_row is not None:
        service.end_session(uow_of(request).session, caller.session_row, caller.user)
    response = _redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/lang")
async def switch_language(request: Request) -> Response:
    """Switch the interface language (cookie, and the profile when signed in)."""
    form = await request.form()
    lang = str(form.get("lang", "en"))
    if lang not in ("en", "ja"):
        lang = "en"
    caller = None
    if request.cookies.get(SESSION_COOKIE):
        caller = await current_caller(request)  # checks CSRF for the signed-in user
        caller.user.locale = lang
    else:
        await require_anon_csrf(request)
    response = _redirect(safe_next(str(form.get("next", "/")), "/"))
    response.set_cookie(LOCALE_COOKIE, lang, max_age=365 * 86400, samesite="lax", path="/")
    return response


@router.get("/workspaces")
def workspaces_page(request: Request, caller: CallerDep) -> HTMLResponse:
    return render(request, "accounts/workspaces.html", {"currencies": CURRENCIES, "timezones": TIMEZONES})


@router.post("/workspaces")
def create_workspace(
    request: Request,
    caller: CallerDep,
    slug: Annotated[str, Form()],
    name: Annotated[str, Form()],
    currency: Annotated[str, Form()] = "JPY",
    timezone: Annotated[str, Form()] = "Asia/Tokyo",
) -> Response:
    ws = service.create_workspace(
        uow_of(request).session, owner=caller.user, slug=slug, name=name, currency=currency, timezone=timezone
    )
    return _redirect(f"/w/{ws.slug}")


@router.get("/w/{ws}")
def dashboard(request: Request, ctx: CtxDep) -> HTMLResponse:
    s = ctx.session
    counts = {
        "influencers": s.execute(
            select(func.count()).select_from(Influencer).where(Influencer.merged_into_id.is_(None))
        ).scalar_one(),
        "accounts": s.execute(select(func.count()).select_from(SocialAccount)).scalar_one(),
        "posts": s.execute(select(func.count()).select_from(Post)).scalar_one(),
        "members": s.execute(select(func.count()).select_from(Membership)).scalar_one(),
    }
    tiers = s.execute(
        select(Influencer.tier, func.count()).where(Influencer.tier.is_not(None)).group_by(Influencer.tier)
    ).all()
    recent = (
        s.execute(
            select(AuditLog)
            .where(AuditLog.workspace_id == ctx.workspace_id)
            .order_by(AuditLog.id.desc())
            .limit(8)
        )
        .scalars()
        .all()
    )
    return render(
        request,
        "dashboard.html",
        {
            "counts": counts,
            "tiers": _tiers_in_band_order(ctx, dict(tiers)),
            "recent": audit.describe(ctx, recent),
        },
    )


def _tiers_in_band_order(ctx: Ctx, counts: dict[str | None, int]) -> list[tuple[str, int]]:
    """``(label, count)`` from the smallest band up, named as the workspace's tier scheme names them."""
    from kizuna.influencers.tiers import CELEBRITY, scheme_of, tier_label, tiers_for_scheme

    scheme, custom = scheme_of(ctx.workspace)
    order = [t.key for t in (*tiers_for_scheme(scheme, custom), CELEBRITY)]
    keys = sorted((k for k in counts if k), key=lambda k: (order.index(k) if k in order else len(order), k))
    return [(tier_label(k, scheme, custom, ctx.locale), counts[k]) for k in keys]


def _settings_context(ctx: Ctx) -> dict[str, object]:
    return {"currencies": CURRENCIES, "timezones": TIMEZONES, "section": "workspace"}


@router.get("/w/{ws}/settings")
def settings_page(request: Request, ctx: CtxDep) -> HTMLResponse:
    return render(request, "accounts/settings.html", _settings_context(ctx))


@router.post("/w/{ws}/settings")
def update_settings(
    request: Request,
    ctx: CtxDep,
    name: Annotated[str, Form()],
    currency: Annotated[str, Form()],
    timezone: Annotated[str, Form()],
    tier_scheme: Annotated[str, Form()],
    sender_identity: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "brand",
) -> Response:
    ctx.require("admin")
    service.update_workspace(
        ctx.session,
        ctx.workspace,
        ctx.user,
        name=name,
        currency=currency,
        timezone=timezone,
        tier_scheme=tier_scheme,
        sender_identity=sender_identity,
        kind=kind,
        retier=lambda scheme: set_tier_scheme(ctx, scheme, ctx.workspace.custom_tiers),
    )
    return _redirect(f"/w/{ctx.workspace.slug}/settings?saved=1")


def _members_context(ctx: Ctx, **extra: object) -> dict[str, object]:
    members = ctx.session.execute(
        select(Membership, User).join(User, User.id == Membership.user_id).order_by(User.email)
    ).all()
    invitations = (
        ctx.session.execute(
            select(Invitation)
            .where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
            .order_by(Invitation.id.desc())
        )
        .scalars()
        .all()
    )
    return {"members": members, "invitations": invitations, "roles": ROLES, "section": "members", **extra}


@router.get("/w/{ws}/settings/members")
def members_page(request: Request, ctx: CtxDep) -> HTMLResponse:
    return render(request, "accounts/members.html", _members_context(ctx))


@router.post("/w/{ws}/settings/members/invite")
def invite_member(
    request: Request, ctx: CtxDep, email: Annotated[str, Form()], role: Annotated[str, Form()]
) -> HTMLResponse:
    ctx.require("admin")
    new = service.invite(ctx.session, ctx.workspace, ctx.user, ctx.role, email=email, role=role)
    link = f"{get_settings().base_url.rstrip('/')}/invite/{new.token}"
    return render(request, "accounts/members.html", _members_context(ctx, invite_link=link))


@router.post("/w/{ws}/settings/members/{membership_id}/role")
def change_role(request: Request, ctx: CtxDep, membership_id: int, role: Annotated[str, Form()]) -> Response:
    ctx.require("admin")
    member = ctx.get(Membership, membership_id)
    service.change_role(ctx.session, ctx.workspace, ctx.user, ctx.role, member, role)
    return _redirect(f"/w/{ctx.workspace.slug}/settings/members")


@router.post("/w/{ws}/settings/members/{membership_id}/remove")
def remove_member(request: Request, ctx: CtxDep, membership_id: int) -> Response:
    ctx.require("admin")
    member = ctx.get(Membership, membership_id)
    service.remove_member(ctx.session, ctx.workspace, ctx.user, ctx.role, member)
    return _redirect(f"/w/{ctx.workspace.slug}/settings/members")


@router.post("/w/{ws}/settings/invitations/{invitation_id}/revoke")
def revoke_invitation(request: Request, ctx: CtxDep, invitation_id: int) -> Response:
    ctx.require("admin")
    service.revoke_invitation(ctx.session, ctx.workspace, ctx.user, ctx.get(Invitation, invitation_id))
    return _redirect(f"/w/{ctx.workspace.slug}/settings/members")


def _my_tokens(ctx: Ctx) -> list[ApiToken]:
    return list(
        ctx.session.execute(
            select(ApiToken).where(ApiToken.user_id == ctx.user.id).order_by(ApiToken.id.desc())
        )
        .scalars()
        .all()
    )


@router.get("/w/{ws}/settings/tokens")
def tokens_page(request: Request, ctx: CtxDep) -> HTMLResponse:
    return render(request, "accounts/tokens.html", {"tokens": _my_tokens(ctx), "section": "tokens"})


@router.post("/w/{ws}/settings/tokens")
def create_token(request: Request, ctx: CtxDep, name: Annotated[str, Form()]) -> HTMLResponse:
    new = service.create_api_token(ctx.session, ctx.workspace, ctx.user, name=name)
    return render(
        request,
        "accounts/tokens.html",
        {"tokens": _my_tokens(ctx), "section": "tokens", "new_token": new.token},
    )


@router.post("/w/{ws}/settings/tokens/{token_id}/revoke")
def revoke_token(request: Request, ctx: CtxDep, token_id: int) -> Response:
    row = ctx.get(ApiToken, token_id)
    if row.user_id != ctx.user.id:
        ctx.require("admin")
    service.revoke_api_token(ctx.session, ctx.workspace, ctx.user, row)
    return _redirect(f"/w/{ctx.workspace.slug}/settings/tokens")


@router.get("/w/{ws}/settings/audit")
def audit_page(request: Request, ctx: CtxDep, page: int = 1) -> HTMLResponse:
    page = max(page, 1)
    rows = (
        ctx.session.execute(
            select(AuditLog)
            .where(AuditLog.workspace_id == ctx.workspace_id)
            .order_by(AuditLog.id.desc())
            .offset((page - 1) * 50)
            .limit(51)
        )
        .scalars()
        .all()
    )
    return render(
        request,
        "accounts/audit.html",
        {
            "entries": audit.describe(ctx, rows[:50]),
            "page": page,
            "has_next": len(rows) > 50,
            "section": "audit",
        },
    )


@router.get("/account")
def account_page(request: Request, caller: CallerDep) -> HTMLResponse:
    return render(request, "accounts/profile.html", {"timezones": TIMEZONES})


@router.post("/account")
def update_account(
    request: Request,
    caller: CallerDep,
    name: Annotated[str, Form()],
    timezone: Annotated[str, Form()],
    locale: Annotated[str, Form()] = "",
) -> Response:
    service.update_profile(
        uow_of(request).session, caller.user, name=name, locale=locale or None, timezone=timezone
    )
    response = _redirect("/account?saved=1")
    if locale:
        response.set_cookie(LOCALE_COOKIE, locale, max_age=365 * 86400, samesite="lax", path="/")
    return response


@router.post("/account/password")
def change_password(
    request: Request, caller: CallerDep, current: Annotated[str, Form()], new: Annotated[str, Form()]
) -> Response:
    service.set_password(uow_of(request).session, caller.user, current=current, new=new)
    return _redirect("/account?saved=1")


@router.get("/invite/{token}")
async def invitation_page(request: Request, token: str) -> HTMLResponse:
    caller = await optional_caller(request)
    inv = service.find_invitation(uow_of(request).session, token)
    return render(request, "accounts/accept.html", {"invitation": inv, "token": token, "signed_in": caller})


@router.post("/invite/{token}")
async def accept_invitation(request: Request, token: str) -> Response:
    caller = await optional_caller(request)
    form = await request.form()
    if caller is None:
        await require_anon_csrf(request)
    _user, ws = service.accept_invitation(
        uow_of(request).session,
        token,
        user=caller.user if caller else None,
        password=str(form.get("password", "")),
        name=str(form.get("name", "")),
    )
    if caller is None:
        return _redirect(f"/login?next=/w/{ws.slug}")
    return _redirect(f"/w/{ws.slug}")
