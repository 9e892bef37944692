"""``formula_safe_text``: the guard for exports whose cells are all text (cells read back from a CSV)."""

from __future__ import annotations

import pytest

from kizuna.kit.sheets import formula_safe, formula_safe_text


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("http://evil","x")', "@SUM(A1)", "+cmd", "-2+3", "-inf", "\t=1", "\r=1", "-1e5x", "-"],
)
def test_formula_like_text_gets_the_apostrophe(value: str) -> None:
    assert formula_safe_text(value) == "'" + value == formula_safe(value)


@pytest.mark.parametrize("value", ["-5", "+3.5", "-0.25", "-.5", "12", "-1e5", "1E-3", "Aya", "", "a=b"])
def test_plain_numbers_and_harmless_text_stay(value: str) -> None:
    assert formula_safe_text(value) == value


def test_non_text_is_returned_unchanged() -> None:
    assert formula_safe_text(-5) == -5
    assert formula_safe_text(None) is None
    assert formula_safe_text("-5\n") == "'-5\n"  # not a plain number: a trailing newline is not allowed
