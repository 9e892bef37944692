"""Numbers, missing markers, header aliases (English and Japanese) and column sniffing."""

from __future__ import annotations

import pytest

from kizuna.influencers import importer, sources


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3.3k", 3_300),
        ("475.8m", 475_800_000),
        ("29.0b", 29_000_000_000),
        ("1.2万", 12_000),
        ("35万", 350_000),
        ("1億", 100_000_000),
        ("1,234", 1_234),
        ("13.8M", 13_800_000),
        ("１２３", 123),
        (" 5000 ", 5_000),
    ],
)
def test_counts(text: str, expected: int) -> None:
    assert importer._count(text.strip()) == expected


@pytest.mark.parametrize("text", ["N/A", "#VALOR!", "-", "", "n/a", "#N/A", "—"])
def test_missing_markers_are_none_never_zero(text: str) -> None:
    assert importer._missing(text)
    row = importer.validate(
        2, {"platform": [("p", "instagram")], "handle": [("h", "a")], "followers": [("Followers", text)]}
    )
    assert isinstance(row, importer.RowData)
    assert row.account["followers"] is None


def test_percent_and_decimal() -> None:
    assert importer._percent("12.5%") == pytest.approx(0.125)
    assert importer._percent("1.39%") == pytest.approx(0.0139)
    assert importer._decimal("348.5") == pytest.approx(348.5)
    assert importer._decimal("4.6K") == pytest.approx(4600)


def test_excel_text_marker_is_stripped() -> None:
    row = importer.validate(
        3,
        {
            "platform": [("p", "youtube")],
            "handle": [("h", "x")],
            "avg_likes": [("Likes avg", "N/A'")],
            "avg_comments": [("c", "#VALOR!")],
        },
    )
    assert isinstance(row, importer.RowData)
    assert row.account["avg_likes"] is None and row.account["avg_comments"] is None


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("フォロワー数", "followers"),
        ("投稿数", "posts_count"),
        ("エンゲージメント率", "engagement_rate"),
        ("アカウント名", "handle"),
        ("国", "country"),
        ("メールアドレス", "email"),
        ("チャンネル登録者数", "followers"),
        ("Subscribers count", "followers"),
        ("Views (Avg.)", "avg_views"),
        ("\nViews (Avg.)", "avg_views"),
        ("60_day_eng_rate", "engagement_rate"),
        ("Category_2", "category"),
        ("Audience country(mostly)", "audience_country"),
        ("ＦＯＬＬＯＷＥＲＳ", "followers"),
        ("S.no", None),
    ],
)
def test_header_aliases(header: str, field: str | None) -> None:
    assert sources.field_for_header(header) == field


def test_ambiguous_name_columns_are_resolved_from_values() -> None:
    # one export calls the handle "Youtuber" and the title "Name", another the other way round
    headers = ["S.no", "Name", "Youtuber", "Subscribers"]
    sample = [["1", "T-Series", "tseries", "224.4M"], ["2", "Like Nastya", "Like_Nastya", "100.4M"]]
    mapping, _warnings = sources.auto_mapping(headers, sample)
    assert mapping[2] == "handle" and mapping[1] == "display_name" and mapping[3] == "followers"
    swapped = [[r[0], r[2], r[1], r[3]] for r in sample]
    mapping, _warnings = sources.auto_mapping(headers, swapped)
    assert mapping[1] == "handle" and mapping[2] == "display_name"


def test_shifted_numeric_column_is_left_unmapped_with_a_warning() -> None:
    headers = ["handle", "Views avg.", "followers"]
    sample = [["a", "Spain", "1k"], ["b", "Indonesia", "2k"], ["c", "Russia", "3k"]]
    mapping, warnings = sources.auto_mapping(headers, sample)
    assert 1 not in mapping
    assert warnings and "Views avg." in warnings[0]


def test_platform_names_and_new_platforms() -> None:
    assert importer.normalize_platform("Instagram") == "instagram"
    assert importer.normalize_platform("インスタ") == "instagram"
    assert importer.normalize_platform("Twitter") == "x"
    assert importer.normalize_platform("小红书") == "xiaohongshu"
    assert importer.normalize_platform("Naver Blog") == "naver_blog"
    assert importer.normalize_platform("Bluesky") == "bluesky"  # any slug: regional platforms need no code
    assert importer.normalize_platform("!!") is None


def test_handle_keys() -> None:
    assert importer.handle_key("instagram", "@Cristiano") == "cristiano"
    assert importer.handle_key("instagram", "https://www.instagram.com/cristiano/") == "cristiano"
    assert importer.handle_key("youtube", "✿ Kids  Diana Show") == "✿ kids diana show"


def test_countries_in_english_japanese_and_broken_encoding() -> None:
    assert importer.country_code("United States") == "US"
    assert importer.country_code("日本") == "JP"
    assert importer.country_code("台湾") == "TW"
    assert importer.country_code("jp") == "JP"
    assert importer.country_code("CÃ´te d'Ivoire") == "CI"
    assert importer.country_code("Atlantis") is None


def test_every_problem_in_a_row_is_reported() -> None:
    out = importer.validate(
        7,
        {
            "platform": [("SNS", "instagram")],
            "handle": [("アカウント名", "")],
            "followers": [("フォロワー数", "lots")],
            "email": [("メール", "not-an-email")],
            "country": [("国", "Atlantis")],
        },
    )
    assert isinstance(out, list)
    reasons = {(e.column, e.reason) for e in out}
    assert ("フォロワー数", "not a number") in reasons
    assert ("メール", "not an e-mail address") in reasons
    assert ("国", "unknown country") in reasons
    assert all(e.row == 7 for e in out)
