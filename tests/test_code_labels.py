"""Language, country, stage and tier codes read as words in the reader's language; unknown codes pass through."""

from __future__ import annotations

from types import SimpleNamespace

from kizuna.kit.labels import country_label, language_label, stage_label
from kizuna.web import i18n
from kizuna.web.templating import env


def test_languages_the_importer_and_the_synthetic_data_write_have_names() -> None:
    from kizuna.synthetic._vocab import LOCALES

    for _country, lang, *_rest in LOCALES:
        for locale in ("en", "ja"):
            assert language_label(lang, locale) != lang, (lang, locale)
    assert language_label("ja", "ja") == "日本語" and language_label("ja") == "Japanese"
    assert language_label("en", "ja") == "英語" and language_label("ko", "ja") == "韓国語"
    assert language_label("zh", "ja") == "中国語" and language_label("zh-TW") == "Chinese (Taiwan)"
    assert language_label("ZH_hk", "ja") == "中国語（香港）"
    assert language_label("th", "ja") == "タイ語"


def test_other_language_codes_come_from_cldr_and_unknown_ones_stay() -> None:
    assert language_label("sv", "ja") == "スウェーデン語" and language_label("sv") == "Swedish"
    assert language_label("es-MX") == "Spanish (Mexico)"
    assert language_label("klingon", "ja") == "klingon"
    assert language_label("日本語", "en") == "日本語"  # a name typed into an import file
    assert language_label(None) == ""


def test_country_codes_read_as_country_names() -> None:
    assert country_label("JP", "ja") == "日本" and country_label("jp") == "Japan"
    assert country_label("HK", "ja") == "香港" and country_label("HK") == "Hong Kong"
    assert country_label("XQ") == "XQ" and country_label("Japan") == "Japan" and country_label(None) == ""


def test_stages_read_as_words_in_both_languages() -> None:
    assert stage_label("content") == "Creating content" and stage_label("content", "ja") == "制作中"
    assert stage_label("prospect") == "Prospect" and stage_label("prospect", "ja") == "候補"
    assert stage_label("someday") == "someday"


def test_filters_follow_the_request_locale_and_the_workspace_tier_scheme() -> None:
    template = env.from_string(
        '{{ langs|map("language")|join(", ") }} / {{ c|country }} / {{ s|stage }} / {{ t|tier }} / {{ u|tier }}'
        " / {{ st|code }}"
    )
    values = {"langs": ["ja", "en"], "c": "JP", "s": "content", "t": "mid", "u": "unknown", "st": "in_review"}
    english = "Japanese, English / Japan / Creating content / Mid-tier / Unknown / In review"
    assert template.render(**values) == english
    japan = SimpleNamespace(tier_scheme="japan", custom_tiers=None)
    assert template.render(**{**values, "t": "middle", "workspace": japan}).split(" / ")[3] == "Middle"
    token = i18n.set_request_locale(i18n.RequestLocale(locale="ja"))
    try:
        assert template.render(**values).startswith("日本語, 英語 / 日本 / 制作中 / ミドル / 不明")
    finally:
        i18n.reset_request_locale(token)


def test_a_tier_of_a_custom_scheme_uses_the_workspace_labels() -> None:
    from kizuna.influencers.tiers import tier_choices

    custom = SimpleNamespace(
        tier_scheme="custom",
        custom_tiers=[{"key": "small", "label": "Small", "label_ja": "小規模", "min_followers": 0}],
    )
    assert env.from_string("{{ 'small'|tier }}").render(workspace=custom) == "Small"
    assert tier_choices(custom, "ja") == [("small", "小規模")]
    glob = SimpleNamespace(tier_scheme="global", custom_tiers=None)
    assert [k for k, _label in tier_choices(glob)] == ["nano", "micro", "mid", "macro", "mega", "celebrity"]
