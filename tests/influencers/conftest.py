"""Registry fixtures: a workspace context inside one unit of work, and helpers to import files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from kizuna.db import UnitOfWork, unit_of_work
from kizuna.tenancy import Ctx, bind_workspace


def make_ctx(uow: UnitOfWork, workspace_id: int, user_id: int) -> Ctx:
    from kizuna.models.user import User
    from kizuna.models.workspace import Workspace

    s = uow.session
    bind_workspace(s, workspace_id)
    ws = s.get(Workspace, workspace_id)
    user = s.get(User, user_id)
    assert ws is not None and user is not None
    return Ctx(session=s, user=user, workspace=ws, role="owner", via="test")


@pytest.fixture
def ctx(owner: dict[str, Any]) -> Iterator[Ctx]:
    """A context whose transaction commits when the test body returns normally."""
    with unit_of_work() as uow:
        yield make_ctx(uow, owner["workspace_id"], owner["user_id"])


def run_in_ctx(owner: dict[str, Any], fn: Any) -> Any:
    with unit_of_work() as uow:
        return fn(make_ctx(uow, owner["workspace_id"], owner["user_id"]))


def count(owner: dict[str, Any], model: Any) -> int:
    with unit_of_work() as uow:
        bind_workspace(uow.session, owner["workspace_id"])
        return int(uow.session.execute(select(func.count()).select_from(model)).scalar_one())


def import_path(owner: dict[str, Any], path: Path, **kwargs: Any) -> Any:
    from kizuna.influencers import service

    return run_in_ctx(owner, lambda c: service.import_file(c, path, **kwargs))
