"""``kizuna tracking flush``: move buffered clicks into the database now (the web process and the worker also
do it on their own every second / minute). ``kizuna tracking serve``: the dedicated redirect server for ``/r/``."""

from __future__ import annotations

import os
from typing import Annotated

import typer

app = typer.Typer(help="Tracking links and clicks.", no_args_is_help=True)


@app.callback()
def _tracking() -> None:
    """Tracking links and clicks."""


@app.command("flush")
def flush_command() -> None:
    """Ingest every click waiting in the local buffers into click_events and the daily rollup."""
    from kizuna.tracking.buffer import flush

    typer.echo(f"{flush()} clicks ingested")


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on (0: any free port, printed at start)")] = 8001,
    workers: Annotated[
        int, typer.Option(help="Worker processes sharing the port (SO_REUSEPORT); default: one per CPU")
    ] = 0,
    flush_seconds: Annotated[
        float,
        typer.Option(
            help="Seconds between flushes of the click buffers into the database; 0: leave it to the worker"
        ),
    ] = 1.0,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            help="Proxies trusted for X-Forwarded-For (comma-separated, '*' for any); default 127.0.0.1"
        ),
    ] = None,
) -> None:
    """Serve only /r/{code} (the tracking redirect) with a dedicated multi-process server.

    Route /r/ to it from the reverse proxy; it logs clicks exactly as the web app does.
    """
    from kizuna.tracking.server import serve

    serve(
        host,
        port,
        workers or os.cpu_count() or 1,
        flush_seconds=flush_seconds,
        forwarded_allow_ips=forwarded_allow_ips,
        announce=lambda line: typer.echo(line),
    )


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="tracking")
