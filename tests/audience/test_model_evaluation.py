"""The shipped model's reported cross-source numbers are reproducible from the research data.

Needs ../shared/data/fake_followers (never copied into the repository). Locally a missing folder skips with the
file name; with env CI set it FAILS naming the file, so CI can never pass by silently not evaluating.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kizuna.audience.model import load_model
from kizuna.audience.sources import DEFAULT_DATA_DIR, REGRESSION_SOURCES, SOURCES, load, source_files
from kizuna.audience.training import TrainConfig, cross_source, evaluate_at_prior, split_sources, take_fields

DATA_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "fake_followers"
TOLERANCE = 0.01


def require_data(data_dir: Path) -> Path:
    for name in (*SOURCES, *REGRESSION_SOURCES):
        for path in source_files(name, data_dir):
            if not path.is_file():
                message = f"fake-follower evaluation data missing: {path} (see ../shared/data/README.md)"
                if os.environ.get("CI"):
                    pytest.fail(message)
                pytest.skip(message)
    return data_dir


@pytest.fixture(scope="module")
def data_dir() -> Path:
    assert DATA_DIR.resolve() == DEFAULT_DATA_DIR.resolve()
    return require_data(DATA_DIR)


def test_missing_data_fails_under_ci_naming_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match=r"missing: .*purba_ijece.*IJECE_df_val\.csv"):
        require_data(tmp_path)


@pytest.mark.parametrize("test_source", SOURCES)
def test_leave_one_source_out_f1_matches_the_report(data_dir: Path, test_source: str) -> None:
    reported = load_model().meta["evaluation"]["leave_one_source_out"][test_source]
    train = [s for s in SOURCES if s != test_source]
    got = cross_source(train, test_source, TrainConfig(), data_dir)
    assert got["f1"] == pytest.approx(reported["f1"], abs=TOLERANCE), (test_source, got["f1"], reported["f1"])
    assert got["mcc"] == pytest.approx(reported["mcc"], abs=TOLERANCE)
    assert got["auc"] == pytest.approx(reported["auc"], abs=TOLERANCE)
    assert got["fake_rate"] == pytest.approx(0.10, abs=0.002)


def test_goal_met_on_unseen_instafake() -> None:
    """Issue 4 goal: F1 >= 0.75 on a source the model never saw, at ~10% fake (InstaFake, see the report)."""
    assert load_model().meta["evaluation"]["leave_one_source_out"]["instafake"]["f1"] >= 0.75


def test_shipped_model_reaches_its_reported_validation_f1(data_dir: Path) -> None:
    """The shipped file itself (no retraining) on the validation rows it was never trained on."""
    model = load_model()
    data = {name: load(name, data_dir) for name in SOURCES}
    _, splits = split_sources(data, TrainConfig())
    for name, (fields, y) in data.items():
        va = splits[name][1]
        got = evaluate_at_prior(model.predict_proba(take_fields(fields, va)), y[va], model.threshold)
        reported = model.meta["evaluation"]["validation"][name]
        assert got["f1"] == pytest.approx(reported["f1"], abs=TOLERANCE), (name, got["f1"], reported["f1"])
        assert got["auc"] == pytest.approx(reported["auc"], abs=TOLERANCE)


def test_shipped_model_regression_check_on_mib(data_dir: Path) -> None:
    model = load_model()
    fields, y = load("mib_cresci2015", data_dir)
    got = evaluate_at_prior(model.predict_proba(fields), y, model.threshold)
    reported = model.meta["evaluation"]["mib_cresci2015_regression"]
    assert got["f1"] == pytest.approx(reported["f1"], abs=TOLERANCE)
    assert got["auc"] >= 0.95
