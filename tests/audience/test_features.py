"""Feature extraction: any subset of columns, explicit missing values, clear errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kizuna.audience.features import (
    FEATURES,
    FIELDS,
    FeatureInputError,
    feature_matrix,
    fields_from_arrays,
    fields_from_columns,
)
from kizuna.audience.model import INDICATORS, design_matrix


def test_all_columns_case_insensitive_and_text_reduced_to_numbers() -> None:
    f = fields_from_columns(
        {
            "\ufeffUserName": ["kenji1987", "sakura"],
            "Full Name": ["Kenji 1987", "Sakura Tanaka"],
            "BIOGRAPHY": ["", "Tokyo cafe lover"],
            "Posts": ["12", "3.3k"],
            "followers": ["1.2万", "850"],
            "following": ["100", "400"],
            "has-profile-picture": ["yes", "false"],
            "is_private": ["0", "TRUE"],
            "external_url": ["", "https://example.jp"],
        }
    )
    v = f.values
    assert v["posts"].tolist() == [12.0, 3300.0]
    assert v["followers"].tolist() == [12000.0, 850.0]
    assert v["username_length"].tolist() == [9.0, 6.0]
    assert v["username_digit_ratio"].tolist() == pytest.approx([4 / 9, 0.0])
    assert v["bio_length"].tolist() == [0.0, 16.0]
    assert v["has_profile_picture"].tolist() == [1.0, 0.0]
    assert v["is_private"].tolist() == [0.0, 1.0]
    assert v["has_external_url"].tolist() == [0.0, 1.0]
    assert v["fullname_words"].tolist() == [2.0, 2.0]
    assert v["name_equals_username"].tolist() == [1.0, 0.0]  # "Kenji 1987" vs "kenji1987"
    assert set(f.available) == set(FIELDS)


def test_aliases_and_japanese_headers_documented_names_win() -> None:
    f = fields_from_columns(
        {
            "ユーザー名": ["taro99"],
            "フォロワー数": ["1.2万"],
            "ＦＯＬＬＯＷＩＮＧ": ["300"],  # full-width header, NFKC-normalised
            "followers_count": ["5"],  # alias ignored: ...
            "投稿数": ["12"],
            "自己紹介": ["カフェ巡り"],
        }
    )
    assert f.values["username_length"].tolist() == [6.0]
    assert f.values["followers"].tolist() == [12000.0]  # ... the first alias for a field is used
    assert f.values["following"].tolist() == [300.0]
    assert f.values["posts"].tolist() == [12.0]
    assert f.values["bio_length"].tolist() == [5.0]
    both = fields_from_columns({"followers_count": ["5"], "Followers": ["7"]})
    assert both.values["followers"].tolist() == [7.0]


def test_missing_columns_are_nan_not_zero_and_flagged() -> None:
    f = fields_from_columns({"followers": ["100", ""], "following": ["5000", "20"]})
    assert set(f.available) == {"followers", "following"}
    assert math.isnan(f.values["posts"][0])
    assert math.isnan(f.values["followers"][1])  # empty numeric cell = unknown, not 0 followers
    x, missing = feature_matrix(f)
    j = FEATURES.index("log_following_to_followers")
    assert not missing[0, j] and missing[1, j]
    assert missing[:, FEATURES.index("log_posts")].all()
    assert np.isnan(x[missing]).all() and not np.isnan(x[~missing]).any()


def test_at_sign_is_not_part_of_the_handle() -> None:
    f = fields_from_columns({"username": ["@kenji1987", "kenji1987"]})
    assert f.values["username_length"].tolist() == [9.0, 9.0]


def test_username_alternatives() -> None:
    by_counts = fields_from_columns({"username_length": [10, 8], "username_digit_count": [5, 0]})
    assert by_counts.values["username_digit_ratio"].tolist() == [0.5, 0.0]
    by_ratio = fields_from_columns({"username_digit_ratio": ["0.25", ""]})
    assert by_ratio.values["username_digit_ratio"][0] == 0.25
    assert math.isnan(by_ratio.values["username_digit_ratio"][1])
    assert math.isnan(by_ratio.values["username_length"][0])


def test_bio_length_and_has_external_url_columns() -> None:
    f = fields_from_columns({"bio_length": [0, 40], "has_external_url": ["1", "0"]})
    assert f.values["bio_length"].tolist() == [0.0, 40.0]
    assert f.values["has_external_url"].tolist() == [1.0, 0.0]


def test_design_matrix_imputes_and_adds_indicators() -> None:
    f = fields_from_columns({"followers": [100, None]})
    x, missing = feature_matrix(f)
    impute = np.arange(len(FEATURES), dtype=float)
    z = design_matrix(x, missing, impute)
    assert z.shape == (2, len(FEATURES) + len(INDICATORS))
    j = FEATURES.index("log_followers")
    assert z[0, j] == pytest.approx(math.log1p(100))
    assert z[1, j] == impute[j]
    k = len(FEATURES) + INDICATORS.index("log_followers")
    assert z[:, k].tolist() == [0.0, 1.0]
    assert not np.isnan(z).any()


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"followers": ["12", "many"]}, "column 'followers', row 2: not a number: 'many'"),
        ({"following": ["-3"]}, "not a non-negative count"),
        ({"is_private": ["maybe"]}, "column 'is_private', row 1: not true/false"),
        ({"username_digit_ratio": ["3"]}, "between 0 and 1"),
        ({"colour": ["red"]}, "no usable column"),
    ],
)
def test_bad_values_raise_clear_errors(columns: dict[str, list[str]], message: str) -> None:
    with pytest.raises(FeatureInputError, match=message.replace("(", r"\(")):
        fields_from_columns(columns)


def test_fields_from_arrays_checks_names_and_shapes() -> None:
    with pytest.raises(FeatureInputError, match="unknown fields"):
        fields_from_arrays(1, likes=[1])
    with pytest.raises(FeatureInputError, match="shape"):
        fields_from_arrays(2, posts=[1])
