"""The terms of an offer, validated: compensation, deliverables, usage rights, exclusivity, payment, disclosure.

Money is integer minor units of the deal currency. Every counter-offer is a complete :class:`Terms` document,
so each version can be read (and turned into an agreement) on its own.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kizuna.kit.money import CURRENCIES

FORMATS = ("feed", "reel", "story", "video", "short", "blog", "live")
PLATFORMS = ("instagram", "tiktok", "youtube", "x", "threads", "facebook", "blog", "line", "twitch", "other")
CLOCK_STARTS = ("approval", "publication")
USAGE_CHANNELS = ("organic_brand_social", "brand_website", "paid_ads", "email", "print", "in_store")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Compensation(_Model):
    fee_minor: int = Field(default=0, ge=0, le=10**13)
    gifting_description: str = Field(default="", max_length=500)
    gifting_value_minor: int = Field(default=0, ge=0, le=10**12)
    commission_pct: float = Field(default=0.0, ge=0, le=100)
    affiliate_code: str = Field(default="", max_length=64)


class Deliverable(_Model):
    platform: str = Field(min_length=1, max_length=40)
    format: Literal["feed", "reel", "story", "video", "short", "blog", "live"]
    count: int = Field(default=1, ge=1, le=100)
    due_dates: list[date] = Field(default_factory=list, max_length=100)
    fee_minor: int | None = Field(default=None, ge=0, le=10**13)
    notes: str = Field(default="", max_length=1000)

    @field_validator("platform")
    @classmethod
    def _platform(cls, v: str) -> str:
        return v.lower()

    @model_validator(mode="after")
    def _dates(self) -> Deliverable:
        if len(self.due_dates) > self.count:
            raise ValueError("more due dates than the count of this deliverable")
        return self

    def due_date_for(self, sequence: int) -> date | None:
        """Due date of unit ``sequence`` (1-based): its own date, else the last date given."""
        if not self.due_dates:
            return None
        return self.due_dates[min(sequence, len(self.due_dates)) - 1]


class UsageRights(_Model):
    channels: list[str] = Field(default_factory=list, max_length=20)
    duration_days: int = Field(default=0, ge=0, le=3650)
    paid_ads_whitelisting: bool = False


class Exclusivity(_Model):
    category: str = Field(default="", max_length=200)
    days: int = Field(default=0, ge=0, le=3650)


class PaymentTerms(_Model):
    net_days: int = Field(default=30, ge=0, le=180)
    clock_start: Literal["approval", "publication"] = "publication"


class DisclosureRequirement(_Model):
    required: bool = True
    jurisdictions: list[str] = Field(default_factory=lambda: ["jp"], max_length=10)
    wording: str = Field(default="", max_length=200)

    @field_validator("jurisdictions")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        from kizuna.compliance.packs import DEFAULT_REGISTRY

        known = set(DEFAULT_REGISTRY.jurisdictions)
        out = []
        for code in v:
            code = code.strip().lower()
            if code not in known:
                raise ValueError(f"unknown jurisdiction {code!r}; known: {', '.join(sorted(known))}")
            if code not in out:
                out.append(code)
        return out


class Terms(_Model):
    currency: str = Field(default="JPY", min_length=3, max_length=3)
    compensation: Compensation = Field(default_factory=Compensation)
    deliverables: list[Deliverable] = Field(min_length=1, max_length=30)
    usage: UsageRights = Field(default_factory=UsageRights)
    exclusivity: Exclusivity = Field(default_factory=Exclusivity)
    payment: PaymentTerms = Field(default_factory=PaymentTerms)
    disclosure: DisclosureRequirement = Field(default_factory=DisclosureRequirement)
    cancellation_notice_days: int = Field(default=7, ge=0, le=365)
    kill_fee_pct: int = Field(default=50, ge=0, le=100)

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str) -> str:
        v = v.upper()
        if v not in CURRENCIES:
            raise ValueError(f"unsupported currency {v}")
        return v

    @model_validator(mode="after")
    def _fees(self) -> Terms:
        explicit = [d.fee_minor for d in self.deliverables if d.fee_minor is not None]
        if explicit and len(explicit) == len(self.deliverables):
            total = sum(d.fee_minor * d.count for d in self.deliverables if d.fee_minor is not None)
            if self.compensation.fee_minor and total != self.compensation.fee_minor:
                raise ValueError("the deliverable fees do not add up to the total fee")
        return self

    @property
    def unit_count(self) -> int:
        return sum(d.count for d in self.deliverables)

    def unit_fees(self) -> list[tuple[int, int, int]]:
        """``(deliverable_index, sequence, fee_minor)`` for every deliverable unit.

        Units with their own fee keep it; the rest of the total fee is split evenly over the other units, the
        indivisible remainder one minor unit at a time from the first, so the parts always add up to the total.
        """
        fixed = sum((d.fee_minor or 0) * d.count for d in self.deliverables if d.fee_minor is not None)
        open_units = sum(d.count for d in self.deliverables if d.fee_minor is None)
        rest = max(self.compensation.fee_minor - fixed, 0)
        share, remainder = divmod(rest, open_units) if open_units else (0, 0)
        out: list[tuple[int, int, int]] = []
        for index, d in enumerate(self.deliverables):
            for seq in range(1, d.count + 1):
                if d.fee_minor is not None:
                    out.append((index, seq, d.fee_minor))
                else:
                    extra = 1 if remainder > 0 else 0
                    remainder -= extra
                    out.append((index, seq, share + extra))
        return out


def diff_terms(old: Terms | None, new: Terms) -> list[str]:
    """Dotted paths of the fields that changed between two versions (shown on counter-offers)."""
    if old is None:
        return []
    changed: list[str] = []

    def walk(prefix: str, a: object, b: object) -> None:
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b)):
                walk(f"{prefix}.{key}" if prefix else str(key), a.get(key), b.get(key))
        elif a != b:
            changed.append(prefix)

    walk("", old.model_dump(mode="json"), new.model_dump(mode="json"))
    return changed
