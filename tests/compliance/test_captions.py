"""A corpus of realistic sponsored captions, each with the verdict and exact finding codes expected.

Every case is a sponsored post (that is what the engine assumes). The traps from issue 6 are here: PR inside
PRODUCT, #adventure, full-width ＰＲ, 【PR】, a label as the 25th of 30 hashtags, "Ad-free", a label after the
fold, ambiguous tags alone, "Paid partnership with Brand", 「〇〇様から商品をご提供いただきました」, video
without a spoken disclosure and brand reuse without a label.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from kizuna.compliance.engine import check


@dataclass(frozen=True)
class Case:
    id: str
    jurisdiction: str
    text: str
    verdict: str
    codes: frozenset[str]
    platform: str | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)


def case(
    id: str,
    jurisdiction: str,
    text: str,
    verdict: str,
    *codes: str,
    platform: str | None = None,
    **kwargs: Any,
) -> Case:
    return Case(id, jurisdiction, text, verdict, frozenset(codes), platform, kwargs)


OK, BAD, REVIEW = "compliant", "non_compliant", "needs_review"

JP_TAGS_30 = [
    "#コスメ",
    "#スキンケア",
    "#美容",
    "#美容好き",
    "#コスメ好きさんと繋がりたい",
    "#メイク",
    "#プチプラ",
    "#デパコス",
    "#新作コスメ",
    "#美肌",
    "#保湿",
    "#乾燥肌",
    "#敏感肌",
    "#化粧水",
    "#美容液",
    "#クレンジング",
    "#ベースメイク",
    "#ツヤ肌",
    "#毛穴ケア",
    "#エイジングケア",
    "#韓国コスメ",
    "#購入品",
    "#愛用品",
    "#垢抜け",
]
JP_TAGS_AFTER = ["#冬コスメ", "#今日のメイク", "#メイク好き", "#美容垢", "#コスメレビュー"]
JP_BURIED = (
    "冬の乾燥対策に、最近ずっとこの美容液を使っています。朝晩2プッシュで、翌朝のもちもち感が全然違う！\n.\n.\n"
    + " ".join([*JP_TAGS_30, "#PR", *JP_TAGS_AFTER])
)
EN_TAGS_24 = [
    "#skincare",
    "#skincareroutine",
    "#glowingskin",
    "#selfcare",
    "#beauty",
    "#cleanbeauty",
    "#skincaretips",
    "#serum",
    "#vitaminc",
    "#hydration",
    "#morningroutine",
    "#nightroutine",
    "#acne",
    "#antiaging",
    "#spf",
    "#dewy",
    "#glow",
    "#beautyblogger",
    "#skincarejunkie",
    "#skintok",
    "#healthyskin",
    "#moisturizer",
    "#facecare",
    "#beautytips",
]
EN_BURIED = (
    "Sunday reset ☀️ Been using this vitamin C serum every morning for a month and my skin has never looked "
    "better. Full routine below!\n\n"
    + " ".join([*EN_TAGS_24, "#ad", "#makeup", "#bblogger", "#selflove", "#spa", "#routine"])
)
JP_LONG = (
    "今日は久しぶりに家族で箱根へ。朝早く出発して、まずは大涌谷で黒たまごを食べて、そのあと芦ノ湖の遊覧船に"
    "乗りました。紅葉がちょうど見頃で本当にきれいでした。夜は旅館の露天風呂でのんびり。子どもたちも大喜びで、"
    "また来年も来ようねと話しています。 #PR"
)
EN_LONG = (
    "Here is my full morning routine, step by step: first a gentle gel cleanser, then a hydrating toner, then "
    "two pumps of serum, a pea-sized amount of moisturizer and finally SPF 50, even on cloudy days. "
    "It takes five minutes! #ad"
)

CASES = [
    # ---------------------------------------------------------------- Japan: clear and well placed
    case(
        "jp_bracket_pr",
        "jp",
        "【PR】資生堂さんの新作美容液を2週間使ってみました✨ しっとりするのにベタつかない！ #スキンケア #美容液",
        OK,
    ),
    case("jp_hash_pr_first", "jp", "#PR 新作のリップ、発色がすごく良い💄 @brand_jp #コスメ #リップ", OK),
    case("jp_fullwidth_pr_pipe", "jp", "ＰＲ｜話題のプロテインを1か月試してみた結果…", OK),
    case("jp_fullwidth_hash_pr", "jp", "＃ＰＲ　ずっと気になっていたドライヤー、ついに使ってみました", OK),
    case("jp_kagikakko_pr", "jp", "「PR」今日は@cafe_brandさんの新メニューをいただきました☕", OK),
    case("jp_square_bracket_pr", "jp", "[PR] 北海道旅行2日目！星野リゾートさんに泊まりました", OK),
    case("jp_fullwidth_square_bracket", "jp", "［ＰＲ］冬季限定のチョコレート、今年も美味しい🍫", OK),
    case("jp_lowercase_hash_pr", "jp", "#pr 新しいヘアオイル、香りが本当に好き", OK),
    case("jp_koukoku_pipe", "jp", "広告｜このワンピース、丈感がちょうどいい👗 #プチプラコーデ", OK),
    case("jp_koukoku_sentence", "jp", "この投稿は広告です。新しいスニーカーを履いて街歩き👟", OK),
    case("jp_koukoku_anken", "jp", "広告案件です🙏 新しいスマホで夜景を撮ってみました📱", OK),
    case(
        "jp_provided_sentence",
        "jp",
        "〇〇株式会社から商品提供を受けて投稿しています。毎朝このスムージーを飲んでいます🥤",
        OK,
    ),
    case(
        "jp_gotenkyou_itadaki",
        "jp",
        "コスメブランドLumière様から商品をご提供いただきました。正直な感想をレビューします！",
        OK,
    ),
    case(
        "jp_irai_sentence",
        "jp",
        "@sunnyfoods_jp に依頼されて投稿しています🍳 フライパン一つで作れるレシピ",
        OK,
    ),
    case("jp_irai_ukete", "jp", "株式会社ミドリからのご依頼で、新しい観葉植物の育て方を紹介します🌿", OK),
    case("jp_tieup_post", "jp", "タイアップ投稿です。@travel_jp と一緒に箱根の魅力を紹介します♨️", OK),
    case("jp_promotion_sentence", "jp", "プロモーションを含みます。新しいゲームアプリ、ハマってます🎮", OK),
    case("jp_teikyou_bracket", "jp", "【提供：ABCスポーツ】新作ランニングシューズで10km走ってきました", OK),
    case("jp_teikyou_heading", "jp", "提供：株式会社サンプル\n今日は話題のお掃除ロボットをご紹介🤖", OK),
    case("jp_hash_tieup", "jp", "#タイアップ 秋の新作スイーツを食べ比べ🍰", OK),
    case("jp_hash_promotion", "jp", "#プロモーション 冬限定のラテを飲んできた☕", OK),
    case("jp_brand_pr_tag", "jp", "#資生堂PR 新しいファンデでツヤ肌に✨", OK),
    case("jp_pr_toukou_tag", "jp", "#PR投稿 今日のランチは新しくできたイタリアン🍝", OK),
    case("jp_senden", "jp", "宣伝です！来週のポップアップストア、ぜひ来てね🛍", OK),
    case("jp_housyuu", "jp", "報酬をいただいて投稿しています。新しい家計簿アプリを1か月使ってみました", OK),
    case("jp_halfwidth_katakana", "jp", "ﾌﾟﾛﾓｰｼｮﾝ です。新作のスマホゲームを遊んでみた", OK),
    case("jp_zero_width_inside_tag", "jp", "#P\u200bR 新作のボディクリーム", OK),
    case(
        "jp_pr_first_of_many_tags",
        "jp",
        "#PR #コスメ #リップ #メイク #新作 #プチプラ\n新作リップ、ずっと使いたい色",
        OK,
    ),
    case("jp_x_pr_colon", "jp", "PR：新作ゲーム、今日から配信開始！みんなで遊ぼう", OK, platform="x"),
    case(
        "jp_reuse_labelled",
        "jp",
        "【PR】@fit_yuki さんの投稿（当社が依頼したタイアップ投稿です）「3か月で5kg痩せました！」",
        OK,
        platform="website",
        context="brand_reuse",
    ),
    # ---------------------------------------------------------------- Japan: words that are not labels
    case(
        "jp_missing",
        "jp",
        "新作リップ使ってみた💄 発色が最高！ #コスメ #リップ #新作コスメ",
        BAD,
        "disclosure_missing",
    ),
    case(
        "jp_pr_inside_product",
        "jp",
        "PRODUCT REVIEW: 新しいイヤホンの音質チェック🎧",
        BAD,
        "disclosure_missing",
    ),
    case(
        "jp_pr_inside_price",
        "jp",
        "PRICE改定前に買えてよかった！このドライヤー最高",
        BAD,
        "disclosure_missing",
    ),
    case(
        "jp_koukoku_dairiten",
        "jp",
        "広告代理店で働いています。仕事帰りに見つけた、このバームが優秀すぎる",
        BAD,
        "disclosure_missing",
    ),
    case(
        "jp_jiko_pr",
        "jp",
        "自己PRが苦手な私でも、このアイシャドウなら自信が持てる💜",
        BAD,
        "disclosure_missing",
    ),
    case(
        "jp_jiko_pr_tag",
        "jp",
        "#自己PR 就活頑張ってます。このスーツ、着心地が良い",
        BAD,
        "disclosure_missing",
    ),
    case(
        "jp_sns_koukoku", "jp", "SNS広告で見て気になっていた美容液を使ってみた！", BAD, "disclosure_missing"
    ),
    case(
        "jp_koukoku_nashi", "jp", "広告なしで観られるプランに変えた📺 快適すぎる", BAD, "disclosure_missing"
    ),
    case(
        "jp_drama_tieup_song",
        "jp",
        "ドラマのタイアップ曲が決定しました🎵 ぜひ聴いてね",
        BAD,
        "disclosure_missing",
    ),
    case("jp_pr_times", "jp", "PR TIMESで新商品のリリースが出ました！ぜひ見てね", BAD, "disclosure_missing"),
    case(
        "jp_teikyou_verb",
        "jp",
        "このお店は季節の食材を使った料理を提供しています🍽",
        BAD,
        "disclosure_missing",
    ),
    # ---------------------------------------------------------------- Japan: ambiguous, weak
    case("jp_sp_only", "jp", "最近ハマってるカフェ☕ #カフェ巡り #sp", BAD, "ambiguous_disclosure_only"),
    case("jp_collabo_anken", "jp", "新作のパーカー👕 #コラボ #案件", BAD, "ambiguous_disclosure_only"),
    case(
        "jp_ambassador_only", "jp", "#アンバサダー 今月も愛用中のシャンプー", BAD, "ambiguous_disclosure_only"
    ),
    case("jp_english_ad_only", "jp", "#ad 新作リップ💄 お気に入りの色", REVIEW, "disclosure_unclear_wording"),
    case(
        "jp_sponsored_by_en",
        "jp",
        "Sponsored by Lumière 新作リップの色が可愛い",
        REVIEW,
        "disclosure_unclear_wording",
    ),
    case("jp_monitor", "jp", "#モニター 美顔器を2週間お試し中", REVIEW, "disclosure_unclear_wording"),
    case(
        "jp_invited",
        "jp",
        "〇〇さんにご招待いただき、新作発表会へ行ってきました",
        REVIEW,
        "disclosure_unclear_wording",
    ),
    case(
        "jp_brand_ambassador_tag",
        "jp",
        "#ルミエールアンバサダー 今月の新作を一足先に",
        REVIEW,
        "disclosure_unclear_wording",
    ),
    # ---------------------------------------------------------------- Japan: placement
    case(
        "jp_25th_of_30_hashtags",
        "jp",
        JP_BURIED,
        BAD,
        "disclosure_below_fold",
        "disclosure_buried_in_hashtags",
        platform="instagram",
    ),
    case(
        "jp_buried_short",
        "jp",
        "新作リップ💄 #コスメ #リップ #メイク #新作 #PR #プチプラ",
        BAD,
        "disclosure_buried_in_hashtags",
        platform="instagram",
    ),
    case("jp_after_fold_chars", "jp", JP_LONG, BAD, "disclosure_below_fold", platform="instagram"),
    case(
        "jp_after_fold_lines",
        "jp",
        "今日のコーデ👗\n\nトップス：UNIQLO\nパンツ：GU\n\n#PR",
        BAD,
        "disclosure_below_fold",
        platform="instagram",
    ),
    case("jp_long_ok_on_blog_top", "jp", "【PR】" + JP_LONG.replace(" #PR", ""), OK, platform="blog"),
    # ---------------------------------------------------------------- Japan: contradictions
    case(
        "jp_third_party_opinion",
        "jp",
        "【PR】これは第三者としての感想です。本当に良かった！",
        BAD,
        "disclosure_contradicted",
    ),
    case(
        "jp_not_pr",
        "jp",
        "PRではありません！自分で買ったお気に入り",
        BAD,
        "disclosure_missing",
        "disclosure_contradicted",
        "disclosure_contradiction_suspected",
    ),
    case(
        "jp_self_purchase",
        "jp",
        "【PR】自腹で買ったものも混ざっています",
        REVIEW,
        "disclosure_contradiction_suspected",
    ),
    case(
        "jp_no_relation",
        "jp",
        "#PR 企業とは一切関係ありません。純粋におすすめ",
        BAD,
        "disclosure_contradicted",
    ),
    # ---------------------------------------------------------------- Japan: video, platform tag, brand reuse
    case(
        "jp_tiktok_unverified",
        "jp",
        "【PR】新作コスメでメイク💄",
        REVIEW,
        "video_disclosure_unverified",
        platform="tiktok",
    ),
    case(
        "jp_youtube_spoken",
        "jp",
        "【PR】新作ゲームを実況プレイ！",
        OK,
        platform="youtube",
        has_spoken_disclosure=True,
    ),
    case(
        "jp_tiktok_no_video_disclosure",
        "jp",
        "【PR】新作コスメでメイク💄",
        REVIEW,
        "video_disclosure_missing",
        platform="tiktok",
        has_spoken_disclosure=False,
        has_onscreen_disclosure=False,
    ),
    case(
        "jp_reel_onscreen_only",
        "jp",
        "秋の新作コスメでメイクしてみた",
        OK,
        platform="instagram",
        media_type="reel",
        has_onscreen_disclosure=True,
    ),
    case(
        "jp_reel_no_caption_label",
        "jp",
        "秋の新作コスメでメイクしてみた",
        BAD,
        "disclosure_missing",
        "video_disclosure_unverified",
        platform="instagram",
        media_type="reel",
    ),
    case(
        "jp_platform_tag_only",
        "jp",
        "秋の新作コスメ🍂 お気に入りの色",
        REVIEW,
        "platform_label_only",
        platform="instagram",
        has_platform_disclosure=True,
    ),
    case(
        "jp_brand_reuse_customer_voice",
        "jp",
        "お客様の声：「このジムに通って3か月で5kg痩せました！」",
        BAD,
        "brand_reuse_label_missing",
        "disclosure_contradiction_suspected",
        platform="website",
        context="brand_reuse",
    ),
    case(
        "jp_live_post_missing",
        "jp",
        "今日のおやつ🍩 新作ドーナツ",
        BAD,
        "disclosure_missing",
        context="live_post",
    ),
    # ---------------------------------------------------------------- US: clear
    case(
        "us_hash_ad", "us", "#ad Loving my new running shoes from @stride! Use code RUN20 for 20% off 🏃", OK
    ),
    case(
        "us_ad_colon",
        "us",
        "Ad: I've been using @glowlab's vitamin C serum for 3 weeks and my skin is glowing ✨",
        OK,
    ),
    case("us_ad_pipe_caps", "us", "AD | Our weekend at @coastalresort was everything 🌊", OK),
    case("us_sponsored_colon", "us", "Sponsored: Trying the new @brewco cold brew ☕", OK),
    case("us_paid_partnership_with", "us", "Paid partnership with @nike — these kicks are unreal", OK),
    case(
        "us_thanks_for_sponsoring", "us", "Thanks to @audible for sponsoring today's post! Link in bio 🎧", OK
    ),
    case(
        "us_post_sponsored_by",
        "us",
        "This post is sponsored by @nordvpn. Stay safe online!",
        OK,
        platform="instagram",
    ),
    case("us_free_from", "us", "I received this blender free from @blendpro — here's my honest review", OK),
    case("us_hash_sponsored", "us", "#sponsored Morning routine with @oatlyus 🥛", OK),
    case("us_bracket_ad", "us", "[Ad] New drop from @urbanthreads", OK),
    case("us_fullwidth_hash_ad", "us", "＃ａｄ New lipstick shade from @brand 💋", OK),
    case(
        "us_i_was_paid", "us", "I was paid by @budgetly to try their app for a month. Here's what I saved", OK
    ),
    case("us_this_is_an_ad", "us", "This post is an ad for @brand. Here's why I love their new blender", OK),
    case("us_ad_dash", "us", "AD - New collab with @brand dropping Friday", OK),
    case(
        "us_ad_first_of_tags",
        "us",
        "#ad #skincare #beauty #glow #selfcare Loving this new cleanser!",
        OK,
        platform="instagram",
    ),
    case(
        "us_tiktok_both_verified",
        "us",
        "new fave snack 🍿",
        OK,
        platform="tiktok",
        has_spoken_disclosure=True,
        has_onscreen_disclosure=True,
    ),
    case(
        "us_reuse_labelled",
        "us",
        "Ad: paid partnership content from @jess.glow, reposted with permission",
        OK,
        platform="website",
        context="brand_reuse",
    ),
    # ---------------------------------------------------------------- US: not labels
    case(
        "us_adventure",
        "us",
        "Off on a new #adventure with the fam 🏔 #travel #hiking",
        BAD,
        "disclosure_missing",
    ),
    case(
        "us_adidas", "us", "Obsessed with my new @adidas sneakers #adidas #running", BAD, "disclosure_missing"
    ),
    case(
        "us_ad_free",
        "us",
        "Ad-free streaming is the best upgrade I made this year 📺",
        BAD,
        "disclosure_missing",
    ),
    case(
        "us_ad_free_thanks_brand",
        "us",
        "Ad-free streaming is the best thing I did this year. Thanks @streamly!",
        BAD,
        "ambiguous_disclosure_only",
    ),
    case(
        "us_headache_product",
        "us",
        "No more headaches since I started this PRODUCT 🙌 #wellness",
        BAD,
        "disclosure_missing",
    ),
    case(
        "us_price_drop",
        "us",
        "PRICE DROP! My favorite headphones are 30% off today 🎧",
        BAD,
        "disclosure_missing",
    ),
    case("us_saw_an_ad", "us", "I saw an ad for this bag and had to get it 👜", BAD, "disclosure_missing"),
    case(
        "us_pr_personal_record",
        "us",
        "New deadlift PR today 💪 fueled by @musclefuel",
        BAD,
        "disclosure_missing",
    ),
    # ---------------------------------------------------------------- US: ambiguous and weak
    case("us_sp", "us", "Love this moisturizer #sp", BAD, "ambiguous_disclosure_only"),
    case("us_spon_collab", "us", "Weekend vibes with @brand #spon #collab", BAD, "ambiguous_disclosure_only"),
    case(
        "us_thanks_tag", "us", "Thank you @brand for these goodies! #thanks", BAD, "ambiguous_disclosure_only"
    ),
    case(
        "us_partner_ambassador",
        "us",
        "New season, new look #partner #ambassador",
        BAD,
        "ambiguous_disclosure_only",
    ),
    case("us_brand_partner_tag", "us", "Love these! #NikePartner", REVIEW, "disclosure_unclear_wording"),
    case(
        "us_gifted",
        "us",
        "#gifted Thanks @glossier for the surprise package 💕",
        REVIEW,
        "disclosure_unclear_wording",
    ),
    case(
        "us_in_partnership",
        "us",
        "In partnership with @brand, here's my weekend reset",
        REVIEW,
        "disclosure_unclear_wording",
    ),
    case(
        "us_affiliate_link",
        "us",
        "Shop my look with my affiliate link in bio",
        REVIEW,
        "disclosure_unclear_wording",
    ),
    # ---------------------------------------------------------------- US: placement
    case(
        "us_25th_of_30_hashtags",
        "us",
        EN_BURIED,
        BAD,
        "disclosure_below_fold",
        "disclosure_buried_in_hashtags",
        platform="instagram",
    ),
    case("us_after_fold", "us", EN_LONG, BAD, "disclosure_below_fold", platform="instagram"),
    case(
        "us_buried_short",
        "us",
        "Loving it! #skincare #beauty #glow #selfcare #ad",
        BAD,
        "disclosure_buried_in_hashtags",
        platform="instagram",
    ),
    case(
        "us_x_long_post",
        "us",
        EN_LONG.replace(" #ad", "") + " " + EN_LONG,
        BAD,
        "disclosure_below_fold",
        platform="x",
    ),
    case("us_x_short_end_ok", "us", "Finally tried the new @brewco cold brew and wow. #ad", OK, platform="x"),
    # ---------------------------------------------------------------- US: contradictions
    case(
        "us_not_sponsored_with_ad",
        "us",
        "Not sponsored, I just love this brand!! #ad",
        BAD,
        "disclosure_contradicted",
    ),
    case(
        "us_this_isnt_an_ad",
        "us",
        "This isn't an ad, I just really love @brand",
        BAD,
        "disclosure_missing",
        "disclosure_contradicted",
    ),
    case(
        "us_notsponsored_tag",
        "us",
        "#notsponsored just obsessed with @brand",
        BAD,
        "disclosure_missing",
        "disclosure_contradicted",
    ),
    case(
        "us_bought_myself",
        "us",
        "#ad I bought this myself with my own money",
        REVIEW,
        "disclosure_contradiction_suspected",
    ),
    # ---------------------------------------------------------------- US: video, platform tag, brand reuse
    case(
        "us_youtube_unverified",
        "us",
        "Sponsored by @squarespace — build your site today",
        REVIEW,
        "video_disclosure_unverified",
        platform="youtube",
    ),
    case(
        "us_tiktok_spoken_only",
        "us",
        "#ad new fave snack 🍿",
        REVIEW,
        "video_disclosure_partial",
        platform="tiktok",
        has_spoken_disclosure=True,
    ),
    case(
        "us_tiktok_no_video_disclosure",
        "us",
        "#ad new fave snack 🍿",
        BAD,
        "video_disclosure_missing",
        platform="tiktok",
        has_spoken_disclosure=False,
        has_onscreen_disclosure=False,
    ),
    case(
        "us_reuse_real_customer",
        "us",
        "“This serum changed my skin!” — @jess.glow, real customer",
        BAD,
        "brand_reuse_label_missing",
        "disclosure_contradiction_suspected",
        platform="website",
        context="brand_reuse",
    ),
    case(
        "us_platform_tag_only",
        "us",
        "Summer essentials ☀️",
        REVIEW,
        "platform_label_only",
        platform="instagram",
        has_platform_disclosure=True,
    ),
    # ---------------------------------------------------------------- edge cases found while reviewing
    case("us_sponsored_exclaim", "us", "Sponsored! Trying the new @brewco cold brew", OK),
    case("us_ad_year", "us", "AD 2024 was a great year for my garden 🌱", BAD, "disclosure_missing"),
    case(
        "us_not_sponsored_by_anyone",
        "us",
        "I'm not sponsored by anyone, I just love it",
        BAD,
        "disclosure_missing",
        "disclosure_contradicted",
    ),
    case("jp_shibutsu_ok", "jp", "【PR】今日のコーデ、バッグは私物です", OK),
    case(
        "jp_restaurant_teikyou",
        "jp",
        "友達から教えてもらったお店で、料理を提供していただきました",
        BAD,
        "disclosure_missing",
    ),
    case(
        "jp_pr_janai_tag",
        "jp",
        "#PRじゃないよ 本当に好き",
        BAD,
        "disclosure_missing",
        "disclosure_contradicted",
    ),
    case("jp_kome_pr", "jp", "※PR 新作のリップ", OK),
    case("jp_hash_pr_desu_no_space", "jp", "#PRです。新作リップの色が可愛すぎる", OK),
    case("jp_koukoku_wo_dashita", "jp", "広告を出しました！新しいお店の告知です", BAD, "disclosure_missing"),
    # ---------------------------------------------------------------- UK (ASA)
    case("uk_hash_ad", "uk", "#ad Loving my new trainers from @brand", OK),
    case("uk_advert_colon", "uk", "Advert: my weekend away at @countryhotel 🌿", OK),
    case(
        "uk_advertisement_feature", "uk", "Advertisement feature: our guide to autumn knits with @brand", OK
    ),
    case(
        "uk_sponsored_not_enough",
        "uk",
        "#sponsored autumn skincare haul 🍂",
        BAD,
        "ambiguous_disclosure_only",
    ),
    case("uk_pr_package_gifted", "uk", "PR package from @brand 💝 #gifted", BAD, "ambiguous_disclosure_only"),
    case(
        "uk_thanks_making_possible",
        "uk",
        "Thanks to @brand for making this trip possible #collab",
        BAD,
        "ambiguous_disclosure_only",
    ),
    case(
        "uk_paid_partnership_weak",
        "uk",
        "Paid partnership with @brand — autumn edit",
        REVIEW,
        "disclosure_unclear_wording",
    ),
    # ---------------------------------------------------------------- India (ASCI)
    case("in_hash_ad", "in", "#ad My skincare routine with @brand", OK),
    case("in_collaboration", "in", "#collaboration with @brand for Diwali 🪔", OK),
    case("in_collab_short_weak", "in", "Love this! #collab", REVIEW, "disclosure_unclear_wording"),
    case("in_hindi_vigyapan", "in", "#विज्ञापन नई लिपस्टिक @brand", OK),
    case(
        "in_third_line",
        "in",
        "Festive look ✨\nwith @brand\n#ad",
        BAD,
        "disclosure_not_in_first_lines",
        platform="instagram",
    ),
    case("in_free_gift", "in", "Free gift from @brand, loving it", OK),
    case("in_sp", "in", "#sp new shoes for the season", BAD, "ambiguous_disclosure_only"),
    case("in_paid_promotion", "in", "Paid promotion: @brand's new phone camera is wild 📸", OK),
]


def test_corpus_is_large_and_bilingual() -> None:
    assert len(CASES) >= 80
    assert len({c.id for c in CASES}) == len(CASES)
    assert sum(c.jurisdiction == "jp" for c in CASES) >= 40
    assert sum(c.jurisdiction != "jp" for c in CASES) >= 40


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_caption(c: Case) -> None:
    result = check(c.text, jurisdiction=c.jurisdiction, platform=c.platform, **c.kwargs)
    assert (result.verdict, set(result.codes)) == (c.verdict, set(c.codes)), [
        (d.rule_id, d.strength, d.text, d.position) for d in result.detections
    ]
