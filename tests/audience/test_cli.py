"""`kizuna audience score` end to end through Typer's CliRunner, on CSVs written to tmp."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from kizuna.audience.cli import register

HEADER = "username,Full_Name,biography,posts,followers,following,has_profile_picture,is_private,external_url,note\n"
ROWS = (
    "sakura_tanaka,Sakura Tanaka,Tokyo cafe lover,120,850,400,true,false,https://x.jp,keep me\n"
    "user83920193,,,0,3,2100,false,false,,\n"
    "kenji_k,Kenji,,45,300,500,true,true,,\n"
)


@pytest.fixture
def root() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Test root (like kizuna.cli.main.app)."""

    register(app)
    return app


def run(root: typer.Typer, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(root, ["audience", "score", *args])
    # bad input must never surface as a traceback: only a clean SystemExit
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def read_out(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with path.open(newline="", encoding=encoding) as fh:
        return list(csv.DictReader(fh))


def test_scores_every_row_and_keeps_input_columns(root: typer.Typer, tmp_path: Path) -> None:
    src, out = tmp_path / "f.csv", tmp_path / "out.csv"
    src.write_text(HEADER + ROWS, encoding="utf-8")
    code, stdout, _ = run(root, str(src), "--output", str(out))
    assert code == 0
    assert "1 of 3 accounts suspicious" in stdout
    assert "95% CI" in stdout
    rows = read_out(out)
    assert len(rows) == 3
    assert list(rows[0])[:10] == HEADER.strip().split(",")
    assert rows[0]["note"] == "keep me" and rows[0]["Full_Name"] == "Sakura Tanaka"
    assert [r["suspicious"] for r in rows] == ["false", "true", "false"]
    probs = [float(r["fake_probability"]) for r in rows]
    assert all(0.0 <= p <= 1.0 for p in probs) and probs[1] > 0.9 > 0.1 > probs[0]


def test_existing_score_columns_are_replaced_and_counts_parsed(root: typer.Typer, tmp_path: Path) -> None:
    src, out = tmp_path / "f.csv", tmp_path / "out.csv"
    src.write_text(
        'followers,following,posts,Suspicious,fake_probability\n"1,234",300,1.2万,maybe,x\n3,4000,0,,\n',
        encoding="utf-8",
    )
    code, _, stderr = run(root, str(src), "-o", str(out))
    assert code == 0, stderr
    rows = read_out(out)
    assert list(rows[0]) == ["followers", "following", "posts", "fake_probability", "suspicious"]
    assert rows[0]["followers"] == "1,234"
    assert [r["suspicious"] for r in rows] == ["false", "true"]


def test_tab_separated_input_keeps_its_delimiter(root: typer.Typer, tmp_path: Path) -> None:
    src, out = tmp_path / "f.tsv", tmp_path / "out.tsv"
    src.write_text("username\tfollowers\tfollowing\tposts\nsakura\t850\t400\t120\n", encoding="utf-8")
    code, _, stderr = run(root, str(src), "-o", str(out))
    assert code == 0, stderr
    assert (
        out.read_text(encoding="utf-8").splitlines()[0]
        == "username\tfollowers\tfollowing\tposts\tfake_probability\tsuspicious"
    )


def test_json_summary(root: typer.Typer, tmp_path: Path) -> None:
    src, out = tmp_path / "f.csv", tmp_path / "out.csv"
    src.write_text(HEADER + ROWS, encoding="utf-8")
    code, stdout, _ = run(root, str(src), "--output", str(out), "--json")
    assert code == 0
    doc = json.loads(stdout)
    assert doc["rows"] == 3 and doc["suspicious"] == 1
    assert doc["share"] == pytest.approx(1 / 3, abs=1e-6)
    assert 0 < doc["ci_low"] < doc["share"] < doc["ci_high"] < 1
    assert 0 < doc["threshold"] < 1
    assert doc["model_version"] == "2026.11.21-1"
    assert doc["fields_missing"] == []


def test_partial_columns_and_missing_cells(root: typer.Typer, tmp_path: Path) -> None:
    src, out = tmp_path / "f.csv", tmp_path / "out.csv"
    src.write_text("FOLLOWERS,Following\n900,300\n,6500\n4,\n", encoding="utf-8")
    code, stdout, _ = run(root, str(src), "-o", str(out), "--json")
    assert code == 0
    doc = json.loads(stdout)
    assert "posts" in doc["fields_missing"] and "followers" not in doc["fields_missing"]
    assert len(read_out(out)) == 3


def test_bom_and_cp932_inputs(root: typer.Typer, tmp_path: Path) -> None:
    text = (
        "username,full_name,posts,followers,following\nhanako_s,佐藤 花子,80,420,310\nzz9912837,,0,2,3900\n"
    )
    for encoding in ("utf-8-sig", "cp932"):
        src, out = tmp_path / f"{encoding}.csv", tmp_path / f"{encoding}-out.csv"
        src.write_bytes(text.encode(encoding))
        code, _, stderr = run(root, str(src), "-o", str(out))
        assert code == 0, stderr
        rows = read_out(out, encoding="utf-8-sig")
        assert rows[0]["full_name"] == "佐藤 花子"
        assert rows[0]["username"] == "hanako_s"  # the BOM did not stick to the first header
        assert [r["suspicious"] for r in rows] == ["false", "true"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\n\n", "is empty"),
        (b"username,followers\n", "header but no accounts"),
        (b"colour,size\nred,3\n", "no usable column"),
        (b"username,followers\nabc,lots\n", "column 'followers', row 1: not a number: 'lots'"),
        (b"username,is_private\nabc,maybe\n", "not true/false"),
        (b"username,followers\nabc,1,2\n", "line 2 has 3 cells"),
        (b"username\n\xff\xfe\xfa\n", "neither UTF-8 nor cp932"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(
    root: typer.Typer, tmp_path: Path, content: bytes, message: str
) -> None:
    src, out = tmp_path / "bad.csv", tmp_path / "out.csv"
    src.write_bytes(content)
    code, stdout, stderr = run(root, str(src), "-o", str(out))
    assert code == 2
    assert "error" in stderr and message in " ".join(stderr.split())
    assert "Traceback" not in stdout + stderr
    assert not out.exists()


def test_missing_file_exits_2(root: typer.Typer, tmp_path: Path) -> None:
    code, _, stderr = run(root, str(tmp_path / "nope.csv"), "-o", str(tmp_path / "o.csv"))
    assert code == 2
    assert "cannot read" in stderr


def test_registered_on_the_real_cli(tmp_path: Path) -> None:
    from kizuna.cli.main import app

    src, out = tmp_path / "f.csv", tmp_path / "out.csv"
    src.write_text(HEADER + ROWS, encoding="utf-8")
    result = CliRunner().invoke(app, ["audience", "score", str(src), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rows"] == 3
