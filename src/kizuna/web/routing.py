"""Routers whose every request is exactly one unit of work.

:class:`UnitOfWorkRoute` opens the transaction before dependencies run, commits when the endpoint returns a
non-error response and only then runs after-commit side effects; any exception or 4xx/5xx response rolls back.
FastAPI's own ``yield`` dependencies are not used for this because their exit timing relative to the response
has changed between releases (see docs/adr/0001-transaction-boundary.md).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from kizuna.db import UnitOfWork, activate
from kizuna.web.i18n import RequestLocale, negotiate, reset_request_locale, set_request_locale

LOCALE_COOKIE = "kizuna_lang"


class UnitOfWorkRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            cookie_locale = request.cookies.get(LOCALE_COOKIE)
            locale = (
                cookie_locale
                if cookie_locale in ("en", "ja")
                else negotiate(request.headers.get("accept-language"))
            )
            state = RequestLocale(locale=locale)
            request.state.locale = state
            lt = set_request_locale(state)
            uow = await run_in_threadpool(UnitOfWork)
            request.state.uow = uow
            try:
                with activate(uow):
                    try:
                        response = await original(request)
                    except BaseException:
                        await run_in_threadpool(uow.rollback)
                        raise
                    if response.status_code >= 400:
                        await run_in_threadpool(uow.rollback)
                    else:
                        await run_in_threadpool(uow.commit)
                    return response
            finally:
                await run_in_threadpool(uow.close)
                reset_request_locale(lt)

        return handler


def page_router(**kwargs: Any) -> APIRouter:
    kwargs.setdefault("include_in_schema", False)
    return APIRouter(route_class=UnitOfWorkRoute, **kwargs)


def api_router(**kwargs: Any) -> APIRouter:
    return APIRouter(route_class=UnitOfWorkRoute, **kwargs)


def uow_of(request: Request) -> UnitOfWork:
    uow: UnitOfWork = request.state.uow
    return uow
