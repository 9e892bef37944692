"""``kizuna audience score`` writes the followers' own names and bios back: none may start a formula."""

from __future__ import annotations

import csv
from pathlib import Path

import typer
from typer.testing import CliRunner

from kizuna.audience.cli import register


def test_scored_csv_neutralises_formulas_and_keeps_numbers(tmp_path: Path) -> None:
    root = typer.Typer()

    @root.callback()
    def _root() -> None:
        """Test root."""

    register(root)
    src, out = tmp_path / "f.csv", tmp_path / "out.csv"
    src.write_text(
        "username,full_name,biography,posts,followers,following,@note\n"
        'sakura,"=HYPERLINK(""http://evil"",""x"")",@SUM(A1),120,850,400,-3\n'
        "kenji,Kenji,+cmd,45,300,500,-2+3\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(root, ["audience", "score", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:7] == ["username", "full_name", "biography", "posts", "followers", "following", "'@note"]
    assert rows[1][:7] == [
        "sakura",
        '\'=HYPERLINK("http://evil","x")',
        "'@SUM(A1)",
        "120",
        "850",
        "400",
        "-3",
    ]
    assert rows[2][2] == "'+cmd" and rows[2][6] == "'-2+3"
    assert 0.0 <= float(rows[1][7]) <= 1.0 and rows[1][8] in ("true", "false")
