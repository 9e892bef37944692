"""Tokens, signatures and secrets at rest.

- :func:`new_token` makes unguessable tokens (256 bits); only :func:`token_hash` of them is stored.
- :class:`Signer` makes signed, expiring, purpose-bound values (itsdangerous).
- :func:`encrypt` / :func:`decrypt` protect secrets at rest (Fernet, key derived from the data-dir secret).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from kizuna.config import get_settings
from kizuna.errors import KizunaError


class InvalidSignedToken(KizunaError):
    code = "invalid_token"
    status = 400


class ExpiredSignedToken(KizunaError):
    code = "expired_token"
    status = 400


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def constant_time_equals(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


class Signer:
    """Signed values bound to a purpose (``salt``) so a token for one use is refused by another."""

    def __init__(self, purpose: str, secret: str | None = None) -> None:
        self._s = URLSafeTimedSerializer(secret or get_settings().secret("signing_key"), salt=purpose)

    def dumps(self, value: Any) -> str:
        return str(self._s.dumps(value))

    def loads(self, token: str, max_age: int | None = None) -> Any:
        try:
            return self._s.loads(token, max_age=max_age)
        except SignatureExpired as exc:
            raise ExpiredSignedToken("This link has expired.") from exc
        except BadSignature as exc:
            raise InvalidSignedToken("This link is not valid.") from exc


@lru_cache(maxsize=8)
def _fernet(secret: str) -> Fernet:
    key = hashlib.sha256(("kizuna-at-rest:" + secret).encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(plaintext: str) -> str:
    return _fernet(get_settings().secret("encryption_key")).encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(ciphertext: str) -> str:
    try:
        return (
            _fernet(get_settings().secret("encryption_key"))
            .decrypt(ciphertext.encode("ascii"))
            .decode("utf-8")
        )
    except InvalidToken as exc:
        raise KizunaError("A stored secret could not be decrypted.", code="secret_undecryptable") from exc
