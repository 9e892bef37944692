"""Turning a request into a click record: privacy-preserving IP hash, referrer host, device, country.

The IP is never stored: ``ip_hash`` is a keyed HMAC (secret in the data dir) of the address, enough to count
distinct visitors and spot click floods, useless for finding the person. Country comes from a header set by a
trusted proxy (``KIZUNA_COUNTRY_HEADER``, e.g. ``CF-IPCountry`` behind Cloudflare) or, when
``KIZUNA_GEOIP_DATABASE`` points at a MaxMind ``.mmdb`` file and the ``maxminddb`` package is installed, a local
lookup; otherwise it stays empty.
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
import threading
import time
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from kizuna.config import get_settings
from kizuna.tracking.bots import device_class
from kizuna.tracking.buffer import Click
from kizuna.tracking.links import CLICK_PARAM
from kizuna.tracking.resolver import ResolvedLink

log = logging.getLogger(__name__)


_key_cache: dict[str, bytes] = {}


def _ip_key() -> bytes:
    data_dir = str(get_settings().data_dir)
    key = _key_cache.get(data_dir)
    if key is None:
        key = _key_cache[data_dir] = get_settings().secret("click_ip_key").encode("utf-8")
    return key


def hash_ip(ip: str | None) -> str:
    """Keyed HMAC-SHA256 of the address, truncated to 128 bits (the raw IP is never stored)."""
    if not ip:
        return ""
    return hmac.digest(_ip_key(), ip.encode("utf-8"), "sha256").hex()[:32]


_GEOIP_SET = bool(os.environ.get("KIZUNA_GEOIP_DATABASE"))


@lru_cache(maxsize=1)
def _geoip_reader() -> Any:
    path = os.environ.get("KIZUNA_GEOIP_DATABASE")
    if not path:
        return None
    try:
        import maxminddb  # type: ignore[import-not-found]
    except ImportError:
        log.warning("KIZUNA_GEOIP_DATABASE is set but the maxminddb package is not installed")
        return None
    return maxminddb.open_database(path)


@lru_cache(maxsize=1)
def _country_header() -> str:
    return os.environ.get("KIZUNA_COUNTRY_HEADER", "").strip().lower()


def country_of(ip: str | None, headers: Mapping[str, str]) -> str | None:
    header = _country_header()
    if header:
        value = (headers.get(header) or "").strip().upper()
        if len(value) == 2 and value.isalpha() and value != "XX":
            return value
    reader = _geoip_reader() if _GEOIP_SET else None
    if reader is not None and ip:
        try:
            record = reader.get(ip) or {}
            code = (record.get("country") or {}).get("iso_code")
            return str(code) if code else None
        except ValueError:
            return None
    return None


def referrer_host(value: str | None) -> str:
    if not value:
        return ""
    try:
        return (urlsplit(value).hostname or "")[:200]
    except ValueError:
        return ""


_POOL_BYTES = 12 * 512
_pool = b""
_pool_at = 0
_pool_lock = threading.Lock()


def new_click_id() -> str:
    """96 random bits as hex. Bytes come from the OS CSPRNG in blocks: on some VMs each ``getrandom`` call
    costs ~0.2 ms, which would dominate the redirect; one call per 512 clicks does not."""
    global _pool, _pool_at
    with _pool_lock:
        if _pool_at + 12 > len(_pool):
            _pool, _pool_at = secrets.token_bytes(_POOL_BYTES), 0
        chunk = _pool[_pool_at : _pool_at + 12]
        _pool_at += 12
    return chunk.hex()


def add_click_id(target: str, click_id: str) -> str:
    """Append ``kzcid`` without re-parsing the URL (the id is hex; the target's own query is kept as is)."""
    base, sep, fragment = target.partition("#")
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}{CLICK_PARAM}={click_id}{sep}{fragment}"


def make_click(link: ResolvedLink, *, ip: str | None, headers: Mapping[str, str]) -> Click:
    return Click(
        click_id=new_click_id(),
        link_id=link.link_id,
        workspace_id=link.workspace_id,
        campaign_id=link.campaign_id,
        influencer_id=link.influencer_id,
        ts=time.time(),
        referrer_host=referrer_host(headers.get("referer")),
        device=device_class(headers.get("user-agent")),
        country=country_of(ip, headers),
        ip_hash=hash_ip(ip),
    )
