"""``kizuna import influencers`` / ``kizuna export influencers``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from kizuna.cli.main import app
from tests.conftest import make_user_and_workspace, shared_file


def test_import_json_output_is_exactly_the_documented_object(owner: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("handle,platform,followers\n@a,instagram,3.3k\n@b,instagram,N/A\n@c,instagram,abc\n")
    runner = CliRunner()
    out = runner.invoke(app, ["import", "influencers", str(path), "--workspace", "acme", "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc == {
        "rows": 3,
        "imported": 2,
        "updated": 0,
        "rejected": 1,
        "errors": [{"row": 4, "column": "followers", "value": "abc", "reason": "not a number"}],
    }
    again = json.loads(runner.invoke(app, ["import", "influencers", str(path), "--json"]).stdout)
    assert (again["imported"], again["updated"]) == (0, 0)


def test_dry_run_and_api_payload_format(owner: dict[str, Any]) -> None:
    runner = CliRunner()
    path = shared_file("data/api_shapes/instagram_business_discovery.json")
    out = runner.invoke(
        app, ["import", "influencers", str(path), "--format", "instagram", "--dry-run", "--json"]
    )
    assert json.loads(out.stdout)["imported"] == 1
    out = runner.invoke(app, ["import", "influencers", str(path), "--json"])
    assert json.loads(out.stdout)["imported"] == 1  # the dry run wrote nothing


def test_errors_exit_2_with_one_line(owner: dict[str, Any], tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    out = CliRunner().invoke(app, ["import", "influencers", str(empty), "--json"])
    assert out.exit_code == 2 and "import_empty_file" in out.output
    make_user_and_workspace("other@example.com", "second")
    out = CliRunner().invoke(app, ["import", "influencers", str(empty)])
    assert out.exit_code == 2 and "workspace_required" in out.output


def test_export(owner: dict[str, Any], tmp_path: Path) -> None:
    src = tmp_path / "f.csv"
    src.write_text("name,handle,platform,followers\nA,@a,instagram,1000\n")
    CliRunner().invoke(app, ["import", "influencers", str(src)])
    for fmt in ("csv", "xlsx", "json"):
        out_path = tmp_path / f"out.{fmt}"
        out = CliRunner().invoke(
            app, ["export", "influencers", "--workspace", "acme", "--format", fmt, "-o", str(out_path)]
        )
        assert out.exit_code == 0, out.output
        assert out_path.stat().st_size > 0
    assert "@a" in (tmp_path / "out.csv").read_text(encoding="utf-8-sig") or "a,https" in (
        tmp_path / "out.csv"
    ).read_text(encoding="utf-8-sig")


def test_summary_warnings_and_row_errors_in_the_terminals_language(
    owner: dict[str, Any], tmp_path: Path, monkeypatch: Any
) -> None:
    path = tmp_path / "tiktok export.csv"
    path.write_text("handle,followers\n@a,100\n@a,200\n,5\n", encoding="utf-8")
    runner = CliRunner()
    monkeypatch.setenv("KIZUNA_LANG", "ja")
    ja = runner.invoke(app, ["import", "influencers", str(path), "--dry-run"])
    assert ja.exit_code == 0, ja.output
    assert "警告: プラットフォーム 'tiktok' を見出しまたはファイル名から推定しました" in ja.output
    assert "1 行は、ファイルの同じバッチの後方にある行" in ja.output
    assert "3 行: 取り込み予定 1、更新 0、変更なし 1、却下 1（ドライラン" in ja.output
    assert "4 行目 · handle = '': アカウント名がありません" in ja.output
    monkeypatch.setenv("KIZUNA_LANG", "en")
    en = runner.invoke(app, ["import", "influencers", str(path), "--dry-run"])
    assert "warning: platform 'tiktok' inferred from the headers or file name" in en.output
    assert (
        "3 rows: would import 1, updated 0, unchanged 1, rejected 1 (dry run: nothing written)" in en.output
    )
    assert "row 4 · handle = '': handle missing" in en.output
