"""``kizuna analytics backtest``: calibration of the forecast's 80% interval on generated history."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Campaign analytics: forecast calibration.", no_args_is_help=True)


@app.callback()
def _analytics() -> None:
    """Campaign analytics: forecast calibration."""


@app.command("backtest")
def backtest_command(
    count: Annotated[int, typer.Option(help="generated influencers")] = 1500,
    seed: Annotated[int, typer.Option()] = 11,
    output: Annotated[Path | None, typer.Option(help="write the Markdown report here")] = None,
) -> None:
    """Hold out each generated account's latest post and report how often the 80% interval contains it,
    with the full history, with only 3 past posts, and with none (prior only)."""
    from kizuna.analytics.backtest import report_markdown, run_backtest  # numpy: only for this command

    parts: list[str] = []
    for history, note in (
        (None, "its earlier posts (up to 11)"),
        (3, "only its 3 previous posts"),
        (0, "no post of its own (peers and tier prior only)"),
    ):
        cal = run_backtest(seed, count, history=history)
        text = report_markdown(cal, seed=seed, count=count, history_note=note)
        if parts:  # later sections: same table, their own heading
            text = text.replace("# Forecast calibration", f"## With {note}", 1)
        parts.append(text)
        typer.echo(
            f"{note}: reach {cal.coverage('reach'):.1%}, engagements {cal.coverage('engagements'):.1%}"
        )
    if output is not None:
        output.write_text("\n".join(parts), encoding="utf-8")
        typer.echo(f"wrote {output}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="analytics")
