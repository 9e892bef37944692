"""The disclosure checker page: paste a caption, pick markets and platform, see the verdict and the fixes.

Nothing is stored. The page shows the text with every detected label marked by strength and the platform's
"…more" fold drawn where readers stop, so the reason for a finding is visible, not just stated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse

from kizuna.compliance.engine import CONTEXTS, fold_offset
from kizuna.compliance.packs import DEFAULT_REGISTRY
from kizuna.compliance.schemas import MAX_TEXT
from kizuna.compliance.service import ComplianceReport, check_content
from kizuna.errors import KizunaError, ValidationFailed
from kizuna.tenancy import Ctx
from kizuna.web.auth import workspace_ctx
from kizuna.web.routing import page_router
from kizuna.web.templating import render

router = page_router()
CtxDep = Annotated[Ctx, Depends(workspace_ctx)]

MEDIA_TYPES = ("", "image", "carousel", "reel", "video", "short", "story", "live", "blog")
VERDICT_LABELS = {"compliant": "Compliant", "needs_review": "Needs review", "non_compliant": "Non-compliant"}
VERDICT_BADGES = {"compliant": "ok", "needs_review": "warn", "non_compliant": "err"}
CONTEXT_LABELS = {"draft": "Draft", "live_post": "Live post", "brand_reuse": "Brand reuse of creator content"}


@dataclass(frozen=True)
class Segment:
    """A piece of the checked text: plain, a detected label (with its strength), or the fold marker."""

    text: str
    kind: str


def _segments(text: str, report: ComplianceReport, fold: int | None) -> list[Segment]:
    marks: dict[int, tuple[int, str]] = {}
    for result in report.results:
        for d in result.detections:
            current = marks.get(d.position)
            if current is None or current[0] < d.position_end:
                marks[d.position] = (d.position_end, d.strength)
    out: list[Segment] = []
    i = 0
    plain_start = 0
    while i <= len(text):
        if fold is not None and i == fold:
            out.append(Segment(text[plain_start:i], "plain"))
            out.append(Segment("", "fold"))
            plain_start = i
        if i in marks and i < len(text):
            end, strength = marks[i]
            out.append(Segment(text[plain_start:i], "plain"))
            out.append(Segment(text[i:end], strength))
            i = plain_start = end
            continue
        i += 1
    out.append(Segment(text[plain_start:], "plain"))
    return [s for s in out if s.text or s.kind == "fold"]


def _tri(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _form_context(ctx: Ctx, form: dict[str, Any]) -> dict[str, Any]:
    locale = ctx.locale
    return {
        "form": form,
        "jurisdictions": [
            (code, pack.name.get(locale)) for code, pack in sorted(DEFAULT_REGISTRY.packs.items())
        ],
        "platforms": [
            (key, spec.name.get(locale)) for key, spec in DEFAULT_REGISTRY.platforms.platforms.items()
        ],
        "media_types": MEDIA_TYPES,
        "contexts": [(c, CONTEXT_LABELS[c]) for c in CONTEXTS],
        "max_text": MAX_TEXT,
    }


@router.get("/w/{ws}/compliance")
def checker(request: Request, ctx: CtxDep) -> HTMLResponse:
    """The empty checker form (Japan preselected: Kizuna is Japan-first)."""
    form = {
        "text": "",
        "jurisdictions": ["jp"],
        "platform": "instagram",
        "media_type": "",
        "spoken": "",
        "onscreen": "",
        "platform_label": False,
        "context": "draft",
    }
    return render(request, "compliance/check.html", _form_context(ctx, form))


@router.post("/w/{ws}/compliance")
def checker_submit(
    request: Request,
    ctx: CtxDep,
    text: Annotated[str, Form(max_length=MAX_TEXT)] = "",
    jurisdictions: Annotated[list[str] | None, Form()] = None,
    platform: Annotated[str, Form()] = "",
    media_type: Annotated[str, Form()] = "",
    spoken: Annotated[str, Form()] = "",
    onscreen: Annotated[str, Form()] = "",
    platform_label: Annotated[str, Form()] = "",
    context: Annotated[str, Form()] = "draft",
) -> HTMLResponse:
    """Run the check and show verdicts, findings and the annotated text (nothing is saved)."""
    chosen = jurisdictions or []
    form = {
        "text": text,
        "jurisdictions": chosen,
        "platform": platform,
        "media_type": media_type,
        "spoken": spoken,
        "onscreen": onscreen,
        "platform_label": platform_label == "on",
        "context": context,
    }
    data = _form_context(ctx, form)
    try:
        if context not in CONTEXTS:
            raise ValidationFailed("Unknown context.", code="compliance_unknown_context")
        report = check_content(
            text,
            platform=platform or None,
            jurisdictions=chosen,
            context=context,  # narrowed to Context by the membership test above
            media_type=media_type or None,
            has_spoken_disclosure=_tri(spoken),
            has_onscreen_disclosure=_tri(onscreen),
            has_platform_disclosure=platform_label == "on" or None,
        )
    except KizunaError as exc:
        data["error"] = exc.message
        return render(request, "compliance/check.html", data, status_code=exc.status)
    fold = fold_offset(text, platform=platform or None)
    data.update(
        report=report,
        verdict_label=VERDICT_LABELS[report.verdict],
        verdict_badge=VERDICT_BADGES[report.verdict],
        results=[
            {
                "name": DEFAULT_REGISTRY.pack(r.jurisdiction).name.get(ctx.locale),
                "verdict_label": VERDICT_LABELS[r.verdict],
                "badge": VERDICT_BADGES[r.verdict],
                "findings": r.to_dict(ctx.locale)["findings"],
                "severities": [f.severity for f in r.findings],
            }
            for r in report.results
        ],
        segments=_segments(text, report, fold),
    )
    return render(request, "compliance/check.html", data)
