"""``kizuna tracking flush``: move buffered clicks into the database now (the web process and the worker also
do it on their own every second / minute)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Tracking links and clicks.", no_args_is_help=True)


@app.callback()
def _tracking() -> None:
    """Tracking links and clicks."""


@app.command("flush")
def flush_command() -> None:
    """Ingest every click waiting in the local buffer into click_events and the daily rollup."""
    from kizuna.tracking.buffer import flush

    typer.echo(f"{flush()} clicks ingested")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="tracking")
