"""Generic rows for any model, so route-walking tests cover tables added later without new factories.

``make_row(session, Model, workspace_id)`` fills every required column with a plain value of its type and
creates required parent rows (foreign keys) first, in the same workspace.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from kizuna.models import Base

_counter = itertools.count(1)


def _value_for(column: Any) -> Any:
    try:
        py = column.type.python_type
    except NotImplementedError:
        py = dict
    n = next(_counter)
    if py is bool:
        return False
    if py is int:
        return 1
    if py is float or py is Decimal:
        return 1.0 if py is float else Decimal(1)
    if py is str:
        length = getattr(column.type, "length", None) or 40
        return f"x{n}"[: max(1, length)]
    if py is datetime:
        return datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    if py is date:
        return date(2026, 1, 5)
    if py is list:
        return []
    if py is dict:
        return {}
    if py is bytes:
        return b"x"
    return None


def _table_model(table_name: str) -> type[Base]:
    for mapper in Base.registry.mappers:
        if mapper.local_table.name == table_name:
            return mapper.class_  # type: ignore[no-any-return]
    raise KeyError(table_name)


def make_row(
    session: Session, model: type[Base], workspace_id: int, cache: dict[type, Any] | None = None
) -> Any:
    cache = {} if cache is None else cache
    if model in cache:
        return cache[model]
    values: dict[str, Any] = {}
    for column in sa_inspect(model).columns:
        if column.primary_key:
            continue
        if column.name == "workspace_id":
            values["workspace_id"] = workspace_id
            continue
        fks = list(column.foreign_keys)
        if fks:
            if column.nullable:
                continue
            target = fks[0].column.table.name
            if target == "workspaces":
                values[column.name] = workspace_id
                continue
            if target == "users":
                from kizuna.models.membership import Membership

                m = session.query(Membership).filter_by(workspace_id=workspace_id).first()
                assert m is not None
                values[column.name] = m.user_id
                continue
            parent = make_row(session, _table_model(target), workspace_id, cache)
            values[column.name] = parent.id
            continue
        if column.nullable or column.default is not None or column.server_default is not None:
            continue
        values[column.name] = _value_for(column)
    obj = model(**values)
    session.add(obj)
    session.flush()
    cache[model] = obj
    return obj
