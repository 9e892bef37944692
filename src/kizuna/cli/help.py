"""Help texts of the command line in the reader's language.

Commands, groups and options are declared in English (docstrings and ``help=``) in every domain's ``cli.py``.
Rather than wrapping each of them in ``_()``, :func:`translate_help` walks the finished click command tree once,
just before it runs, and swaps every text a person reads in ``--help`` (help, short help, epilog, Rich help
panels, the ``--help`` option itself) for its translation. The English text is the msgid, with its whitespace
normalised (:func:`help_msgid`) so that a re-indented or re-wrapped docstring keeps its translation. The Japanese
entries live in ``web/locale/ja/LC_MESSAGES/cli_help.po``; ``tests/test_cli_help.py`` fails on any help text
without one.

Typer's own panel titles ("Options", "Commands", ...) are module constants of :mod:`typer.rich_utils`; they are
set for the locale (:func:`localize_typer`) only when help is about to be shown, because importing that module
costs ~0.1 s. "Usage:" and click's error messages stay English.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import typer
import typer.main

from kizuna.web import i18n

# Typer ships its own copy of click (``typer._click``, private): commands, groups and parameters are handled by
# duck typing (a group has a ``commands`` dict) rather than by the ``click`` package's classes.
Command = Any

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")

# Typer's labels around the help texts (English as Typer writes them) -> the typer.rich_utils constant.
TYPER_LABELS: dict[str, str] = {
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands",
    "ERRORS_PANEL_TITLE": "Error",
    "DEFAULT_STRING": "[default: {}]",
    "REQUIRED_LONG_STRING": "[required]",
}


def help_msgid(text: str) -> str:
    """The catalog key of a help text: dedented, cut at click's ``\\f``, each paragraph on one line.

    Paragraphs are separated by one blank line; a click ``\\b`` (no re-wrap) paragraph keeps its lines."""
    text = inspect.cleandoc(text).partition("\f")[0]
    paragraphs = []
    for paragraph in _PARAGRAPH_BREAK.split(text):
        if not paragraph.strip():
            continue
        if paragraph.startswith("\b"):
            lines = [" ".join(line.split()) for line in paragraph[1:].splitlines()]
            paragraphs.append("\b\n" + "\n".join(line for line in lines if line))
        else:
            paragraphs.append(" ".join(paragraph.split()))
    return "\n\n".join(paragraphs)


def _holders(command: Command, ctx: typer.Context) -> Iterator[tuple[object, str, str]]:
    """``(object, attribute, path)`` for every help-text attribute of ``command`` and its subcommands."""
    path = ctx.command_path
    for attr in ("help", "short_help", "epilog", "rich_help_panel"):
        yield command, attr, path
    params: list[Any] = list(command.params)
    help_option = command.get_help_option(ctx)
    if help_option is not None and help_option not in params:
        params.append(help_option)
    for param in params:
        for attr in ("help", "rich_help_panel"):
            yield param, attr, f"{path} {param.name}"
    subcommands: dict[str, Command] = getattr(command, "commands", None) or {}
    for name, sub in subcommands.items():
        sub_ctx = typer.Context(sub, parent=ctx, info_name=name, **sub.context_settings)
        yield from _holders(sub, sub_ctx)


def _walk(root: Command) -> Iterator[tuple[object, str, str, str]]:
    """``(object, attribute, English text, where)`` for every non-empty help text in the tree."""
    ctx = typer.Context(root, info_name="kizuna", **root.context_settings)
    for holder, attr, where in _holders(root, ctx):
        value: Any = getattr(holder, attr, None)
        if isinstance(value, str) and value.strip():
            yield holder, attr, value, where


def help_texts(root: Command) -> dict[str, str]:
    """msgid -> where it is first used (``kizuna import influencers format``), for every help text."""
    found: dict[str, str] = {}
    for _holder, _attr, text, where in _walk(root):
        found.setdefault(help_msgid(text), where)
    return found


def translate_help(root: Command, locale: str) -> Command:
    """Replace, in place, every help text of ``root``'s tree with its ``locale`` translation (if there is one)."""
    if locale == i18n.DEFAULT:
        return root
    for holder, attr, text, _where in _walk(root):
        msgid = help_msgid(text)
        translated = i18n.gettext(msgid, locale)
        if translated != msgid:
            setattr(holder, attr, translated)
    return root


def help_requested(root: Command, args: Sequence[str]) -> bool:
    """Whether these arguments will print a help screen: ``--help``, or a group given no subcommand."""
    names = set(root.context_settings.get("help_option_names") or ("--help",))
    if any(arg in names for arg in args):
        return True
    command = root
    for arg in args:
        subcommands = getattr(command, "commands", None)
        if arg == "--" or not isinstance(subcommands, dict) or arg not in subcommands:
            break
        command = subcommands[arg]
    else:
        return isinstance(getattr(command, "commands", None), dict)
    return False


_TYPER_ORIGINALS: dict[str, Any] = {}


def _folding(make_rich_text: Any) -> Any:
    """Typer's ``_make_rich_text`` whose Text folds: Rich wraps only at spaces, and the tables of ``--help``
    would cut a Japanese sentence (one long "word") at the first line with "…"."""

    def make_folding_rich_text(**kwargs: Any) -> Any:
        rendered = make_rich_text(**kwargs)
        if getattr(rendered, "overflow", "") is None:
            rendered.overflow = "fold"
        return rendered

    return make_folding_rich_text


def localize_typer(locale: str) -> None:
    """Typer's panel titles and ``[default: …]`` / ``[required]`` in ``locale``, and help that wraps between
    Japanese characters; the default locale restores Typer as it was."""
    from typer import rich_utils

    if not _TYPER_ORIGINALS:
        for constant in (*TYPER_LABELS, "_make_rich_text"):
            if hasattr(rich_utils, constant):
                _TYPER_ORIGINALS[constant] = getattr(rich_utils, constant)
    for constant, original in _TYPER_ORIGINALS.items():
        setattr(rich_utils, constant, original)
    if locale == i18n.DEFAULT:
        return
    for constant, english in TYPER_LABELS.items():
        if constant in _TYPER_ORIGINALS:
            setattr(rich_utils, constant, i18n.gettext(english, locale))
    if "_make_rich_text" in _TYPER_ORIGINALS:
        rich_utils._make_rich_text = _folding(_TYPER_ORIGINALS["_make_rich_text"])


def localized_command(app: typer.Typer, locale: str, args: Sequence[str] | None = None) -> Command:
    """The click command of a Typer ``app`` with its help in ``locale``, ready to run with ``args``."""
    command = typer.main.get_command(app)
    translate_help(command, locale)
    argv = sys.argv[1:] if args is None else args
    if help_requested(command, argv) or "typer.rich_utils" in sys.modules:
        localize_typer(locale)
    return command
