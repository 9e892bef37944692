"""Domain-agnostic helpers: numbers as people write them, money, time, crypto, locale negotiation."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from kizuna.kit.crypto import ExpiredSignedToken, InvalidSignedToken, Signer, decrypt, encrypt
from kizuna.kit.money import format_money, to_minor
from kizuna.kit.numbers import NumberFormatError, format_compact, parse_count, parse_percent
from kizuna.kit.time import add_business_days
from kizuna.web.i18n import negotiate


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3.3k", 3_300),
        ("475.8m", 475_800_000),
        ("29.0b", 29_000_000_000),
        ("1.2万", 12_000),
        ("35万", 350_000),
        ("1億", 100_000_000),
        ("1億2000万", 120_000_000),
        ("1,234", 1_234),
        ("１２３４", 1_234),
        ("13.8M", 13_800_000),
        ("5千", 5_000),
        (" 42 ", 42),
        (7, 7),
        ("12,345人", 12_345),
    ],
)
def test_parse_count(text: object, expected: int) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize("missing", ["N/A", "#VALOR!", "-", "", "  ", "nan", "#N/A", "—", None, float("nan")])
def test_missing_values_are_none_never_zero(missing: object) -> None:
    assert parse_count(missing) is None
    assert parse_percent(missing) is None


@pytest.mark.parametrize("bad", ["abc", "12x", "1.2.3", "--5"])
def test_garbage_is_an_error(bad: str) -> None:
    with pytest.raises(NumberFormatError):
        parse_count(bad)


def test_negative_count_is_an_error() -> None:
    with pytest.raises(NumberFormatError):
        parse_count("-5")


@pytest.mark.parametrize(
    ("text", "expected"), [("12.5%", 0.125), ("1.39%", 0.0139), ("３％", 0.03), (0.05, 0.05), ("4", 0.04)]
)
def test_parse_percent(text: object, expected: float) -> None:
    assert parse_percent(text) == pytest.approx(expected)


def test_format_compact_japanese_and_english() -> None:
    assert format_compact(12_000, "ja") == "1.2万"
    assert format_compact(350_000, "ja") == "35万"
    assert format_compact(120_000_000, "ja") == "1.2億"
    assert format_compact(12_000, "en") == "12K"
    assert format_compact(1_500_000, "en") == "1.5M"
    assert format_compact(999, "ja") == "999"


def test_money_formats() -> None:
    assert format_money(123400, "USD") == "$1,234.00"
    assert format_money(1234, "JPY", "en") == "¥1,234"
    assert format_money(1234, "JPY", "ja") == "￥1,234"
    assert format_money(to_minor(Decimal("10.5"), "EUR"), "EUR") == "€10.50"
    assert to_minor(Decimal("1000"), "KRW") == 1000


def test_business_days_skip_weekends_in_the_recipients_zone() -> None:
    friday_evening_tokyo = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # Fri 18:00 JST
    monday = add_business_days(friday_evening_tokyo, 1, "Asia/Tokyo")
    assert monday == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert add_business_days(friday_evening_tokyo, 5, "Asia/Tokyo").weekday() == 4


def test_signer_is_purpose_bound_and_expires(db: object) -> None:
    token = Signer("unsubscribe").dumps({"id": 5})
    assert Signer("unsubscribe").loads(token, max_age=60) == {"id": 5}
    with pytest.raises(InvalidSignedToken):
        Signer("portal").loads(token)
    # one character inside the signature changed (not the last ones: the final base64 character carries unused
    # bits, and a token that already ended in the replacement would not be tampered at all)
    i = len(token) - 10
    tampered = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]
    with pytest.raises(InvalidSignedToken):
        Signer("unsubscribe").loads(tampered)
    with pytest.raises(ExpiredSignedToken):
        Signer("unsubscribe").loads(token, max_age=-1)


def test_secrets_are_encrypted_at_rest(db: object) -> None:
    blob = encrypt("smtp-app-password")
    assert "smtp-app-password" not in blob
    assert decrypt(blob) == "smtp-app-password"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ja-JP,ja;q=0.9,en;q=0.8", "ja"),
        ("en-US,en;q=0.9,ja;q=0.8", "en"),
        ("fr,de", "en"),
        ("de, ja;q=0.3", "ja"),
        (None, "en"),
        ("ja;q=0", "en"),
    ],
)
def test_accept_language(header: str | None, expected: str) -> None:
    assert negotiate(header) == expected


def test_formula_safe_neutralises_formulas_only() -> None:
    from kizuna.kit.sheets import formula_safe

    assert formula_safe('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert formula_safe("-5 bad") == "'-5 bad"
    assert formula_safe("Aya") == "Aya"
    assert formula_safe("") == ""
    assert formula_safe(12) == 12
