"""Headers every answer of ``/r/{code}`` carries, shared by the web app's handler, the stand-alone ASGI app and
the redirect server, so that a redirect looks the same whichever process answers it.

``SECURITY_HEADERS`` are the web app's defaults (``kizuna.app.SecurityHeaders``; the web app's ``/r/`` shortcut
runs outside that middleware, so the tracking code adds them itself). A test compares them with the web app's.
"""

from __future__ import annotations

#: A cached 302 would skip the click log on the next visit.
NO_STORE = "no-store, max-age=0"

CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
)

SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "same-origin"),
    ("content-security-policy", CSP),
)

#: The same as ASGI header pairs.
SECURITY_HEADERS_RAW: list[tuple[bytes, bytes]] = [
    (name.encode("latin-1"), value.encode("latin-1")) for name, value in SECURITY_HEADERS
]
