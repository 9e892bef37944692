"""Comment classifier (Japanese and English): is a comment something a person wrote about this post?

Bought engagement and engagement pods leave comments that would fit under any post: "Nice pic!", "🔥🔥",
「素敵です！」, or a pitch ("DM for collab"). A comment is labelled:

``emoji_only``
    nothing but emoji, symbols and punctuation ("🔥🔥🔥", "❤️❤️", "👏").
``promo``
    a pitch aimed at the creator or their followers ("DM for collab", "check my profile", "promote it on @…",
    「プロフ見てね」, 「相互フォローしましょう」).
``generic``
    only stock praise once emoji, punctuation and polite endings are stripped ("nice pic", "great post",
    「素敵です」, 「かわいい」), or a text repeated word for word at least :data:`REPEAT_MIN` times in the same
    sample (a bot network posting the same line).
``genuine``
    anything else: questions, specifics, a sentence about the post ("Which shade is that?", 「どこのお店ですか？」).

The rules are deliberately explainable (each label carries the reason) rather than a learned model: a person
reviewing a creator must be able to see why a comment was counted as generic, and stock phrases are a short,
closed list in both languages. A genuine-but-short comment ("wow") is counted as generic — the score treats a
*share* of generic comments as normal (see :mod:`kizuna.audience.quality`), so single misreadings do not matter.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

LABELS = ("genuine", "generic", "emoji_only", "promo")
#: Bot-like labels: the share of these is the "generic comments" factor.
BOT_LIKE = frozenset({"generic", "emoji_only", "promo"})
#: A normalised text seen this many times in one sample is generic whatever it says.
REPEAT_MIN = 3
REPEAT_MAX_WORDS = 3
REPEAT_MAX_CJK = 5

_GENERIC_EN = {
    "nice", "nice pic", "nice pics", "nice photo", "nice post", "nice shot", "nice one", "nice feed",
    "great", "great post", "great pic", "great photo", "great shot", "great content", "great work", "great job",
    "love", "love it", "love this", "love this post", "love your feed", "loving this", "i love it",
    "awesome", "awesome pic", "awesome post", "awesome content", "amazing", "amazing pic", "amazing post",
    "amazing content", "amazing shot", "wow", "wooow", "woow", "cool", "so cool", "very cool", "beautiful",
    "so beautiful", "gorgeous", "stunning", "lovely", "perfect", "cute", "so cute", "superb", "fantastic",
    "incredible", "keep it up", "keep going", "well done", "good", "good job", "good post", "excellent",
    "interesting", "beautiful pic", "beautiful photo", "nice content", "top", "yes", "omg", "lol", "fire",
    "nice one bro", "great vibes", "good vibes", "so nice", "very nice", "really nice", "this is great",
    "this is amazing", "this is awesome", "love ur feed", "nice profile", "great profile",
}  # fmt: skip
_GENERIC_JA = {
    "素敵", "すてき", "ステキ", "素晴らしい", "すばらしい", "かわいい", "可愛い", "カワイイ", "かっこいい",
    "格好いい", "カッコいい", "最高", "さいこう", "すごい", "凄い", "スゴい", "いいね", "いい", "良い",
    "おしゃれ", "お洒落", "オシャレ", "きれい", "綺麗", "キレイ", "美しい", "素敵な写真", "素敵な投稿",
    "いい写真", "良い写真", "かわいすぎる", "可愛すぎる", "すごすぎる", "最高すぎる", "天才", "神", "ナイス",
    "好き", "大好き", "いいですね", "素敵ですね", "さすが", "やばい", "ヤバい", "えもい", "エモい",
    "美味しそう", "おいしそう", "尊い", "憧れ", "憧れます", "癒される", "癒やされる",
}  # fmt: skip
# Polite endings and fillers stripped before looking a Japanese text up in the stock list.
_JA_ENDINGS = re.compile(
    r"(?:でした|です|ですね|ですよね|ですよ|すぎる|すぎ|過ぎ|ね|よ|な|わ|〜|～|ー|っ|です!|w+|ｗ+|笑)+$"
)
_JA_PREFIX = re.compile(
    r"^(?:とても|めっちゃ|めちゃくちゃ|めちゃ|本当に|ほんとに|ほんと|超|すごく|凄く|マジで|まじで)"
)
_PROMO = re.compile(
    r"(?:\bdm\b.{0,20}\bcollab|\bcollab\b.{0,12}\bdm\b|\bdm (?:me|us)\b|\bsend (?:us |me )?a? ?dm\b"
    r"|\bcheck (?:out )?(?:my|our) (?:profile|page|bio|account|story|feed)\b|\bpromote (?:it|this|your)\b"
    r"|\bsend (?:it|this|your pics?|a pic) to @|\bfollow (?:me|back|us)\b|\bf4f\b|\bl4l\b|\bfollow4follow\b"
    r"|\bbrand ambassador\b|\bambassadors? wanted\b|\bfree (?:followers|likes)\b|\bearn \$|\bclick (?:the )?link\b"
    r"|\blink in (?:my|our) bio\b|https?://|www\."
    r"|プロフ(?:ィール)?(?:を)?見て|プロフ(?:ィール)?(?:から|より)|dmください|ＤＭください|dmお待ち|相互フォロー"
    r"|フォロバ|フォローバック|フォロー(?:お願い|してね|して下さい|してください)|コラボしませんか|アンバサダー募集"
    r"|副業|稼げる)",
    re.IGNORECASE,
)
_NON_TEXT_CATEGORIES = frozenset(
    {"So", "Sk", "Sm", "Mn", "Me", "Cf", "Cc", "Zs", "Po", "Pd", "Ps", "Pe", "Pi", "Pf"}
)


@dataclass(frozen=True, slots=True)
class CommentLabel:
    """A comment's label, with the reason in words a reviewer can check."""

    label: str
    reason: str

    @property
    def bot_like(self) -> bool:
        return self.label in BOT_LIKE


def normalise(text: str) -> str:
    """NFKC, lower case, emoji/symbols/punctuation removed, runs of spaces collapsed (the comparison key)."""
    folded = unicodedata.normalize("NFKC", text).lower()
    kept = []
    for ch in folded:
        cat = unicodedata.category(ch)
        if cat in _NON_TEXT_CATEGORIES and ch != " ":
            kept.append(" ")
        else:
            kept.append(ch)
    return " ".join("".join(kept).split())


def _is_emoji_only(text: str) -> bool:
    has_symbol = False
    for ch in unicodedata.normalize("NFKC", text):
        cat = unicodedata.category(ch)
        if cat[0] in ("L", "N"):
            return False
        if cat in ("So", "Sk", "Sm"):
            has_symbol = True
    return has_symbol


def _stock_japanese(norm: str) -> bool:
    core = norm.replace(" ", "")
    core = _JA_PREFIX.sub("", core)
    for _ in range(3):
        if core in _GENERIC_JA:
            return True
        stripped = _JA_ENDINGS.sub("", core)
        if stripped == core:
            break
        core = stripped
    return core in _GENERIC_JA


def _stock_english(norm: str) -> bool:
    if norm in _GENERIC_EN:
        return True
    # "nice pic bro", "love this so much": stock phrase plus a filler word
    words = norm.split()
    if 2 <= len(words) <= 4:
        fillers = {"bro", "sis", "dear", "babe", "so", "much", "really", "very", "❤", "guys", "girl", "man"}
        core = " ".join(w for w in words if w not in fillers)
        return core in _GENERIC_EN
    return False


def classify(text: str) -> CommentLabel:
    """Label one comment on its own (repetition needs the whole sample: :func:`classify_many`)."""
    stripped = text.strip()
    if not stripped:
        return CommentLabel("emoji_only", "empty")
    if _is_emoji_only(stripped):
        return CommentLabel("emoji_only", "only emoji or symbols")
    folded = unicodedata.normalize("NFKC", stripped)
    if _PROMO.search(folded):
        return CommentLabel("promo", "pitch or self-promotion")
    norm = normalise(stripped)
    if not norm:
        return CommentLabel("emoji_only", "only emoji or symbols")
    if _stock_english(norm) or _stock_japanese(norm):
        return CommentLabel("generic", "stock praise that fits any post")
    return CommentLabel("genuine", "specific to the post")


def _short(norm: str) -> bool:
    cjk = sum(1 for ch in norm if ord(ch) >= 0x2E80)
    if cjk:
        return cjk <= REPEAT_MAX_CJK and len(norm.split()) <= REPEAT_MAX_WORDS
    return len(norm.split()) <= REPEAT_MAX_WORDS


def classify_many(texts: Sequence[str], *, repeat_min: int = REPEAT_MIN) -> list[CommentLabel]:
    """Label a sample; identical short texts (after :func:`normalise`) seen ``repeat_min`` times are generic."""
    labels = [classify(t) for t in texts]
    counts = Counter(normalise(t) for t in texts)
    out: list[CommentLabel] = []
    for text, lab in zip(texts, labels, strict=True):
        key = normalise(text)
        if lab.label == "genuine" and key and counts[key] >= repeat_min and _short(key):
            out.append(CommentLabel("generic", f"same text {counts[key]} times in the sample"))
        else:
            out.append(lab)
    return out


def label_counts(labels: Iterable[str]) -> dict[str, int]:
    """How many comments got each label (every label present, zeros included)."""
    counts = Counter(labels)
    return {label: counts.get(label, 0) for label in LABELS}
