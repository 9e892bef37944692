"""Who is a person: link-preview bots, crawlers and prefetchers are redirected but never counted.

Chat apps fetch a link the moment it is pasted (to draw the preview card), so counting them would credit an
influencer with clicks nobody made. The list covers the fetchers seen in the field for the platforms our users
post on. LINE's in-app browser says ``Line/12.x`` and is a real person; LINE's *preview* fetcher identifies as
``facebookexternalhit ... line-poker``, which the ``facebookexternalhit`` pattern catches.
"""

from __future__ import annotations

from collections.abc import Mapping

# Lower-case substrings; a plain ``in`` test per token is ~20x faster than one big case-insensitive
# alternation regex in CPython, and this runs on every click.
_BOT_TOKENS = (
    "bot/",
    "bot;",
    "bot ",
    "-bot",
    "_bot",
    "crawl",
    "spider",
    "slurp",
    "preview",
    "facebookexternalhit",
    "facebot",
    "meta-externalagent",
    "slackbot",
    "slack-imgproxy",
    "twitterbot",
    "discordbot",
    "telegrambot",
    "whatsapp",
    "skypeuripreview",
    "line-poker",
    "linkedinbot",
    "embedly",
    "pinterest",
    "redditbot",
    "applebot",
    "googlebot",
    "google-inspectiontool",
    "bingbot",
    "bingpreview",
    "yandex",
    "baiduspider",
    "duckduckbot",
    "petalbot",
    "mastodon",
    "vkshare",
    "kakaotalk-scrap",
    "yeti/",
    "daum",
    "headlesschrome",
    "phantomjs",
    "python-requests",
    "python-httpx",
    "python-urllib",
    "go-http-client",
    "curl/",
    "wget/",
    "okhttp",
    "axios",
    "node-fetch",
    "http_request",
    "monitor",
    "uptime",
    "validator",
    "scanner",
    "lighthouse",
)
_PREFETCH_HEADERS = (
    ("purpose", "prefetch"),
    ("sec-purpose", "prefetch"),
    ("x-purpose", "preview"),
    ("x-moz", "prefetch"),
)


_TABLET = ("ipad", "tablet", "kindle", "silk/", "playbook")
_MOBILE = ("mobi", "iphone", "ipod", "android", "blackberry", "opera mini", "iemobile", "windows phone")
_DESKTOP = ("windows nt", "macintosh", "x11", "cros", "linux x86_64")

#: User-Agent → (automated, device class). A click's audience shares a few thousand distinct User-Agents, and
#: classifying one costs ~60 substring tests; a bounded dict makes the repeat visits free.
_UA_CACHE: dict[str, tuple[bool, str]] = {}
_UA_CACHE_MAX = 8192
_UA_CACHE_LONGEST = 512


def _classify(user_agent: str) -> tuple[bool, str]:
    hit = _UA_CACHE.get(user_agent)
    if hit is not None:
        return hit
    ua = user_agent.lower()
    automated = not ua.strip() or ua.endswith("bot") or any(token in ua for token in _BOT_TOKENS)
    if any(t in ua for t in _TABLET) or ("android" in ua and "mobile" not in ua):
        device = "tablet"
    elif any(t in ua for t in _MOBILE):
        device = "mobile"
    elif any(t in ua for t in _DESKTOP):
        device = "desktop"
    else:
        device = "other"
    if len(user_agent) <= _UA_CACHE_LONGEST:
        if len(_UA_CACHE) >= _UA_CACHE_MAX:
            _UA_CACHE.clear()
        _UA_CACHE[user_agent] = (automated, device)
    return automated, device


def is_automated(user_agent: str | None, headers: Mapping[str, str] | None = None) -> bool:
    """True for crawlers, link-preview fetchers, prefetches and clients that send no User-Agent at all."""
    if not user_agent or _classify(user_agent)[0]:
        return True
    if headers is not None:
        for name, needle in _PREFETCH_HEADERS:
            value = headers.get(name)
            if value and needle in value.lower():
                return True
    return False


def device_class(user_agent: str | None) -> str:
    """``mobile``, ``tablet``, ``desktop`` or ``other`` from the User-Agent (good enough for a split chart)."""
    return _classify(user_agent)[1] if user_agent else "other"
