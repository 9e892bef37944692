"""What the command line says, in the reader's language.

The language comes from ``KIZUNA_LANG`` (``ja`` or ``en``), else from the usual POSIX variables (``LC_ALL``,
``LC_MESSAGES``, ``LANG``: ``ja_JP.UTF-8`` means Japanese), else English. Messages go through the same catalogs
as the web app, so an error reads the same in the browser, the API and the terminal.
"""

from __future__ import annotations

import os

from rich.markup import escape

from kizuna.web import i18n


def cli_locale() -> str:
    for name in ("KIZUNA_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "").strip()
        if not value:
            continue
        base = value.split(".")[0].split("_")[0].split("-")[0].lower()
        return base if base in i18n.SUPPORTED else i18n.DEFAULT
    return i18n.DEFAULT


def use_cli_locale() -> str:
    """Make ``_()`` and error rendering use the terminal's language for the rest of this command."""
    locale = cli_locale()
    current = i18n.current()
    if current.locale != locale:
        i18n.set_request_locale(i18n.RequestLocale(locale=locale, timezone=current.timezone))
    return locale


def error_line(code: str, message: str) -> str:
    """One red line: ``error (code): message``, translated; the message is escaped (a "[…]" in it is text)."""
    return f"[bold red]{i18n._('error')}[/] ({escape(code)}): {escape(i18n.gettext(message))}"
