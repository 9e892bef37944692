"""``kizuna deals ...``: the periodic deal jobs on demand (for cron-only installations) and Japanese checks.

- ``kizuna deals remind`` records deadline reminders for drafts due within 48 hours or late;
- ``kizuna deals overdue`` flags overdue payables (once each) and prints them;
- ``kizuna deals invoice-number T1234567890123`` validates a qualified invoice registration number;
- ``kizuna deals withholding 1200000`` prints the Japanese withholding on one payment to an individual.

Errors print one red line and exit with code 2.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from kizuna.cli.messages import error_line
from kizuna.errors import KizunaError

app = typer.Typer(help="Deals: reminders, overdue payments, Japanese invoice checks.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)


@app.callback()
def _deals() -> None:
    """Deals: reminders, overdue payments, Japanese invoice checks."""


@app.command("remind")
def remind() -> None:
    """Record deadline reminders now (the worker does this every 30 minutes)."""
    from kizuna.content import service
    from kizuna.db import unit_of_work

    with unit_of_work() as uow:
        count = service.send_reminders(uow.session)
    console.print(f"{count} reminder(s) recorded")


@app.command("overdue")
def overdue() -> None:
    """Flag overdue payables now and list every overdue one."""
    from kizuna.db import unit_of_work
    from kizuna.kit.money import format_money
    from kizuna.payments import service

    with unit_of_work() as uow:
        new = service.alert_overdue(uow.session)
        rows = service.overdue(uow.session)
        for p in rows:
            due = p.due_at.date().isoformat() if p.due_at else "-"
            console.print(
                f"payable {p.id} deal {p.deal_id}: {format_money(p.gross_minor, p.currency)} due {due}"
            )
    console.print(f"{len(rows)} overdue, {new} newly flagged")


@app.command("invoice-number")
def invoice_number(number: Annotated[str, typer.Argument(help="T + 13 digits")]) -> None:
    """Validate a qualified invoice registration number (format and check digit)."""
    from kizuna.payments.japan import validate_registration_number

    try:
        console.print(validate_registration_number(number))
    except KizunaError as exc:
        err.print(error_line(exc.code, exc.message), soft_wrap=True)
        raise typer.Exit(2) from exc


@app.command("withholding")
def withholding(amount_yen: Annotated[int, typer.Argument(min=0, help="payment in yen")]) -> None:
    """Income tax withheld from one payment to an individual (10.21% up to ¥1,000,000, 20.42% above)."""
    from kizuna.payments.japan import withholding_yen

    tax = withholding_yen(amount_yen)
    console.print(f"withholding ¥{tax:,} · net ¥{amount_yen - tax:,}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="deals")
