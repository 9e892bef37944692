"""The public redirect ``/r/{code}``.

A known code answers 302 to the destination with its UTM parameters plus ``kzcid`` (the click id that
attribution reads back from the order's landing page). Bots, link previews, prefetches and HEAD requests get the
same 302 without ``kzcid`` and are not logged.

The route is a plain Starlette route around a bare ASGI callable, not a FastAPI endpoint: a click needs no ORM
session, authentication, CSRF or dependency injection, and every microsecond here is multiplied by the
audience's clicks. Errors still go through the app's handlers (a ``NotFound`` renders the usual JSON 404).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import APIRouter
from starlette.routing import Route

from kizuna.errors import NotFound
from kizuna.tenancy import register_public_path
from kizuna.tracking.bots import is_automated
from kizuna.tracking.buffer import get_buffer
from kizuna.tracking.clicks import add_click_id, make_click
from kizuna.tracking.resolver import resolve
from kizuna.tracking.responses import NO_STORE, SECURITY_HEADERS_RAW

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

router = APIRouter()
register_public_path("/r/", "tracking-link redirect: public by design, the code is unguessable")

_NO_STORE = NO_STORE.encode("ascii")

__all__ = ["add_click_id", "follow_link", "router"]


async def follow_link(scope: Scope, receive: Receive, send: Send) -> None:
    """302 to the link's destination; logs the click when a person (not a bot, not HEAD) followed it.

    Unknown, inactive and expired links (and destinations no longer allowed) all answer 404 ``link_not_found``
    and log nothing.
    """
    code = str(scope.get("path_params", {}).get("code", "")) or scope["path"][3:]
    link = resolve(code) if 6 <= len(code) <= 32 else None
    if link is None or not link.live(time.time()):
        raise NotFound("This link does not exist or is no longer active.", code="link_not_found")
    headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
    target = link.target
    if scope["method"] == "GET" and not is_automated(headers.get("user-agent"), headers):
        client = scope.get("client")
        click = make_click(link, ip=client[0] if client else None, headers=headers)
        await get_buffer().append_async(click)
        target = add_click_id(target, click.click_id)
    await send(
        {
            "type": "http.response.start",
            "status": 302,
            "headers": [
                (b"location", target.encode("utf-8")),
                (b"cache-control", _NO_STORE),
                (b"content-length", b"0"),
                *SECURITY_HEADERS_RAW,
            ],
        }
    )
    await send({"type": "http.response.body", "body": b""})


class _AsgiEndpoint:
    """Starlette wraps plain functions as request handlers; an object is called as a raw ASGI app."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


router.routes.append(
    Route("/r/{code}", endpoint=_AsgiEndpoint(follow_link), methods=["GET", "HEAD"], include_in_schema=False)
)
