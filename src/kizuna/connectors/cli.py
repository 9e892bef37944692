"""``kizuna connectors refresh``: refresh accounts from the platform APIs now (what the six-hourly job does).

Without ``--account`` it refreshes the workspace's due accounts (not refreshed for a day) for every platform
with stored credentials, each account in its own transaction; with ``--account ID`` exactly that account.
Errors print their stable code (``connector_auth_failed``, ``connector_quota_exhausted``, ...) and exit 2.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy import select

from kizuna.cli.messages import error_line
from kizuna.errors import KizunaError

console = Console()
err_console = Console(stderr=True)


def _workspace_id(slug: str | None) -> int:
    from kizuna.db import unit_of_work
    from kizuna.models.workspace import Workspace

    with unit_of_work() as uow:
        q = select(Workspace.id)
        if slug:
            q = q.where(Workspace.slug == slug)
        ids = list(uow.session.execute(q.limit(2)).scalars())
    if len(ids) != 1:
        raise KizunaError(
            f"No workspace {slug!r}." if slug else "Choose a workspace with --workspace SLUG.",
            code="workspace_not_found" if slug else "workspace_required",
        )
    return ids[0]


def refresh(
    workspace: Annotated[str | None, typer.Option(help="Workspace slug (default: the only one)")] = None,
    account: Annotated[int | None, typer.Option(help="Refresh this social account id only")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON")] = False,
) -> None:
    """Refresh follower counts, recent posts, a metric snapshot and the quality score from the platform APIs."""
    from kizuna.connectors import service, tasks
    from kizuna.db import unit_of_work
    from kizuna.models.social_account import SocialAccount
    from kizuna.tenancy import bind_workspace

    try:
        ws_id = _workspace_id(workspace)
        if account is None:
            result: dict[str, object] = dict(tasks.refresh_workspace(ws_id))
        else:
            with unit_of_work() as uow:
                bind_workspace(uow.session, ws_id)
                row = uow.session.get(SocialAccount, account)
                if row is None or row.workspace_id != ws_id:
                    raise KizunaError("No such account in this workspace.", code="not_found")
                done = service.refresh_account(uow.session, row)
                result = {
                    "account": done.account_id,
                    "followers": done.followers,
                    "posts_added": done.posts_added,
                    "posts_updated": done.posts_updated,
                    "audience_quality": done.quality_score,
                }
    except KizunaError as exc:
        err_console.print(error_line(exc.code, exc.message), soft_wrap=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(result))
    else:
        console.print(", ".join(f"{k}: {v}" for k, v in result.items()))


def register(root: typer.Typer) -> None:
    sub = typer.Typer(help="Platform data connectors (YouTube, Instagram, TikTok).", no_args_is_help=True)
    sub.command("refresh")(refresh)
    root.add_typer(sub, name="connectors")
