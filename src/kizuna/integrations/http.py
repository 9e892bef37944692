"""What the platform API clients share: typed errors, a rate limiter, and JSON requests with retries.

The exception hierarchy is drawn here once (httpx style). Every error is a :class:`~kizuna.errors.KizunaError`
with a stable code, so a page, the API and the refresh job all say the same thing:

``connector_auth_failed`` (:class:`ConnectorAuthFailed`)
    the key or token was refused (HTTP 401/403, YouTube ``keyInvalid``, Instagram OAuth error 190, TikTok
    ``access_token_invalid``). Retrying cannot help; a person must enter a new credential.
``connector_quota_exhausted`` (:class:`ConnectorQuotaExhausted`)
    the platform's quota or rate limit is spent (YouTube 403 ``quotaExceeded``, Instagram error codes 4/17/32/613,
    HTTP 429 still returned after the retries). Try again after the platform's reset.
``connector_not_found`` (:class:`ConnectorNotFound`)
    the account does not exist or is not visible to these credentials.
``connector_unavailable`` (:class:`ConnectorUnavailable`)
    network errors or 5xx after every retry; ``connector_bad_response`` for a payload we cannot read.

Retries: 429 and 5xx (and connection errors) are retried up to ``max_retries`` times with exponential backoff
``base_delay * 2**attempt`` (capped, with up to 10% jitter), honouring ``Retry-After`` when the server sends one.
``sleep`` is injectable so tests can record the delays instead of waiting them out.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from kizuna.errors import KizunaError

DEFAULT_TIMEOUT = 20.0
USER_AGENT = "Kizuna/1 (+https://github.com/kizuna-oss/kizuna)"


class ConnectorError(KizunaError):
    """Base class of every connector failure; ``provider`` says which platform."""

    code = "connector_error"
    status = 502

    def __init__(
        self, message: str, *, provider: str, code: str | None = None, details: dict[str, Any] | None = None
    ):
        super().__init__(message, code=code, details={"provider": provider, **(details or {})})
        self.provider = provider


class ConnectorAuthFailed(ConnectorError):
    code = "connector_auth_failed"
    status = 502


class ConnectorQuotaExhausted(ConnectorError):
    code = "connector_quota_exhausted"
    status = 503


class ConnectorNotFound(ConnectorError):
    code = "connector_not_found"
    status = 404


class ConnectorUnavailable(ConnectorError):
    code = "connector_unavailable"
    status = 503


class ConnectorBadResponse(ConnectorError):
    code = "connector_bad_response"
    status = 502


class RateLimiter:
    """At most ``rate`` requests per second per client, smoothed (a minimum interval between calls).

    Thread-safe; the clock and sleep are injectable for tests.
    """

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Wait for the next slot; returns how long it waited."""
        with self._lock:
            now = self._clock()
            wait = max(0.0, self._next - now)
            self._next = max(now, self._next) + self.interval
        if wait > 0:
            self._sleep(wait)
        return wait


@dataclass
class RetryPolicy:
    max_retries: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0
    jitter: float = 0.1

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        if retry_after:
            try:
                return min(self.max_delay, max(0.0, float(retry_after)))
            except ValueError:
                pass
        base = min(self.max_delay, self.base_delay * (2**attempt))
        return float(base * (1.0 + random.uniform(0.0, self.jitter)))  # jitter only: not security-sensitive


#: Decides what an error response means: return an exception to raise, or ``None`` to use the default rules.
Classifier = Callable[[httpx.Response, Any], "ConnectorError | None"]


@dataclass
class JsonClient:
    """A small JSON-over-HTTPS client: one ``httpx.Client``, a rate limit, retries and error classification."""

    provider: str
    base_url: str
    rate_per_second: float = 5.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout: float = DEFAULT_TIMEOUT
    sleep: Callable[[float], None] = time.sleep
    transport: httpx.BaseTransport | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    sleeps: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.rate_per_second, sleep=self._sleep)
        self._client = httpx.Client(
            base_url=self.base_url.rstrip("/"),
            timeout=self.timeout,
            transport=self.transport,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json", **self.headers},
        )

    def _sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.sleep(seconds)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> JsonClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        classify: Classifier | None = None,
        retryable: Callable[[httpx.Response, Any], bool] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Send a request and return the decoded JSON body, retrying 429/5xx/network errors with backoff.

        ``retryable`` marks further responses as temporary (YouTube's 403 ``rateLimitExceeded``); when they
        outlast the retries they end as ``connector_quota_exhausted``.
        """
        attempt = 0
        while True:
            self.limiter.acquire()
            try:
                response = self._client.request(method, path, params=params, json=json, headers=headers)
            except httpx.TransportError as exc:
                if attempt >= self.retry.max_retries:
                    raise ConnectorUnavailable(
                        "The platform could not be reached.",
                        provider=self.provider,
                        details={"error": type(exc).__name__},
                    ) from exc
                self._sleep(self.retry.delay(attempt))
                attempt += 1
                continue
            body = _decode(response)
            if response.is_success:
                if body is None:
                    raise ConnectorBadResponse(
                        "The platform sent a response that is not JSON.", provider=self.provider
                    )
                return body
            classified = classify(response, body) if classify is not None else None
            if classified is not None:
                raise classified
            hinted = retryable is not None and retryable(response, body)
            if (response.status_code == 429 or response.status_code >= 500 or hinted) and (
                attempt < self.retry.max_retries
            ):
                self._sleep(self.retry.delay(attempt, response.headers.get("retry-after")))
                attempt += 1
                continue
            if hinted:
                raise ConnectorQuotaExhausted(
                    "The platform's rate limit or quota is exhausted.",
                    provider=self.provider,
                    details={"status": response.status_code, "attempts": attempt + 1},
                )
            raise default_error(self.provider, response, attempts=attempt + 1)


def _decode(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def default_error(provider: str, response: httpx.Response, *, attempts: int = 1) -> ConnectorError:
    """The error for a status code no provider-specific rule explained."""
    status = response.status_code
    details = {"status": status, "attempts": attempts}
    if status in (401, 403):
        return ConnectorAuthFailed(
            "The platform refused the credentials.", provider=provider, details=details
        )
    if status == 429:
        return ConnectorQuotaExhausted(
            "The platform's rate limit or quota is exhausted.", provider=provider, details=details
        )
    if status == 404:
        return ConnectorNotFound(
            "The platform does not know this account.", provider=provider, details=details
        )
    if status >= 500:
        return ConnectorUnavailable(
            "The platform kept failing; try again later.", provider=provider, details=details
        )
    return ConnectorBadResponse("The platform rejected the request.", provider=provider, details=details)


def as_int(value: object) -> int | None:
    """Counts arrive as numbers or, from YouTube, as decimal strings ("45600"); anything else is ``None``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None
