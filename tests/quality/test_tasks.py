"""Background rescoring: stale accounts are found and rescored, each in its own transaction."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from kizuna.audience import tasks
from kizuna.db import unit_of_work
from kizuna.kit.time import utcnow
from kizuna.models.audience_quality_score import AudienceQualityScore
from kizuna.models.social_account import SocialAccount
from kizuna.tenancy import bind_workspace
from kizuna.worker.queue import huey, load_all_tasks
from tests.quality.conftest import load_synthetic


def test_stale_accounts_are_rescored_once(workspace: dict[str, Any]) -> None:
    ws_id = workspace["workspace_id"]
    load_synthetic(ws_id, 4)
    with unit_of_work() as uow:
        bind_workspace(uow.session, ws_id)
        total = uow.session.execute(select(func.count(SocialAccount.id))).scalar_one()
    assert len(tasks.stale_accounts(ws_id)) == total  # never scored
    assert tasks.recompute_workspace(ws_id) == total
    assert tasks.stale_accounts(ws_id) == []
    with unit_of_work() as uow:
        bind_workspace(uow.session, ws_id)
        account = uow.session.execute(select(SocialAccount).limit(1)).scalar_one()
        account.last_refreshed_at = utcnow() + timedelta(minutes=5)  # refreshed after its last score
        account_id = account.id
    assert tasks.stale_accounts(ws_id) == [account_id]
    score = tasks.recompute_account_now(account_id, ws_id)
    with unit_of_work() as uow:
        bind_workspace(uow.session, ws_id)
        rows = uow.session.execute(
            select(AudienceQualityScore.trigger).where(AudienceQualityScore.social_account_id == account_id)
        ).scalars()
        assert sorted(rows) == ["job", "scheduled"]
        assert uow.session.get(SocialAccount, account_id).audience_quality == score  # type: ignore[union-attr]
    assert tasks.recompute_account_now(account_id, ws_id + 999) is None  # another workspace: nothing


def test_periodic_jobs_are_registered() -> None:
    assert {"kizuna.audience.tasks", "kizuna.connectors.tasks"} <= set(load_all_tasks())
    names = {t.name for t in huey._registry.periodic_tasks}
    assert {"audience.recompute_stale", "connectors.refresh_due"} <= names


def test_large_workspaces_are_rescored_in_chained_batches(
    workspace: dict[str, Any], monkeypatch: Any
) -> None:
    ws_id = workspace["workspace_id"]
    load_synthetic(ws_id, 3)
    monkeypatch.setattr(tasks, "PER_RUN", 2)
    monkeypatch.setattr(huey, "immediate", True)  # run the chained jobs in-process
    before = len(tasks.stale_accounts(ws_id, limit=1_000))
    assert before > 2
    assert tasks.recompute_stale.call_local() == 2  # the nightly pass does one batch and chains the rest
    assert tasks.stale_accounts(ws_id) == []
