"""Jinja2 (autoescape on) with gettext, number/money/date filters and the shared page context."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from babel.dates import format_datetime
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from kizuna.influencers.tiers import scheme_of, tier_label
from kizuna.kit import notices
from kizuna.kit.labels import (
    actor_label,
    audit_action_label,
    category_label,
    country_label,
    language_label,
    platform_label,
    stage_label,
)
from kizuna.kit.money import format_money
from kizuna.kit.numbers import format_compact, format_percent
from kizuna.kit.time import to_zone
from kizuna.web import i18n

TEMPLATE_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

# The lifecycle order of the main navigation; a section appears once its index page is registered.
NAV = (
    ("campaigns", "Campaigns"),
    ("discover", "Discover"),
    ("influencers", "Influencers"),
    ("outreach", "Outreach"),
    ("deals", "Deals"),
    ("content", "Content"),
    ("analytics", "Analytics"),
    ("settings", "Settings"),
)
_registered_sections: set[str] = set()


def register_sections(paths: list[str]) -> None:
    _registered_sections.clear()
    for key, _label in NAV:
        if f"/w/{{ws}}/{key}" in paths:
            _registered_sections.add(key)


def nav_items() -> list[tuple[str, str]]:
    return [(k, label) for k, label in NAV if k in _registered_sections]


def _fmt_dt(value: datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return "—"
    state = i18n.current()
    local = to_zone(value, state.timezone)
    return str(format_datetime(local, format=fmt, locale="ja_JP" if state.locale == "ja" else "en_US"))


def _fmt_date(value: datetime | None) -> str:
    if value is None:
        return "—"
    state = i18n.current()
    local = to_zone(value, state.timezone)
    return (
        local.strftime("%Y/%m/%d") if state.locale == "ja" else local.strftime("%b %d, %Y").replace(" 0", " ")
    )


def _fmt_compact(value: float | int | None) -> str:
    return format_compact(value, i18n.current_locale())


def _fmt_money(minor: int | None, currency: str) -> str:
    return format_money(minor, currency, i18n.current_locale())


def readable_params(params: dict[str, Any]) -> dict[str, Any]:
    """Message parameters for people: numbers in the locale's short form (150万 / 1.5M), a ``metric`` (an English
    KPI label such as "Reach") translated, the rest as is."""
    out: dict[str, Any] = {}
    for k, v in params.items():
        if isinstance(v, int | float) and not isinstance(v, bool):
            out[k] = _fmt_compact(v)
        elif k == "metric" and isinstance(v, str):
            out[k] = i18n.gettext(v)
        else:
            out[k] = v
    return out


def safe_url(value: object) -> str:
    """An outside link only when it is http(s) or site-relative; anything else (``javascript:``, ``data:``) is "#"."""
    text = str(value or "").strip()
    lowered = text.lower()
    if lowered.startswith(("http://", "https://")) or (text.startswith("/") and not text.startswith("//")):
        return text
    return "#"


def _actor(row: Any) -> str:
    """An audit row's actor (the row, or its stored ``actor_label``) in the reader's language."""
    if isinstance(row, str) or row is None:
        return actor_label(row, i18n.current_locale())
    return actor_label(
        getattr(row, "actor_label", ""),
        i18n.current_locale(),
        member=getattr(row, "actor_user_id", None) is not None,
    )


@pass_context
def _tier(context: Context, key: object) -> str:
    """A tier key in the page's workspace's scheme (``mid`` -> Mid-tier / ミドル); "—" for none."""
    scheme, custom = scheme_of(context.get("workspace"))
    return tier_label(None if key is None else str(key), scheme, custom, i18n.current_locale())


def _field_name(field: object) -> str:
    """A column name an edit changed ("display_name") as the form calls it, in the reader's language."""
    from kizuna.accounts.audit import field_name  # the audit module imports the models: not at start-up

    return field_name(str(field), i18n.current_locale())


def _code(value: object) -> str:
    """A status code translated; in English the code as words (``in_review`` -> "In review")."""
    text = "" if value is None else str(value)
    shown = i18n.gettext(text) if text else text
    if shown == text:
        shown = text.replace("_", " ")
        shown = shown[:1].upper() + shown[1:]
    return shown


def _template_gettext(message: str, **params: Any) -> str:
    text = i18n.gettext(message)
    return str(text % params) if params else text


def _build_env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=select_autoescape(["html", "htm", "xml", "svg"], default_for_string=True, default=True),
        extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda s: i18n.gettext(s), lambda s, p, n: i18n.ngettext(s, p, n), newstyle=True
    )
    # Jinja's newstyle ``_`` always applies ``%`` formatting, so a literal "%" ("ER %", "50%") would crash a
    # page. Ours formats only when parameters are given; the result is still autoescaped on output.
    env.globals["_"] = _template_gettext
    env.filters.update(
        compact=_fmt_compact,
        percent=format_percent,
        money=_fmt_money,
        safe_url=safe_url,
        readable=readable_params,
        datetime=_fmt_dt,
        date=_fmt_date,
        platform=lambda key: platform_label(key, i18n.current_locale()),
        category=lambda key: category_label(key, i18n.current_locale()),
        language=lambda code: language_label(code, i18n.current_locale()),
        country=lambda code: country_label(code, i18n.current_locale()),
        stage=lambda code: stage_label(code, i18n.current_locale()),
        tier=_tier,
        code=_code,
        field_name=_field_name,
        audit_action=lambda code: audit_action_label(code, i18n.current_locale()),
        actor=_actor,
        notice_lines=lambda message: notices.lines(message, i18n.current_locale()),
    )
    env.globals.update(nav_items=nav_items)
    return env


env = _build_env()


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    """Render a page with the shared context: caller, workspace, CSRF token, locale, navigation."""
    ctx = getattr(request.state, "ctx", None)
    caller = getattr(request.state, "caller", None)
    state = getattr(request.state, "locale", None) or i18n.RequestLocale()
    csrf = caller.csrf_token if caller is not None and caller.via == "session" else ""
    if not csrf:
        from kizuna.web.auth import anon_csrf_token

        csrf = anon_csrf_token(request)
    data: dict[str, Any] = {
        "request": request,
        "ctx": ctx,
        "workspace": ctx.workspace if ctx is not None else None,
        "user": caller.user if caller is not None else None,
        "csrf_token": csrf,
        "locale": state.locale,
        "path": request.url.path,
    }
    if caller is not None:
        from kizuna.accounts.service import user_workspaces

        data["my_workspaces"] = user_workspaces(request.state.uow.session, caller.user)
    if context:
        data.update(context)
    html = env.get_template(template).render(data)
    response = HTMLResponse(html, status_code=status_code)
    token = getattr(request.state, "set_anon_csrf", None)
    if token:
        from kizuna.web.auth import ANON_CSRF_COOKIE

        response.set_cookie(ANON_CSRF_COOKIE, token, httponly=True, samesite="lax", path="/")
    return response
