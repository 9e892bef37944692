"""The shipped model: loads safely, scores deterministically, and the share comes with a Wilson CI."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from kizuna.audience.features import FeatureInputError
from kizuna.audience.model import FollowerModel, ModelFileError, load_model
from kizuna.audience.scoring import score_accounts, score_columns, wilson_interval

ROWS = [
    {
        "username": "sakura_tanaka",
        "full_name": "Sakura Tanaka",
        "biography": "Tokyo cafe lover",
        "posts": 120,
        "followers": 850,
        "following": 400,
        "has_profile_picture": "true",
        "is_private": "false",
        "external_url": "https://x.jp",
    },
    {
        "username": "user83920193",
        "full_name": "",
        "biography": "",
        "posts": 0,
        "followers": 3,
        "following": 2100,
        "has_profile_picture": "false",
        "is_private": "false",
        "external_url": "",
    },
    {"followers": 250, "following": 300},
    {"followers": 12, "following": 4000},
    {"posts": 0},
    {"username": "kenji1987", "posts": 45, "followers": 300, "following": 500, "has_profile_picture": "1"},
]
# Pinned outputs of the shipped model (follower_model.json 2026.11.21-1). Retraining changes these on purpose.
EXPECTED = [0.000528, 0.999947, 0.028035, 0.933498, 0.447999, 0.052603]


def test_shipped_model_scores_are_deterministic() -> None:
    r = score_accounts(ROWS)
    assert r.model_version == "2026.11.21-1"
    assert r.probabilities.tolist() == pytest.approx(EXPECTED, abs=1e-6)
    assert r.suspicious.tolist() == [p >= r.threshold for p in EXPECTED]
    assert r.suspicious_count == 3
    again = score_accounts(ROWS)
    assert np.array_equal(r.probabilities, again.probabilities)


def test_scores_do_not_depend_on_other_rows() -> None:
    alone = [score_accounts([row]).probabilities[0] for row in ROWS]
    assert alone == pytest.approx(EXPECTED, abs=1e-6)


def test_partial_columns_still_rank_obvious_cases() -> None:
    r = score_columns({"followers": ["900", "4"], "following": ["300", "6500"], "posts": ["200", "0"]})
    assert r.probabilities[0] < 0.2 < 0.8 < r.probabilities[1]
    assert set(r.fields_missing) >= {"username_length", "is_private"}
    assert r.probabilities.min() >= 0.0 and r.probabilities.max() <= 1.0


def test_summary_and_wilson_interval() -> None:
    r = score_accounts(ROWS)
    s = r.summary()
    assert (s["rows"], s["suspicious"], s["share"]) == (6, 3, 0.5)
    lo, hi = wilson_interval(3, 6)
    assert (s["ci_low"], s["ci_high"]) == (round(lo, 6), round(hi, 6))
    assert wilson_interval(0, 10) == pytest.approx((0.0, 0.277533), abs=1e-6)
    assert wilson_interval(150, 1000) == pytest.approx((0.129210, 0.173469), abs=1e-6)
    assert wilson_interval(10, 10)[1] == 1.0
    with pytest.raises(ValueError):
        wilson_interval(0, 0)


def test_no_rows_is_an_error() -> None:
    with pytest.raises(FeatureInputError, match="no accounts"):
        score_accounts([])


def test_model_file_is_plain_json_and_validated() -> None:
    text = resources.files("kizuna.audience").joinpath("follower_model.json").read_text(encoding="utf-8")
    doc = json.loads(text)
    model = FollowerModel.from_json(doc)
    assert model.version == load_model().version
    assert np.array_equal(model.trees.leaf, load_model().trees.leaf)
    assert 0 < model.threshold < 1 and model.prior == pytest.approx(0.10)
    assert set(doc["meta"]["evaluation"]["leave_one_source_out"]) == {
        "purba_ijece",
        "instafake",
        "kaggle_train",
    }
    broken = dict(doc, format="pickle")
    with pytest.raises(ModelFileError, match="unsupported model format"):
        FollowerModel.from_json(broken)
    bad_tree = json.loads(text)
    bad_tree["trees"]["feature"][0][0] = 999
    with pytest.raises(ModelFileError, match="inconsistent"):
        FollowerModel.from_json(bad_tree)
    bad_features = dict(doc, features=doc["features"][:-1])
    with pytest.raises(ModelFileError, match="features do not match"):
        FollowerModel.from_json(bad_features)
