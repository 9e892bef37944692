"""Messages a person reads that are made before anyone knows who will read them (an import's warnings, made in a
background job and shown on a page or on the command line).

A :class:`Notice` is a ``str`` holding the English text, so APIs, logs and JSON get what they always got, and it
also keeps its msgid and parameters so that it can be shown in the reader's language later. :func:`encode` stores
a list of them in a text column (``ImportJob.message``); :func:`lines` reads them back translated.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from kizuna.web.i18n import gettext


class Notice(str):
    """English text (``msgid % params``) that remembers its msgid and parameters."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> Notice:
        self = super().__new__(cls, msgid % params if params else msgid)
        self.msgid = msgid
        self.params = params
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.msgid, self.params))

    def translated(self, locale: str | None = None) -> str:
        """The text in ``locale`` (default: the request's or the command line's language)."""
        text = gettext(self.msgid, locale)
        return text % self.params if self.params else text


def _rebuild(msgid: str, params: dict[str, Any]) -> Notice:
    return Notice(msgid, **params)


def translated(text: str, locale: str | None = None) -> str:
    """A notice in the reader's language; any other text as it is."""
    return text.translated(locale) if isinstance(text, Notice) else text


_KEY = "kizuna.notices"


def encode(items: Sequence[str]) -> str:
    """Notices (and plain texts) as one text value that :func:`lines` reads back; empty for no items."""
    if not items:
        return ""
    return json.dumps(
        {
            _KEY: [
                {"msgid": t.msgid, "params": t.params} if isinstance(t, Notice) else {"text": str(t)}
                for t in items
            ]
        },
        ensure_ascii=False,
    )


def lines(message: str | None, locale: str | None = None) -> list[str]:
    """The lines of a stored message in the reader's language: notices stored by :func:`encode` are translated;
    any other text (a failure message, a row written before notices existed) is split into its lines as is."""
    if not message:
        return []
    if message.startswith("{"):
        try:
            data = json.loads(message)
        except ValueError:
            data = None
        if isinstance(data, dict) and isinstance(data.get(_KEY), list):
            out: list[str] = []
            for item in data[_KEY]:
                if not isinstance(item, dict):
                    continue
                if isinstance(item.get("msgid"), str) and isinstance(item.get("params"), dict):
                    try:
                        out.append(Notice(item["msgid"], **item["params"]).translated(locale))
                    except (KeyError, TypeError, ValueError):
                        out.append(str(item["msgid"]))
                elif isinstance(item.get("text"), str):
                    out.append(item["text"])
            return out
    return message.splitlines()
