"""IMAP with :mod:`imaplib`: incremental UID fetches, Message-ID lookups in the Sent folder, APPEND.

Fetching is ``BODY.PEEK[]`` so polling never marks anything as read in the person's own mail client.
"""

from __future__ import annotations

import imaplib
import re
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date

UIDVALIDITY_RE = re.compile(rb"UIDVALIDITY (\d+)")
UID_RE = re.compile(rb"UID (\d+)")
MAX_FETCH_BYTES = 2_000_000


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    security: str = "ssl"  # ssl | starttls | none
    username: str = ""
    password: str = ""
    timeout: float = 30.0


@dataclass(frozen=True)
class FetchedMail:
    uid: int
    raw: bytes


@dataclass(frozen=True)
class FetchResult:
    uidvalidity: int
    messages: list[FetchedMail]
    last_uid: int


class ImapError(Exception):
    pass


@contextmanager
def connect(settings: ImapSettings) -> Iterator[imaplib.IMAP4]:
    try:
        if settings.security == "ssl":
            conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                settings.host,
                settings.port,
                ssl_context=ssl.create_default_context(),
                timeout=settings.timeout,
            )
        else:
            conn = imaplib.IMAP4(settings.host, settings.port, timeout=settings.timeout)
            if settings.security == "starttls":
                conn.starttls(ssl_context=ssl.create_default_context())
        conn.login(settings.username, settings.password)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise ImapError(f"cannot log in to {settings.host}:{settings.port}: {exc}") from exc
    try:
        yield conn
    except (OSError, imaplib.IMAP4.error) as exc:
        # Every network or protocol failure during the session is one typed error for callers.
        raise ImapError(f"IMAP error on {settings.host}:{settings.port}: {exc}") from exc
    finally:
        with suppress(OSError, imaplib.IMAP4.error):
            conn.logout()


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _select(conn: imaplib.IMAP4, folder: str) -> int:
    typ, _data = conn.select(_quote(folder), readonly=True)
    if typ != "OK":
        raise ImapError(f"cannot open folder {folder!r}")
    _typ, resp = conn.response("UIDVALIDITY")
    for item in resp or []:
        if item:
            return int(item)
    raise ImapError("server did not report UIDVALIDITY")


def fetch_new(
    settings: ImapSettings,
    folder: str,
    *,
    after_uid: int,
    uidvalidity: int | None,
    since: date | None = None,
    batch: int = 200,
) -> FetchResult:
    """Messages with a UID above ``after_uid``. On a first poll, or when the folder's UIDVALIDITY changed,
    only messages dated ``since`` or later (a connected mailbox's years of history are not downloaded)."""
    with connect(settings) as conn:
        validity = _select(conn, folder)
        start = after_uid + 1 if uidvalidity == validity else 1
        if uidvalidity != validity and since is not None:
            typ, data = conn.uid("SEARCH", "SINCE", since.strftime("%d-%b-%Y"))
        else:
            typ, data = conn.uid("SEARCH", f"UID {start}:*")
        if typ != "OK":
            raise ImapError("UID SEARCH failed")
        uids = [int(u) for u in (data[0] or b"").split() if int(u) >= start]
        out: list[FetchedMail] = []
        for i in range(0, len(uids), batch):
            chunk = uids[i : i + batch]
            typ, items = conn.uid(
                "FETCH", ",".join(map(str, chunk)), f"(UID BODY.PEEK[]<0.{MAX_FETCH_BYTES}>)"
            )
            if typ != "OK":
                raise ImapError("UID FETCH failed")
            for item in items:
                if isinstance(item, tuple) and len(item) >= 2:
                    m = UID_RE.search(item[0])
                    if m:
                        out.append(FetchedMail(uid=int(m.group(1)), raw=bytes(item[1])))
        out.sort(key=lambda f: f.uid)
        if uids:
            last = max([after_uid if uidvalidity == validity else 0, *uids])
        elif uidvalidity == validity:
            last = after_uid
        else:
            # Fresh start with nothing recent: remember where the folder ends so the next poll stays incremental.
            _typ, nxt = conn.response("UIDNEXT")
            last = max(0, int(nxt[0]) - 1) if nxt and nxt[0] else 0
        return FetchResult(uidvalidity=validity, messages=out, last_uid=last)


def find_message_ids(settings: ImapSettings, folder: str, message_ids: list[str]) -> set[str]:
    """Which of ``message_ids`` exist in ``folder`` (used to reconcile sends interrupted after the final dot)."""
    found: set[str] = set()
    if not message_ids:
        return found
    with connect(settings) as conn:
        _select(conn, folder)
        for mid in message_ids:
            typ, data = conn.uid("SEARCH", "HEADER", "Message-ID", _quote(mid))
            if typ == "OK" and (data[0] or b"").strip():
                found.add(mid)
    return found


def append(settings: ImapSettings, folder: str, raw: bytes, flags: str = "") -> None:
    with connect(settings) as conn:
        typ, data = conn.append(_quote(folder), flags or None, None, raw)
        if typ != "OK":
            raise ImapError(f"APPEND failed: {data!r}")
