"""How platform and category keys read to a person, in English and Japanese.

Keys stay lowercase ASCII in the database and the API (``instagram``, ``skincare``); pages show these labels. A key
not listed here (a regional platform or a category a team invented) is shown as it was entered, so adding one
needs no code change.
"""

from __future__ import annotations

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
