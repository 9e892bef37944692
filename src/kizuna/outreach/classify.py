"""What an inbound message is: a human reply, an auto-reply, a bounce (DSN) or an unsubscribe request.

Only the *new* text is inspected for unsubscribe words: the quoted original (which contains our own opt-out
footer) is cut off first. Auto-replies are recognised from headers (RFC 3834 ``Auto-Submitted``, Exchange
``X-Auto-Response-Suppress``, ``Precedence``) and from subjects ("Out of Office", 「自動返信」「不在」); body
keywords alone never make a message an auto-reply, because a person may write 「不在にしておりました」.
"""

from __future__ import annotations

import re

from kizuna.integrations.mail.parse import ParsedMail

BOUNCE_SENDERS = ("mailer-daemon@", "postmaster@", "mail-daemon@")
BOUNCE_SUBJECTS = re.compile(
    r"undeliver|delivery status notification|returned mail|mail delivery (failed|failure|subsystem)"
    r"|delivery failure|failure notice|配信エラー|配送失敗|不達|エラーメール|送信できませんでした",
    re.IGNORECASE,
)
AUTO_SUBJECTS = re.compile(
    r"out of (the )?office|automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|away from (my|the) "
    r"|on vacation|abwesenheit|réponse automatique|自動返信|自動応答|不在|休暇|お休み",
    re.IGNORECASE,
)
UNSUBSCRIBE_WORDS = re.compile(
    r"unsubscribe|opt[- ]?out|remove me|stop (e-?mailing|sending|contacting)|do not (e-?mail|contact)"
    r"|配信停止|配信を停止|配信解除|メール(を|の)?(送らないで|不要|停止)|今後(の)?(ご)?連絡(は)?(不要|控え)"
    r"|連絡しないで|送信しないで",
    re.IGNORECASE,
)
QUOTE_MARKERS = re.compile(
    r"^(On .{0,200}wrote:|-{2,} ?Original Message ?-{2,}|-{5,} ?元のメッセージ|From: .+|差出人: .+|"
    r"\d{4}年\d{1,2}月\d{1,2}日.{0,80}(wrote|書きました|のメッセージ)|.{0,80}さんは書きました[:：]|-- ?)$",
    re.MULTILINE,
)


def new_text(text: str) -> str:
    """The part of a reply above the quoted original."""
    m = QUOTE_MARKERS.search(text)
    head = text[: m.start()] if m else text
    return "\n".join(line for line in head.splitlines() if not line.lstrip().startswith(">"))


def classify(mail: ParsedMail) -> str:
    """One of ``bounce``, ``auto_reply``, ``unsubscribe``, ``reply``."""
    sender = mail.from_addr
    if mail.report_type.lower() == "delivery-status" or (
        sender.startswith(BOUNCE_SENDERS) and (BOUNCE_SUBJECTS.search(mail.subject) or mail.dsn)
    ):
        return "bounce"
    if BOUNCE_SUBJECTS.search(mail.subject) and sender.startswith(BOUNCE_SENDERS[:2]):
        return "bounce"
    fresh = new_text(mail.text)
    if UNSUBSCRIBE_WORDS.search(mail.subject) or UNSUBSCRIBE_WORDS.search(fresh):
        return "unsubscribe"
    auto = mail.headers.get("auto-submitted", "").strip().lower()
    if auto and auto != "no":
        return "auto_reply"
    if "x-autoreply" in mail.headers or "x-autorespond" in mail.headers:
        return "auto_reply"
    if mail.headers.get("precedence", "").strip().lower() in ("auto_reply", "auto-reply"):
        return "auto_reply"
    if AUTO_SUBJECTS.search(mail.subject):
        return "auto_reply"
    return "reply"


def hard_bounced(mail: ParsedMail) -> list[str]:
    """Recipients a DSN reports as permanently failed (``Action: failed`` / ``Status: 5.x.x``)."""
    return [d.recipient for d in mail.dsn if d.action == "failed" or d.status.startswith("5")]


SUBJECT_PREFIX = re.compile(
    r"^\s*((re|fw|fwd|aw|sv|antw|返信|転送)\s*[:：]\s*|\[[^\]]*\]\s*)+", re.IGNORECASE
)


def normalize_subject(subject: str) -> str:
    return " ".join(SUBJECT_PREFIX.sub("", subject).split()).lower()
