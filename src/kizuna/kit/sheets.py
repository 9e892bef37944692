"""Cells for spreadsheets people open: text from outside must never start a formula."""

from __future__ import annotations

from typing import Any

#: What makes Excel, LibreOffice or Google Sheets read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value: Any) -> Any:
    """Prefix text that would start a formula with an apostrophe (the spreadsheet's "this is text" marker, which
    the importer strips again on re-import); anything else is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
