"""The audit log: one row per business change, added to the same session (and so the same transaction)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kizuna.models.audit_log import AuditLog
from kizuna.models.base import Base
from kizuna.models.user import User


def record(
    session: Session,
    *,
    action: str,
    workspace_id: int | None,
    actor: User | None,
    obj: Base | None = None,
    object_type: str | None = None,
    data: dict[str, Any] | None = None,
    ip: str | None = None,
    actor_label: str | None = None,
) -> AuditLog:
    entry = AuditLog(
        workspace_id=workspace_id,
        actor_user_id=actor.id if actor is not None else None,
        actor_label=actor_label or (actor.email if actor is not None else "system"),
        action=action,
        object_type=object_type or (type(obj).__tablename__ if obj is not None else ""),
        object_id=obj.id if obj is not None else None,
        data=_jsonable(data or {}),
        ip=ip,
    )
    session.add(entry)
    return entry


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
