"""Periodic payment work: flag overdue payables once (audit row + badge in the UI)."""

from __future__ import annotations

from huey import crontab

from kizuna.db import unit_of_work
from kizuna.payments import service
from kizuna.worker.queue import huey


@huey.periodic_task(crontab(minute="7"), name="payments.alert_overdue")
def alert_overdue() -> int:
    with unit_of_work() as uow:
        return service.alert_overdue(uow.session)
