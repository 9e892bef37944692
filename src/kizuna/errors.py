"""Typed errors with stable machine-readable codes.

Every business-rule failure raises a :class:`KizunaError` subclass; the web layer renders it once as
``{"error": {"code": ..., "message": ...}}`` for the API, a flash message for pages and a red line for the
CLI. Messages are English source strings that are translated at the edge.
"""

from __future__ import annotations

from typing import Any, ClassVar


class KizunaError(Exception):
    """Base class. ``code`` is stable and documented; ``status`` is the HTTP status to use."""

    code: ClassVar[str] = "error"
    status: ClassVar[int] = 400

    def __init__(self, message: str, *, code: str | None = None, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code  # type: ignore[misc]
        self.details = details or {}

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body


class ValidationFailed(KizunaError):
    code = "validation_failed"
    status = 422


class NotFound(KizunaError):
    code = "not_found"
    status = 404


class NotAuthenticated(KizunaError):
    code = "not_authenticated"
    status = 401


class PermissionDenied(KizunaError):
    code = "permission_denied"
    status = 403


class Conflict(KizunaError):
    code = "conflict"
    status = 409


class RateLimited(KizunaError):
    code = "rate_limited"
    status = 429


class CsrfFailed(KizunaError):
    code = "csrf_failed"
    status = 403


class PayloadTooLarge(KizunaError):
    code = "payload_too_large"
    status = 413
