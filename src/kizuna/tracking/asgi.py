"""A stand-alone ASGI app that serves only ``/r/{code}``: the redirect as its own process.

The main app serves ``/r/{code}`` too, and that is enough for most installs. Under heavy click traffic, put this
app behind the same reverse proxy for ``/r/`` (``uvicorn kizuna.tracking.asgi:app``): it skips the web app's
routing table, middleware and exception machinery and shares everything else with it (resolver, bot filter,
durable buffer, flusher), so clicks land in the same tables. See docs/adr/0501-redirect-hot-path.md.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from kizuna.errors import KizunaError
from kizuna.tracking.endpoints import follow_link
from kizuna.tracking.responses import SECURITY_HEADERS_RAW
from kizuna.web.i18n import gettext, negotiate

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def _translated(scope: Scope, body: dict[str, Any]) -> dict[str, Any]:
    """The error's message in the visitor's language (``Accept-Language``): a person who followed a link reads it."""
    accept = next((v for k, v in scope.get("headers", ()) if k == b"accept-language"), b"")
    message = gettext(str(body["message"]), negotiate(accept.decode("latin-1") or None))
    return {**body, "message": message}


async def _json(send: Send, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(data)).encode()),
                *SECURITY_HEADERS_RAW,
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    path: str = scope["path"]
    if not path.startswith("/r/") or "/" in path[3:] or scope["method"] not in ("GET", "HEAD"):
        await _json(send, 404, {"error": _translated(scope, {"code": "not_found", "message": "Not found."})})
        return
    try:
        await follow_link(scope, receive, send)
    except KizunaError as exc:
        await _json(send, exc.status, {"error": _translated(scope, exc.to_dict())})
