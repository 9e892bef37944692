"""Periodic content work: deadline reminders for drafts that are due within 48 hours or late."""

from __future__ import annotations

from huey import crontab

from kizuna.content import service
from kizuna.db import unit_of_work
from kizuna.worker.queue import huey


@huey.periodic_task(crontab(minute="*/30"), name="content.send_reminders")
def send_reminders() -> int:
    with unit_of_work() as uow:
        return service.send_reminders(uow.session)
