"""The public redirect ``/r/{code}``.

It deliberately does not use the unit-of-work route: a click needs no ORM session, authentication or CSRF, and
every microsecond here is multiplied by the audience's clicks. A known code answers 302 to the destination with
its UTM parameters plus ``kzcid`` (the click id that attribution reads back from the order's landing page).
Bots, link previews, prefetches and HEAD requests get the same 302 without ``kzcid`` and are not logged.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kizuna.errors import NotFound
from kizuna.tenancy import register_public_path
from kizuna.tracking.bots import is_automated
from kizuna.tracking.buffer import get_buffer
from kizuna.tracking.clicks import make_click
from kizuna.tracking.links import CLICK_PARAM, with_params
from kizuna.tracking.resolver import resolve

router = APIRouter()
register_public_path("/r/", "tracking-link redirect: public by design, the code is unguessable")

_NO_STORE = "no-store, max-age=0"


@router.api_route("/r/{code}", methods=["GET", "HEAD"], include_in_schema=False)
async def follow_link(code: str, request: Request) -> Response:
    """302 to the link's destination; logs the click when a person (not a bot, not HEAD) followed it."""
    link = resolve(code) if 6 <= len(code) <= 32 else None
    if link is None or not link.usable:
        raise NotFound("This link does not exist or is no longer active.", code="link_not_found")
    headers = request.headers
    target = link.target
    if request.method == "GET" and not is_automated(headers.get("user-agent"), headers):
        ip = request.client.host if request.client else None
        click = make_click(link, ip=ip, headers=headers)
        get_buffer().append(click)
        target = with_params(target, {CLICK_PARAM: click.click_id}, override=True)
    return Response(status_code=302, headers={"location": target, "cache-control": _NO_STORE})
