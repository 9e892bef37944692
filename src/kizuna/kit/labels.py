"""How platform, category, language, country, stage and audit action keys read to a person, in English and Japanese.

Keys stay lowercase ASCII in the database and the API (``instagram``, ``skincare``, ``deal.offer_accepted``); pages
show these labels. A platform or category not listed here (a regional platform or a category a team invented) is
shown as it was entered, so adding one needs no code change.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from kizuna.web.i18n import gettext

#: key -> (English, Japanese). Brand names keep their own spelling in both languages.
PLATFORMS: dict[str, tuple[str, str]] = {
    "instagram": ("Instagram", "Instagram"),
    "youtube": ("YouTube", "YouTube"),
    "tiktok": ("TikTok", "TikTok"),
    "x": ("X", "X"),
    "facebook": ("Facebook", "Facebook"),
    "threads": ("Threads", "Threads"),
    "twitch": ("Twitch", "Twitch"),
    "blog": ("Blog", "ブログ"),
    "podcast": ("Podcast", "ポッドキャスト"),
    "line": ("LINE", "LINE"),
    "xiaohongshu": ("Xiaohongshu (RED)", "小紅書（RED）"),
    "naver_blog": ("Naver Blog", "NAVERブログ"),
    "weibo": ("Weibo", "Weibo"),
    "bilibili": ("bilibili", "bilibili"),
    "pinterest": ("Pinterest", "Pinterest"),
    "snapchat": ("Snapchat", "Snapchat"),
    "note": ("note", "note"),
    "ameba": ("Ameba Blog", "アメブロ"),
    "other": ("Other", "その他"),
    "unknown": ("Unknown", "不明"),  # results of a creator with no post yet
}

CATEGORIES: dict[str, tuple[str, str]] = {
    "beauty": ("Beauty", "美容"),
    "skincare": ("Skincare", "スキンケア"),
    "makeup": ("Makeup", "メイク"),
    "cosmetics": ("Cosmetics", "コスメ"),
    "hair": ("Hair", "ヘア"),
    "fashion": ("Fashion", "ファッション"),
    "lifestyle": ("Lifestyle", "ライフスタイル"),
    "food": ("Food", "グルメ"),
    "cooking": ("Cooking", "料理"),
    "travel": ("Travel", "旅行"),
    "parenting": ("Parenting", "子育て"),
    "family": ("Family", "ファミリー"),
    "fitness": ("Fitness", "フィットネス"),
    "health": ("Health", "ヘルスケア"),
    "sports": ("Sports", "スポーツ"),
    "tech": ("Tech", "テック"),
    "gaming": ("Gaming", "ゲーム"),
    "pets": ("Pets", "ペット"),
    "interior": ("Interior", "インテリア"),
    "home": ("Home", "暮らし"),
    "music": ("Music", "音楽"),
    "entertainment": ("Entertainment", "エンタメ"),
    "education": ("Education", "教育"),
    "finance": ("Finance", "マネー"),
    "business": ("Business", "ビジネス"),
    "art": ("Art", "アート"),
    "photography": ("Photography", "写真"),
    "anime": ("Anime", "アニメ"),
    "comedy": ("Comedy", "お笑い"),
    "cars": ("Cars", "クルマ"),
    "outdoor": ("Outdoor", "アウトドア"),
    "wedding": ("Wedding", "ウェディング"),
    "vegan": ("Vegan", "ヴィーガン"),
}


def _label(table: dict[str, tuple[str, str]], key: object, locale: str) -> str:
    text = "" if key is None else str(key)
    pair = table.get(text.strip().lower())
    if pair is None:
        return text
    return pair[1] if locale == "ja" else pair[0]


def platform_label(key: object, locale: str = "en") -> str:
    return _label(PLATFORMS, key, locale)


def category_label(key: object, locale: str = "en") -> str:
    return _label(CATEGORIES, key, locale)


#: Language code (ISO 639-1, with a region where the script or usage differs) -> (English, Japanese). These are
#: the languages the importer and the synthetic data write and the ones a Japanese team meets most; any other
#: code CLDR knows (Babel) is named from there, and a code nobody knows is shown as entered.
LANGUAGES: dict[str, tuple[str, str]] = {
    "ja": ("Japanese", "日本語"),
    "en": ("English", "英語"),
    "ko": ("Korean", "韓国語"),
    "zh": ("Chinese", "中国語"),
    "zh-cn": ("Chinese (Simplified)", "中国語（簡体字）"),
    "zh-hans": ("Chinese (Simplified)", "中国語（簡体字）"),
    "zh-sg": ("Chinese (Simplified)", "中国語（簡体字）"),
    "zh-tw": ("Chinese (Taiwan)", "中国語（台湾）"),
    "zh-hant": ("Chinese (Traditional)", "中国語（繁体字）"),
    "zh-hk": ("Chinese (Hong Kong)", "中国語（香港）"),
    "yue": ("Cantonese", "広東語"),
    "th": ("Thai", "タイ語"),
    "vi": ("Vietnamese", "ベトナム語"),
    "id": ("Indonesian", "インドネシア語"),
    "ms": ("Malay", "マレー語"),
    "tl": ("Tagalog", "タガログ語"),
    "fil": ("Filipino", "フィリピノ語"),
    "hi": ("Hindi", "ヒンディー語"),
    "fr": ("French", "フランス語"),
    "de": ("German", "ドイツ語"),
    "es": ("Spanish", "スペイン語"),
    "pt": ("Portuguese", "ポルトガル語"),
    "pt-br": ("Portuguese (Brazil)", "ポルトガル語（ブラジル）"),
    "it": ("Italian", "イタリア語"),
    "ru": ("Russian", "ロシア語"),
    "ar": ("Arabic", "アラビア語"),
}

#: Countries whose CLDR name is a long official form ("中華人民共和国香港特別行政区"); the short form reads better.
_SHORT_COUNTRIES: dict[str, tuple[str, str]] = {
    "HK": ("Hong Kong", "香港"),
    "MO": ("Macao", "マカオ"),
    "PS": ("Palestine", "パレスチナ"),
}


@lru_cache(maxsize=2)
def _babel_locale(locale: str) -> Any:
    from babel import Locale

    return Locale.parse("ja" if locale == "ja" else "en")


def language_label(code: object, locale: str = "en") -> str:
    """A language code as the language's name in ``locale``: ``ja`` -> 日本語 / Japanese, ``zh-TW`` -> 中国語（台湾）.

    Codes are matched case-insensitively, with ``_`` or ``-`` before a region. A code that is neither in
    :data:`LANGUAGES` nor in CLDR (a typo, a language name typed into an import file) is shown as entered.
    """
    text = "" if code is None else str(code).strip()
    key = text.lower().replace("_", "-")
    pair = LANGUAGES.get(key)
    if pair is not None:
        return pair[1] if locale == "ja" else pair[0]
    base, _dash, region = key.partition("-")
    if not base.isalpha() or not 2 <= len(base) <= 3:
        return text
    names = _babel_locale(locale).languages
    name = names.get(base)
    if name is None:
        return text
    if not region:
        return str(name)
    where = country_label(region.upper(), locale) if region.isalpha() and len(region) == 2 else region
    return f"{name}（{where}）" if locale == "ja" else f"{name} ({where})"


def country_label(code: object, locale: str = "en") -> str:
    """An ISO 3166 alpha-2 code as the country's name in ``locale`` (``JP`` -> 日本 / Japan), from CLDR like the
    country filter; anything else (an old free-text value) is shown as entered."""
    text = "" if code is None else str(code).strip()
    key = text.upper()
    if len(key) != 2 or not key.isalpha():
        return text
    pair = _SHORT_COUNTRIES.get(key)
    if pair is not None:
        return pair[1] if locale == "ja" else pair[0]
    name = _babel_locale(locale).territories.get(key)
    return text if name is None else str(name)


#: Campaign pipeline stage (``CampaignInfluencer.stage``) -> English. The Japanese is the stage's entry in the
#: catalogs (msgid = the code, as the outreach board has always used), so both stay one translation.
STAGES: dict[str, str] = {
    "prospect": "Prospect",
    "contacted": "Contacted",
    "replied": "Replied",
    "negotiating": "Negotiating",
    "agreed": "Agreed",
    "content": "Creating content",
    "published": "Published",
    "paid": "Paid",
    "completed": "Completed",
    "declined": "Declined",
}


def stage_label(code: object, locale: str = "en") -> str:
    """A pipeline stage code as words: ``content`` -> "Creating content" / 制作中; unknown codes as entered."""
    text = "" if code is None else str(code).strip()
    english = STAGES.get(text)
    if english is None:
        return text
    return gettext(text, locale) if locale == "ja" else english


#: audit action code -> what happened, in English. The Japanese is in ``web/locale/ja/LC_MESSAGES/audit.po``
#: (msgid = the English). Whole phrases, because catalogs are merged and a short msgid ("Updated") would share
#: one translation with every other screen. Codes that nothing writes any more keep their label: old rows stay
#: in the log. ``tests/test_labels.py`` fails when code in ``src/`` writes an action without a label here.
AUDIT_ACTIONS: dict[str, str] = {
    # people and workspaces
    "user.created": "Created a user account",
    "user.login": "Signed in to Kizuna",
    "user.logout": "Signed out of Kizuna",
    "user.profile_updated": "Updated their own profile",
    "user.password_changed": "Changed their own password",
    "workspace.created": "Created the workspace",
    "workspace.updated": "Changed the workspace settings",
    "workspace.tier_scheme": "Changed the workspace tier scheme",
    "member.added": "Added a workspace member",
    "member.role_changed": "Changed a workspace member's role",
    "member.removed": "Removed a workspace member",
    "invitation.created": "Invited someone to the workspace",
    "invitation.revoked": "Revoked a workspace invitation",
    "api_token.created": "Created an API token",
    "api_token.revoked": "Revoked an API token",
    "connector.credentials_saved": "Saved data connector credentials",
    "connector.credentials_deleted": "Deleted data connector credentials",
    "brand_safety.category_saved": "Saved a brand safety category",
    "brand_safety.category_deleted": "Deleted a brand safety category",
    # influencers and lists
    "influencer.create": "Added an influencer",
    "influencer.update": "Edited an influencer's details",
    "influencer.delete": "Deleted an influencer",
    "influencer.account_add": "Added a social account to an influencer",
    "influencer.account_update": "Updated an influencer's social account",
    "influencer.account_remove": "Removed a social account from an influencer",
    "influencer.manager": "Set an influencer's manager or agency",
    "influencer.tag": "Tagged an influencer",
    "influencer.untag": "Removed a tag from an influencer",
    "influencer.merge": "Merged duplicate influencers",
    "influencer.merged_away": "Merged an influencer into another profile",
    "influencer.export": "Exported influencers",
    "influencer.import": "Imported influencers",
    "influencer.bulk_upsert": "Imported influencers through the API",
    "influencer.import_upload": "Uploaded a file of influencers to import",
    "influencer.import_queued": "Started an influencer import",
    "influencer_list.create": "Created an influencer list",
    "influencer_list.update": "Edited an influencer list",
    "influencer_list.delete": "Deleted an influencer list",
    "influencer_list.add": "Added influencers to a list",
    "influencer_list.remove": "Removed influencers from a list",
    "audience_quality.override": "Overrode an audience quality score",
    "audience_quality.override_cleared": "Cleared an audience quality override",
    "audience_quality.sample_added": "Uploaded a follower sample",
    # campaigns, tracking and sales
    "campaign.create": "Created a campaign",
    "campaign.update": "Edited a campaign",
    "campaign.shortlist": "Added an influencer to a campaign shortlist",
    "campaign.post_registered": "Registered a live campaign post",
    "campaign.share_created": "Created a client share link for a campaign",
    "campaign.share_revoked": "Revoked a client share link for a campaign",
    "tracking.link_created": "Created a tracking link",
    "tracking.link_toggled": "Switched a tracking link on or off",
    "tracking.link_expiry_changed": "Changed when a tracking link expires",
    "tracking.domains": "Changed the allowed link domains",
    "tracking.codes_batch": "Generated single-use promo codes",
    "tracking.codes_imported": "Imported existing promo codes",
    "tracking.orders_imported": "Imported orders from a CSV file",
    "tracking.shop_connected": "Connected a Shopify store",
    "tracking.webhook_created": "Created a signed order webhook",
    # outreach
    "outreach.mailbox_created": "Added an outreach mailbox",
    "outreach.mailbox_updated": "Changed an outreach mailbox",
    "outreach.template_saved": "Saved an outreach template",
    "outreach.sequence_created": "Created an outreach sequence",
    "outreach.sequence_versioned": "Edited an outreach sequence",
    "outreach.sequence_status": "Archived or restored an outreach sequence",
    "outreach.enrolled": "Enrolled influencers in an outreach sequence",
    "outreach.enrollment_stopped": "Stopped an influencer's outreach sequence",
    "outreach.resumed": "Resumed an influencer's outreach sequence",
    "outreach.stage_changed": "Moved an influencer to another outreach stage",
    "outreach.task_done": "Completed a manual outreach task",
    "outreach.task_skipped": "Skipped a manual outreach task",
    "outreach.reply_queued": "Wrote a reply in an outreach conversation",
    "outreach.uncertain_resolved": "Settled whether an uncertain e-mail was sent",
    "outreach.suppressed": "Added an address to the do-not-contact list",
    "outreach.unsubscribed": "A recipient unsubscribed from outreach e-mail",
    # deals, agreements and payments
    "deal.created": "Opened a deal with an influencer",
    "deal.offer_proposed": "Proposed the terms of a deal",
    "deal.offer_countered": "Sent a counter-offer on a deal",
    "deal.offer_accepted": "Accepted an offer on a deal",
    "deal.offer_declined": "Declined an offer on a deal",
    "deal.cancelled": "Cancelled a deal",
    "agreement.issued": "Issued a deal agreement",
    "agreement.accepted": "Accepted a deal agreement",
    "portal.link_issued": "Issued a creator portal link",
    "portal.link_revoked": "Revoked a creator portal link",
    "payee.saved": "Saved an influencer's payment details",
    "payment.paid": "Recorded a payment to an influencer",
    "payment.overdue": "Flagged an overdue payment to an influencer",
    # briefs and content
    "brief.saved": "Saved a campaign brief",
    "brief.asset_uploaded": "Uploaded a file to a campaign brief",
    "content.draft_submitted": "Submitted a content draft",
    "content.commented": "Commented on a content draft",
    "content.changes_requested": "Asked for changes to a content draft",
    "content.media_disclosure_verified": "Checked the spoken and on-screen ad disclosure",
    "content.approved": "Approved a piece of content",
    "content.scheduled": "Scheduled a piece of content",
    "content.published": "Recorded a piece of content as published",
    "content.reuse_registered": "Registered a brand reuse of content",
    "content.deadline_reminder": "Sent a content deadline reminder",
}


def audit_action_label(code: object, locale: str = "en") -> str:
    """What an audit row's action code means, in ``locale``.

    A code without a label (one a newer version wrote, or a typo in old data) reads as its words instead of
    failing the page: ``tracking.links_archived`` becomes "Tracking: links archived".
    """
    text = "" if code is None else str(code).strip()
    english = AUDIT_ACTIONS.get(text)
    if english is not None:
        return gettext(english, locale)
    scope, _dot, rest = text.partition(".")
    words = [part.replace("_", " ").strip() for part in (scope, rest) if part.replace("_", " ").strip()]
    if not words:
        return text
    readable = ": ".join(words)
    return readable[:1].upper() + readable[1:]


# --- who did it and what a stored code means ---------------------------------------------------------------------

#: ``audit_log.actor_label`` values written when no member acted (English, kept as stored) -> what they read as
#: (English msgid, Japanese in ``audit.po``).
ACTOR_LABELS: dict[str, str] = {
    "system": "System",
    "import job": "Import job",
    "recipient": "Recipient",
}
#: Prefixes written before a person's own name (``deals/actors.py``: "creator: Mia Wright") -> the msgid that
#: reads as the whole label; the name is passed as ``%(name)s`` and never translated.
ACTOR_PREFIXES: dict[str, str] = {
    "creator: ": "Creator: %(name)s",
}


def actor_label(label: object, locale: str = "en", *, member: bool = False) -> str:
    """Who wrote an audit row, in ``locale``: "creator: Mia Wright" -> "クリエイター: Mia Wright", "system" -> "システム".

    The stored label stays English (old rows and the API keep reading the same); only the known words around a
    name are translated. ``member``: the row names a workspace member (their e-mail), shown as it is.
    """
    text = "" if label is None else str(label)
    if member:
        return text
    english = ACTOR_LABELS.get(text)
    if english is not None:
        return gettext(english, locale)
    for prefix, msgid in ACTOR_PREFIXES.items():
        if text.startswith(prefix):
            return gettext(msgid, locale) % {"name": text[len(prefix) :]}
    return text


def code_label(code: object, locale: str = "en") -> str:
    """A stored code (a status, stage, role, verdict, channel) as words: its catalog entry, whose msgid is the code
    itself (``in_review`` -> レビュー中), else its words ("in_review" -> "in review")."""
    text = "" if code is None else str(code)
    if not text:
        return text
    translated = gettext(text, locale)
    return translated.replace("_", " ") if translated == text else translated
