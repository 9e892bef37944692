"""JSON API for the caller, the workspace, its members and its audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select

from kizuna.accounts import service
from kizuna.accounts.schemas import AuditOut, MemberOut, MeOut, WorkspaceOut, WorkspaceUpdate
from kizuna.influencers.service import set_tier_scheme
from kizuna.models.audit_log import AuditLog
from kizuna.models.membership import Membership
from kizuna.models.user import User
from kizuna.tenancy import Ctx
from kizuna.web.auth import Caller, current_caller, workspace_ctx
from kizuna.web.routing import api_router, uow_of

router = api_router(prefix="/api/v1", tags=["accounts"])
CtxDep = Annotated[Ctx, Depends(workspace_ctx)]


@router.get("/me", response_model=MeOut)
def me(request: Request, caller: Annotated[Caller, Depends(current_caller)]) -> MeOut:
    """The authenticated user and the workspaces they belong to."""
    spaces = service.user_workspaces(uow_of(request).session, caller.user)
    return MeOut(
        email=caller.user.email,
        name=caller.user.name,
        locale=caller.user.locale,
        timezone=caller.user.timezone,
        workspaces=[{"slug": ws.slug, "name": ws.name, "role": role} for ws, role in spaces],
    )


@router.get("/w/{ws}", response_model=WorkspaceOut)
def get_workspace(ctx: CtxDep) -> WorkspaceOut:
    """Settings of one workspace."""
    return WorkspaceOut.model_validate(ctx.workspace)


@router.patch("/w/{ws}", response_model=WorkspaceOut)
def update_workspace(ctx: CtxDep, body: WorkspaceUpdate) -> WorkspaceOut:
    """Change workspace settings (admins and owners)."""
    ctx.require("admin")
    ws = ctx.workspace
    service.update_workspace(
        ctx.session,
        ws,
        ctx.user,
        name=body.name if body.name is not None else ws.name,
        currency=body.currency or ws.currency,
        timezone=body.timezone or ws.timezone,
        tier_scheme=body.tier_scheme or ws.tier_scheme,
        sender_identity=body.sender_identity if body.sender_identity is not None else ws.sender_identity,
        kind=body.kind or ws.kind,
        retier=lambda scheme: set_tier_scheme(ctx, scheme, ws.custom_tiers),
    )
    return WorkspaceOut.model_validate(ws)


@router.get("/w/{ws}/members", response_model=list[MemberOut])
def list_members(ctx: CtxDep) -> list[MemberOut]:
    """Everyone with access to the workspace and their role."""
    rows = ctx.session.execute(
        select(Membership, User).join(User, User.id == Membership.user_id).order_by(User.email)
    ).all()
    return [MemberOut(id=m.id, email=u.email, name=u.name, role=m.role) for m, u in rows]


@router.get("/w/{ws}/audit-log", response_model=list[AuditOut])
def audit_log(ctx: CtxDep, limit: int = 100, before_id: int | None = None) -> list[AuditOut]:
    """The newest audit entries first; page with ``before_id``."""
    q = select(AuditLog).where(AuditLog.workspace_id == ctx.workspace_id)
    if before_id is not None:
        q = q.where(AuditLog.id < before_id)
    rows = ctx.session.execute(q.order_by(AuditLog.id.desc()).limit(max(1, min(limit, 500)))).scalars().all()
    return [AuditOut.model_validate(r) for r in rows]
