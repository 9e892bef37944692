"""``kizuna import influencers FILE`` and ``kizuna export influencers``.

The command is one unit of work: the whole file imports in one transaction (or, with ``--dry-run``, inside a
savepoint that is rolled back). ``--json`` prints exactly ``{"rows", "imported", "updated", "rejected",
"errors"}``; otherwise a progress bar runs while rows are read and a summary follows. Warnings (a column left
unmapped, a platform inferred from the file name) go to stderr so ``--json`` output stays machine-readable.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from kizuna.cli.messages import error_line
from kizuna.errors import KizunaError
from kizuna.kit import notices
from kizuna.web.i18n import _

console = Console()
err_console = Console(stderr=True)


def _group(root: typer.Typer, name: str, help_text: str) -> typer.Typer:
    """The root's sub-app called ``name``, created if no other domain made it yet (several domains can add
    commands under ``kizuna import``)."""
    for info in root.registered_groups:
        if info.name == name and info.typer_instance is not None:
            return info.typer_instance
    sub = typer.Typer(help=help_text, no_args_is_help=True)
    root.add_typer(sub, name=name)
    return sub


def _fail(message: str, code: str) -> typer.Exit:
    err_console.print(error_line(code, message), soft_wrap=True)
    return typer.Exit(2)


def _cli_ctx(session: object, workspace: str | None) -> object:
    """A context acting as the workspace's owner (the operator running the command)."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from kizuna.models.membership import Membership
    from kizuna.models.user import User
    from kizuna.models.workspace import Workspace
    from kizuna.tenancy import Ctx, bind_workspace

    assert isinstance(session, Session)
    if workspace:
        ws = session.execute(select(Workspace).where(Workspace.slug == workspace)).scalar_one_or_none()
        if ws is None:
            raise KizunaError(f"No workspace {workspace!r}.", code="workspace_not_found")
    else:
        spaces = list(session.execute(select(Workspace).limit(2)).scalars())
        if len(spaces) != 1:
            raise KizunaError(
                "Several workspaces exist; choose one with --workspace SLUG."
                if spaces
                else "No workspace exists yet; create one with 'kizuna workspace create'.",
                code="workspace_required",
            )
        ws = spaces[0]
    owner = (
        session.execute(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.workspace_id == ws.id)
            .order_by(Membership.role == "owner", Membership.id)
        )
        .scalars()
        .all()
    )
    if not owner:
        raise KizunaError("The workspace has no members.", code="workspace_without_owner")
    bind_workspace(session, ws.id)
    return Ctx(session=session, user=owner[-1], workspace=ws, role="owner", via="cli")


def import_influencers(
    file: Annotated[
        Path, typer.Argument(help="CSV, XLSX, JSON or an API payload (YouTube, Instagram, TikTok)")
    ],
    workspace: Annotated[str | None, typer.Option(help="Workspace slug (default: the only one)")] = None,
    format: Annotated[
        str, typer.Option("--format", help="auto|csv|xlsx|json|youtube|youtube_videos|instagram|tiktok")
    ] = "auto",
    platform: Annotated[
        str | None, typer.Option(help="Platform of every row when the file has no platform column")
    ] = None,
    handle: Annotated[
        str | None, typer.Option(help="Username for a TikTok user-info payload (it does not contain it)")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate and count; write nothing")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
) -> None:
    """Import influencers; the same platform + handle updates the existing account."""
    from kizuna.db import unit_of_work
    from kizuna.influencers import service
    from kizuna.tenancy import Ctx

    if not file.exists():
        raise _fail(f"{file} does not exist", "import_unreadable")
    try:
        with unit_of_work() as uow:
            ctx = _cli_ctx(uow.session, workspace)
            assert isinstance(ctx, Ctx)
            if as_json or not sys.stderr.isatty():
                result = service.import_file(
                    ctx, file, file_format=format, platform=platform, handle=handle, dry_run=dry_run
                )
            else:
                with Progress(
                    TextColumn("[bold]{task.description}"),
                    BarColumn(),
                    TextColumn("{task.percentage:>3.0f}%  {task.fields[rows]:,} rows"),
                    TimeElapsedColumn(),
                    console=err_console,
                ) as progress:
                    task = progress.add_task(f"importing {file.name}", total=1.0, rows=0)

                    def on_progress(rows: int, fraction: float) -> None:
                        progress.update(task, completed=fraction, rows=rows)

                    result = service.import_file(
                        ctx,
                        file,
                        file_format=format,
                        platform=platform,
                        handle=handle,
                        dry_run=dry_run,
                        on_progress=on_progress,
                    )
                    progress.update(task, completed=1.0, rows=result.rows)
    except KizunaError as exc:
        raise _fail(exc.message, exc.code) from exc
    for warning in result.warnings:
        err_console.print(
            f"[yellow]{escape(_('warning'))}[/]: {escape(notices.translated(warning))}", soft_wrap=True
        )
    if as_json:
        typer.echo(json.dumps(result.as_json(), ensure_ascii=False))
        return
    counts = {
        "rows": f"{result.rows:,}",
        "imported": f"{result.imported:,}",
        "updated": f"{result.updated:,}",
        "unchanged": f"{result.unchanged:,}",
        "rejected": f"{result.rejected:,}",
    }
    if dry_run:
        summary = _(
            "%(rows)s rows: would import %(imported)s, updated %(updated)s, unchanged %(unchanged)s, "
            "rejected %(rejected)s (dry run: nothing written)",
            **counts,
        )
    else:
        summary = _(
            "%(rows)s rows: imported %(imported)s, updated %(updated)s, unchanged %(unchanged)s, "
            "rejected %(rejected)s",
            **counts,
        )
    console.print(escape(summary), soft_wrap=True, style="red" if result.rejected else "green")
    for e in result.errors[:20]:
        line = _(
            "row %(row)s · %(column)s = %(value)s: %(reason)s",
            row=e.row,
            column=e.column or "-",
            value=repr(e.value),
            reason=_(e.reason),
        )
        console.print("  " + escape(line), soft_wrap=True, highlight=False)
    if len(result.errors) > 20:
        more = _("… %(count)s more (use --json for all)", count=f"{len(result.errors) - 20:,}")
        console.print("  " + escape(more), soft_wrap=True)


def export_influencers(
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write")],
    workspace: Annotated[str | None, typer.Option(help="Workspace slug (default: the only one)")] = None,
    format: Annotated[str, typer.Option("--format", help="csv|xlsx|json")] = "csv",
) -> None:
    """Export every influencer (one row per account for CSV/XLSX; nested JSON)."""
    from kizuna.db import unit_of_work
    from kizuna.influencers import exporter
    from kizuna.influencers.repository import ListQuery
    from kizuna.tenancy import Ctx

    try:
        with unit_of_work() as uow:
            ctx = _cli_ctx(uow.session, workspace)
            assert isinstance(ctx, Ctx)
            n = exporter.write(uow.session, ListQuery(sort="created"), format, output)
    except KizunaError as exc:
        raise _fail(exc.message, exc.code) from exc
    err_console.print(f"wrote {n:,} {'influencers' if format == 'json' else 'rows'} to {output}")


def register(root: typer.Typer) -> None:
    imp = _group(root, "import", "Import data from files.")
    imp.command("influencers")(import_influencers)
    exp = _group(root, "export", "Export data to files.")
    exp.command("influencers")(export_influencers)
