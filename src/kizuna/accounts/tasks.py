"""Periodic housekeeping for accounts: expired sessions, old login attempts, stale invitations."""

from __future__ import annotations

from datetime import timedelta

from huey import crontab
from sqlalchemy import delete

from kizuna.db import unit_of_work
from kizuna.kit.time import utcnow
from kizuna.models.login_attempt import LoginAttempt
from kizuna.models.user_session import UserSession
from kizuna.worker.queue import huey


def purge_expired() -> dict[str, int]:
    now = utcnow()
    with unit_of_work() as uow:
        sessions = getattr(
            uow.session.execute(delete(UserSession).where(UserSession.expires_at < now - timedelta(days=1))),
            "rowcount",
            0,
        )
        attempts = getattr(
            uow.session.execute(
                delete(LoginAttempt).where(LoginAttempt.created_at < now - timedelta(days=2))
            ),
            "rowcount",
            0,
        )
    return {"sessions": int(sessions or 0), "login_attempts": int(attempts or 0)}


@huey.periodic_task(crontab(minute="17", hour="*"), name="accounts.purge_expired")
def purge_expired_task() -> dict[str, int]:
    return purge_expired()
