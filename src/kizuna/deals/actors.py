"""Who acts on a deal: a workspace member (through :class:`~kizuna.tenancy.Ctx`) or the creator in the portal.

Both kinds of actor write the same audit rows in the same transaction as the change; a creator has no user
account, so the row carries their label (the name they gave) and their IP address instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from kizuna.accounts.audit import record
from kizuna.models.base import Base
from kizuna.models.user import User
from kizuna.tenancy import Ctx


@dataclass
class Actor:
    session: Session
    workspace_id: int
    label: str
    is_creator: bool
    ip: str | None = None
    user: User | None = None
    ctx: Ctx | None = None

    @classmethod
    def from_ctx(cls, ctx: Ctx) -> Actor:
        return cls(
            session=ctx.session,
            workspace_id=ctx.workspace_id,
            label=ctx.user.name or ctx.user.email,
            is_creator=False,
            ip=ctx.ip,
            user=ctx.user,
            ctx=ctx,
        )

    @classmethod
    def creator(cls, session: Session, workspace_id: int, label: str, ip: str | None) -> Actor:
        return cls(session=session, workspace_id=workspace_id, label=label, is_creator=True, ip=ip)

    def audit(self, action: str, obj: Base | None = None, data: dict[str, Any] | None = None) -> None:
        if self.ctx is not None:
            self.ctx.audit(action, obj, data)
            return
        record(
            self.session,
            action=action,
            workspace_id=self.workspace_id,
            actor=None,
            obj=obj,
            data=data,
            ip=self.ip,
            actor_label=f"creator: {self.label}"[:200],
        )

    def require(self, role: str) -> None:
        """Members need ``role``; a creator passes (their rights are checked by the portal link itself)."""
        if self.ctx is not None:
            self.ctx.require(role)
