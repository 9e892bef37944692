"""``kizuna --help`` in the reader's language: every help text of every command has a Japanese translation.

A command, group or option added without a Japanese help text fails
:func:`test_every_help_text_has_a_japanese_translation` with the command it belongs to; add the entry to
``web/locale/ja/LC_MESSAGES/cli_help.po`` (msgid: the English text, whitespace normalised as printed there).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main
from babel.messages.pofile import read_po
from rich.markup import render

from kizuna.cli.help import TYPER_LABELS, help_msgid, help_texts, localized_command, translate_help
from kizuna.cli.main import app
from kizuna.web.i18n import LOCALE_DIR, catalog
from tests.conftest import REPO

CLI_HELP_PO = LOCALE_DIR / "ja" / "LC_MESSAGES" / "cli_help.po"


def _po(path: Path) -> dict[str, str]:
    with path.open("rb") as fh:
        return {str(m.id): str(m.string) for m in read_po(fh, locale="ja") if m.id and isinstance(m.id, str)}


def test_every_help_text_has_a_japanese_translation() -> None:
    texts = help_texts(typer.main.get_command(app))
    # the walk reaches the core, the domains' commands and their options
    where = set(texts.values())
    assert {"kizuna", "kizuna import influencers", "kizuna import influencers format", "kizuna help"} <= where
    assert "kizuna compliance check" in where and "kizuna deals withholding amount_yen" in where
    assert len(texts) > 100
    ja = catalog("ja")
    wanted = {**texts, **dict.fromkeys(TYPER_LABELS.values(), "Typer")}
    missing = [f"{at}: {msgid!r}" for msgid, at in wanted.items() if not ja.get(msgid)]
    assert not missing, f"{len(missing)} help texts without Japanese (cli_help.po):\n" + "\n".join(missing)


def test_help_catalog_agrees_with_the_other_catalogs() -> None:
    """Catalogs are merged by msgid: a help text already translated elsewhere must read the same here."""
    ours = _po(CLI_HELP_PO)
    assert ours
    for po in sorted(CLI_HELP_PO.parent.glob("*.po")):
        if po == CLI_HELP_PO:
            continue
        theirs = _po(po)
        clashes = [f"{k!r}: {v!r} vs {theirs[k]!r}" for k, v in ours.items() if theirs.get(k, v) != v and k]
        assert not clashes, f"{po.name} translates differently:\n" + "\n".join(clashes)


def test_help_translations_are_plain_text_for_rich() -> None:
    """Typer reads help as Rich markup: a "[...]" in a translation would vanish from the screen."""
    labels = set(TYPER_LABELS.values())  # printed as plain text, not markup
    broken = [
        f"{msgid!r} -> {text!r}"
        for msgid, text in _po(CLI_HELP_PO).items()
        if msgid and msgid not in labels and render(text).plain != text
    ]
    assert not broken, "\n".join(broken)
    for english in labels:
        if "{}" in english:
            assert "{}" in catalog("ja")[english]


def test_the_msgid_ignores_indentation_and_wrapping() -> None:
    docstring = """Score follower accounts
        and print the share.

        Columns:   username,
        posts.
        \f
        Not for people."""
    assert (
        help_msgid(docstring) == "Score follower accounts and print the share.\n\nColumns: username, posts."
    )
    assert help_msgid("  Port ") == "Port"


def test_translation_replaces_texts_in_place_and_english_is_untouched() -> None:
    en = translate_help(typer.main.get_command(app), "en")
    ja = translate_help(typer.main.get_command(app), "ja")
    assert en.help == "Kizuna (絆): influencer outreach platform."
    assert ja.help == "Kizuna（絆）: インフルエンサーアウトリーチ・プラットフォーム。"
    influencers = ja.commands["import"].commands["influencers"]
    assert influencers.help.startswith("インフルエンサーをインポートします")
    options = {p.name: p.help for p in influencers.params}
    assert options["workspace"] == "ワークスペースのスラッグ（既定: 唯一のワークスペース）"
    assert options["dry_run"] == "検証と件数の集計だけを行い、何も書き込まない"
    en_influencers = en.commands["import"].commands["influencers"]
    assert (
        en_influencers.help == "Import influencers; the same platform + handle updates the existing account."
    )


def _help_in_process(locale: str, args: list[str], capsys: Any) -> str:
    command = localized_command(app, locale, args)
    command.main(args=args, prog_name="kizuna", standalone_mode=False)
    return str(capsys.readouterr().out)


def test_typer_labels_follow_the_locale_and_come_back(capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    ja = _help_in_process("ja", ["import", "influencers", "--help"], capsys)
    assert "╭─ オプション" in ja and "╭─ 引数" in ja and "[必須]" in ja and "[既定値: auto]" in ja
    en = _help_in_process("en", ["import", "influencers", "--help"], capsys)
    assert "╭─ Options" in en and "╭─ Arguments" in en and "[required]" in en and "[default: auto]" in en
    assert "オプション" not in en


def _run(*args: str, status: int = 0, **env: str) -> str:
    environ = {**os.environ, "COLUMNS": "200", **env}
    for name in ("KIZUNA_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        if name not in env:
            environ.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-m", "kizuna.cli.main", *args],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == status, done.stderr
    return done.stdout


def test_the_real_command_line_prints_help_in_japanese() -> None:
    root = _run("--help", KIZUNA_LANG="ja")
    assert "Kizuna（絆）: インフルエンサーアウトリーチ・プラットフォーム。" in root
    assert "╭─ コマンド" in root and "╭─ オプション" in root
    assert "ファイルからデータをインポートします。" in root  # a domain group's help, in the list
    assert "このヘルプを表示して終了します。" in root
    assert "Import data from files." not in root and "Show this message and exit." not in root

    domain = _run("import", "influencers", "--help", LANG="ja_JP.UTF-8")
    assert "インフルエンサーをインポートします。プラットフォームとアカウント名が同じなら" in domain
    assert "CSV、XLSX、JSON、または API のレスポンス" in domain
    assert "検証と件数の集計だけを行い、何も書き込まない" in domain
    assert "Validate and count" not in domain

    group = _run("import", status=2, KIZUNA_LANG="ja")  # a group without a command shows its help (exit 2)
    assert "ファイルからデータをインポートします。" in group and "╭─ コマンド" in group


def test_the_real_command_line_prints_help_in_english() -> None:
    root = _run("--help", KIZUNA_LANG="en")
    assert "Kizuna (絆): influencer outreach platform." in root
    assert "╭─ Commands" in root and "Import data from files." in root
    assert "インフルエンサーアウトリーチ" not in root

    domain = _run("import", "influencers", "--help")
    assert "Import influencers; the same platform + handle updates the existing account." in domain
    assert "Validate and count; write nothing" in domain and "[default: auto]" in domain
    assert "ワークスペース" not in domain
