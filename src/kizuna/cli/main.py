"""The ``kizuna`` command line. Each command is one unit of work; errors print one red line and exit 2.

Domain packages add commands through a ``cli.py`` module with ``register(root)``; they are discovered here.
"""

from __future__ import annotations

import importlib
import json
import sys
from typing import Annotated

import typer
from rich.console import Console

from kizuna.cli.messages import cli_locale, error_line, use_cli_locale
from kizuna.errors import KizunaError
from kizuna.web.i18n import _

app = typer.Typer(
    help="Kizuna (絆): influencer outreach platform.", no_args_is_help=True, pretty_exceptions_enable=False
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
user_app = typer.Typer(help="User accounts.", no_args_is_help=True)
workspace_app = typer.Typer(help="Workspaces (a brand, or an agency's client).", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(workspace_app, name="workspace")
app.add_typer(token_app, name="token")

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: str = "error") -> typer.Exit:
    err_console.print(error_line(code, message), soft_wrap=True)
    return typer.Exit(2)


@app.callback()
def _root() -> None:
    """Kizuna (絆): influencer outreach platform."""
    use_cli_locale()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations to the configured database."""
    from kizuna import migrations
    from kizuna.db import get_engine

    engine = get_engine()
    before = migrations.current_revision(engine)
    migrations.upgrade(engine)
    after = migrations.current_revision(engine)
    console.print(
        _("database at revision %(after)s (was %(before)s)", after=after, before=before or _("empty"))
    )


@db_app.command("current")
def db_current() -> None:
    """Print the database's migration revision."""
    from kizuna import migrations
    from kizuna.db import get_engine

    console.print(migrations.current_revision(get_engine()) or _("empty"))


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Argument(help="Login e-mail")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    name: Annotated[str, typer.Option()] = "",
    locale: Annotated[str | None, typer.Option(help="en or ja")] = None,
) -> None:
    """Create a user who can sign in."""
    from kizuna.accounts import service
    from kizuna.db import unit_of_work

    try:
        with unit_of_work() as uow:
            user = service.create_user(uow.session, email=email, password=password, name=name, locale=locale)
    except KizunaError as exc:
        raise fail(exc.message, exc.code) from exc
    console.print(_("created user %(email)s", email=user.email))


@workspace_app.command("create")
def workspace_create(
    slug: Annotated[str, typer.Argument(help="URL-safe address, e.g. acme-skincare")],
    name: Annotated[str, typer.Option(help="Display name")],
    owner: Annotated[str, typer.Option(help="E-mail of the owning user")],
    currency: Annotated[str, typer.Option()] = "JPY",
    timezone: Annotated[str, typer.Option()] = "Asia/Tokyo",
    tier_scheme: Annotated[str, typer.Option(help="global, japan or custom")] = "global",
) -> None:
    """Create a workspace owned by an existing user."""
    from sqlalchemy import select

    from kizuna.accounts import service
    from kizuna.db import unit_of_work
    from kizuna.models.user import User

    try:
        with unit_of_work() as uow:
            user = uow.session.execute(
                select(User).where(User.email == owner.strip().lower())
            ).scalar_one_or_none()
            if user is None:
                raise KizunaError(_("No user with e-mail %(email)s.", email=owner), code="user_not_found")
            ws = service.create_workspace(
                uow.session,
                owner=user,
                slug=slug,
                name=name,
                currency=currency,
                timezone=timezone,
                tier_scheme=tier_scheme,
            )
    except KizunaError as exc:
        raise fail(exc.message, exc.code) from exc
    console.print(_("created workspace %(slug)s owned by %(email)s", slug=ws.slug, email=user.email))


@token_app.command("create")
def token_create(
    email: Annotated[str, typer.Option(help="User the token acts as")],
    workspace: Annotated[str, typer.Option(help="Workspace slug")],
    name: Annotated[str, typer.Option(help="What the token is for")] = "cli",
    expires_days: Annotated[int | None, typer.Option(help="Days until it expires (default never)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Create an API token (printed once)."""
    from sqlalchemy import select

    from kizuna.accounts import service
    from kizuna.db import unit_of_work
    from kizuna.models.user import User

    try:
        with unit_of_work() as uow:
            user = uow.session.execute(
                select(User).where(User.email == email.strip().lower())
            ).scalar_one_or_none()
            if user is None:
                raise KizunaError(_("No user with e-mail %(email)s.", email=email), code="user_not_found")
            ws, _role = service.membership_for(uow.session, user, workspace)
            new = service.create_api_token(uow.session, ws, user, name=name, expires_days=expires_days)
    except KizunaError as exc:
        raise fail(exc.message, exc.code) from exc
    if as_json:
        typer.echo(json.dumps({"token": new.token, "workspace": workspace, "name": name}))
    else:
        console.print(
            _("token for %(workspace)s (shown once):", workspace=workspace), f"[bold green]{new.token}[/]"
        )


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    worker: Annotated[bool, typer.Option(help="Run the embedded job consumer")] = True,
) -> None:
    """Serve the web app and API (with an embedded job consumer unless --no-worker)."""
    import uvicorn

    from kizuna.app import create_app
    from kizuna.config import use_served_address

    use_served_address(host, port)
    uvicorn.run(create_app(embedded_worker=worker), host=host, port=port, log_level="info")


@app.command()
def worker(workers: Annotated[int, typer.Option(help="Worker threads")] = 2) -> None:
    """Run a standalone job consumer (use with KIZUNA_JOBS=redis://... to scale out)."""
    import logging

    from kizuna.worker.consumer import run_forever

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    run_forever(workers)


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    influencers: Annotated[int, typer.Option(help="Synthetic influencers to create")] = 600,
    seed: Annotated[int, typer.Option(help="Random seed")] = 7,
    serve_app: Annotated[bool, typer.Option("--serve/--no-serve", help="Start the server afterwards")] = True,
) -> None:
    """Migrate, load a demo workspace (once) and serve it. Safe to run again on the same data dir."""
    from kizuna.config import served_base_url, use_served_address
    from kizuna.demo import load_demo

    use_served_address(host, port)
    info = load_demo(influencers=influencers, seed=seed, console=console)
    console.rule(f"[bold]{_('Kizuna demo')}")
    state = _("created now") if info.created else _("already loaded")
    console.print(f"{_('address'):<14}{served_base_url(host, port)}/")
    console.print(f"{_('login e-mail'):<14}[bold]{info.email}[/]")
    console.print(f"{_('password'):<14}[bold]{info.password}[/]")
    console.print(f"{_('workspace'):<14}{info.workspace_slug} ({state})")
    if serve_app:
        serve(host=host, port=port, worker=True)


def _register_domain_commands() -> None:
    from kizuna.kit.modules import domain_modules

    for module_name in domain_modules("cli"):
        if module_name == "kizuna.cli.cli":
            continue
        module = importlib.import_module(module_name)
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


_register_domain_commands()


def main() -> None:
    from kizuna.cli.help import localized_command

    command = localized_command(app, cli_locale())
    try:
        command()
    except KizunaError as exc:
        err_console.print(error_line(exc.code, exc.message), soft_wrap=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
