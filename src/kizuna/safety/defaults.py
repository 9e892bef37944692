"""The categories a workspace starts with (editable on the brand-safety page).

Terms are deliberately conservative: each is a word a brand would want to see in context before working with a
creator, not an automatic rejection. Japanese ``exceptions`` list common harmless words that contain a term
(ドラッグストア is a chemist's, 賭け is in 賭け事 but also in 命を賭けて...), so the hit inside them is dropped.
"Competitor brands" starts empty: only the workspace knows its competitors.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DefaultCategory:
    key: str
    name: str
    name_ja: str
    terms: tuple[str, ...]
    exceptions: tuple[str, ...] = ()


DEFAULT_CATEGORIES: tuple[DefaultCategory, ...] = (
    DefaultCategory(
        "violence",
        "Violence",
        "暴力",
        (
            "kill", "murder", "shooting", "gun", "guns", "gore", "massacre", "stabbing", "terrorist", "assault",
            "殺す", "殺害", "殺人", "暴力", "銃撃", "刺殺", "テロ", "虐殺", "流血",
        ),
        ("テロップ", "テロワール"),
    ),
    DefaultCategory(
        "adult",
        "Adult content",
        "アダルト",
        ("porn", "nsfw", "xxx", "sex", "onlyfans", "nude", "nudes", "escort", "18+",
         "アダルト", "エロ", "ポルノ", "風俗", "パパ活", "裏垢", "AV女優"),
        ("エロール", "エロイカ", "ヘアエロン"),
    ),
    DefaultCategory(
        "drugs",
        "Drugs",
        "薬物",
        ("cocaine", "heroin", "meth", "weed", "cannabis", "marijuana", "mdma", "lsd", "drug dealer",
         "大麻", "覚醒剤", "覚せい剤", "麻薬", "コカイン", "ヘロイン", "マリファナ", "ドラッグ", "危険ドラッグ"),
        ("ドラッグストア", "ドラッグストアー", "ドラッグ&ドロップ", "ドラッグアンドドロップ", "大麻生"),
    ),
    DefaultCategory(
        "gambling",
        "Gambling",
        "ギャンブル",
        ("casino", "gambling", "betting", "bet365", "poker", "slots", "sportsbook", "jackpot",
         "カジノ", "ギャンブル", "オンカジ", "パチンコ", "パチスロ", "スロット", "競馬予想", "賭博", "賭け"),
        ("命を賭け", "人生を賭け"),
    ),
    DefaultCategory(
        "politics",
        "Politics",
        "政治",
        ("election", "vote for", "democrat", "republican", "campaign rally", "protest", "propaganda",
         "選挙", "投票", "政党", "自民党", "立憲民主党", "公明党", "共産党", "維新", "デモ行進", "政権"),
        ("デモンストレーション", "デモ動画", "デモ版", "明治維新"),
    ),
    DefaultCategory("competitors", "Competitor brands", "競合ブランド", ()),
)  # fmt: skip
