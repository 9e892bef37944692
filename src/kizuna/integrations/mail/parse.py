"""Turn raw RFC 5322 bytes into the plain facts reply matching needs.

Uses the fast ``compat32`` parser (10,000 messages must match in seconds) and decodes RFC 2047 headers and
ISO-2022-JP / Shift_JIS / UTF-8 bodies explicitly. Delivery status notifications (RFC 3464) are unpacked into
their per-recipient ``Action``/``Status`` and the original Message-ID.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

MSGID_RE = re.compile(r"<[^<>\s]+>")


@dataclass
class DsnRecipient:
    recipient: str
    action: str
    status: str


@dataclass
class ParsedMail:
    message_id: str
    in_reply_to: list[str]
    references: list[str]
    subject: str
    from_addr: str
    from_name: str
    to_addrs: list[str]
    date: datetime | None
    text: str
    headers: dict[str, str]
    content_type: str
    report_type: str = ""
    dsn: list[DsnRecipient] = field(default_factory=list)
    original_message_id: str = ""
    original_to: str = ""


def decode_str(value: str | None) -> str:
    if not value:
        return ""
    try:
        return str(make_header(decode_header(value)))
    except (UnicodeDecodeError, LookupError, ValueError, email.errors.HeaderParseError):
        return value


def _ids(value: str | None) -> list[str]:
    return MSGID_RE.findall(value or "")


def _payload_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    for cs in (charset, "utf-8", "iso-2022-jp", "shift_jis", "euc-jp", "latin-1"):
        try:
            return payload.decode(cs)
        except (UnicodeDecodeError, LookupError):
            continue
    return payload.decode("utf-8", "replace")


_TAG_RE = re.compile(r"<[^>]+>")


def _body_text(msg: Message) -> str:
    plain: str | None = None
    html: str | None = None
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        if part.get_content_disposition() == "attachment":
            continue
        if ctype == "text/plain" and plain is None:
            plain = _payload_text(part)
        elif ctype == "text/html" and html is None:
            html = _payload_text(part)
    if plain is not None:
        return plain
    if html is not None:
        return _TAG_RE.sub(" ", html)
    return ""


def _parse_dsn(msg: Message, parsed: ParsedMail) -> None:
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            # compat32 exposes each field group as a sub-message
            groups = part.get_payload()
            if isinstance(groups, list):
                for group in groups[1:] or groups:
                    if not isinstance(group, Message):
                        continue
                    rcpt = group.get("Final-Recipient") or group.get("Original-Recipient") or ""
                    addr = rcpt.split(";", 1)[-1].strip().strip("<>").lower()
                    action = (group.get("Action") or "").strip().lower()
                    status = (group.get("Status") or "").strip()
                    if addr or action:
                        parsed.dsn.append(DsnRecipient(addr, action, status))
        elif ctype in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
            inner: Message | None = None
            if ctype == "message/rfc822":
                payload = part.get_payload()
                if isinstance(payload, list) and payload and isinstance(payload[0], Message):
                    inner = payload[0]
            else:
                raw = part.get_payload(decode=True)
                if isinstance(raw, bytes):
                    inner = email.message_from_bytes(raw)
            if inner is not None and not parsed.original_message_id:
                ids = _ids(inner.get("Message-ID"))
                parsed.original_message_id = ids[0] if ids else ""
                parsed.original_to = parseaddr(inner.get("To") or "")[1].lower()


def _report_type(msg: Message) -> str:
    if msg.get_content_type() != "multipart/report":
        return ""
    value = msg.get_param("report-type")
    return value if isinstance(value, str) else ""


def parse(raw: bytes) -> ParsedMail:
    msg = email.message_from_bytes(raw)
    ids = _ids(msg.get("Message-ID"))
    name, addr = parseaddr(decode_str(msg.get("From")))
    date: datetime | None = None
    if msg.get("Date"):
        try:
            date = parsedate_to_datetime(str(msg.get("Date")))
        except (TypeError, ValueError, IndexError):
            date = None
    headers = {
        k.lower(): decode_str(str(msg.get(k, "")))
        for k in (
            "Auto-Submitted",
            "Precedence",
            "X-Autoreply",
            "X-Autorespond",
            "X-Auto-Response-Suppress",
            "List-Id",
            "Return-Path",
        )
        if msg.get(k) is not None
    }
    parsed = ParsedMail(
        message_id=ids[0] if ids else "",
        in_reply_to=_ids(msg.get("In-Reply-To")),
        references=_ids(msg.get("References")),
        subject=decode_str(msg.get("Subject")),
        from_addr=addr.lower(),
        from_name=name,
        to_addrs=[a.lower() for _n, a in getaddresses([decode_str(v) for v in msg.get_all("To", [])]) if a],
        date=date,
        text=_body_text(msg),
        headers=headers,
        content_type=msg.get_content_type(),
        report_type=_report_type(msg),
    )
    if parsed.report_type.lower() == "delivery-status" or parsed.content_type == "multipart/report":
        _parse_dsn(msg, parsed)
    return parsed
