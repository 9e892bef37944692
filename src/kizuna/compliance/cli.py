"""``kizuna compliance``: check a sponsored caption's advertising disclosure from the command line."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from kizuna.cli.messages import error_line
from kizuna.compliance.engine import CONTEXTS, Result
from kizuna.compliance.packs import DEFAULT_REGISTRY
from kizuna.compliance.service import check_content, describe_packs
from kizuna.errors import KizunaError

EXIT_COMPLIANT = 0
EXIT_NON_COMPLIANT = 1
EXIT_USAGE = 2
EXIT_NEEDS_REVIEW = 3

_EXIT_FOR_VERDICT = {
    "compliant": EXIT_COMPLIANT,
    "non_compliant": EXIT_NON_COMPLIANT,
    "needs_review": EXIT_NEEDS_REVIEW,
}

compliance_app = typer.Typer(
    help="Advertising-disclosure checks (Japan ステマ告示, US FTC, UK ASA, India ASCI).", no_args_is_help=True
)

_CHECK_EPILOG = (
    "The text is treated as a sponsored post. Exit status: 0 compliant, 1 non_compliant, 3 needs_review "
    "(a person must confirm, e.g. a video's spoken disclosure), 2 usage error (unknown jurisdiction or "
    "platform, no text)."
)

_VERDICT_STYLE = {"compliant": "bold green", "needs_review": "bold yellow", "non_compliant": "bold red"}
_VERDICT_JA = {"compliant": "適合", "needs_review": "要確認", "non_compliant": "不適合"}


def register(root: typer.Typer) -> None:
    """Add the ``compliance`` sub-command group to the root CLI (auto-discovered)."""
    root.add_typer(compliance_app, name="compliance")


def _usage_error(console: Console, message: str, code: str) -> typer.Exit:
    console.print(error_line(code, message), soft_wrap=True)
    return typer.Exit(EXIT_USAGE)


def _render(console: Console, result: Result, lang: str) -> None:
    """A readable report: verdict banner, what was detected, then each finding with its fix."""
    verdict = result.verdict
    title = _VERDICT_JA[verdict] if lang == "ja" else verdict.replace("_", " ")
    pack = DEFAULT_REGISTRY.packs.get(result.jurisdiction)
    where = pack.name.get(lang) if pack else result.jurisdiction
    banner = (
        f"[{_VERDICT_STYLE[verdict]}]{escape(title)}[/]  ·  {escape(where)}  ·  {escape(result.platform)}"
    )
    console.print(Panel(banner + ("  ·  video" if result.is_video else ""), expand=False))
    if result.detections:
        found = ", ".join(
            f"{escape(d.text)} [dim]({d.strength}, @{d.position})[/]" for d in result.detections
        )
        console.print(("検出: " if lang == "ja" else "found: ") + found)
    for f in result.findings:
        style = "red" if f.severity == "violation" else "yellow"
        where_at = "" if f.position is None else f" [dim]@{f.position}[/]"
        console.print(f"\n[{style}]●[/] [bold]{f.code}[/]{where_at}")
        console.print(f"  {escape(f.message.get(lang))}")
        console.print(f"  [green]→[/] {escape(f.fix.get(lang))}")


@compliance_app.command("check", epilog=_CHECK_EPILOG)
def check_command(
    jurisdiction: Annotated[
        str,
        typer.Option(
            "--jurisdiction",
            "-j",
            help=f"Rule pack to apply: {', '.join(DEFAULT_REGISTRY.jurisdictions)}; several as jp,us "
            "(the verdict is the worst, each finding names its jurisdiction)",
        ),
    ],
    platform: Annotated[
        str | None,
        typer.Option(
            "--platform",
            "-p",
            help="instagram, tiktok, youtube, youtube_shorts, x, threads, facebook, linkedin, twitch, blog, "
            "website (sets the '…more' fold; default: the strictest common fold)",
        ),
    ] = None,
    text: Annotated[
        str | None, typer.Option("--text", "-t", help="The caption; read from stdin when absent")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print {verdict, findings} as JSON")] = False,
    lang: Annotated[str, typer.Option("--lang", help="Language of messages and fixes: en or ja")] = "en",
    media_type: Annotated[
        str | None, typer.Option("--media-type", help="video, reel, short, story, live, image, text")
    ] = None,
    spoken: Annotated[
        bool | None,
        typer.Option(
            "--spoken-disclosure/--no-spoken-disclosure",
            help="The video says it is an ad (verified by a person)",
        ),
    ] = None,
    onscreen: Annotated[
        bool | None,
        typer.Option(
            "--onscreen-disclosure/--no-onscreen-disclosure",
            help="The video or image shows the label on screen (verified by a person)",
        ),
    ] = None,
    platform_label: Annotated[
        bool | None,
        typer.Option(
            "--platform-label/--no-platform-label",
            help="The platform's 'Paid partnership' tag is switched on",
        ),
    ] = None,
    context: Annotated[
        str,
        typer.Option("--context", help="draft, live_post or brand_reuse (the brand reusing creator content)"),
    ] = "draft",
) -> None:
    """Check that a sponsored post is clearly disclosed as an ad."""
    out = Console(soft_wrap=True, highlight=False)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    if lang not in ("en", "ja"):
        raise _usage_error(err, f"unknown language {lang!r}; use en or ja", "compliance_unknown_language")
    if context not in CONTEXTS:
        raise _usage_error(
            err, f"unknown context {context!r}; use {', '.join(CONTEXTS)}", "compliance_unknown_context"
        )
    if text is None:
        if sys.stdin is None or sys.stdin.isatty():
            raise _usage_error(err, "no text: pass --text or pipe the caption on stdin", "compliance_no_text")
        text = sys.stdin.read()
    codes = [code for code in jurisdiction.split(",") if code.strip()]
    try:
        report = check_content(
            text,
            jurisdictions=codes,
            platform=platform,
            media_type=media_type,
            has_spoken_disclosure=spoken,
            has_onscreen_disclosure=onscreen,
            has_platform_disclosure=platform_label,
            context=context,
        )
    except KizunaError as exc:
        raise _usage_error(err, exc.message, exc.code) from exc
    if as_json:
        body = {
            "verdict": report.verdict,
            "findings": [f.to_dict(lang) for r in report.results for f in r.findings],
        }
        sys.stdout.write(json.dumps(body, ensure_ascii=False) + "\n")
    else:
        for result in report.results:
            _render(out, result, lang)
    raise typer.Exit(_EXIT_FOR_VERDICT[report.verdict])


@compliance_app.command("rules")
def rules_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON")] = False,
) -> None:
    """List the loaded jurisdiction packs and the platforms' folds."""
    reg = DEFAULT_REGISTRY
    if as_json:
        payload = {
            "jurisdictions": {
                pack["code"]: {k: v for k, v in pack.items() if k != "code"} for pack in describe_packs()
            },
            "platforms": {
                key: {"fold_chars": spec.fold_chars, "fold_lines": spec.fold_lines, "video": spec.video}
                for key, spec in reg.platforms.platforms.items()
            },
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        return
    out = Console(highlight=False)
    table = Table(title="jurisdictions")
    for col in ("code", "name", "authority", "clear labels"):
        table.add_column(col)
    for pack in describe_packs():
        table.add_row(pack["code"], pack["name"], pack["authority"], escape(", ".join(pack["clear"])))
    out.print(table)
    ptable = Table(title="platforms")
    for col in ("platform", "fold chars", "fold lines", "video"):
        ptable.add_column(col)
    for key, spec in reg.platforms.platforms.items():
        ptable.add_row(
            key, str(spec.fold_chars or "-"), str(spec.fold_lines or "-"), "yes" if spec.video else ""
        )
    out.print(ptable)
