"""``kizuna deals ...`` commands."""

from __future__ import annotations

from typing import Any

from typer.testing import CliRunner

from kizuna.cli.main import app

runner = CliRunner()


def test_invoice_number_and_withholding_commands(db: Any) -> None:
    r = runner.invoke(app, ["deals", "invoice-number", "ｔ７１２３４５６７８９０１２"])
    assert r.exit_code == 0 and "T7123456789012" in r.output
    r = runner.invoke(app, ["deals", "invoice-number", "T8123456789012"])
    assert r.exit_code == 2
    r = runner.invoke(app, ["deals", "withholding", "1200000"])
    assert r.exit_code == 0 and "¥142,940" in r.output and "¥1,057,060" in r.output


def test_remind_and_overdue_commands(db: Any) -> None:
    r = runner.invoke(app, ["deals", "remind"])
    assert r.exit_code == 0 and "0 reminder(s)" in r.output
    r = runner.invoke(app, ["deals", "overdue"])
    assert r.exit_code == 0 and "0 overdue" in r.output
