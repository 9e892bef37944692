"""The ja/en comment classifier: stock praise, emoji-only, pitches, repetition, and real comments left alone."""

from __future__ import annotations

import pytest

from kizuna.audience.comments import classify, classify_many, label_counts


@pytest.mark.parametrize(
    "text",
    [
        "Nice pic!",
        "nice pic bro",
        "Great post 🔥",
        "Love this ❤️",
        "Amazing content!!",
        "wow",
        "So cute!",
        "Awesome",
    ],
)
def test_english_stock_praise_is_generic(text: str) -> None:
    assert classify(text).label == "generic"


@pytest.mark.parametrize(
    "text",
    [
        "素敵です！",
        "素敵✨",
        "かわいい〜！",
        "めっちゃかわいい",
        "最高です",
        "すごいですね！",
        "おしゃれ",
        "可愛すぎる",
    ],
)
def test_japanese_stock_praise_is_generic(text: str) -> None:
    assert classify(text).label == "generic"


@pytest.mark.parametrize("text", ["🔥🔥", "❤️❤️", "👏👏👏", "😍😍😍", "💯", " 🙌 ", "!!!"])
def test_emoji_only(text: str) -> None:
    assert classify(text).label == "emoji_only"


@pytest.mark.parametrize(
    "text",
    [
        "DM for collab 💌",
        "Nice! DM us for a collab",
        "Check my profile for free followers",
        "Promote it on @growthpage",
        "send your pics to @featurehub",
        "follow back?",
        "プロフ見てね！",
        "相互フォローしましょう",
        "DMください🙏",
    ],
)
def test_pitches_are_promo(text: str) -> None:
    assert classify(text).label == "promo"


@pytest.mark.parametrize(
    "text",
    [
        "Which shade is that?",
        "Where is this from?",
        "Love how honest your reviews are",
        "How long did it last?",
        "どこのお店ですか？",
        "使用感どうですか？",
        "この色かわいい〜！",
        "めっちゃ参考になります！",
        "素敵なお店ですね、今度の週末に行ってみます",
        "Nice pic of the Kyoto station at night, what lens?",
    ],
)
def test_comments_about_the_post_are_genuine(text: str) -> None:
    assert classify(text).label == "genuine"


def test_the_same_short_text_three_times_is_generic_even_when_it_looks_real() -> None:
    texts = ["Perfect for summer", "Perfect for summer!", "perfect for SUMMER", "Which shade?"]
    texts += ["夏っぽい", "夏っぽい", "夏っぽい！"]
    labels = classify_many(texts)
    assert [lab.label for lab in labels] == ["generic"] * 3 + ["genuine"] + ["generic"] * 3
    assert "3 times" in labels[0].reason
    assert label_counts(lab.label for lab in labels) == {
        "genuine": 1,
        "generic": 6,
        "emoji_only": 0,
        "promo": 0,
    }


def test_repeated_long_sentences_stay_genuine() -> None:
    # different people do ask the same specific question under different posts
    labels = classify_many(
        ["Where did you get that jacket?"] * 4 + ["今度のイベントはどこでやりますか？"] * 3
    )
    assert {lab.label for lab in labels} == {"genuine"}


def test_synthetic_generic_pool_is_all_bot_like() -> None:
    from kizuna.synthetic._vocab import COMMENTS_EN, COMMENTS_GENERIC, COMMENTS_JA

    assert all(classify(t).bot_like for t in COMMENTS_GENERIC)
    assert sum(classify(t).bot_like for t in COMMENTS_JA + COMMENTS_EN) <= 1
