"""What changed between two versions of an offer, as a person reads it: "Fee: ¥200,000 → ¥240,000",
"Deliverable 1 · platform: Instagram → TikTok", in the reader's language.

:func:`kizuna.deals.terms.diff_terms` keeps the dotted paths (``compensation.fee_minor``) for the audit log and the
API; pages use :func:`term_changes`, which names each path the way the offer form does and shows both values
formatted (money in the deal's currency, platforms, formats and channels as words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kizuna.deals.terms import Terms
from kizuna.kit.labels import category_label, code_label, platform_label
from kizuna.kit.money import format_money
from kizuna.web.i18n import gettext


def _(message: str) -> str:
    """Marks a label for the catalogs (``tests/test_i18n.py``); translated when shown."""
    return message


#: dotted path of a term -> its label (English msgid; the Japanese is in ``deals.po``).
TERM_LABELS: dict[str, str] = {
    "currency": _("Currency"),
    "compensation.fee_minor": _("Fee"),
    "compensation.gifting_description": _("Product gifting"),
    "compensation.gifting_value_minor": _("Gifting value"),
    "compensation.commission_pct": _("Commission"),
    "compensation.affiliate_code": _("Affiliate code"),
    "usage.channels": _("Usage channels"),
    "usage.duration_days": _("Usage rights period"),
    "usage.paid_ads_whitelisting": _("Paid-ads whitelisting"),
    "exclusivity.category": _("Exclusive category"),
    "exclusivity.days": _("Exclusivity period"),
    "payment.net_days": _("Pay within"),
    "payment.clock_start": _("Clock starts at"),
    "disclosure.required": _("Disclosure required"),
    "disclosure.jurisdictions": _("Disclosure jurisdictions"),
    "disclosure.wording": _("Disclosure wording"),
    "cancellation_notice_days": _("Cancellation notice"),
    "kill_fee_pct": _("Kill fee"),
}
#: a field of one deliverable -> its label, shown after "Deliverable 1 · ".
DELIVERABLE_FIELDS: dict[str, str] = {
    "platform": _("Platform"),
    "format": _("Format"),
    "count": _("Count"),
    "due_dates": _("Due dates"),
    "fee_minor": _("Fee each"),
    "notes": _("Notes"),
}
_DELIVERABLE = re.compile(r"^deliverables\[(\d+)\](?:\.(\w+))?$")
_INDEX = re.compile(r"\[(\d+)\]")
_DAYS = frozenset({"usage.duration_days", "exclusivity.days", "payment.net_days", "cancellation_notice_days"})
_PERCENT = frozenset({"compensation.commission_pct", "kill_fee_pct"})
_CODES = frozenset({"payment.clock_start"})


@dataclass(frozen=True)
class TermChange:
    """One changed term: its dotted ``path`` (as :func:`~kizuna.deals.terms.diff_terms` names it), its label, and
    the value before and after, all as text for the reader."""

    path: str
    label: str
    old: str
    new: str


def term_paths(old: Terms | None, new: Terms) -> list[tuple[str, Any, Any]]:
    """``(path, old value, new value)`` for each changed field; deliverables are compared one by one
    (``deliverables[0].platform``), a deliverable only one side has as a whole (``deliverables[1]``)."""
    if old is None:
        return []
    out: list[tuple[str, Any, Any]] = []

    def walk(prefix: str, a: Any, b: Any) -> None:
        if isinstance(a, dict) and isinstance(b, dict):
            for key in [*a, *(k for k in b if k not in a)]:  # in the order of the form
                walk(f"{prefix}.{key}" if prefix else str(key), a.get(key), b.get(key))
        elif prefix == "deliverables" and isinstance(a, list) and isinstance(b, list):
            for i in range(max(len(a), len(b))):
                walk(f"{prefix}[{i}]", a[i] if i < len(a) else None, b[i] if i < len(b) else None)
        elif a != b:
            out.append((prefix, a, b))

    walk("", old.model_dump(mode="json"), new.model_dump(mode="json"))
    return out


def term_label(path: str, locale: str = "en") -> str:
    """A dotted term path as words: ``compensation.fee_minor`` -> "Fee" / 報酬, ``deliverables[0].platform`` ->
    "Deliverable 1 · platform" / 成果物1・プラットフォーム. A path not known reads as its words."""
    english = TERM_LABELS.get(path)
    if english is not None:
        return gettext(english, locale)
    m = _DELIVERABLE.match(path)
    if m is not None:
        n = int(m.group(1)) + 1
        field = m.group(2)
        if field is None:
            return gettext("Deliverable %(n)s", locale) % {"n": n}
        name = DELIVERABLE_FIELDS.get(field)
        shown = gettext(name, locale) if name is not None else _words(field)
        if locale != "ja":
            shown = shown[:1].lower() + shown[1:]
        return gettext("Deliverable %(n)s · %(field)s", locale) % {"n": n, "field": shown}
    return _fallback(path)


def _words(name: str) -> str:
    return name.removesuffix("_minor").removesuffix("_pct").replace("_", " ").strip()


def _fallback(path: str) -> str:
    """``compensation.bonus_minor`` -> "Compensation · bonus"; ``extras[1].name`` -> "Extras 2 · name"."""
    parts = []
    for segment in path.split("."):
        segment = _INDEX.sub(lambda m: f" {int(m.group(1)) + 1}", segment)
        words = _words(segment)
        if words:
            parts.append(words)
    if not parts:
        return path
    text = " · ".join(parts)
    return text[:1].upper() + text[1:]


def term_value(path: str, value: Any, currency: str, locale: str = "en") -> str:
    """One side of a change as text: money in ``currency``, days, percentages, platforms and codes as words."""
    if value is None or value == "" or value == []:
        return "—"
    field = path.rsplit(".", 1)[-1]
    if isinstance(value, bool):
        return gettext("Yes" if value else "No", locale)
    if field.endswith("_minor") and isinstance(value, int):
        try:
            return format_money(value, currency, locale)
        except (KeyError, ValueError):
            return f"{value:,}"
    if path in _DAYS and isinstance(value, int):
        return gettext("%(n)s days", locale) % {"n": value}
    if path in _PERCENT and isinstance(value, int | float):
        return f"{value:g}%"
    if path in _CODES and isinstance(value, str):
        return code_label(value, locale)
    if path == "exclusivity.category" and isinstance(value, str):
        return category_label(value, locale)
    if path == "usage.channels" and isinstance(value, list):
        return _join([code_label(c, locale) for c in value], locale)
    if path == "disclosure.jurisdictions" and isinstance(value, list):
        return _join([str(c).upper() for c in value], locale)
    m = _DELIVERABLE.match(path)
    if m is not None:
        if m.group(2) is None and isinstance(value, dict):
            return _deliverable(value, currency, locale)
        if field == "platform":
            return platform_label(value, locale)
        if field == "format":
            return code_label(value, locale)
    if isinstance(value, list):
        return _join([str(v) for v in value], locale)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _join(items: list[str], locale: str) -> str:
    return ("、" if locale == "ja" else ", ").join(items) or "—"


def _deliverable(d: dict[str, Any], currency: str, locale: str) -> str:
    """A whole deliverable (one added or dropped): "2 × Reel (Instagram)"."""
    kind = code_label(d.get("format", ""), locale)
    text = f"{d.get('count', 1)} × {kind} ({platform_label(d.get('platform'), locale)})"
    fee = d.get("fee_minor")
    if isinstance(fee, int):
        text += f" — {term_value('deliverables[0].fee_minor', fee, currency, locale)}"
    return text


def term_changes(old: Terms | None, new: Terms, locale: str = "en") -> list[TermChange]:
    """The changes from ``old`` to ``new`` as the reader reads them (none for the first version)."""
    if old is None:
        return []
    return [
        TermChange(
            path=path,
            label=term_label(path, locale),
            old=term_value(path, a, old.currency, locale),
            new=term_value(path, b, new.currency, locale),
        )
        for path, a, b in term_paths(old, new)
    ]
