"""Platform and category keys read as names, in the reader's language; unknown keys pass through unchanged."""

from __future__ import annotations

from kizuna.kit.labels import category_label, platform_label
from kizuna.web import i18n
from kizuna.web.templating import env


def test_known_keys_have_names_in_both_languages() -> None:
    assert platform_label("youtube") == "YouTube"
    assert platform_label("naver_blog", "ja") == "NAVERブログ"
    assert category_label("skincare", "ja") == "スキンケア"
    assert category_label("Skincare") == "Skincare"


def test_unknown_keys_are_shown_as_entered() -> None:
    assert platform_label("mastodon", "ja") == "mastodon"
    assert category_label("キャンプ飯", "ja") == "キャンプ飯"
    assert platform_label(None) == ""


def test_template_filters_follow_the_request_locale() -> None:
    template = env.from_string("{{ p|platform }} / {{ c|category }} / {{ x|category }}")
    values = {"p": "blog", "c": "food", "x": "<b>"}
    token = i18n.set_request_locale(i18n.RequestLocale(locale="ja"))
    try:
        assert template.render(**values) == "ブログ / グルメ / &lt;b&gt;"
    finally:
        i18n.reset_request_locale(token)
    assert template.render(**values) == "Blog / Food / &lt;b&gt;"
