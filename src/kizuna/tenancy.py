"""Workspace isolation, enforced in one place.

Once a unit of work knows its workspace (:func:`bind_workspace`), every ORM ``SELECT``, ``UPDATE`` and
``DELETE`` touching a :class:`~kizuna.models.base.WorkspaceOwned` model is filtered to that workspace by a
``do_orm_execute`` hook, and every new workspace-owned row is stamped with it (or refused if it names another).
Endpoints and services therefore never write ``workspace_id ==`` filters by hand, and a forgotten filter cannot
leak another tenant's rows.

Path parameters that name objects are registered with :func:`register_path_param`; the route-walking tenancy
test uses the registry to prove that every route returns 404 for another workspace's objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from kizuna.errors import NotFound, PermissionDenied
from kizuna.models.base import Base, WorkspaceOwned
from kizuna.models.user import User
from kizuna.models.workspace import Workspace

T = TypeVar("T", bound=Base)

ROLE_RANK = {"viewer": 0, "member": 1, "admin": 2, "owner": 3}
WORKSPACE_KEY = "kizuna_workspace_id"
UNSCOPED = "kizuna_unscoped"

PATH_PARAMS: dict[str, type[Base]] = {}


def register_path_param(name: str, model: type[Base]) -> None:
    """Declare that path parameter ``name`` holds the id of a ``model`` row (for the tenancy test)."""
    existing = PATH_PARAMS.get(name)
    if existing is not None and existing is not model:
        raise ValueError(f"path parameter {name!r} already registered for {existing.__name__}")
    PATH_PARAMS[name] = model


def bind_workspace(session: Session, workspace_id: int | None) -> None:
    session.info[WORKSPACE_KEY] = workspace_id


def bound_workspace(session: Session) -> int | None:
    value = session.info.get(WORKSPACE_KEY)
    return int(value) if value is not None else None


@event.listens_for(Session, "do_orm_execute")
def _scope_statements(state: ORMExecuteState) -> None:
    ws_id = state.session.info.get(WORKSPACE_KEY)
    if ws_id is None or state.execution_options.get(UNSCOPED, False):
        return
    if state.is_select or state.is_update or state.is_delete:
        state.statement = state.statement.options(
            with_loader_criteria(
                WorkspaceOwned,
                lambda cls: cls.workspace_id == ws_id,
                include_aliases=True,
            )
        )


@event.listens_for(Session, "before_flush")
def _stamp_new_rows(session: Session, _ctx: Any, _instances: Any) -> None:
    ws_id = session.info.get(WORKSPACE_KEY)
    if ws_id is None:
        return
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, WorkspaceOwned):
            current = obj.workspace_id
            if current is None:
                obj.workspace_id = ws_id
            elif current != ws_id:
                raise PermissionDenied(
                    "Refusing to write a row that belongs to another workspace.", code="cross_workspace_write"
                )


@dataclass
class Ctx:
    """The caller inside one workspace: who, where, with which role, in which transaction."""

    session: Session
    user: User
    workspace: Workspace
    role: str
    via: str = "session"
    ip: str | None = None
    locale: str = "en"
    timezone: str = "UTC"
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def workspace_id(self) -> int:
        return self.workspace.id

    def has_role(self, minimum: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[minimum]

    def require(self, minimum: str) -> None:
        if not self.has_role(minimum):
            raise PermissionDenied(
                "Your role in this workspace does not allow this.",
                code="role_required",
                details={"required": minimum, "role": self.role},
            )

    def get(self, model: type[T], object_id: int) -> T:
        """The row with this id in the current workspace, or :class:`NotFound` (never another tenant's)."""
        row = self.session.execute(select(model).where(model.id == object_id)).scalar_one_or_none()
        if row is None:
            raise NotFound("Not found.", code="not_found", details={"object": model.__name__})
        return row

    def add(self, obj: T) -> T:
        if isinstance(obj, WorkspaceOwned):
            obj.workspace_id = self.workspace.id
        self.session.add(obj)
        return obj

    def audit(
        self,
        action: str,
        obj: Base | None = None,
        data: dict[str, Any] | None = None,
        *,
        object_type: str | None = None,
    ) -> None:
        from kizuna.accounts.audit import record

        record(
            self.session,
            action=action,
            workspace_id=self.workspace.id,
            actor=self.user,
            obj=obj,
            object_type=object_type,
            data=data,
            ip=self.ip,
        )


PUBLIC_PATHS: dict[str, str] = {}


def register_public_path(path: str, reason: str) -> None:
    """Declare a route outside any workspace (tracking redirect, creator portal, webhook, unsubscribe).

    The tenancy test refuses routes that are neither under ``/w/{ws}`` nor registered here with a reason; such
    routes must authenticate by their own means (signed token, HMAC) and never expose workspace lists.
    """
    PUBLIC_PATHS[path] = reason
