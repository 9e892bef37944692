"""Japanese invoicing rules: the qualified invoice registration number and withholding tax for individuals.

Registration number (適格請求書発行事業者登録番号): ``T`` followed by 13 digits. For a corporation the digits
are its corporate number (法人番号), whose first digit is a check digit over the other twelve, defined in the
Ministry of Finance ordinance on corporate numbers (財務省令第70号 第2条):
``9 - (Σ Pn × Qn mod 9)``, ``Pn`` the n-th digit of the 12-digit base counted from the right, ``Qn`` 1 for odd
``n`` and 2 for even ``n``. Sole proprietors receive 13-digit numbers from the same numbering system, and we
apply the same check (see docs/guide/deals.md for what to do if a real number is refused).

Withholding (源泉徴収, Income Tax Act art. 204 with the reconstruction surtax): on fees for writing, design,
modelling, appearance and similar work paid to an individual, 10.21% of a payment up to ¥1,000,000 and
20.42% of the part above, fractions of a yen rounded down. It is computed on each payment, per payment.
"""

from __future__ import annotations

import re
import unicodedata

from kizuna.errors import ValidationFailed

THRESHOLD_YEN = 1_000_000
_SHAPE = re.compile(r"^T(\d{13})$")


def check_digit(base12: str) -> int:
    """The corporate-number check digit for a 12-digit base number."""
    if len(base12) != 12 or not base12.isdigit():
        raise ValueError("base number must be 12 digits")
    total = 0
    for n, ch in enumerate(reversed(base12), start=1):
        total += int(ch) * (1 if n % 2 else 2)
    return 9 - (total % 9)


def normalize_registration_number(raw: str) -> str:
    """Full-width to half-width, drop spaces and hyphens, upper-case ``t``: ``"ｔ１２３-…"`` → ``"T123…"``."""
    text = unicodedata.normalize("NFKC", raw).strip().upper()
    return re.sub(r"[\s\-‐－ー―]", "", text)


def validate_registration_number(raw: str) -> str:
    """The normalised number, or :class:`ValidationFailed` (``invoice_number_format`` / ``invoice_number_check``)."""
    value = normalize_registration_number(raw)
    m = _SHAPE.match(value)
    if m is None:
        raise ValidationFailed(
            "A qualified invoice registration number is T followed by 13 digits.",
            code="invoice_number_format",
        )
    digits = m.group(1)
    if int(digits[0]) != check_digit(digits[1:]):
        raise ValidationFailed(
            "This registration number's check digit is wrong; please check it for a typo.",
            code="invoice_number_check",
        )
    return value


def withholding_yen(amount_yen: int) -> int:
    """Income tax withheld from one payment of ``amount_yen`` to an individual (rounded down to the yen)."""
    if amount_yen <= 0:
        return 0
    if amount_yen <= THRESHOLD_YEN:
        return amount_yen * 1021 // 10000
    return THRESHOLD_YEN * 1021 // 10000 + (amount_yen - THRESHOLD_YEN) * 2042 // 10000
