"""Engine behaviour beyond verdicts: positions, bilingual messages and fixes, media rules, contexts."""

from __future__ import annotations

import pytest

from kizuna.compliance.engine import check
from kizuna.errors import ValidationFailed
from tests.compliance.test_captions import EN_BURIED, JP_BURIED


def test_json_shape_is_exact() -> None:
    body = check("Love this moisturizer #sp", jurisdiction="us").to_dict()
    assert set(body) == {"verdict", "findings"}
    assert body["verdict"] == "non_compliant"
    [finding] = body["findings"]
    assert list(finding) == ["code", "message", "position", "jurisdiction", "fix"]
    assert finding["code"] == "ambiguous_disclosure_only"
    assert finding["position"] == len("Love this moisturizer ")
    assert finding["jurisdiction"] == "us"


def test_positions_refer_to_the_text_as_written() -> None:
    text = "新作の美容液です。＃ｓｐ"
    finding = check(text, jurisdiction="jp").findings[0]
    assert finding.position == text.index("＃ｓｐ")
    assert "「＃ｓｐ」" in finding.message.ja


def test_detections_keep_the_original_spelling() -> None:
    result = check("ＰＲ　新作", jurisdiction="jp")
    [d] = result.detections
    assert (d.text, d.position, d.strength) == ("ＰＲ", 0, "clear")


def test_messages_and_fixes_are_bilingual_and_concrete() -> None:
    result = check("新作リップ使ってみた💄 @lumiere_jp #コスメ", jurisdiction="jp")
    [f] = result.findings
    assert f.code == "disclosure_missing"
    assert "景品表示法" in f.message.ja and "Premiums and Representations Act" in f.message.en
    # the fix shows the rewritten caption and names the brand from the @mention
    assert "例：「【PR】新作リップ使ってみた💄 @lumiere_jp #コスメ」" in f.fix.ja
    assert "@lumiere_jpから商品提供を受けて投稿しています。" in f.fix.ja
    assert "“【PR】新作リップ使ってみた💄 @lumiere_jp #コスメ”" in f.fix.en
    assert result.to_dict("ja")["findings"][0]["message"] == f.message.ja


def test_buried_finding_says_where_the_label_is_and_how_to_move_it() -> None:
    result = check(EN_BURIED, jurisdiction="us", platform="instagram")
    buried = next(f for f in result.findings if f.code == "disclosure_buried_in_hashtags")
    assert "hashtag 25 of 30" in buried.message.en
    assert "30個並んだハッシュタグの25番目" in buried.message.ja
    assert buried.position == EN_BURIED.index("#ad ")
    assert buried.fix.en.startswith("Take “#ad” out of the hashtag block")
    assert "“#ad Sunday reset" in buried.fix.en  # the preview puts the label first and drops it from the wall
    fold = next(f for f in result.findings if f.code == "disclosure_below_fold")
    assert "Instagram" in fold.message.en and "125 half-width characters or 3 lines" in fold.message.en
    assert "半角125文字分" in fold.message.ja


def test_japanese_buried_label() -> None:
    result = check(JP_BURIED, jurisdiction="jp", platform="instagram")
    buried = next(f for f in result.findings if f.code == "disclosure_buried_in_hashtags")
    assert "30個並んだハッシュタグの25番目" in buried.message.ja


def test_fold_counts_full_width_characters_double() -> None:
    # 62 kana (124 cells) then the label: past Instagram's 125-cell fold although only 66 code points
    text = "あ" * 62 + " #PR"
    assert len(text) < 125
    assert check(text, jurisdiction="jp", platform="instagram").codes == ["disclosure_below_fold"]
    assert check("a" * 60 + " #ad", jurisdiction="us", platform="instagram").verdict == "compliant"


def test_fold_rules_follow_the_platform() -> None:
    text = "x" * 200 + " #ad"
    assert check(text, jurisdiction="us", platform="instagram").codes == ["disclosure_below_fold"]
    assert check(text, jurisdiction="us", platform="x").verdict == "compliant"
    assert check(text, jurisdiction="us", platform="threads").verdict == "compliant"
    assert check(text, jurisdiction="us").codes == ["disclosure_below_fold"]  # unknown platform: strictest


def test_a_good_label_anywhere_wins_over_a_buried_copy() -> None:
    text = "#ad Loving it! #skincare #beauty #glow #selfcare #ad"
    assert check(text, jurisdiction="us", platform="instagram").verdict == "compliant"


def test_labels_inside_a_denial_do_not_count() -> None:
    result = check("Not sponsored! just love @brand", jurisdiction="us")
    assert result.detections == ()
    assert set(result.codes) == {"disclosure_missing", "disclosure_contradicted"}
    contradicted = next(f for f in result.findings if f.code == "disclosure_contradicted")
    assert contradicted.position == 0 and "“Not sponsored”" in contradicted.message.en


def test_violations_come_before_review_items() -> None:
    result = check("新作コスメでメイク💄 #sp", jurisdiction="jp", platform="tiktok")
    assert result.codes == ["ambiguous_disclosure_only", "video_disclosure_unverified"]


US_VIDEO = [
    (None, None, "needs_review", ["video_disclosure_unverified"]),
    (True, None, "needs_review", ["video_disclosure_partial"]),
    (None, True, "needs_review", ["video_disclosure_partial"]),
    (True, False, "needs_review", ["video_disclosure_partial"]),
    (True, True, "compliant", []),
    (False, None, "needs_review", ["video_disclosure_unverified"]),
    (False, False, "non_compliant", ["video_disclosure_missing"]),
]
JP_VIDEO = [
    (None, None, "needs_review", ["video_disclosure_unverified"]),
    (True, None, "compliant", []),
    (None, True, "compliant", []),
    (False, False, "needs_review", ["video_disclosure_missing"]),
]


@pytest.mark.parametrize(("spoken", "onscreen", "verdict", "codes"), US_VIDEO)
def test_us_video_needs_spoken_and_onscreen(
    spoken: bool | None, onscreen: bool | None, verdict: str, codes: list[str]
) -> None:
    result = check(
        "#ad my desk setup tour",
        jurisdiction="us",
        platform="youtube",
        has_spoken_disclosure=spoken,
        has_onscreen_disclosure=onscreen,
    )
    assert (result.verdict, result.codes) == (verdict, codes)


@pytest.mark.parametrize(("spoken", "onscreen", "verdict", "codes"), JP_VIDEO)
def test_jp_video_needs_spoken_or_onscreen(
    spoken: bool | None, onscreen: bool | None, verdict: str, codes: list[str]
) -> None:
    result = check(
        "【PR】デスクツアー",
        jurisdiction="jp",
        platform="youtube",
        has_spoken_disclosure=spoken,
        has_onscreen_disclosure=onscreen,
    )
    assert (result.verdict, result.codes) == (verdict, codes)


def test_media_type_overrides_the_platform_default() -> None:
    assert (
        check("#ad new look", jurisdiction="us", platform="tiktok", media_type="image").verdict == "compliant"
    )
    assert check("#ad new look", jurisdiction="us", platform="instagram").is_video is False
    reel = check("#ad new look", jurisdiction="us", platform="instagram", media_type="Reel")
    assert reel.is_video and reel.codes == ["video_disclosure_unverified"]
    # a media type that says nothing about motion keeps the platform default: a TikTok feed post is video
    assert check("#ad new look", jurisdiction="us", platform="tiktok", media_type="feed").is_video
    assert not check("#ad new look", jurisdiction="us", platform="instagram", media_type="feed").is_video


def test_a_verified_in_video_disclosure_settles_the_caption() -> None:
    result = check("new fave snack #sp", jurisdiction="jp", platform="tiktok", has_spoken_disclosure=True)
    assert result.verdict == "compliant"


def test_platform_tag_does_not_hide_a_good_caption_or_a_denial() -> None:
    assert check("#ad new look", jurisdiction="us", has_platform_disclosure=True).verdict == "compliant"
    denial = check("not sponsored lol", jurisdiction="us", has_platform_disclosure=True)
    assert set(denial.codes) == {"platform_label_only", "disclosure_contradicted"}


def test_brand_reuse_has_its_own_code_and_live_posts_say_edit_now() -> None:
    reuse = check("「3か月で5kg痩せました！」", jurisdiction="jp", platform="website", context="brand_reuse")
    assert reuse.codes == ["brand_reuse_label_missing"]
    assert "RIZAP" not in reuse.findings[0].message.en  # cases are cited in the guide, not in every message
    assert "転載" in reuse.findings[0].fix.ja
    live = check("今日のおやつ", jurisdiction="jp", context="live_post")
    assert live.findings[0].fix.ja.startswith("公開済みの投稿です。")
    assert live.findings[0].fix.en.startswith("The post is already live")
    draft = check("今日のおやつ", jurisdiction="jp", context="draft")
    assert not draft.findings[0].fix.ja.startswith("公開済み")


def test_customer_voice_framing_only_matters_for_brand_reuse() -> None:
    text = "【PR】お客様の声：とても使いやすいです"
    assert check(text, jurisdiction="jp").verdict == "compliant"
    reuse = check(text, jurisdiction="jp", context="brand_reuse")
    assert reuse.codes == ["disclosure_contradiction_suspected"]


def test_unknown_context_is_rejected() -> None:
    with pytest.raises(ValidationFailed) as err:
        check("#ad", jurisdiction="us", context="tweet")  # type: ignore[arg-type]
    assert err.value.code == "compliance_unknown_context"


def test_empty_text_is_simply_undisclosed() -> None:
    assert check("", jurisdiction="us").codes == ["disclosure_missing"]
    assert check("   \n ", jurisdiction="jp").codes == ["disclosure_missing"]


def test_a_misplaced_disclosure_sentence_is_quoted_and_moved_whole() -> None:
    story = (
        "今日は久しぶりに家族で箱根へ。朝早く出発して、まずは大涌谷で黒たまごを食べて、そのあと芦ノ湖の遊覧船に"
        "乗りました。紅葉がちょうど見頃で本当にきれいでした。"
    )
    sentence = "箱根観光協会から宿泊の提供を受けて投稿しています。"
    text = story + sentence + "また来たい！"
    [f] = check(text, jurisdiction="jp", platform="instagram").findings
    assert f.code == "disclosure_below_fold"
    assert f.position == text.index(sentence)
    assert f"広告表示「{sentence}」" in f.message.ja
    assert f"例：「{sentence}今日は久しぶりに" in f.fix.ja
    assert sentence not in f.fix.ja.split("例：")[1][len(sentence) :]


def test_weak_sentences_are_quoted_whole() -> None:
    [f] = check("〇〇さんにご招待いただき、新作発表会へ行ってきました", jurisdiction="jp").findings
    assert f.code == "disclosure_unclear_wording"
    assert f.position == 0
    assert "「〇〇さんにご招待いただき、新作発表会へ行ってきました」" in f.message.ja
