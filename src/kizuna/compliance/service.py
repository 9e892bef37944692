"""The entry point other domains use: check one text for every jurisdiction a post or reuse targets.

Content review calls it on each draft version, the live-post registration on the published caption, and the
brand-reuse flow on the text shown next to reused creator content. It is pure (no database, no I/O) so callers
decide where results are stored; the deals/content domain persists them with the content version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kizuna.compliance.engine import Context, Result, Verdict, check
from kizuna.compliance.packs import DEFAULT_REGISTRY, RuleRegistry
from kizuna.errors import ValidationFailed

_VERDICT_ORDER: dict[Verdict, int] = {"compliant": 0, "needs_review": 1, "non_compliant": 2}


@dataclass(frozen=True)
class ComplianceReport:
    """Results per jurisdiction, in the order asked, and the overall (worst) verdict."""

    results: tuple[Result, ...]

    @property
    def verdict(self) -> Verdict:
        return max((r.verdict for r in self.results), key=_VERDICT_ORDER.__getitem__)

    def result(self, jurisdiction: str) -> Result:
        for r in self.results:
            if r.jurisdiction == jurisdiction:
                return r
        raise KeyError(jurisdiction)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """``{"verdict": worst, "findings": [...all, each naming its jurisdiction...], "by_jurisdiction": {...}}``."""
        return {
            "verdict": self.verdict,
            "findings": [f.to_dict(lang) for r in self.results for f in r.findings],
            "by_jurisdiction": {r.jurisdiction: r.to_dict(lang) for r in self.results},
        }


def check_content(
    text: str,
    *,
    platform: str | None,
    jurisdictions: Sequence[str],
    context: Context = "draft",
    media_type: str | None = None,
    has_spoken_disclosure: bool | None = None,
    has_onscreen_disclosure: bool | None = None,
    has_platform_disclosure: bool | None = None,
    registry: RuleRegistry | None = None,
) -> ComplianceReport:
    """Check a sponsored text in every target jurisdiction (duplicates ignored, order kept).

    A campaign aimed at Japan and the US must satisfy both packs; the report's verdict is the worst of them.
    """
    wanted = list(dict.fromkeys(j.strip().lower() for j in jurisdictions if j.strip()))
    if not wanted:
        raise ValidationFailed("at least one jurisdiction is required", code="compliance_no_jurisdiction")
    return ComplianceReport(
        results=tuple(
            check(
                text,
                jurisdiction=j,
                platform=platform,
                media_type=media_type,
                has_spoken_disclosure=has_spoken_disclosure,
                has_onscreen_disclosure=has_onscreen_disclosure,
                has_platform_disclosure=has_platform_disclosure,
                context=context,
                registry=registry,
            )
            for j in wanted
        )
    )


def describe_packs(lang: str = "en", *, registry: RuleRegistry | None = None) -> list[dict[str, Any]]:
    """The loaded jurisdictions with their labels grouped by strength, for the CLI and the API."""
    reg = registry or DEFAULT_REGISTRY
    out = []
    for code, pack in sorted(reg.packs.items()):
        labels = {
            strength: sorted({label.text for label in pack.labels if label.strength == strength})
            for strength in ("clear", "weak", "ambiguous")
        }
        out.append(
            {
                "code": code,
                "name": pack.name.get(lang),
                "authority": pack.authority.get(lang),
                "in_force_since": pack.in_force_since.isoformat() if pack.in_force_since else None,
                "sources": [source.url for source in pack.sources],
                **labels,
            }
        )
    return out
