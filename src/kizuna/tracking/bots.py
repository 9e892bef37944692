"""Who is a person: link-preview bots, crawlers and prefetchers are redirected but never counted.

Chat apps fetch a link the moment it is pasted (to draw the preview card), so counting them would credit an
influencer with clicks nobody made. The list covers the fetchers seen in the field for the platforms our users
post on. LINE's in-app browser says ``Line/12.x`` and is a real person; LINE's *preview* fetcher identifies as
``facebookexternalhit ... line-poker``, which the ``facebookexternalhit`` pattern catches.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_BOT_UA = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|preview|facebookexternalhit|facebot|meta-externalagent|"
    r"slackbot|slack-imgproxy|twitterbot|discordbot|telegrambot|whatsapp|skypeuripreview|"
    r"line-poker|linkedinbot|embedly|pinterest|redditbot|applebot|googlebot|google-inspectiontool|"
    r"bingbot|bingpreview|yandex|baiduspider|duckduckbot|petalbot|mastodon|vkshare|kakaotalk-scrap|"
    r"naver|yeti/|daum|headlesschrome|phantomjs|python-requests|python-httpx|go-http-client|curl/|wget/|"
    r"okhttp|axios|node-fetch|http_request|monitor|uptime|validator|scanner|lighthouse",
    re.IGNORECASE,
)
_PREFETCH_HEADERS = (
    ("purpose", "prefetch"),
    ("sec-purpose", "prefetch"),
    ("x-purpose", "preview"),
    ("x-moz", "prefetch"),
)


def is_automated(user_agent: str | None, headers: Mapping[str, str] | None = None) -> bool:
    """True for crawlers, link-preview fetchers, prefetches and clients that send no User-Agent at all."""
    if not user_agent or not user_agent.strip():
        return True
    if _BOT_UA.search(user_agent):
        return True
    if headers is not None:
        for name, needle in _PREFETCH_HEADERS:
            value = headers.get(name)
            if value and needle in value.lower():
                return True
    return False


_TABLET = re.compile(r"ipad|tablet|kindle|silk|playbook|(android(?!.*mobile))", re.IGNORECASE)
_MOBILE = re.compile(r"mobi|iphone|ipod|android|blackberry|opera mini|iemobile|windows phone", re.IGNORECASE)
_DESKTOP = re.compile(r"windows nt|macintosh|x11|cros|linux x86_64", re.IGNORECASE)


def device_class(user_agent: str | None) -> str:
    """``mobile``, ``tablet``, ``desktop`` or ``other`` from the User-Agent (good enough for a split chart)."""
    ua = user_agent or ""
    if _TABLET.search(ua):
        return "tablet"
    if _MOBILE.search(ua):
        return "mobile"
    if _DESKTOP.search(ua):
        return "desktop"
    return "other"
