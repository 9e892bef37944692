"""``kizuna outreach ...``: the same engine passes the job queue runs, for cron, debugging and recovery."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

console = Console()


def register(root: typer.Typer) -> None:
    app = typer.Typer(help="Outreach: sending, inbox polling, reconciliation.", no_args_is_help=True)
    root.add_typer(app, name="outreach")

    @app.command("send-due")
    def send_due(
        limit: Annotated[int, typer.Option(help="Most steps to claim in this pass")] = 500,
        poll: Annotated[bool, typer.Option(help="Poll inboxes with due follow-ups first")] = True,
    ) -> None:
        """Reconcile interrupted sends, then claim and send every due step (exactly once)."""
        from kizuna.outreach import engine

        report = engine.send_due(limit=limit, poll_first=poll)
        d = report.delivery
        console.print(
            f"reconciled: {report.reconciled.sent} sent / {report.reconciled.requeued} requeued / "
            f"{report.reconciled.uncertain} uncertain; claimed {report.claimed}, tasks {report.tasks}, "
            f"blocked {report.blocked}, deferred {report.deferred}; sent {d.sent}, retried {d.retried}, "
            f"bounced {d.bounced}, cancelled {d.cancelled}, ambiguous {d.ambiguous}"
        )

    @app.command("poll")
    def poll(
        mailbox: Annotated[int | None, typer.Option(help="Only this mailbox id")] = None,
    ) -> None:
        """Fetch new mail over IMAP, match replies, stop sequences."""
        from kizuna.outreach import inbox

        if mailbox is not None:
            stats = inbox.poll_mailbox(mailbox)
            console.print(
                f"fetched {stats.fetched}, matched {stats.matched}: {stats.replies} replies, "
                f"{stats.auto_replies} auto-replies, {stats.bounces} bounces, {stats.unsubscribes} opt-outs; "
                f"stopped {stats.stopped}"
            )
        else:
            console.print(f"polled {inbox.poll_stale()} mailbox(es)")

    @app.command("reconcile")
    def reconcile() -> None:
        """Resolve messages left in 'sending' by a process that died."""
        from kizuna.outreach import engine

        r = engine.reconcile()
        console.print(f"sent {r.sent}, requeued {r.requeued}, uncertain {r.uncertain}, waiting {r.waiting}")
