"""Deterministic, streaming generator of realistic synthetic influencers.

Why it is built this way:

* **Per-index randomness.** Influencer ``i`` depends only on ``(seed, i)``: each one gets its own
  ``random.Random`` streams (core, audience, snapshots, posts). So ``start`` costs nothing, chunks can be
  generated in any order or in parallel, memory stays constant, and asking for fewer posts or no snapshots does
  not change the account numbers. ``random.Random`` rather than numpy because almost every draw is one scalar,
  where the stdlib generator is several times faster than numpy's per-call overhead.
* **Tiers are stratified, followers are heavy-tailed.** The tier of influencer ``i`` comes from a Weyl sequence
  (``frac(i·φ + offset)``) pushed through the tier weights, so any run of 100+ consecutive influencers covers the
  tiers in proportion (a 200-influencer demo has mega accounts and a celebrity). Inside a tier the follower count
  is a truncated Pareto draw, so the overall distribution is a piecewise power law from 1K to hundreds of
  millions.
* **Engagement falls with followers** along the Markerly curve cited in docs/domain.md (about 6% at 1K, 4% at
  10K, 2.4% at 100K, 1.7% at 1M, lower above), scaled per platform (TikTok higher per follower, X and blogs
  lower), with log-normal noise. Posts are drawn so that their mean equals the account's stored averages.
* **Handles are unique per platform** within one seed: a handle is a readable stem plus ``_`` and a code that
  encodes the index (letters only), or for suspicious accounts a digits-only tail (a known fake signal).
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Final, TypeVar
from zoneinfo import ZoneInfo

from kizuna.influencers.tiers import tier_for
from kizuna.synthetic import _vocab as v
from kizuna.synthetic.model import (
    GroundTruth,
    SyntheticAccount,
    SyntheticAudience,
    SyntheticInfluencer,
    SyntheticManager,
    SyntheticPost,
    SyntheticSnapshot,
)

T = TypeVar("T")

#: Fixed "now" of generated data, so that output does not depend on the wall clock. Pass ``as_of`` to move it.
REFERENCE_TIME: Final = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)

#: Definition key of the stored account rate, in the vocabulary of :mod:`kizuna.influencers.metrics`:
#: (average likes + average comments) / followers, where the averages are the means of the generated posts.
ENGAGEMENT_DEFINITION: Final = "follower:average_counts"

# share of influencers per tier (upper tiers over-represented compared with the real creator population, where
# >80% are nano, so that small demos and tests still see every tier)
TIER_WEIGHTS: Final[tuple[tuple[str, float], ...]] = (
    ("nano", 0.56),
    ("micro", 0.28),
    ("mid", 0.09),
    ("macro", 0.035),
    ("mega", 0.03),
    ("celebrity", 0.005),
)
# follower range and Pareto exponent of the primary account inside each tier
TIER_FOLLOWERS: Final[dict[str, tuple[int, int, float]]] = {
    "nano": (1_000, 10_000, 0.8),
    "micro": (10_000, 100_000, 0.8),
    "mid": (100_000, 500_000, 0.9),
    "macro": (500_000, 1_000_000, 1.0),
    "mega": (1_000_000, 60_000_000, 0.9),
    "celebrity": (2_000_000, 400_000_000, 0.6),
}
SUSPICIOUS_RATE: Final[dict[str, float]] = {
    "nano": 0.05,
    "micro": 0.07,
    "mid": 0.06,
    "macro": 0.04,
    "mega": 0.02,
    "celebrity": 0.0,
}
MANAGED_RATE: Final[dict[str, float]] = {
    "nano": 0.03,
    "micro": 0.12,
    "mid": 0.35,
    "macro": 0.6,
    "mega": 0.8,
    "celebrity": 1.0,
}
SPONSORED_RATE: Final[dict[str, float]] = {
    "nano": 0.06,
    "micro": 0.1,
    "mid": 0.15,
    "macro": 0.18,
    "mega": 0.2,
    "celebrity": 0.12,
}
# (log10 followers, median (likes+comments)/followers on Instagram)
_ER_CURVE: Final[tuple[tuple[float, float], ...]] = (
    (2.0, 0.085),
    (3.0, 0.06),
    (4.0, 0.038),
    (5.0, 0.024),
    (5.7, 0.019),
    (6.0, 0.017),
    (7.0, 0.013),
    (8.0, 0.009),
    (9.0, 0.006),
)
MANAGER_BLOCK: Final = 50
_PHI: Final = (math.sqrt(5) - 1) / 2
_CONSONANTS: Final = "kstnhmyrwbdgpzj"
_VOWELS: Final = "aeiou"
_SYLLABLES: Final = tuple(c + w for c in _CONSONANTS for w in _VOWELS)

HANDLE_NICHE_EN: Final[dict[str, tuple[str, ...]]] = {
    "beauty": ("beauty", "glam", "makeup"),
    "skincare": ("skin", "skincare", "glow"),
    "food": ("eats", "foodie", "kitchen"),
    "travel": ("travels", "trips", "wanders"),
    "fashion": ("style", "ootd", "closet"),
    "lifestyle": ("life", "daily", "days"),
    "parenting": ("mama", "family", "littles"),
    "fitness": ("fit", "moves", "yoga"),
    "tech": ("gadget", "tech", "desk"),
    "gaming": ("games", "play", "gamer"),
    "pets": ("paws", "pets", "kitty"),
    "interior": ("home", "nest", "space"),
}
HANDLE_NICHE: Final[dict[str, tuple[str, ...]]] = {
    "beauty": ("beauty", "cosme", "makeup"),
    "skincare": ("skin", "skincare", "hada"),
    "food": ("gourmet", "cafe", "eats", "gohan"),
    "travel": ("trip", "travel", "tabi"),
    "fashion": ("style", "coord", "ootd"),
    "lifestyle": ("life", "kurashi", "days"),
    "parenting": ("mama", "family", "kosodate"),
    "fitness": ("fit", "kintore", "yoga"),
    "tech": ("gadget", "tech", "desk"),
    "gaming": ("games", "play", "gamer"),
    "pets": ("neko", "inu", "pets"),
    "interior": ("room", "interior", "home"),
}
CITY_JA: Final[dict[str, str]] = {
    "Tokyo": "東京",
    "Osaka": "大阪",
    "Yokohama": "横浜",
    "Fukuoka": "福岡",
    "Nagoya": "名古屋",
    "Sapporo": "札幌",
    "Kyoto": "京都",
    "Kobe": "神戸",
    "Sendai": "仙台",
    "Naha": "沖縄",
    "Hiroshima": "広島",
}
CITY_LOCAL: Final[dict[str, str]] = {
    "Taipei": "台北",
    "Taichung": "台中",
    "Kaohsiung": "高雄",
    "Tainan": "台南",
    "Hong Kong": "香港",
    "Seoul": "서울",
    "Busan": "부산",
    "Incheon": "인천",
    "Bangkok": "กรุงเทพ",
    "Chiang Mai": "เชียงใหม่",
    "Shanghai": "上海",
    "Beijing": "北京",
    "Hangzhou": "杭州",
}


# median views per post relative to followers
_VIEW_RATE: Final[dict[str, float]] = {
    "tiktok": 0.6,
    "youtube": 0.3,
    "instagram": 0.35,
    "x": 0.25,
    "blog": 2.0,
    "naver_blog": 2.0,
    "line": 0.2,
    "xiaohongshu": 0.5,
}
_COMMENT_POOLS: Final[dict[str, tuple[str, ...]]] = {
    "ja": v.COMMENTS_JA,
    "zh-TW": v.COMMENTS_ZH,
    "zh-HK": v.COMMENTS_ZH,
    "ko": v.COMMENTS_KO,
}
_LOCALE_CHOICES: Final = tuple((loc, loc[2]) for loc in v.LOCALES)
_CITY_CHOICES: Final = {loc[0]: tuple(((c, z), w) for c, z, w in loc[3]) for loc in v.LOCALES}


# ------------------------------------------------------------------------------------------------- helpers
def _rng(seed: int, index: int, stream: int) -> random.Random:
    # Distinct, non-overlapping integer per (seed, stream, index): the stdlib seeds from all of its bits.
    return random.Random(((seed & 0xFFFFFFFFFFFF) << 64) | (stream << 48) | index)


def _weighted(r: random.Random, items: Sequence[tuple[T, float]]) -> T:
    total = 0.0
    for _, w in items:
        total += w
    x = r.random() * total
    for item, w in items:
        x -= w
        if x < 0:
            return item
    return items[-1][0]


def _truncated_pareto(r: random.Random, lo: float, hi: float, alpha: float) -> float:
    u = r.random()
    ratio = (lo / hi) ** alpha
    return float(lo * (1.0 - u * (1.0 - ratio)) ** (-1.0 / alpha))


def median_engagement(followers: float) -> float:
    """Median per-follower engagement on Instagram for an account of this size (the curve above)."""
    x = math.log10(max(followers, 100.0))
    pts = _ER_CURVE
    if x >= pts[-1][0]:
        return pts[-1][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(pts):
        if x <= x1:
            t = (x - x0) / (x1 - x0)
            return y0 + t * (y1 - y0)
    return pts[-1][1]


def _code(index: int) -> str:
    """Letters-only code unique per index: 1 syllable below 75, then 2, 3, 4 (scrambled within each length)."""
    n = len(_SYLLABLES)
    length, base, space = 1, 0, n
    while index >= base + space:
        base += space
        length += 1
        space *= n
    # affine permutation inside the class: 7919 is prime and coprime with 75**k
    x = (index - base) * 7919 % space
    out = []
    for _ in range(length):
        x, rem = divmod(x, n)
        out.append(_SYLLABLES[rem])
    return "".join(out)


def _digits(index: int) -> str:
    return f"{(index * 7_368_787 + 38_461_529) % 100_000_000:08d}"


def _round(x: float, digits: int = 3) -> float:
    return round(x, digits)


def _normalize(weights: dict[str, float], digits: int = 3) -> dict[str, float]:
    total = sum(weights.values()) or 1.0
    return {k: round(w / total, digits) for k, w in weights.items()}


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


# ------------------------------------------------------------------------------------------------- names
def _person_name(r: random.Random, lang: str, female: bool) -> tuple[str, str, str]:
    """(full name in its script, short/nickname in its script, romanised stem for handles)."""
    if lang == "ja":
        sur, sur_ro = r.choice(v.JA_SURNAMES)
        given, kana, given_ro = r.choice(v.JA_GIVEN_F if female else v.JA_GIVEN_M)
        nick = kana if r.random() < 0.7 else given
        return (
            f"{sur} {given}",
            nick,
            r.choice((given_ro, given_ro, f"{given_ro}.{sur_ro}", f"{sur_ro}.{given_ro}")),
        )
    if lang in ("zh-TW", "zh-HK"):
        sur, sur_ro = r.choice(v.ZH_SURNAMES)
        given, given_ro = r.choice(v.ZH_GIVEN_F if female else v.ZH_GIVEN_M)
        return f"{sur}{given}", given, r.choice((given_ro, f"{given_ro}.{sur_ro}"))
    if lang == "zh-CN":
        sur, sur_ro = r.choice(v.ZH_SURNAMES)
        given, given_ro = r.choice(v.ZH_CN_GIVEN)
        return f"{sur}{given}", given, given_ro
    if lang == "ko":
        sur, sur_ro = r.choice(v.KO_SURNAMES)
        given, given_ro = r.choice(v.KO_GIVEN_F if female else v.KO_GIVEN_M)
        return f"{sur}{given}", given, r.choice((given_ro, f"{given_ro}.{sur_ro}"))
    if lang == "th":
        nick, nick_ro = r.choice(v.TH_NICK_F if female else v.TH_NICK_M)
        return nick, nick, nick_ro
    first = r.choice(v.EN_FIRST_F if female else v.EN_FIRST_M)
    last = r.choice(v.EN_LAST)
    return (
        f"{first} {last}",
        first,
        r.choice((first.lower(), f"{first}.{last}".lower(), f"{first}{last[0]}".lower())),
    )


_NICHES: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "ja": v.NICHE_JA,
    "zh-TW": v.NICHE_ZH_TW,
    "zh-HK": v.NICHE_ZH_TW,
    "zh-CN": v.NICHE_ZH_CN,
    "ko": v.NICHE_KO,
    "th": v.NICHE_TH,
}


def _niche_word(r: random.Random, lang: str, category: str) -> str:
    return r.choice(_NICHES.get(lang, v.NICHE_EN)[category])


def _display_name(
    r: random.Random, lang: str, category: str, full: str, nick: str, stem: str
) -> tuple[str, str]:
    """(display name, kind). Most are people; a few are creator brands run by a team (kind ``group``)."""
    niche = _niche_word(r, lang, category)
    x = r.random()
    if lang == "ja":
        if x < 0.25:
            return full, "person"
        if x < 0.45:
            return nick, "person"
        if x < 0.7:
            return f"{nick}｜{niche}", "person"
        if x < 0.85:
            return f"{nick}の{niche}日記", "person"
        if x < 0.95:
            return f"{stem.split('.')[0].capitalize()} | {niche}", "person"
        place = r.choice(("東京", "大阪", "福岡", "北海道", "京都"))
        return f"{place}{niche}探検隊", "group"
    if lang == "en":
        if x < 0.45:
            return full, "person"
        if x < 0.7:
            return f"{nick} | {niche.capitalize()}", "person"
        if x < 0.9:
            return f"{niche.title()} with {nick}", "person"
        return f"The {niche.title()} Club", "group"
    if lang in ("zh-TW", "zh-HK", "zh-CN"):
        if x < 0.4:
            return full, "person"
        if x < 0.8:
            return f"{nick}的{niche}日記" if lang != "zh-CN" else f"{nick}的{niche}日记", "person"
        return f"{nick}｜{niche}", "person"
    if lang == "ko":
        if x < 0.5:
            return full, "person"
        return f"{nick} | {niche}", "person"
    return (f"{nick} {niche}" if x < 0.6 else nick), "person"


# ------------------------------------------------------------------------------------------------- text
def _bio(r: random.Random, lang: str, category: str, city: str, age: int, email: str | None) -> str:
    if lang == "ja":
        niche = r.choice(v.NICHE_JA[category])
        persona = r.choice(v.PERSONA_JA[category])
        content = r.choice(v.CONTENT_JA[category])
        content2 = r.choice(v.CONTENT_JA[category])
        freq = r.choice(("毎日", "平日毎日", "週3回", "毎週末", "不定期で"))
        city_ja = CITY_JA.get(city, city)
        templates = (
            f"{age}代・{persona}の{niche}記録。{content}を{freq}投稿",
            f"{city_ja}在住｜{persona}｜{content}を発信中📍",
            f"{persona}の{niche}アカウント🌿 {content}・{content2}を中心に投稿しています",
            f"【{niche}】{content}を{freq}更新✨ お仕事のご依頼はDMまたはメールへ📩",
            f"{city_ja}の{persona}。{niche}が好きすぎて記録はじめました。{content}など",
        )
        text = r.choice(templates)
        if email and r.random() < 0.3:
            text += f"\n📩 お仕事依頼：{email}"
        return text
    if lang == "en":
        niche = r.choice(v.NICHE_EN[category])
        niche2 = r.choice(v.NICHE_EN[r.choice(v.RELATED[category])])
        item = r.choice(v.ITEMS_EN[category])
        templates = (
            f"{city}-based {niche} creator ✨ new {item} reviews every week",
            f"Sharing {niche} & {niche2} • {city} 📍",
            f"{age}s | {niche} lover | honest reviews only",
            f"Your friendly {niche} nerd. Posting {niche2} too. {city}",
            f"{niche.capitalize()} tips without the gatekeeping 💛",
        )
        text = r.choice(templates)
        if email and r.random() < 0.4:
            text += f"\n📩 Collabs: {email}"
        return text
    niche = _niche_word(r, lang, category)
    local_city = CITY_LOCAL.get(city, city)
    if lang in ("zh-TW", "zh-HK"):
        text = r.choice(
            (
                f"{local_city}｜{niche}分享｜合作邀約請私訊",
                f"熱愛{niche}的{age}代 🌸 每週更新",
                f"{niche}紀錄 ✨ 日本旅遊也會分享 🇯🇵",
            )
        )
    elif lang == "zh-CN":
        text = r.choice(
            (f"{niche}博主｜{local_city}｜合作请私信", f"分享{niche}日常 ✨ {age}后", f"{local_city}·{niche}")
        )
    elif lang == "ko":
        text = r.choice(
            (f"{niche} 크리에이터 | {local_city} | 협업 문의 DM", f"매일 {niche} 기록 ✨", f"{age}대 {niche}")
        )
    else:
        text = r.choice((f"{niche} | รีวิวจริงใจ | ติดต่องาน DM", f"{local_city} · {niche} ✨"))
    if email and r.random() < 0.4:
        text += f"\n✉️ {email}"
    return text


def _celebrity_bio(r: random.Random, lang: str, agency: str) -> str:
    if lang == "ja":
        role = r.choice(("俳優", "モデル", "歌手", "タレント", "俳優・モデル", "元日本代表アスリート"))
        return f"{role}｜{agency}所属" + r.choice(("", "\n公式アカウント", "\n最新情報はこちら👇"))
    role_en = r.choice(("Actor", "Singer", "Model", "Athlete", "Actor & producer", "Host"))
    return f"{role_en}. Official account." + (f" Mgmt: {agency}" if agency else "")


def _caption(r: random.Random, lang: str, category: str, city: str) -> tuple[str, list[str]]:
    """(caption text without hashtags, hashtags)."""
    if lang == "ja":
        item = r.choice(v.ITEMS_JA[category])
        content = r.choice(v.CONTENT_JA[category])
        feeling = r.choice(v.FEELING_JA)
        text = r.choice(
            (
                f"今日の{item}。{feeling}",
                f"最近ハマってる{item}について✍️ {feeling}",
                f"{content}｜{item}編。{feeling}",
                f"週末の{item}記録📝 {feeling}",
                f"【{content}】{item}のこと、まとめました。{feeling}",
            )
        )
        tags = r.sample(v.HASHTAGS_JA[category], k=r.randint(2, 5))
        return text, tags
    if lang == "en":
        item = r.choice(v.ITEMS_EN[category])
        feeling = r.choice(v.FEELING_EN)
        text = r.choice(
            (
                f"Today's {item}. {feeling}",
                f"My honest take on this {item}. {feeling}",
                f"{item.capitalize()} edition 📍{city}. {feeling}",
                f"Weekend {item} dump. {feeling}",
            )
        )
        return text, r.sample(v.HASHTAGS_EN[category], k=r.randint(2, 5))
    niche = _niche_word(r, lang, category)
    if lang in ("zh-TW", "zh-HK"):
        text = r.choice(
            (f"今天的{niche}分享 ✨", f"{niche}紀錄 📍{CITY_LOCAL.get(city, city)}", f"最近愛用的{niche}好物")
        )
    elif lang == "zh-CN":
        text = r.choice((f"今日{niche}分享 ✨", f"{niche}｜真实测评", f"{niche}好物合集"))
    elif lang == "ko":
        text = r.choice((f"오늘의 {niche} 기록 ✨", f"{niche} 솔직 후기", f"요즘 빠진 {niche}"))
    else:
        text = r.choice((f"{niche} วันนี้ ✨", f"รีวิว {niche} แบบจริงใจ"))
    tags = [niche.replace(" ", ""), *r.sample(v.HASHTAGS_EN[category], k=r.randint(1, 3))]
    return text, tags


def _sponsor(
    r: random.Random, lang: str, category: str, text: str, tags: list[str]
) -> tuple[str, list[str], str, str]:
    """Add a sponsor to a caption: (text, tags, brand handle, disclosure style)."""
    brands = v.BRANDS_JA[category] if lang == "ja" else v.BRANDS_EN[category]
    brand_name, brand_handle = r.choice(brands)
    style = _weighted(r, (("clear", 0.7), ("buried", 0.1), ("ambiguous", 0.1), ("none", 0.1)))
    if lang == "ja":
        if style == "clear":
            text = r.choice(
                (
                    f"【PR】@{brand_handle} 様からいただきました。{text}",
                    f"#PR {brand_name}さんとのタイアップです。{text}",
                    f"【提供：{brand_name}】{text}",
                    f"【広告】{text} @{brand_handle}",
                )
            )
        elif style == "buried":
            text = f"{text} @{brand_handle}"
            filler = [t for t in v.HASHTAGS_JA[category] if t not in tags]
            tags = [*tags, *filler, "暮らし", "日常", "おすすめ", "人気", "話題", "新作", "PR"]
        elif style == "ambiguous":
            text = f"{text} @{brand_handle}"
            tags = [*tags, r.choice(("sp", "ambassador", "gifted", "thanks"))]
        else:
            text = f"{brand_name}の新作、{text}"
    else:
        if style == "clear":
            text = r.choice(
                (
                    f"#ad {text} @{brand_handle}",
                    f"Paid partnership with @{brand_handle}. {text}",
                    f"Sponsored by {brand_name}: {text}",
                )
            )
        elif style == "buried":
            text = f"{text} @{brand_handle}"
            filler = [t for t in v.HASHTAGS_EN[category] if t not in tags]
            tags = [*tags, *filler, "instagood", "photooftheday", "love", "trending", "explore", "ad"]
        elif style == "ambiguous":
            text = f"{text} @{brand_handle}"
            tags = [*tags, r.choice(("sp", "collab", "thanks", "partner"))]
        else:
            text = f"Loving my new {brand_name} pick. {text}"
    return text, tags, brand_handle, style


# ------------------------------------------------------------------------------------------------- urls and ids
def _profile_url(platform: str, handle: str, lang: str) -> str:
    if platform == "instagram":
        return f"https://www.instagram.com/{handle}/"
    if platform == "youtube":
        return f"https://www.youtube.com/@{handle}"
    if platform == "tiktok":
        return f"https://www.tiktok.com/@{handle}"
    if platform == "x":
        return f"https://x.com/{handle}"
    if platform == "line":
        return f"https://page.line.me/{handle}"
    if platform == "xiaohongshu":
        return f"https://www.xiaohongshu.com/user/profile/{handle}"
    if platform == "naver_blog":
        return f"https://blog.naver.com/{handle}"
    if lang == "ja":
        return f"https://ameblo.jp/{handle.replace('_', '-')}/"
    return f"https://{handle.replace('_', '-')}.blog.example/"


_B64: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _post_id(r: random.Random, platform: str) -> str:
    bits = r.getrandbits(64)
    if platform in ("instagram", "youtube"):
        return "".join(_B64[(bits >> (6 * k)) & 63] for k in range(11 if platform == "youtube" else 10))
    if platform == "xiaohongshu":
        return f"{bits:016x}{r.getrandbits(32):08x}"
    if platform in ("blog", "naver_blog"):
        return str(220_000_000_000 + bits % 10_000_000_000)
    return str(7_000_000_000_000_000_000 + bits % 1_000_000_000_000_000_000)


def _post_url(platform: str, handle: str, post_id: str, account_url: str, post_type: str) -> str:
    if platform == "instagram":
        return f"https://www.instagram.com/{'reel' if post_type == 'reel' else 'p'}/{post_id}/"
    if platform == "youtube":
        return (
            f"https://www.youtube.com/{'shorts/' + post_id if post_type == 'short' else 'watch?v=' + post_id}"
        )
    if platform == "tiktok":
        return f"https://www.tiktok.com/@{handle}/video/{post_id}"
    if platform == "x":
        return f"https://x.com/{handle}/status/{post_id}"
    if platform == "xiaohongshu":
        return f"https://www.xiaohongshu.com/explore/{post_id}"
    if platform == "naver_blog":
        return f"https://blog.naver.com/{handle}/{post_id}"
    if platform == "line":
        return f"https://linevoom.line.me/post/{post_id}"
    return f"{account_url.rstrip('/')}/entry-{post_id}.html"


def _platform_handle(platform: str, stem: str, tail: str, suspicious: bool) -> str:
    if platform in ("x", "youtube", "naver_blog", "line"):
        stem = stem.replace(".", "")
    sep = "" if suspicious else "_"
    if platform == "x":
        stem = stem[: max(3, 15 - len(sep) - len(tail))]
    return f"{stem}{sep}{tail}"


# ------------------------------------------------------------------------------------------------- generator
class _Gen:
    def __init__(self, seed: int, as_of: datetime) -> None:
        self.seed = seed
        self.as_of = as_of
        self.offset = random.Random(seed).random()

    # ---- managers
    def manager(self, index: int, region: str) -> SyntheticManager:
        block = index // MANAGER_BLOCK
        r0 = _rng(self.seed, block, 9)
        k = r0.randrange(2)  # which of the block's two agencies in this region
        r = _rng(self.seed, block * 4 + k * 2 + (region == "JP"), 10)
        code = _code(block * 4 + k * 2 + (region == "JP"))
        if region == "JP":
            company, domain = r.choice(v.AGENCIES_JA)
            sur, sur_ro = r.choice(v.JA_SURNAMES)
            given, _, _given_ro = r.choice(v.JA_GIVEN_F + v.JA_GIVEN_M)
            name = f"{sur} {given}"
            email = f"{sur_ro}.{code}@{domain}"
            phone = f"03-{r.randint(1000, 9999)}-{r.randint(1000, 9999)}"
        else:
            company, domain = r.choice(v.AGENCIES_EN)
            first = r.choice(v.EN_FIRST_F + v.EN_FIRST_M)
            last = r.choice(v.EN_LAST)
            name = f"{first} {last}"
            email = f"{first.lower()}.{code}@{domain}"
            phone = f"+1-{r.randint(200, 989)}-555-{r.randint(1000, 9999)}"
        return SyntheticManager(
            key=f"{self.seed}-{block}-{region}-{k}",
            name=name,
            company=company,
            emails=[email],
            phone=phone,
            country="JP" if region == "JP" else "US",
        )

    # ---- the influencer
    def influencer(
        self, index: int, *, posts_per_account: int, snapshot_weeks: int, audience: bool
    ) -> SyntheticInfluencer:
        r = _rng(self.seed, index, 0)
        u = (self.offset + index * _PHI) % 1.0
        tier_key = TIER_WEIGHTS[-1][0]
        acc = 0.0
        for key, w in TIER_WEIGHTS:
            acc += w
            if u < acc:
                tier_key = key
                break
        celebrity = tier_key == "celebrity"

        country, lang, _, _ = _weighted(r, _LOCALE_CHOICES)
        city, tz = _weighted(r, _CITY_CHOICES[country])
        category = _weighted(r, v.CATEGORIES)
        categories = [category]
        extra = _weighted(r, ((0, 0.45), (1, 0.4), (2, 0.15)))
        for c in r.sample(v.RELATED[category], k=extra):
            categories.append(c)
        female = (
            r.random() < (0.35 + 0.6 * v.FEMALE_SHARE[category])
            if category != "parenting"
            else r.random() < 0.8
        )
        age = _weighted(r, ((20, 0.35), (30, 0.4), (40, 0.2), (50, 0.05)))

        suspicious = r.random() < SUSPICIOUS_RATE[tier_key]
        fake_share = r.uniform(0.3, 0.75) if suspicious else r.uniform(0.02, 0.15)
        follower_spike = suspicious and r.random() < 0.7
        viral_spike = (not suspicious) and r.random() < 0.04

        full, nick, stem = _person_name(r, lang, female)
        niche_stems = (HANDLE_NICHE if lang == "ja" else HANDLE_NICHE_EN)[category]
        if r.random() < 0.6:
            stem = f"{stem.split('.')[0]}.{r.choice(niche_stems)}"
        display_name, kind = _display_name(r, lang, category, full, nick, stem)
        if celebrity:
            display_name, kind = full, "person"
        tail = _digits(index) if suspicious else _code(index)

        # platforms
        weights = list(v.PLATFORM_WEIGHTS.get(country, v.PLATFORM_WEIGHTS["US"]))
        if category in ("gaming", "tech"):
            weights = [(p, w * (3.0 if p == "youtube" else 1.0)) for p, w in weights]
        n_accounts = _weighted(
            r,
            ((1, 0.62), (2, 0.27), (3, 0.11))
            if tier_key in ("nano", "micro")
            else ((1, 0.3), (2, 0.4), (3, 0.3)),
        )
        platforms: list[str] = []
        for _ in range(min(n_accounts, len(weights))):
            choices = [(p, w) for p, w in weights if p not in platforms]
            platforms.append(_weighted(r, choices))

        lo, hi, alpha = TIER_FOLLOWERS[tier_key]
        primary_followers = int(_truncated_pareto(r, lo, hi, alpha))
        accounts: list[SyntheticAccount] = []
        account_params: list[tuple[float, float, float, float, float, int]] = []
        for pos, platform in enumerate(platforms):
            if pos == 0:
                followers = primary_followers
            else:
                followers = int(primary_followers * min(0.9, math.exp(r.gauss(math.log(0.15), 1.0))))
                followers = max(followers, r.randint(50, 400))
            acct, params = self._account(
                r, index, platform, followers, stem, tail, lang, tier_key, suspicious, celebrity, follower_spike,
                viral_spike and pos == 0,
            )  # fmt: skip
            accounts.append(acct)
            account_params.append(params)
        params_by_platform = {a.platform: p for a, p in zip(accounts, account_params, strict=True)}
        accounts.sort(key=lambda a: -a.followers)

        # contact
        managed = r.random() < MANAGED_RATE[tier_key]
        manager = self.manager(index, "JP" if country == "JP" else "INTL") if managed else None
        emails: list[str] = []
        own_email_p = 0.35 if managed else (0.88 if not suspicious else 0.5)
        if not celebrity and r.random() < own_email_p:
            domains = v.EMAIL_DOMAINS.get(lang, v.EMAIL_DOMAINS["en"])
            local = f"{stem}_{tail}" if not suspicious else f"{stem}{tail}"
            if r.random() < 0.15:
                emails.append(f"contact.{tail}@{stem.replace('.', '-')}.studio")
            else:
                emails.append(f"{local}@{r.choice(domains)}")
        if celebrity:
            bio = _celebrity_bio(r, lang, manager.company if manager else "")
        elif suspicious and r.random() < 0.4:
            bio = ""
        else:
            bio = _bio(r, lang, category, city, age, emails[0] if emails else None)

        languages = [lang]
        if lang != "en" and r.random() < 0.25:
            languages.append("en")
        if lang in ("zh-TW", "zh-HK", "ko", "th") and category in ("travel", "food") and r.random() < 0.4:
            languages.append("ja")

        max_followers = accounts[0].followers
        tier = tier_for(max_followers, celebrity=celebrity)
        influencer = SyntheticInfluencer(
            index=index,
            key=f"syn-{self.seed}-{index}",
            display_name=display_name,
            kind=kind,
            bio=bio,
            emails=emails,
            languages=languages,
            country=country,
            city=city,
            timezone=tz,
            categories=categories,
            primary_category=category,
            gender="female" if female else "male",
            manager=manager,
            accounts=accounts,
            tier=tier,
            max_followers=max_followers,
            followers_total=sum(a.followers for a in accounts),
            engagement_rate=accounts[0].engagement_rate,
            truth=GroundTruth(
                suspicious=suspicious,
                fake_follower_share=round(fake_share, 3),
                follower_spike=follower_spike,
                viral_spike=viral_spike,
                celebrity=celebrity,
            ),
            # the "celebrity" tier is a status, not a follower band: the tag lets a later tier refresh keep it
            tags=["celebrity"] if celebrity else [],
        )
        if audience:
            ra = _rng(self.seed, index, 1)
            for acct in accounts:
                acct.audience = self._audience(ra, acct, country, category, female, fake_share, suspicious)
        if snapshot_weeks > 0:
            rs = _rng(self.seed, index, 2)
            for acct in accounts:
                acct.snapshots = self._snapshots(rs, acct, params_by_platform[acct.platform], snapshot_weeks)
        if posts_per_account > 0:
            rp = _rng(self.seed, index, 3)
            for acct in accounts:
                acct.posts = self._posts(
                    rp, acct, params_by_platform[acct.platform], posts_per_account, lang, category, city, tz,
                    tier_key, suspicious,
                )  # fmt: skip
        return influencer

    def _account(
        self,
        r: random.Random,
        index: int,
        platform: str,
        followers: int,
        stem: str,
        tail: str,
        lang: str,
        tier_key: str,
        suspicious: bool,
        celebrity: bool,
        spike: bool,
        viral: bool,
    ) -> tuple[SyntheticAccount, tuple[float, float, float, float, float, int]]:
        handle = _platform_handle(platform, stem, tail, suspicious)
        er = median_engagement(followers) * v.PLATFORM_ER_FACTOR[platform] * math.exp(r.gauss(0.0, 0.4))
        if celebrity:
            er *= 0.8
        if suspicious:
            er *= r.uniform(0.15, 0.45)
        er = min(er, 0.35)
        comment_ratio = math.exp(r.gauss(math.log(0.013 if lang == "ja" else 0.022), 0.5))
        if platform in ("youtube", "blog", "naver_blog"):
            comment_ratio *= 2.5
        elif platform == "x":
            comment_ratio *= 1.5
        if suspicious:
            comment_ratio *= 0.15
        avg_likes = er * followers / (1.0 + comment_ratio)
        avg_comments = avg_likes * comment_ratio
        view_rate = _VIEW_RATE[platform] * math.exp(r.gauss(0.0, 0.5))
        avg_views = None if platform == "instagram" and r.random() < 0.5 else followers * view_rate
        if avg_views is not None:
            avg_views = max(avg_views, (avg_likes + avg_comments) * 3.0)
        ppw = v.POSTS_PER_WEEK[platform] * math.exp(r.gauss(0.0, 0.5))
        since = v.PLATFORM_SINCE[platform]
        # big audiences take years to build: the larger the account, the older it is (bought ones excepted)
        min_age_days = {"nano": 180, "micro": 365, "mid": 2 * 365, "macro": 3 * 365}.get(tier_key, 5 * 365)
        if followers < 10_000:
            min_age_days = 180
        latest = self.as_of - timedelta(days=min_age_days)
        if suspicious and r.random() < 0.6:
            earliest = self.as_of - timedelta(days=700)
            latest = self.as_of - timedelta(days=90)
        else:
            earliest = datetime(
                max(since, 2012 if tier_key in ("nano", "micro") else since), 1, 1, tzinfo=UTC
            )
            latest = max(latest, earliest + timedelta(days=365))
        span = max((latest - earliest).total_seconds(), 86400.0)
        skew = {"nano": 0.7, "micro": 1.0, "mid": 1.4, "macro": 1.6}.get(tier_key, 2.2)
        created = earliest + timedelta(seconds=int(r.random() ** skew * span))
        weeks_active = (self.as_of - created).days / 7.0
        posts_count = max(5, int(ppw * weeks_active * r.uniform(0.3, 0.9)))
        if suspicious and r.random() < 0.3:
            posts_count = r.randint(3, 25)
        following: int | None = None
        if platform in v.HAS_FOLLOWING:
            following = int(math.exp(r.gauss(math.log(550 if followers < 100_000 else 350), 0.8)))
            if suspicious and r.random() < 0.6:
                following = r.randint(1_600, 7_500)
        weekly_growth = math.exp(r.gauss(math.log(0.005 if followers < 100_000 else 0.003), 0.6))
        if r.random() < 0.12:
            weekly_growth = -weekly_growth * 0.4
        jump = r.uniform(1.25, 1.9) if spike else (r.uniform(1.08, 1.35) if viral else 1.0)
        jump_weeks_ago = r.randint(1, 14) if spike else r.randint(2, 5)
        viral_days_ago = jump_weeks_ago * 7.0 + r.uniform(1.0, 5.0) if viral else -1.0
        now_f = self._followers_at(followers, weekly_growth, jump, jump_weeks_ago if jump > 1 else -1, 0)
        month_ago = self._followers_at(
            followers, weekly_growth, jump, jump_weeks_ago if jump > 1 else -1, 30 / 7
        )
        verified = (
            celebrity or tier_key == "mega" or (tier_key == "macro" and r.random() < 0.5)
        ) and not suspicious
        acct = SyntheticAccount(
            platform=platform,
            handle=handle,
            handle_key=handle.lower(),
            url=_profile_url(platform, handle, lang),
            external_id=_external_id(r, platform),
            followers=followers,
            following=following,
            posts_count=posts_count,
            verified=verified,
            account_created_at=created,
            avg_likes=_round(avg_likes, 1),
            avg_comments=_round(avg_comments, 1),
            avg_views=None if avg_views is None else _round(avg_views, 1),
            engagement_rate=_round((avg_likes + avg_comments) / followers, 5),
            engagement_definition=ENGAGEMENT_DEFINITION,
            posts_per_week=_round(ppw, 2),
            follower_growth_30d=_round(now_f / month_ago - 1.0, 4),
            tier=tier_for(followers, celebrity=celebrity and followers >= 1_000_000),
        )
        return acct, (
            weekly_growth,
            jump,
            float(jump_weeks_ago if jump > 1 else -1),
            viral_days_ago,
            ppw,
            index,
        )

    @staticmethod
    def _followers_at(
        now: int, weekly_growth: float, jump: float, jump_weeks_ago: float, weeks_ago: float
    ) -> float:
        f: float = now / (1.0 + weekly_growth) ** weeks_ago
        if jump_weeks_ago >= 0 and weeks_ago > jump_weeks_ago:
            f /= jump
        return f

    def _snapshots(
        self,
        r: random.Random,
        acct: SyntheticAccount,
        params: tuple[float, float, float, float, float, int],
        weeks: int,
    ) -> list[SyntheticSnapshot]:
        growth, jump, jump_weeks_ago, _, ppw, _ = params
        out: list[SyntheticSnapshot] = []
        for k in range(weeks - 1, -1, -1):
            f = self._followers_at(acct.followers, growth, jump, jump_weeks_ago, k)
            if k:
                f *= 1.0 + r.gauss(0.0, 0.002)
            following = None
            if acct.following is not None:
                following = max(0, int(acct.following * (1.0 + r.gauss(0.0, 0.01)))) if k else acct.following
            out.append(
                SyntheticSnapshot(
                    captured_at=self.as_of - timedelta(days=7 * k),
                    followers=max(0, int(f)) if k else acct.followers,
                    following=following,
                    posts_count=max(0, acct.posts_count - int(ppw * k)),
                )
            )
        return out

    def _audience(
        self,
        r: random.Random,
        acct: SyntheticAccount,
        country: str,
        category: str,
        female: bool,
        fake_share: float,
        suspicious: bool,
    ) -> SyntheticAudience:
        shift = v.PLATFORM_AGE_SHIFT.get(acct.platform, (1.0,) * 6)
        ages = {
            band: w * s * math.exp(r.gauss(0.0, 0.25))
            for band, w, s in zip(v.AGE_BANDS, v.AGE_WEIGHTS[category], shift, strict=True)
        }
        fem = v.FEMALE_SHARE[category] + (0.08 if female else -0.08) + r.gauss(0.0, 0.05)
        fem = min(0.97, max(0.03, fem))
        gender = {"female": round(fem, 3), "male": round(1.0 - fem, 3)}
        home_share = {"JP": 0.86, "KR": 0.8, "CN": 0.85, "TH": 0.82}.get(country, 0.7) + r.gauss(0.0, 0.05)
        if category in ("travel", "food") and country == "JP" and r.random() < 0.35:
            home_share -= r.uniform(0.2, 0.4)  # creators inbound-tourism marketers look for
        home_share = min(0.97, max(0.3, home_share))
        countries: dict[str, float] = {country: home_share}
        abroad = v.AUDIENCE_ABROAD.get(country, v.AUDIENCE_ABROAD["US"])
        rest = 1.0 - home_share
        ws = [w * math.exp(r.gauss(0.0, 0.4)) for _, w in abroad]
        tw = sum(ws)
        for (c, _), w in zip(abroad, ws, strict=True):
            countries[c] = countries.get(c, 0.0) + rest * w / tw
        if suspicious:
            bots = r.sample(v.BOT_COUNTRIES, k=3)
            for c in bots:
                countries[c] = countries.get(c, 0.0) + fake_share / 3 * 1.5
        countries = dict(sorted(_normalize(countries).items(), key=lambda kv: -kv[1])[:6])
        langs: dict[str, float] = {}
        for c, s in countries.items():
            lang = v.COUNTRY_LANGUAGE.get(c, "en")
            langs[lang] = langs.get(lang, 0.0) + s
        home_cities = v.AUDIENCE_CITIES.get(country, ())
        cities: dict[str, float] = {}
        if home_cities:
            cws = [math.exp(r.gauss(0.0, 0.5)) / (i + 1) for i in range(len(home_cities))]
            total = sum(cws)
            cities = {
                c: round(countries.get(country, home_share) * w / total, 3)
                for c, w in zip(home_cities, cws, strict=True)
            }
        return SyntheticAudience(
            age_bands=_normalize(ages),
            gender=gender,
            countries=countries,
            cities=cities,
            languages=_normalize(langs),
            source="synthetic",
            sample_size=min(acct.followers, r.choice((500, 1000, 2000, 5000))),
            as_of=self.as_of - timedelta(days=r.randint(0, 20)),
        )

    def _posts(
        self,
        r: random.Random,
        acct: SyntheticAccount,
        params: tuple[float, float, float, float, float, int],
        n: int,
        lang: str,
        category: str,
        city: str,
        tz: str,
        tier_key: str,
        suspicious: bool,
    ) -> list[SyntheticPost]:
        _, _, _, viral_days_ago, ppw, _ = params
        zone = _zone(tz)
        types = v.POST_TYPES[acct.platform]
        # publication times, newest first, at local hours people post
        times: list[datetime] = []
        days_ago = r.uniform(0.1, 2.0)
        for _ in range(n):
            local_day = (self.as_of - timedelta(days=days_ago)).astimezone(zone)
            hour = _weighted(
                r, ((7, 1.0), (8, 1.2), (12, 1.5), (18, 1.2), (19, 1.8), (20, 2.2), (21, 2.4), (22, 1.6))
            )
            t = local_day.replace(hour=hour, minute=r.randrange(60), second=r.randrange(60), microsecond=0)
            times.append(t.astimezone(UTC))
            days_ago += max(0.1, r.expovariate(ppw / 7.0))
        times.sort(reverse=True)
        viral_at = -1
        if viral_days_ago > 0:
            target = self.as_of - timedelta(days=viral_days_ago)
            viral_at = min(range(n), key=lambda j: abs((times[j] - target).total_seconds()))
            times[viral_at] = target.replace(microsecond=0)

        kinds = [_weighted(r, types) for _ in range(n)]
        sponsored = [r.random() < SPONSORED_RATE[tier_key] for _ in range(n)]
        mult = [math.exp(r.gauss(0.0, 0.35)) * (0.75 if s else 1.0) for s in sponsored]
        if viral_at >= 0:
            mult[viral_at] *= r.uniform(8.0, 20.0)
        # normalise over the posts that carry public likes so their mean equals the account averages
        counted = [j for j in range(n) if kinds[j] != "story"]
        if counted:
            mean = sum(mult[j] for j in counted) / len(counted)
            mult = [m / mean for m in mult]
        cmult = [m * math.exp(r.gauss(0.0, 0.2)) for m in mult]
        if counted:
            cmean = sum(cmult[j] for j in counted) / len(counted)
            cmult = [m / cmean for m in cmult]

        posts: list[SyntheticPost] = []
        for j in range(n):
            text, tags = _caption(r, lang, category, city)
            mentions: list[str] = []
            disclosure: str | None = None
            if sponsored[j]:
                text, tags, brand, disclosure = _sponsor(r, lang, category, text, tags)
                mentions.append(brand)
            elif r.random() < 0.1:
                mentions.append(f"{r.choice(HANDLE_NICHE[category])}_{_code(r.randrange(100_000))}")
            kind = kinds[j]
            if kind == "story":
                likes = comments = shares = saves = None
                views: int | None = int(acct.followers * r.uniform(0.03, 0.12))
                reach: int | None = views
            else:
                likes = max(0, round(acct.avg_likes * mult[j]))
                comments = max(0, round(acct.avg_comments * cmult[j]))
                eng = likes + comments
                shares = round(likes * r.uniform(0.01, 0.06)) if acct.platform != "blog" else None
                saves = (
                    round(likes * r.uniform(0.02, 0.12))
                    if acct.platform in ("instagram", "tiktok", "xiaohongshu")
                    else None
                )
                views = None
                reach = None
                if acct.avg_views is not None and (
                    kind in ("reel", "video", "short", "live", "blog") or acct.platform != "instagram"
                ):
                    views = max(int(acct.avg_views * mult[j] ** 0.8), eng * 2)
                if acct.platform == "instagram":
                    reach = max(int(acct.followers * r.uniform(0.15, 0.45) * mult[j] ** 0.5), eng)
            if suspicious:
                sample = [r.choice(v.COMMENTS_GENERIC) for _ in range(3)]
            else:
                pool = _COMMENT_POOLS.get(lang, v.COMMENTS_EN)
                sample = [r.choice(pool), r.choice(pool), r.choice(v.COMMENTS_GENERIC)]
            caption = text + ("\n\n" + " ".join(f"#{t}" for t in tags) if tags else "")
            post_id = _post_id(r, acct.platform)
            posts.append(
                SyntheticPost(
                    platform_post_id=post_id,
                    url=_post_url(acct.platform, acct.handle, post_id, acct.url, kind),
                    caption=caption,
                    hashtags=tags,
                    mentions=mentions,
                    published_at=times[j],
                    post_type=kind,
                    likes=likes,
                    comments=comments,
                    shares=shares,
                    saves=saves,
                    views=views,
                    reach=reach,
                    is_sponsored=disclosure in ("clear", "buried"),
                    sponsored=sponsored[j],
                    disclosure=disclosure,
                    viral=j == viral_at,
                    sample_comments=sample if comments else [],
                )
            )
        return posts


def _external_id(r: random.Random, platform: str) -> str:
    if platform == "youtube":
        bits = r.getrandbits(132)
        return "UC" + "".join([_B64[(bits >> (6 * k)) & 63] for k in range(22)])
    if platform == "xiaohongshu":
        return f"{r.getrandbits(96):024x}"
    return str(r.randrange(10**9, 10**11))


def generate(
    seed: int,
    count: int,
    *,
    posts_per_account: int = 12,
    start: int = 0,
    snapshot_weeks: int = 26,
    audience: bool = True,
    as_of: datetime | None = None,
) -> Iterator[SyntheticInfluencer]:
    """Yield ``count`` influencers with indexes ``start .. start+count-1``, one at a time.

    The same ``(seed, index, as_of)`` always gives the same influencer, whatever ``count``/``start`` were asked
    for; ``posts_per_account``, ``snapshot_weeks`` and ``audience`` only switch those parts on or off. For the
    million-influencer benchmark pass ``posts_per_account=0, snapshot_weeks=0, audience=False``.
    Handles are unique per platform within one seed; when several batches go into one workspace, give them
    disjoint index ranges (``start``) rather than different seeds.
    """
    if count < 0 or start < 0:
        raise ValueError("count and start must be >= 0")
    moment = as_of or REFERENCE_TIME
    if moment.tzinfo is None:
        raise ValueError("as_of must be timezone-aware")
    gen = _Gen(seed, moment.astimezone(UTC))
    for index in range(start, start + count):
        yield gen.influencer(
            index, posts_per_account=posts_per_account, snapshot_weeks=snapshot_weeks, audience=audience
        )
