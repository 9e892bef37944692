"""Scheduled refresh: every six hours, accounts not refreshed for a day get fresh counts and a metric snapshot.

Each account is refreshed in its own transaction so one failure does not undo the others. A credential error
or an exhausted quota stops that provider for the rest of the run (every further call would fail the same way
and burn what is left of the quota); the error is kept on the credential row for the settings page.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from huey import crontab
from sqlalchemy import or_, select

from kizuna.connectors.service import PROVIDERS, credential_rows, refresh_account
from kizuna.db import unit_of_work
from kizuna.integrations.http import ConnectorAuthFailed, ConnectorError, ConnectorQuotaExhausted
from kizuna.kit.time import utcnow
from kizuna.models.connector_credential import ConnectorCredential
from kizuna.models.social_account import SocialAccount
from kizuna.tenancy import UNSCOPED, bind_workspace
from kizuna.worker.queue import huey

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(hours=24)
PER_RUN = 200


def due_accounts(workspace_id: int, provider: str, *, now: datetime, limit: int = PER_RUN) -> list[int]:
    with unit_of_work() as uow:
        bind_workspace(uow.session, workspace_id)
        return list(
            uow.session.execute(
                select(SocialAccount.id)
                .where(
                    SocialAccount.platform == provider,
                    or_(
                        SocialAccount.last_refreshed_at.is_(None),
                        SocialAccount.last_refreshed_at < now - STALE_AFTER,
                    ),
                )
                .order_by(
                    SocialAccount.last_refreshed_at.is_not(None),
                    SocialAccount.last_refreshed_at,
                    SocialAccount.id,
                )
                .limit(limit)
            ).scalars()
        )


def refresh_workspace(
    workspace_id: int, *, now: datetime | None = None, client_kwargs: dict[str, Any] | None = None
) -> dict[str, int]:
    """Refresh the due accounts of one workspace for every provider it has credentials for."""
    moment = now or utcnow()
    with unit_of_work() as uow:
        bind_workspace(uow.session, workspace_id)
        providers = [p for p in credential_rows(uow.session) if p in PROVIDERS]
    counts = {"refreshed": 0, "failed": 0, "stopped": 0}
    for provider in providers:
        for account_id in due_accounts(workspace_id, provider, now=moment):
            try:
                with unit_of_work() as uow:
                    bind_workspace(uow.session, workspace_id)
                    account = uow.session.get(SocialAccount, account_id)
                    if account is None:
                        continue
                    refresh_account(uow.session, account, now=moment, client_kwargs=client_kwargs)
                counts["refreshed"] += 1
            except (ConnectorAuthFailed, ConnectorQuotaExhausted) as exc:
                _record_error(workspace_id, provider, exc.code)
                counts["stopped"] += 1
                log.warning("connector %s stopped for workspace %s: %s", provider, workspace_id, exc.code)
                break
            except ConnectorError as exc:
                counts["failed"] += 1
                log.warning("refresh of account %s failed: %s", account_id, exc.code)
    return counts


def _record_error(workspace_id: int, provider: str, code: str) -> None:
    with unit_of_work() as uow:
        bind_workspace(uow.session, workspace_id)
        row = uow.session.execute(
            select(ConnectorCredential).where(ConnectorCredential.provider == provider)
        ).scalar_one_or_none()
        if row is not None:
            row.last_error = code


def workspaces_with_credentials() -> list[int]:
    with unit_of_work() as uow:
        return sorted(
            set(
                uow.session.execute(
                    select(ConnectorCredential.workspace_id).execution_options(**{UNSCOPED: True})
                ).scalars()
            )
        )


@huey.periodic_task(crontab(minute="23", hour="*/6"), name="connectors.refresh_due")
def refresh_due() -> dict[str, int]:
    total = {"refreshed": 0, "failed": 0, "stopped": 0}
    for ws_id in workspaces_with_credentials():
        for key, value in refresh_workspace(ws_id).items():
            total[key] += value
    return total
