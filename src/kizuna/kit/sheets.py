"""Cells for spreadsheets people open: text from outside must never start a formula."""

from __future__ import annotations

import re
from typing import Any

#: What makes Excel, LibreOffice or Google Sheets read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def formula_safe(value: Any) -> Any:
    """Prefix text that would start a formula with an apostrophe (the spreadsheet's "this is text" marker, which
    the importer strips again on re-import); anything else is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def formula_safe_text(value: Any) -> Any:
    """:func:`formula_safe` for cells whose numbers are text too (cells read back from a CSV): a plain number such
    as ``-5`` or ``+3.5`` is a number to the spreadsheet, not a formula, so it stays as it is."""
    if isinstance(value, str) and _PLAIN_NUMBER.fullmatch(value):
        return value
    return formula_safe(value)
