"""check_content: one text, every target jurisdiction, the worst verdict."""

from __future__ import annotations

import pytest

from kizuna.compliance.service import check_content
from kizuna.errors import ValidationFailed


def test_a_label_clear_in_japan_can_be_ambiguous_in_the_us() -> None:
    report = check_content("#PR 新作のリップ", platform="instagram", jurisdictions=["jp", "us"])
    assert report.result("jp").verdict == "compliant"
    assert report.result("us").codes == ["ambiguous_disclosure_only"]
    assert report.verdict == "non_compliant"
    body = report.to_dict("ja")
    assert body["verdict"] == "non_compliant"
    assert [f["jurisdiction"] for f in body["findings"]] == ["us"]
    assert body["by_jurisdiction"]["jp"] == {"verdict": "compliant", "findings": []}


def test_both_labels_satisfy_both_markets() -> None:
    report = check_content(
        "【PR】#ad New lipstick from @lumiere", platform="instagram", jurisdictions=["jp", "us"]
    )
    assert report.verdict == "compliant"


def test_worst_verdict_ranks_review_between() -> None:
    report = check_content("#ad new look", platform="tiktok", jurisdictions=["uk", "jp"])
    assert {r.verdict for r in report.results} == {"needs_review"}
    assert report.verdict == "needs_review"


def test_jurisdictions_are_normalised_and_deduplicated() -> None:
    report = check_content("#ad", platform=None, jurisdictions=["US", " us", "uk", ""])
    assert [r.jurisdiction for r in report.results] == ["us", "uk"]
    with pytest.raises(KeyError):
        report.result("jp")


def test_context_and_media_are_passed_through() -> None:
    report = check_content(
        "Glow serum review",
        platform="website",
        jurisdictions=["jp", "us"],
        context="brand_reuse",
    )
    assert {r.codes[0] for r in report.results} == {"brand_reuse_label_missing"}
    video = check_content(
        "#ad",
        platform="youtube",
        jurisdictions=["us"],
        has_spoken_disclosure=True,
        has_onscreen_disclosure=True,
    )
    assert video.verdict == "compliant"


def test_at_least_one_jurisdiction_is_required() -> None:
    with pytest.raises(ValidationFailed) as err:
        check_content("#ad", platform=None, jurisdictions=[" "])
    assert err.value.code == "compliance_no_jurisdiction"
