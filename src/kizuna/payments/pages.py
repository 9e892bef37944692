"""Payments pages: payables with overdue flags, mark paid, CSV export, days-to-pay per creator."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kizuna.deals.actors import Actor
from kizuna.errors import KizunaError
from kizuna.models.payable import Payable
from kizuna.payments import service
from kizuna.tenancy import Ctx, register_path_param
from kizuna.web.auth import workspace_ctx
from kizuna.web.i18n import _
from kizuna.web.routing import page_router
from kizuna.web.templating import render

router = page_router()
register_path_param("payable_id", Payable)
CtxDep = Annotated[Ctx, Depends(workspace_ctx)]


def _page(request: Request, ctx: Ctx, status: str, error: str | None = None, code: int = 200) -> HTMLResponse:
    s = ctx.session
    return render(
        request,
        "payments/index.html",
        {
            "payables": service.rows(s, status=status or None),
            "status": status,
            "summary": service.days_to_pay_by_creator(s),
            "overdue_count": len(service.overdue(s)),
            "scheduled_count": len(service.rows(s, status="scheduled")),
            "error": error,
        },
        status_code=code,
    )


@router.get("/w/{ws}/deals/payments")
def payments_index(
    request: Request, ctx: Annotated[Ctx, Depends(workspace_ctx)], status: str = ""
) -> HTMLResponse:
    if status not in ("", "overdue", "scheduled", "awaiting_clock", "paid"):
        status = ""
    return _page(request, ctx, status)


@router.get("/w/{ws}/deals/payments.csv")
def payments_csv(ctx: CtxDep) -> Response:
    ctx.require("member")
    return Response(
        "\ufeff" + service.export_csv(ctx.session),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="payments-{ctx.workspace.slug}.csv"'},
    )


@router.post("/w/{ws}/deals/payments/{payable_id:int}/paid")
def mark_paid(
    request: Request, ctx: CtxDep, payable_id: int, reference: Annotated[str, Form()] = ""
) -> Response:
    payable = ctx.get(Payable, payable_id)
    try:
        service.mark_paid(Actor.from_ctx(ctx), payable, reference=reference)
    except KizunaError as exc:
        ctx.session.rollback()
        return _page(request, ctx, "", _(exc.message), exc.status)
    return RedirectResponse(f"/w/{ctx.workspace.slug}/deals/payments", status_code=303)
