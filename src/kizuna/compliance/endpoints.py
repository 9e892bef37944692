"""JSON API: check a sponsored text's advertising disclosure, and list the loaded rule packs.

Stateless: nothing is stored (the content domain stores the checks it runs on drafts and live posts).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends

from kizuna.compliance.packs import DEFAULT_REGISTRY
from kizuna.compliance.schemas import CheckIn, CheckOut, PackOut, RulesOut
from kizuna.compliance.service import check_content, describe_packs
from kizuna.tenancy import Ctx
from kizuna.web.auth import workspace_ctx
from kizuna.web.routing import api_router

router = api_router(prefix="/api/v1", tags=["compliance"])
CtxDep = Annotated[Ctx, Depends(workspace_ctx)]


@router.post("/w/{ws}/compliance/check", response_model=CheckOut)
def check(ctx: CtxDep, body: CheckIn) -> dict[str, Any]:
    """Check a sponsored post (draft, live post or brand reuse) in each jurisdiction; the worst verdict wins.

    Unknown jurisdictions or platforms answer 422 (``compliance_unknown_jurisdiction`` /
    ``compliance_unknown_platform``).
    """
    report = check_content(
        body.text,
        platform=body.platform,
        jurisdictions=body.jurisdictions,
        context=body.context,
        media_type=body.media_type,
        has_spoken_disclosure=body.has_spoken_disclosure,
        has_onscreen_disclosure=body.has_onscreen_disclosure,
        has_platform_disclosure=body.has_platform_disclosure,
    )
    return report.to_dict(body.lang or ctx.locale)


@router.get("/w/{ws}/compliance/rules", response_model=RulesOut)
def rules(ctx: CtxDep) -> RulesOut:
    """The jurisdiction packs this server applies, with their labels by strength and their sources."""
    packs = [PackOut(**pack) for pack in describe_packs(ctx.locale)]
    return RulesOut(jurisdictions=packs, platforms=sorted(DEFAULT_REGISTRY.platforms.platforms))
