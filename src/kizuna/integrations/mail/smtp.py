"""SMTP submission with the error taxonomy the sending engine needs.

The DATA phase is split so the caller can record "the final dot is about to go out" (``on_commit_point``)
immediately before the server can possibly accept the message: everything before that point is safe to retry,
everything after it needs proof of acceptance (see docs/adr/0300-exactly-once-sending.md).
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass

QUOTA_MARKERS = (
    "quota",
    "rate limit",
    "ratelimit",
    "too many messages",
    "sending limit",
    "daily user sending",
    "4.7.28",
    "5.4.5",
    "try again later",
)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str = "starttls"  # starttls | ssl | none
    username: str = ""
    password: str = ""
    timeout: float = 30.0


class SmtpError(Exception):
    """Base class; ``code`` is the SMTP reply code (0 for network trouble)."""

    def __init__(self, message: str, code: int = 0) -> None:
        super().__init__(message)
        self.code = code


class TransientSmtpError(SmtpError):
    """4xx replies and network failures before the commit point: retry later with backoff."""


class PermanentSmtpError(SmtpError):
    """5xx for this recipient or message: a bounce, never retried."""


class QuotaSmtpError(SmtpError):
    """The provider refuses more mail from this mailbox for now: pause the mailbox."""


class AuthSmtpError(SmtpError):
    """Credentials refused: pause the mailbox until someone fixes them."""


class AmbiguousSmtpError(SmtpError):
    """The connection broke after the final dot was sent: the server may or may not have accepted it."""


def classify_reply(code: int, text: str) -> type[SmtpError]:
    lowered = text.lower()
    if code in (421, 450, 451, 452, 550, 554) and any(m in lowered for m in QUOTA_MARKERS):
        return QuotaSmtpError
    if code in (530, 534, 535):
        return AuthSmtpError
    if 400 <= code < 500:
        return TransientSmtpError
    return PermanentSmtpError


def _reply_error(code: int, resp: bytes | str) -> SmtpError:
    text = resp.decode("utf-8", "replace") if isinstance(resp, bytes) else str(resp)
    return classify_reply(code, text)(f"{code} {text}", code)


class SmtpSession:
    """One connection to a submission server, reused for a batch of messages."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpSession:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        s = self.settings
        try:
            if s.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=s.timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if smtp.sock is not None:
                # The final dot goes out as its own small write (after the commit point is journaled);
                # without TCP_NODELAY, Nagle + delayed ACK would add ~40 ms to every message.
                smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            smtp.ehlo()
            if s.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if s.username:
                smtp.login(s.username, s.password)
        except smtplib.SMTPAuthenticationError as exc:
            raise AuthSmtpError(f"{exc.smtp_code} {exc.smtp_error!r}", exc.smtp_code) from exc
        except smtplib.SMTPResponseException as exc:
            raise _reply_error(exc.smtp_code, exc.smtp_error) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TransientSmtpError(f"cannot connect to {s.host}:{s.port}: {exc}") from exc
        self._smtp = smtp

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None

    def send(
        self,
        envelope_from: str,
        recipient: str,
        data: bytes,
        *,
        on_commit_point: Callable[[], None] | None = None,
    ) -> str:
        """Submit one message; returns the server's acceptance reply text.

        ``on_commit_point`` runs after the server said 354 and the body was transmitted, just before the
        terminating ``CRLF.CRLF`` — the last moment at which the server certainly has not accepted it.
        """
        smtp = self._smtp
        if smtp is None:
            raise TransientSmtpError("SMTP session is not open")
        try:
            code, resp = smtp.mail(envelope_from)
            if code != 250:
                smtp.rset()
                raise _reply_error(code, resp)
            code, resp = smtp.rcpt(recipient)
            if code not in (250, 251):
                smtp.rset()
                raise _reply_error(code, resp)
            code, resp = smtp.docmd("data")
            if code != 354:
                smtp.rset()
                raise _reply_error(code, resp)
            payload = _dot_stuff(data)
            smtp.send(payload)
        except SmtpError:
            raise
        except smtplib.SMTPServerDisconnected as exc:
            self._smtp = None
            raise TransientSmtpError(f"server disconnected: {exc}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            self._smtp = None
            raise TransientSmtpError(str(exc)) from exc
        if on_commit_point is not None:
            on_commit_point()
        try:
            smtp.send(b".\r\n")
            code, resp = smtp.getreply()
        except (TimeoutError, OSError, smtplib.SMTPException) as exc:
            self._smtp = None
            raise AmbiguousSmtpError(f"connection lost after the final dot: {exc}") from exc
        if code != 250:
            raise _reply_error(code, resp)
        return resp.decode("utf-8", "replace")


def _dot_stuff(data: bytes) -> bytes:
    """RFC 5321 4.5.2 transparency, CRLF line endings, and a trailing CRLF before the final dot."""
    text = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\n", b"\r\n")
    if text.startswith(b"."):
        text = b"." + text
    text = text.replace(b"\r\n.", b"\r\n..")
    if not text.endswith(b"\r\n"):
        text += b"\r\n"
    return text
