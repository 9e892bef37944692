"""Periodic outreach jobs: send due steps every minute, poll inboxes every five minutes, deliver one-offs."""

from __future__ import annotations

from typing import Any

from huey import crontab

from kizuna.worker.queue import huey


@huey.periodic_task(crontab(minute="*"), name="outreach.send_due")
def send_due_task() -> dict[str, Any]:
    from kizuna.outreach import engine

    report = engine.send_due()
    return {"claimed": report.claimed, "sent": report.delivery.sent, "deferred": report.deferred}


@huey.periodic_task(crontab(minute="*/5"), name="outreach.poll_inboxes")
def poll_inboxes_task() -> int:
    from kizuna.outreach import inbox

    return inbox.poll_stale()


@huey.task(name="outreach.deliver")
def deliver_task(message_ids: list[int]) -> dict[str, int]:
    """Deliver messages queued by a person (an in-thread reply from the UI) without waiting for the minute."""
    from kizuna.db import unit_of_work
    from kizuna.outreach import engine

    with unit_of_work() as uow:
        ids = engine.claim_retries(uow.session, limit=len(message_ids) + 10)
    stats = engine.deliver(ids)
    return {"sent": stats.sent, "retried": stats.retried}
