"""Who is calling: session cookies (with CSRF) for the browser, bearer tokens for the API.

:func:`workspace_ctx` is the single gate for every workspace route. It authenticates, resolves the workspace
(404 when the caller is not a member, so existence is not revealed), binds tenant scoping to the transaction,
checks CSRF for cookie-authenticated writes and refuses every write by a viewer.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna.accounts import service as accounts
from kizuna.config import get_settings
from kizuna.errors import CsrfFailed, NotAuthenticated, NotFound, PermissionDenied
from kizuna.kit.crypto import Signer, constant_time_equals, new_token
from kizuna.models.user import User
from kizuna.models.user_session import UserSession
from kizuna.models.workspace import Workspace
from kizuna.tenancy import PATH_PARAMS, Ctx, bind_workspace
from kizuna.web.routing import uow_of

SESSION_COOKIE = "kizuna_session"
ANON_CSRF_COOKIE = "kizuna_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def session_signer() -> Signer:
    return Signer("login-session")


@dataclass
class Caller:
    user: User
    via: str
    session_row: UserSession | None = None
    token_workspace: Workspace | None = None
    token_role: str | None = None

    @property
    def csrf_token(self) -> str:
        return self.session_row.csrf_token if self.session_row is not None else ""


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _authenticate(request: Request, session: Session) -> Caller:
    header = request.headers.get("authorization", "")
    if header:
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthenticated(
                "Use 'Authorization: Bearer <token>'.", code="invalid_authorization_header"
            )
        _row, user, ws, role = accounts.resolve_api_token(session, token.strip())
        return Caller(user=user, via="token", token_workspace=ws, token_role=role)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise NotAuthenticated("Please sign in.", code="not_authenticated")
    try:
        key = session_signer().loads(cookie, max_age=get_settings().session_max_age_seconds)
    except Exception as exc:
        raise NotAuthenticated(
            "Your session has expired. Please sign in again.", code="session_expired"
        ) from exc
    row, user = accounts.resolve_session(session, str(key))
    return Caller(user=user, via="session", session_row=row)


async def _submitted_csrf(request: Request) -> str:
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    ctype = request.headers.get("content-type", "")
    if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token")
        return value if isinstance(value, str) else ""
    return ""


async def _check_session_csrf(request: Request, caller: Caller) -> None:
    if request.method in SAFE_METHODS or caller.via != "session":
        return
    submitted = await _submitted_csrf(request)
    if not submitted or not constant_time_equals(submitted, caller.csrf_token):
        raise CsrfFailed("The form expired or was not sent from Kizuna. Reload the page and try again.")


def _apply_user_prefs(request: Request, user: User) -> None:
    state = request.state.locale
    if user.locale in ("en", "ja"):
        state.locale = user.locale
    state.timezone = user.timezone


async def current_caller(request: Request) -> Caller:
    """The signed-in user (any route outside a workspace); CSRF checked on writes."""
    uow = uow_of(request)
    caller = _authenticate(request, uow.session)
    await _check_session_csrf(request, caller)
    _apply_user_prefs(request, caller.user)
    request.state.caller = caller
    return caller


async def optional_caller(request: Request) -> Caller | None:
    try:
        return await current_caller(request)
    except NotAuthenticated:
        return None


async def workspace_ctx(request: Request, ws: str) -> Ctx:
    """Gate for every ``/w/{ws}/...`` and ``/api/v1/w/{ws}/...`` route."""
    caller = await current_caller(request)
    uow = uow_of(request)
    if caller.via == "token":
        workspace = caller.token_workspace
        role = caller.token_role or "viewer"
        if workspace is None or workspace.slug != ws:
            raise NotFound("Workspace not found.", code="workspace_not_found")
    else:
        workspace, role = accounts.membership_for(uow.session, caller.user, ws)
    if request.method not in SAFE_METHODS and role == "viewer":
        raise PermissionDenied("Viewers can look but not change anything.", code="viewer_read_only")
    bind_workspace(uow.session, workspace.id)
    _check_object_params(request, uow.session)
    ctx = Ctx(
        session=uow.session,
        user=caller.user,
        workspace=workspace,
        role=role,
        via=caller.via,
        ip=client_ip(request),
        locale=request.state.locale.locale,
        timezone=caller.user.timezone or workspace.timezone,
    )
    request.state.ctx = ctx
    return ctx


def _check_object_params(request: Request, session: Session) -> None:
    """Every registered object id in the path must exist in this workspace, before any body is validated."""
    for name, raw in request.path_params.items():
        model = PATH_PARAMS.get(name)
        if model is None:
            continue
        try:
            object_id = int(raw)
        except (TypeError, ValueError):
            raise NotFound("Not found.", code="not_found", details={"object": model.__name__}) from None
        found = session.execute(select(model.id).where(model.id == object_id)).first()
        if found is None:
            raise NotFound("Not found.", code="not_found", details={"object": model.__name__})


def anon_csrf_token(request: Request) -> str:
    """Double-submit token for forms shown before sign-in (login, accept invitation)."""
    token = request.cookies.get(ANON_CSRF_COOKIE)
    if not token:
        token = new_token(24)
        request.state.set_anon_csrf = token
    return token


async def require_anon_csrf(request: Request) -> None:
    cookie = request.cookies.get(ANON_CSRF_COOKIE, "")
    submitted = await _submitted_csrf(request)
    if not cookie or not submitted or not constant_time_equals(cookie, submitted):
        raise CsrfFailed("The form expired or was not sent from Kizuna. Reload the page and try again.")


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site relative paths: no scheme, no host, no protocol-relative ``//`` or ``/\\`` tricks."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(ch in target for ch in ("\r", "\n", "\\")):
        return default
    return target
