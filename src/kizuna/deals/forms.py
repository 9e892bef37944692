"""HTML form ⇄ :class:`~kizuna.deals.terms.Terms`, shared by the brand pages and the creator portal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from kizuna.deals.terms import Terms
from kizuna.errors import KizunaError, ValidationFailed
from kizuna.kit.money import from_minor, to_minor

MAX_DELIVERABLE_ROWS = 5


def _text(form: FormData, name: str, default: str = "") -> str:
    value = form.get(name, default)
    return value.strip() if isinstance(value, str) else default


def _money(form: FormData, name: str, currency: str) -> int:
    raw = _text(form, name).replace(",", "").replace("¥", "").replace("$", "").replace("￥", "")
    if not raw:
        return 0
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise ValidationFailed(
            "Enter amounts as numbers.", code="amount_invalid", details={"field": name}
        ) from None
    if amount < 0:
        raise ValidationFailed("Amounts cannot be negative.", code="amount_invalid", details={"field": name})
    return to_minor(amount, currency)


def _int(form: FormData, name: str, default: int) -> int:
    raw = _text(form, name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed(
            "Enter whole numbers.", code="number_invalid", details={"field": name}
        ) from None


def _dates(raw: str) -> list[str]:
    out = []
    for part in raw.replace("、", ",").replace(" ", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            out.append(date.fromisoformat(part).isoformat())
        except ValueError:
            raise ValidationFailed(
                "Enter dates as YYYY-MM-DD.", code="date_invalid", details={"value": part}
            ) from None
    return out


def terms_from_form(form: FormData) -> Terms:
    currency = (_text(form, "currency") or "JPY").upper()
    deliverables = []
    for i in range(MAX_DELIVERABLE_ROWS):
        platform = _text(form, f"d{i}_platform")
        if not platform:
            continue
        fee_raw = _text(form, f"d{i}_fee")
        deliverables.append(
            {
                "platform": platform,
                "format": _text(form, f"d{i}_format") or "feed",
                "count": _int(form, f"d{i}_count", 1),
                "due_dates": _dates(_text(form, f"d{i}_due")),
                "fee_minor": _money(form, f"d{i}_fee", currency) if fee_raw else None,
                "notes": _text(form, f"d{i}_notes"),
            }
        )
    data: dict[str, Any] = {
        "currency": currency,
        "compensation": {
            "fee_minor": _money(form, "fee", currency),
            "gifting_description": _text(form, "gifting_description"),
            "gifting_value_minor": _money(form, "gifting_value", currency),
            "commission_pct": float(_text(form, "commission_pct") or 0),
            "affiliate_code": _text(form, "affiliate_code"),
        },
        "deliverables": deliverables,
        "usage": {
            "channels": [c for c in form.getlist("usage_channels") if isinstance(c, str) and c],
            "duration_days": _int(form, "usage_days", 0),
            "paid_ads_whitelisting": _text(form, "whitelisting") == "on",
        },
        "exclusivity": {"category": _text(form, "excl_category"), "days": _int(form, "excl_days", 0)},
        "payment": {
            "net_days": _int(form, "net_days", 30),
            "clock_start": _text(form, "clock_start") or "publication",
        },
        "disclosure": {
            "required": _text(form, "disclosure_required", "on") == "on",
            "jurisdictions": [j for j in form.getlist("jurisdictions") if isinstance(j, str) and j] or ["jp"],
            "wording": _text(form, "disclosure_wording"),
        },
        "cancellation_notice_days": _int(form, "cancellation_notice_days", 7),
        "kill_fee_pct": _int(form, "kill_fee_pct", 50),
    }
    return parse_terms(data)


def parse_terms(data: Any) -> Terms:
    try:
        return Terms.model_validate(data)
    except ValidationError as exc:
        details = [
            {"loc": [str(p) for p in e.get("loc", ())], "message": str(e.get("msg", ""))}
            for e in exc.errors()
        ]
        if any(d["loc"] == ["deliverables"] for d in details):
            raise ValidationFailed(
                "Add at least one deliverable.", code="terms_invalid", details={"errors": details}
            ) from None
        raise ValidationFailed(
            "Some terms are missing or invalid.", code="terms_invalid", details={"errors": details}
        ) from None


def form_values(terms: Terms | None) -> dict[str, Any]:
    """Prefill values for the offer form (major units as strings)."""
    if terms is None:
        return {
            "currency": "JPY",
            "net_days": 30,
            "clock_start": "publication",
            "jurisdictions": ["jp"],
            "disclosure_required": True,
            "cancellation_notice_days": 7,
            "kill_fee_pct": 50,
            "rows": [],
        }
    cur = terms.currency

    def major(minor: int | None) -> str:
        return "" if not minor else format(from_minor(minor, cur).normalize(), "f")

    return {
        "currency": cur,
        "fee": major(terms.compensation.fee_minor),
        "gifting_description": terms.compensation.gifting_description,
        "gifting_value": major(terms.compensation.gifting_value_minor),
        "commission_pct": f"{terms.compensation.commission_pct:g}"
        if terms.compensation.commission_pct
        else "",
        "affiliate_code": terms.compensation.affiliate_code,
        "rows": [
            {
                "platform": d.platform,
                "format": d.format,
                "count": d.count,
                "due": ", ".join(x.isoformat() for x in d.due_dates),
                "fee": major(d.fee_minor),
                "notes": d.notes,
            }
            for d in terms.deliverables
        ],
        "usage_channels": terms.usage.channels,
        "usage_days": terms.usage.duration_days,
        "whitelisting": terms.usage.paid_ads_whitelisting,
        "excl_category": terms.exclusivity.category,
        "excl_days": terms.exclusivity.days,
        "net_days": terms.payment.net_days,
        "clock_start": terms.payment.clock_start,
        "disclosure_required": terms.disclosure.required,
        "jurisdictions": terms.disclosure.jurisdictions,
        "disclosure_wording": terms.disclosure.wording,
        "cancellation_notice_days": terms.cancellation_notice_days,
        "kill_fee_pct": terms.kill_fee_pct,
    }


def describe(exc: KizunaError) -> str:
    """The translated message of an error, plus the first field problem when there is one (for forms)."""
    from kizuna.web.i18n import _

    text = _(exc.message)
    errors = exc.details.get("errors") if isinstance(exc.details, dict) else None
    if isinstance(errors, list) and errors:
        first = errors[0]
        text += f" ({'.'.join(first.get('loc', []))}: {first.get('message', '')})"
    return text
