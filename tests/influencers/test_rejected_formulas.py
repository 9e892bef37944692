"""The rejected-rows CSV repeats the file's own cells: none may start a formula, numbers stay numbers."""

from __future__ import annotations

import csv
import io

from kizuna.influencers.importer import RowError, rejected_rows_csv


def test_rejected_rows_csv_neutralises_formulas_but_not_numbers() -> None:
    errors = [
        RowError(2, "followers", '=HYPERLINK("http://evil","x")', "not a number"),
        {"row": 3, "column": "@SUM(A1)", "value": "@SUM(A1)", "reason": "not an e-mail address"},
        RowError(4, "followers", "-5", "a count cannot be negative"),
        {"row": 5, "column": "followers", "value": -7, "reason": "a count cannot be negative"},
    ]
    rows = list(csv.reader(io.StringIO(rejected_rows_csv(errors))))
    assert rows == [
        ["row", "column", "value", "reason"],
        ["2", "followers", '\'=HYPERLINK("http://evil","x")', "not a number"],
        ["3", "'@SUM(A1)", "'@SUM(A1)", "not an e-mail address"],
        ["4", "followers", "-5", "a count cannot be negative"],
        ["5", "followers", "-7", "a count cannot be negative"],
    ]
