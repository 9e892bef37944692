"""``create_app()``: middleware, error rendering, static files and every domain's routers."""

from __future__ import annotations

import importlib
import importlib.util
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

import kizuna
from kizuna.config import get_settings
from kizuna.errors import KizunaError, NotAuthenticated, PayloadTooLarge
from kizuna.kit.modules import domain_modules
from kizuna.web import i18n
from kizuna.web.auth import is_api
from kizuna.web.routing import LOCALE_COOKIE
from kizuna.web.templating import STATIC_DIR, env, register_sections

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
)

API_DOCS_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Kizuna API</title>
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script></body></html>"""

#: Room above the largest configured file size for the rest of a multipart form.
BODY_LIMIT_SLACK = 1024 * 1024

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class SecurityHeaders:
    """Pure ASGI middleware adding safe default headers to every HTTP response."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for name, value in (
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                    (b"content-security-policy", CSP.encode()),
                ):
                    if name not in present:
                        headers.append((name, value))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuse request bodies over ``max_body_size`` with the usual error shape (JSON for the API, a page otherwise).

    A declared ``Content-Length`` over the limit is answered before the app runs; a streamed body is counted as it
    is read, and once it passes the limit whatever the app would have answered is replaced by the 413.
    """

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], max_body_size: int) -> None:
        self.app = app
        self.max_body_size = max_body_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = None
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = None
                break
        if declared is not None and declared > self.max_body_size:
            await self._refuse(scope, receive, send)
            return
        total = 0
        exceeded = False
        app_started = False

        async def limited_receive() -> Message:
            nonlocal total, exceeded
            message = await receive()
            if message["type"] == "http.request":
                total += len(message.get("body", b""))
                if total > self.max_body_size:
                    exceeded = True
                    raise PayloadTooLarge("The request is larger than allowed.")
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal app_started
            if exceeded and not app_started:
                return  # the app's own answer to the aborted read is replaced by the 413 below
            if message["type"] == "http.response.start":
                app_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except PayloadTooLarge:
            if app_started:
                raise
        if exceeded and not app_started:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        response = _error_response(request, 413, "payload_too_large", "The request is larger than allowed.")
        response.headers["connection"] = "close"
        await response(scope, receive, send)


class RedirectShortcut:
    """Answer ``/r/{code}`` with the lean tracking handler before routing (the hot path of every click).

    The route stays registered for the API description and the tenancy walk; this only skips the routing table,
    per-route unit of work and exception machinery, exactly as the stand-alone ``kizuna.tracking.asgi`` app does.
    """

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        from kizuna.tracking.asgi import app as redirect_app

        self.app = app
        self.redirect_app = redirect_app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            path: str = scope["path"]
            if path.startswith("/r/") and "/" not in path[3:]:
                await self.redirect_app(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _error_response(request: Request, status: int, code: str, message: str, details: Any = None) -> Response:
    translated = i18n.gettext(message, _request_locale(request))
    if (
        is_api(request)
        or request.url.path.startswith("/r/")
        or "application/json" in request.headers.get("accept", "")
    ):
        body: dict[str, Any] = {"code": code, "message": translated}
        if details:
            body["details"] = details
        return JSONResponse({"error": body}, status_code=status)
    if request.headers.get("hx-request") == "true":
        html = env.get_template("partials/flash.html").render(kind="error", message=translated)
        return HTMLResponse(
            html, status_code=200, headers={"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"}
        )
    locale = _request_locale(request)
    # The handler runs after the route has reset the request's locale, so the page's own words ("Back to
    # Kizuna") would fall back to English without it.
    token = i18n.set_request_locale(i18n.RequestLocale(locale=locale))
    try:
        html = env.get_template("error.html").render(
            request=request, status=status, code=code, message=translated, locale=locale
        )
    finally:
        i18n.reset_request_locale(token)
    return HTMLResponse(html, status_code=status)


def _request_locale(request: Request) -> str:
    state = getattr(request.state, "locale", None)
    if state is not None:
        return str(state.locale)
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in i18n.SUPPORTED:
        return str(chosen)
    return i18n.negotiate(request.headers.get("accept-language"))


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(KizunaError)
    async def _kizuna_error(request: Request, exc: KizunaError) -> Response:
        if isinstance(exc, NotAuthenticated) and not is_api(request) and request.method == "GET":
            from urllib.parse import quote

            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
        return _error_response(request, exc.status, exc.code, exc.message, exc.details or None)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return _error_response(request, 400, "malformed_json", "The request body is not valid JSON.")
        details = [
            {
                "loc": [str(p) for p in e.get("loc", ())],
                "message": str(e.get("msg", "")),
                "type": e.get("type"),
            }
            for e in errors
        ]
        return _error_response(
            request, 422, "validation_failed", "Some fields are missing or invalid.", details
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        codes = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}
        code = codes.get(exc.status_code, "http_error")
        message = {404: "Not found.", 405: "Method not allowed."}.get(exc.status_code, str(exc.detail))
        return _error_response(request, exc.status_code, code, message)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _error_response(request, 500, "internal_error", "Something went wrong on our side.")


def all_router_modules() -> list[str]:
    names = ["kizuna.accounts.pages", "kizuna.accounts.endpoints"]
    for kind in ("endpoints", "pages"):
        names += [m for m in domain_modules(kind) if not m.startswith("kizuna.accounts.")]
    return names


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    from kizuna.accounts.passwords import dummy_hash

    dummy_hash()  # made before the first sign-in, so an unknown e-mail never takes longer than a known one
    consumer = None
    if app.state.embedded_worker:
        from kizuna.worker.consumer import start_embedded

        consumer = start_embedded()
    try:
        yield
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)


def create_app(*, embedded_worker: bool | None = None) -> FastAPI:
    settings = get_settings()
    settings.ensure_data_dir()
    app = FastAPI(
        title="Kizuna API",
        version=kizuna.__version__,
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.embedded_worker = settings.embedded_worker if embedded_worker is None else embedded_worker
    _install_error_handlers(app)
    # Whole-request ceiling, so an oversized upload is refused before it is spooled to a temp file; the import and
    # upload services apply their own, smaller limits on top.
    app.add_middleware(
        BodyLimit, max_body_size=max(settings.import_max_bytes, settings.upload_max_bytes) + BODY_LIMIT_SLACK
    )
    app.add_middleware(SecurityHeaders)
    if importlib.util.find_spec("kizuna.tracking.asgi") is not None:
        app.add_middleware(RedirectShortcut)  # outermost: added last
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    @app.get("/api/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        """Swagger UI from the vendored copy: no CDN, no inline script."""
        return HTMLResponse(API_DOCS_HTML)

    for module_name in all_router_modules():
        # Routes are added flat (not with include_router) so that ``app.routes`` lists every real route with its
        # own UnitOfWorkRoute class: the tenancy test walks exactly this list.
        app.router.routes.extend(importlib.import_module(module_name).router.routes)
    register_sections([r.path for r in app.routes if isinstance(r, APIRoute)])
    return app
