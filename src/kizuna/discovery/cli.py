"""``kizuna search [filters] [--brief TEXT] [--like HANDLE] [--limit N] [--json] [--workspace SLUG]`` and
``kizuna search-index`` (embed profiles now instead of waiting for the background job)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from kizuna.cli.messages import error_line
from kizuna.errors import KizunaError

console = Console()
err = Console(stderr=True)


def _workspace_id(session: Any, slug: str | None) -> int:
    from kizuna.models.workspace import Workspace

    rows = session.execute(select(Workspace.id, Workspace.slug).order_by(Workspace.id)).all()
    if slug:
        for ws_id, s in rows:
            if s == slug:
                return int(ws_id)
        raise KizunaError(f"No workspace {slug!r}.", code="workspace_not_found")
    if len(rows) == 1:
        return int(rows[0][0])
    raise KizunaError("Several workspaces exist; pass --workspace SLUG.", code="workspace_required")


def search(
    brief: Annotated[str, typer.Option("--brief", help="Campaign brief in Japanese or English")] = "",
    like: Annotated[
        str, typer.Option("--like", help="Find lookalikes of this handle (or influencer id)")
    ] = "",
    platform: Annotated[
        list[str] | None, typer.Option("--platform", help="instagram, youtube, tiktok, ...")
    ] = None,
    tier: Annotated[
        list[str] | None, typer.Option("--tier", help="nano, micro, mid, macro, mega, ...")
    ] = None,
    followers_min: Annotated[str, typer.Option(help="e.g. 10k or 1万")] = "",
    followers_max: Annotated[str, typer.Option(help="e.g. 100k")] = "",
    engagement_min: Annotated[str, typer.Option(help="e.g. 3% or 0.03")] = "",
    engagement_max: Annotated[str, typer.Option(help="e.g. 10%")] = "",
    country: Annotated[list[str] | None, typer.Option("--country", help="Creator country, ISO code")] = None,
    language: Annotated[
        list[str] | None, typer.Option("--language", help="Creator language, e.g. ja")
    ] = None,
    category: Annotated[list[str] | None, typer.Option("--category", help="e.g. skincare")] = None,
    audience: Annotated[
        list[str] | None,
        typer.Option(
            "--audience", help="Audience threshold, e.g. age:25-34>=30% gender:female>=40% country:TW>=20%"
        ),
    ] = None,
    min_quality: Annotated[str, typer.Option(help="Minimum audience quality score (0-100)")] = "",
    has_email: Annotated[
        bool | None, typer.Option("--has-email/--no-email", help="Has a contact e-mail")
    ] = None,
    contacted: Annotated[
        bool | None, typer.Option("--contacted/--not-contacted", help="Already contacted on a campaign")
    ] = None,
    mentions: Annotated[
        list[str] | None,
        typer.Option("--mentions", help="Posted about this brand (mention, hashtag or caption)"),
    ] = None,
    days: Annotated[int, typer.Option("--days", help="Window for --mentions, in days")] = 90,
    keyword: Annotated[
        list[str] | None, typer.Option("--keyword", help="Must appear in profile or posts")
    ] = None,
    campaign: Annotated[
        int | None, typer.Option("--campaign", help="Use this campaign's target audience")
    ] = None,
    sort: Annotated[str, typer.Option(help="relevance, followers, engagement or quality")] = "relevance",
    limit: Annotated[int, typer.Option("--limit", help="Results to show (max 200)")] = 20,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON: results with their score parts")
    ] = False,
    workspace: Annotated[str | None, typer.Option("--workspace", help="Workspace slug")] = None,
) -> None:
    """Search creators by filters, a brief (brand-fit matching) or a lookalike seed; every score is explained."""
    from kizuna.db import unit_of_work
    from kizuna.discovery.filters import parse_query
    from kizuna.discovery.service import discovery
    from kizuna.tenancy import bind_workspace

    data: dict[str, Any] = {
        "brief": brief,
        "like": like,
        "platforms": platform or [],
        "tiers": tier or [],
        "followers_min": followers_min,
        "followers_max": followers_max,
        "engagement_min": engagement_min,
        "engagement_max": engagement_max,
        "countries": country or [],
        "languages": language or [],
        "categories": category or [],
        "audience": audience or [],
        "min_quality": min_quality,
        "has_email": "" if has_email is None else str(has_email),
        "contacted": "" if contacted is None else str(contacted),
        "brand_mentions": mentions or [],
        "mention_days": str(days),
        "keywords": keyword or [],
        "campaign_id": str(campaign) if campaign is not None else "",
        "sort": sort,
        "limit": str(limit),
    }
    try:
        query = parse_query(data)
        with unit_of_work() as uow:
            ws_id = _workspace_id(uow.session, workspace)
            bind_workspace(uow.session, ws_id)
            found = discovery.search(uow.session, ws_id, query)
    except KizunaError as exc:
        err.print(error_line(exc.code, exc.message), soft_wrap=True)
        raise typer.Exit(2) from exc
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in found.results], ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{found.total:,} matching creators", show_lines=False)
    for col in ("#", "score", "creator", "country", "followers", "ER", "why"):
        table.add_column(col)
    for i, r in enumerate(found.results, 1):
        why = "; ".join(_short(p.name, p.value, p.weight, p.detail) for p in r.parts) or "-"
        table.add_row(
            str(i),
            f"{r.score:.3f}" if r.score is not None else "-",
            f"{r.display_name} " + " ".join(f"@{h['handle']}" for h in r.handles[:1]),
            r.country or "-",
            f"{r.followers:,}" if r.followers is not None else "-",
            f"{r.engagement_rate * 100:.1f}%" if r.engagement_rate is not None else "-",
            why,
        )
    console.print(table)
    if found.weights:
        console.print("weights: " + ", ".join(f"{k} {v:.2f}" for k, v in found.weights.items()))
    for msg, params in found.notes:
        console.print(f"[yellow]note[/]: {msg % params if params else msg}")


def _short(name: str, value: float, weight: float, detail: dict[str, Any]) -> str:
    if name == "keywords":
        return f"keywords {value:.2f} ({', '.join(detail.get('matched', [])) or 'none'})"
    if name == "semantic":
        return f"semantic {value:.2f} (cos {detail.get('cosine')})"
    return f"{name} {value:.2f}"


def search_index(
    workspace: Annotated[str | None, typer.Option("--workspace", help="Workspace slug")] = None,
    batch: Annotated[int, typer.Option(help="Profiles per transaction")] = 64,
) -> None:
    """Embed every new or changed profile now (the worker does this in the background otherwise)."""
    from kizuna.db import unit_of_work
    from kizuna.discovery.tasks import embed_workspace

    try:
        with unit_of_work() as uow:
            ws_id = _workspace_id(uow.session, workspace)
        stats = embed_workspace(ws_id, limit=batch)
    except KizunaError as exc:
        err.print(error_line(exc.code, exc.message), soft_wrap=True)
        raise typer.Exit(2) from exc
    console.print(
        f"checked {stats.checked:,} profiles: {stats.embedded:,} embedded, {stats.unchanged:,} unchanged"
    )


def register(root: typer.Typer) -> None:
    root.command("search")(search)
    root.command("search-index")(search_index)
