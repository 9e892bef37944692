"""`kizuna compliance check` through Typer's CliRunner: JSON shape, stdin, languages, exit codes, errors."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from kizuna.compliance.cli import register


@pytest.fixture
def root() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Test root (like kizuna.cli.main.app)."""

    register(app)
    return app


def run(root: typer.Typer, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(root, ["compliance", *args], input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_json_output_has_exactly_the_documented_shape(root: typer.Typer) -> None:
    code, out, _ = run(root, "check", "--jurisdiction", "us", "--text", "Love this moisturizer #sp", "--json")
    assert code == 1
    body = json.loads(out)
    assert list(body) == ["verdict", "findings"]
    assert body["verdict"] == "non_compliant"
    assert [list(f) for f in body["findings"]] == [["code", "message", "position", "jurisdiction", "fix"]]
    finding = body["findings"][0]
    assert finding["code"] == "ambiguous_disclosure_only"
    assert finding["position"] == 22
    assert finding["jurisdiction"] == "us"
    assert finding["message"].startswith("“#sp” alone")


def test_text_is_read_from_stdin(root: typer.Typer) -> None:
    caption = "【PR】新作のリップ、発色が最高です💄\n#コスメ #リップ\n"
    code, out, _ = run(root, "check", "-j", "jp", "--platform", "instagram", "--json", stdin=caption)
    assert code == 0
    assert json.loads(out) == {"verdict": "compliant", "findings": []}


def test_japanese_messages_with_lang_ja(root: typer.Typer) -> None:
    code, out, _ = run(root, "check", "-j", "jp", "--text", "新作リップ💄", "--json", "--lang", "ja")
    assert code == 1
    finding = json.loads(out)["findings"][0]
    assert finding["code"] == "disclosure_missing"
    assert finding["position"] is None
    assert finding["message"].startswith("広告である旨の表示が見つかりません")
    assert "【PR】新作リップ💄" in finding["fix"]


def test_needs_review_exits_3(root: typer.Typer) -> None:
    code, out, _ = run(root, "check", "-j", "jp", "-p", "tiktok", "--text", "【PR】新作コスメ", "--json")
    assert code == 3
    assert json.loads(out)["findings"][0]["code"] == "video_disclosure_unverified"
    code, _, _ = run(
        root,
        "check",
        "-j",
        "jp",
        "-p",
        "tiktok",
        "--text",
        "【PR】新作コスメ",
        "--spoken-disclosure",
        "--json",
    )
    assert code == 0


def test_video_and_context_options(root: typer.Typer) -> None:
    args = ["check", "-j", "us", "-p", "youtube", "--text", "#ad desk tour", "--json"]
    code, out, _ = run(root, *args, "--no-spoken-disclosure", "--no-onscreen-disclosure")
    assert (code, json.loads(out)["findings"][0]["code"]) == (1, "video_disclosure_missing")
    code, out, _ = run(
        root, "check", "-j", "jp", "--context", "brand_reuse", "--text", "お客様の声", "--json"
    )
    assert code == 1
    assert {f["code"] for f in json.loads(out)["findings"]} == {
        "brand_reuse_label_missing",
        "disclosure_contradiction_suspected",
    }
    code, out, _ = run(
        root,
        "check",
        "-j",
        "us",
        "-p",
        "instagram",
        "--platform-label",
        "--text",
        "Summer essentials",
        "--json",
    )
    assert (code, json.loads(out)["findings"][0]["code"]) == (3, "platform_label_only")


def test_rich_output_is_readable(root: typer.Typer) -> None:
    code, out, _ = run(root, "check", "-j", "us", "-p", "instagram", "--text", "Loving it #sp")
    assert code == 1
    assert "non compliant" in out
    assert "ambiguous_disclosure_only" in out
    assert "→" in out and "#ad Loving it #sp" in out
    code, out, _ = run(root, "check", "-j", "jp", "--text", "【PR】新作", "--lang", "ja")
    assert code == 0 and "適合" in out and "【PR】" in out


def test_unknown_jurisdiction_is_a_clear_error_with_exit_2(root: typer.Typer) -> None:
    code, out, err = run(root, "check", "--jurisdiction", "fr", "--text", "#ad")
    assert code == 2
    assert out == ""
    assert "compliance_unknown_jurisdiction" in err
    assert "unknown jurisdiction 'fr'; available: in, jp, uk, us" in err


@pytest.mark.parametrize(
    ("args", "code_name"),
    [
        (["--platform", "myspace"], "compliance_unknown_platform"),
        (["--lang", "fr"], "compliance_unknown_language"),
        (["--context", "tweet"], "compliance_unknown_context"),
    ],
)
def test_other_bad_options_exit_2(root: typer.Typer, args: list[str], code_name: str) -> None:
    code, _, err = run(root, "check", "-j", "us", "--text", "#ad", *args)
    assert code == 2
    assert code_name in err


def test_help_documents_exit_codes(root: typer.Typer) -> None:
    code, out, _ = run(root, "check", "--help")
    assert code == 0
    flat = " ".join(out.split())
    assert "0 compliant, 1 non_compliant, 3 needs_review" in flat
    assert "2 usage error" in flat


def test_rules_lists_jurisdictions_and_platforms(root: typer.Typer) -> None:
    code, out, _ = run(root, "rules", "--json")
    assert code == 0
    body = json.loads(out)
    assert set(body["jurisdictions"]) == {"in", "jp", "uk", "us"}
    assert "広告" in body["jurisdictions"]["jp"]["clear"]
    assert "sp" in body["jurisdictions"]["us"]["ambiguous"]
    assert body["platforms"]["instagram"] == {"fold_chars": 125, "fold_lines": 3, "video": False}
    code, out, _ = run(root, "rules")
    assert code == 0 and "United States" in out


def test_the_real_kizuna_cli_discovers_the_sub_app() -> None:
    from kizuna.cli.main import app

    result = CliRunner().invoke(app, ["compliance", "check", "-j", "us", "--text", "#ad hi", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"verdict": "compliant", "findings": []}


def test_several_jurisdictions_keep_the_same_json_shape(root: typer.Typer) -> None:
    code, out, _ = run(root, "check", "-j", "jp,us", "-p", "instagram", "--json", stdin="#PR 新作のリップ")
    assert code == 1
    body = json.loads(out)
    assert list(body) == ["verdict", "findings"]
    assert body["verdict"] == "non_compliant"
    assert [(f["jurisdiction"], f["code"]) for f in body["findings"]] == [("us", "ambiguous_disclosure_only")]
    code, out, _ = run(
        root, "check", "-j", "jp,us", "--text", "【PR】#ad New lipstick from @lumiere", "--json"
    )
    assert (code, json.loads(out)) == (0, {"verdict": "compliant", "findings": []})
    code, _, err = run(root, "check", "-j", ",", "--text", "#ad")
    assert code == 2 and "compliance_no_jurisdiction" in err
