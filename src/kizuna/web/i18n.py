"""Japanese and English from gettext catalogs.

Each domain keeps its own ``locale/<lang>/LC_MESSAGES/<domain>.po``; they are read with Babel at start-up and
merged, so parallel work on different domains never edits the same catalog. Source strings are English; a
missing Japanese entry falls back to English; ``tests/test_i18n.py`` fails on any string without a translation.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
SUPPORTED = ("en", "ja")
DEFAULT = "en"


@dataclass
class RequestLocale:
    """Mutable per-request state shared by every thread the request runs on."""

    locale: str = DEFAULT
    timezone: str = "Asia/Tokyo"
    extras: dict[str, Any] = field(default_factory=dict)


_state: contextvars.ContextVar[RequestLocale | None] = contextvars.ContextVar("kizuna_locale", default=None)


def set_request_locale(state: RequestLocale) -> contextvars.Token[RequestLocale | None]:
    return _state.set(state)


def reset_request_locale(token: contextvars.Token[RequestLocale | None]) -> None:
    _state.reset(token)


def current() -> RequestLocale:
    state = _state.get()
    return state if state is not None else RequestLocale()


def current_locale() -> str:
    return current().locale


@lru_cache(maxsize=4)
def catalog(locale: str) -> dict[str, Any]:
    """msgid -> msgstr (str, or tuple of plural forms) for every .po file of ``locale``."""
    merged: dict[str, Any] = {}
    folder = LOCALE_DIR / locale / "LC_MESSAGES"
    if not folder.is_dir():
        return merged
    for po in sorted(folder.glob("*.po")):
        with po.open("rb") as fh:
            cat = read_po(fh, locale=locale)
        for message in cat:
            if not message.id or not message.string:
                continue
            if isinstance(message.id, tuple | list):
                forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
                if all(forms):
                    merged[str(message.id[0])] = tuple(str(f) for f in forms)
            else:
                merged[str(message.id)] = str(message.string)
    return merged


def gettext(message: str, locale: str | None = None) -> str:
    loc = locale or current_locale()
    if loc == DEFAULT:
        return message
    value = catalog(loc).get(message)
    if isinstance(value, str):
        return value
    return message


def ngettext(singular: str, plural: str, n: int, locale: str | None = None) -> str:
    loc = locale or current_locale()
    if loc != DEFAULT:
        value = catalog(loc).get(singular)
        if isinstance(value, tuple) and value:
            return str(value[0])  # Japanese has a single plural form
        if isinstance(value, str):
            return value
    return singular if n == 1 else plural


def _(message: str, **params: Any) -> str:
    """Translate and interpolate ``%(name)s`` parameters."""
    text = gettext(message)
    return str(text % params) if params else text


def negotiate(accept_language: str | None) -> str:
    """The best supported locale for an ``Accept-Language`` header (q-values respected)."""
    if not accept_language:
        return DEFAULT
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        piece = part.strip()
        if not piece:
            continue
        lang, _sep, params = piece.partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        base = lang.strip().lower().split("-")[0]
        if base in SUPPORTED and q > 0:
            choices.append((q, -index, base))
    if not choices:
        return DEFAULT
    return max(choices)[2]
