"""Currency amounts: stored as integer minor units, formatted with Babel (¥1,234 / $1,234.00)."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency, get_currency_precision

CURRENCIES = ("JPY", "USD", "EUR", "TWD", "KRW", "HKD", "CNY", "GBP", "SGD", "THB", "AUD")


def minor_digits(currency: str) -> int:
    return int(get_currency_precision(currency))


def to_minor(amount: Decimal | int | float | str, currency: str) -> int:
    return int((Decimal(str(amount)) * (10 ** minor_digits(currency))).to_integral_value())


def from_minor(minor: int, currency: str) -> Decimal:
    return Decimal(minor) / Decimal(10 ** minor_digits(currency))


def format_money(minor: int | None, currency: str, locale: str = "en") -> str:
    """``format_money(123400, "USD") == "$1,234.00"``; ``format_money(1234, "JPY", "ja") == "￥1,234"``."""
    if minor is None:
        return "—"
    babel_locale = "ja_JP" if locale.startswith("ja") else "en_US"
    return str(format_currency(from_minor(minor, currency), currency, locale=babel_locale))
