"""Fixtures for audience-quality tests: a workspace with synthetic influencers, and a Ctx inside one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest

from tests.conftest import make_user_and_workspace


@pytest.fixture
def workspace(db: Any) -> dict[str, Any]:
    return make_user_and_workspace()


@pytest.fixture
def ctx_in(workspace: dict[str, Any]) -> Callable[..., AbstractContextManager[Any]]:
    """``with ctx_in() as ctx:`` a Ctx for the workspace owner (or ``role=``) in one committed unit of work."""
    from kizuna.db import unit_of_work
    from kizuna.models.user import User
    from kizuna.models.workspace import Workspace
    from kizuna.tenancy import Ctx, bind_workspace

    @contextmanager
    def make(role: str = "owner") -> Iterator[Ctx]:
        with unit_of_work() as uow:
            s = uow.session
            bind_workspace(s, workspace["workspace_id"])
            user = s.get(User, workspace["user_id"])
            ws = s.get(Workspace, workspace["workspace_id"])
            assert user is not None and ws is not None
            yield Ctx(session=s, user=user, workspace=ws, role=role)

    return make


def load_synthetic(workspace_id: int, count: int, seed: int = 11) -> list[Any]:
    """Write ``count`` synthetic influencers (with posts and 26 weekly snapshots) and return the generated ones."""
    from kizuna.db import unit_of_work
    from kizuna.synthetic import generate, write_to_db
    from kizuna.tenancy import bind_workspace

    people = list(generate(seed, count))
    with unit_of_work() as uow:
        bind_workspace(uow.session, workspace_id)
        write_to_db(uow.session, workspace_id, people)
    return people
