"""Registry pages: the list (sort, filter, keyset pages, bulk actions), profiles, edit, merge, lists, the import
wizard (upload → preview and mapping → dry run → import, with background progress) and export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.datastructures import UploadFile

from kizuna.config import get_settings
from kizuna.errors import KizunaError, NotFound, ValidationFailed
from kizuna.influencers import exporter, importer, metrics, repository, service, sources
from kizuna.influencers.repository import ListQuery
from kizuna.influencers.tiers import (
    GLOBAL_TIERS,
    JAPAN_TIERS,
    compare_engagement,
    scheme_of,
    tier_choices,
    tier_label,
)
from kizuna.kit.labels import country_label
from kizuna.kit.numbers import NumberFormatError, parse_count
from kizuna.models.import_job import ImportJob
from kizuna.models.influencer import Influencer
from kizuna.models.influencer_list import InfluencerList
from kizuna.models.membership import Membership
from kizuna.models.social_account import SocialAccount
from kizuna.models.user import User
from kizuna.tenancy import Ctx, register_path_param
from kizuna.web.auth import workspace_ctx
from kizuna.web.i18n import _
from kizuna.web.routing import page_router
from kizuna.web.templating import render

router = page_router()
register_path_param("influencer_id", Influencer)
register_path_param("account_id", SocialAccount)
register_path_param("list_id", InfluencerList)
register_path_param("import_id", ImportJob)

CtxDep = Annotated[Ctx, Depends(workspace_ctx)]
BASE = "/w/{ws}/influencers"
PLATFORM_CHOICES = (
    "instagram",
    "youtube",
    "tiktok",
    "x",
    "threads",
    "blog",
    "podcast",
    "line",
    "xiaohongshu",
    "naver_blog",
    "note",
    "facebook",
    "twitch",
)


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _base(ctx: Ctx) -> str:
    return f"/w/{ctx.workspace.slug}/influencers"


def _int_or_none(value: str | None) -> int | None:
    if value is None or not str(value).strip():
        return None
    try:
        return parse_count(value)
    except NumberFormatError:
        raise ValidationFailed(f"Not a number: {value}", code="invalid_number") from None


def _query_from(params: Any) -> ListQuery:
    def get(name: str) -> str:
        return str(params.get(name) or "").strip()

    list_id = get("list_id")
    try:
        limit = int(get("limit") or 50)
        min_er = float(get("min_er")) / 100 if get("min_er") else None
    except ValueError:
        raise ValidationFailed("Invalid filter value.", code="invalid_filter") from None
    return ListQuery(
        q=get("q"),
        platform=get("platform"),
        country=get("country"),
        tier=get("tier"),
        category=get("category"),
        tag=get("tag"),
        list_id=int(list_id) if list_id.isdigit() else None,
        min_followers=_int_or_none(get("min_followers")),
        max_followers=_int_or_none(get("max_followers")),
        min_er=min_er,
        sort=get("sort") or "-followers",
        after=get("after") or None,
        limit=limit if limit in repository.PAGE_SIZES else 50,
    )


def _filter_params(query: ListQuery) -> dict[str, str]:
    out = {
        "q": query.q,
        "platform": query.platform,
        "country": query.country,
        "tier": query.tier,
        "category": query.category,
        "tag": query.tag,
        "list_id": str(query.list_id or ""),
        "min_followers": str(query.min_followers or ""),
        "max_followers": str(query.max_followers or ""),
        "min_er": f"{query.min_er * 100:g}" if query.min_er is not None else "",
        "sort": query.sort,
        "limit": str(query.limit),
    }
    return {k: v for k, v in out.items() if v}


#: Two-letter CLDR territories that are not countries: test pseudo-locales ("疑似 BIDI"), "unknown region",
#: unions and "outlying Oceania".
_NOT_COUNTRIES = frozenset({"XA", "XB", "ZZ", "EU", "EZ", "UN", "QO"})


def _country_choices(ctx: Ctx) -> list[tuple[str, str]]:
    """``(code, name)`` of every country CLDR knows, named as the rest of the app names it (:func:`country_label`:
    香港 rather than CLDR's 中華人民共和国香港特別行政区), sorted by name."""
    from babel import Locale

    locale = "ja" if ctx.locale == "ja" else "en"
    codes = [str(c) for c in Locale.parse(locale).territories]
    return sorted(
        (
            (c, country_label(c, locale))
            for c in codes
            if len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES
        ),
        key=lambda x: x[1],
    )


# --- list -----------------------------------------------------------------------------------------------------


@router.get(BASE)
def influencer_list(request: Request, ctx: CtxDep) -> HTMLResponse:
    """The registry: filter, sort, keyset pages, and a bulk-action form over the selected rows."""
    query = _query_from(request.query_params)
    page = repository.list_influencers(ctx.session, query)
    accounts = repository.accounts_of(ctx.session, [i.id for i in page.items])
    params = _filter_params(query)
    next_url = None
    if page.next_cursor:
        next_url = f"{_base(ctx)}?{urlencode({**params, 'after': page.next_cursor})}"
    scheme, custom = scheme_of(ctx.workspace)

    def sort_url(key: str) -> str:
        current = query.sort
        new = f"-{key}" if current != f"-{key}" else key
        return f"{_base(ctx)}?{urlencode({**params, 'sort': new})}"

    return render(
        request,
        "influencers/list.html",
        {
            "page": page,
            "query": query,
            "accounts": accounts,
            "params": params,
            "next_url": next_url,
            "first_url": f"{_base(ctx)}?{urlencode(params)}" if query.after else None,
            "sort_url": sort_url,
            "tiers": tier_choices(ctx.workspace, ctx.locale),
            "tier_label": lambda k: tier_label(k, scheme, custom, ctx.locale),
            "countries": _country_choices(ctx),
            "platforms": PLATFORM_CHOICES,
            "lists": repository.lists(ctx.session),
            "export_qs": urlencode({k: v for k, v in params.items() if k not in ("limit",)}),
        },
    )


def _ids(values: list[str]) -> list[int]:
    try:
        return sorted({int(v) for v in values})
    except ValueError:
        raise ValidationFailed("Invalid selection.", code="invalid_selection") from None


@router.post(f"{BASE}/bulk")
async def bulk_action(request: Request, ctx: CtxDep) -> Response:
    """Apply one action to the selected influencers: tag, add to / remove from a list, merge, export."""
    form = await request.form()
    ids = _ids([str(v) for v in form.getlist("ids")])
    action = str(form.get("action") or "")
    back = str(form.get("back") or _base(ctx))
    if not back.startswith(_base(ctx)):
        back = _base(ctx)
    if action == "tag":
        service.add_tags(ctx, ids, list(str(form.get("tag") or "").split(",")))
    elif action in ("add_to_list", "remove_from_list"):
        list_id = str(form.get("list_id") or "")
        if not list_id.isdigit():
            raise ValidationFailed("Choose a list.", code="list_required")
        lst = ctx.get(InfluencerList, int(list_id))
        if action == "add_to_list":
            service.add_to_list(ctx, lst, ids)
        else:
            service.remove_from_list(ctx, lst, ids)
    elif action == "merge":
        if len(ids) < 2:
            raise ValidationFailed("Select at least two influencers to merge.", code="merge_needs_two")
        return _redirect(f"{_base(ctx)}/{ids[0]}/merge?{urlencode([('with', i) for i in ids[1:]])}")
    elif action == "export":
        fmt = str(form.get("format") or "csv")
        return _export_response(ctx, ListQuery(ids=ids, sort="created"), fmt)
    else:
        raise ValidationFailed("Unknown action.", code="invalid_action")
    return _redirect(back)


# --- export ---------------------------------------------------------------------------------------------------


def _export_response(ctx: Ctx, query: ListQuery, fmt: str) -> Response:
    import io

    if fmt not in exporter.EXPORT_FORMATS:
        raise ValidationFailed("Unknown export format.", code="invalid_export_format")
    buf = io.BytesIO()
    exporter.write(ctx.session, query, fmt, buf)
    ctx.audit("influencer.export", object_type="influencers", data={"format": fmt})
    name = f"influencers-{ctx.workspace.slug}.{fmt}"
    return Response(
        buf.getvalue(),
        media_type=exporter.MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(f"{BASE}/export")
def export_file(request: Request, ctx: CtxDep, format: str = "csv") -> Response:
    """Download the influencers matching the list filters (all of them without filters)."""
    query = _query_from(request.query_params)
    query.after = None
    return _export_response(ctx, query, format)


# --- lists ----------------------------------------------------------------------------------------------------


@router.get(f"{BASE}/lists")
def lists_page(request: Request, ctx: CtxDep) -> HTMLResponse:
    return render(request, "influencers/lists.html", {"lists": repository.lists(ctx.session)})


@router.post(f"{BASE}/lists")
def create_list(
    request: Request, ctx: CtxDep, name: Annotated[str, Form()], description: Annotated[str, Form()] = ""
) -> Response:
    service.create_list(ctx, name=name, description=description)
    return _redirect(f"{_base(ctx)}/lists")


@router.post(f"{BASE}/lists/{{list_id}}")
def rename_list(
    request: Request,
    ctx: CtxDep,
    list_id: int,
    name: Annotated[str, Form()],
    description: Annotated[str, Form()] = "",
) -> Response:
    service.rename_list(ctx, ctx.get(InfluencerList, list_id), name=name, description=description)
    return _redirect(f"{_base(ctx)}/lists")


@router.post(f"{BASE}/lists/{{list_id}}/delete")
def delete_list(request: Request, ctx: CtxDep, list_id: int) -> Response:
    service.delete_list(ctx, ctx.get(InfluencerList, list_id))
    return _redirect(f"{_base(ctx)}/lists")


# --- tiers ----------------------------------------------------------------------------------------------------


@router.get(f"{BASE}/tiers")
def tiers_page(request: Request, ctx: CtxDep) -> HTMLResponse:
    """The workspace's tier scheme, the built-in tables, and the custom band editor."""
    custom = ctx.workspace.custom_tiers or []
    return render(
        request,
        "influencers/tiers.html",
        {
            "global_tiers": GLOBAL_TIERS,
            "japan_tiers": JAPAN_TIERS,
            "custom": custom,
            "custom_text": "\n".join(
                f"{r.get('key')}, {r.get('min_followers')}, {r.get('max_followers') or ''}, {r.get('label', '')}"
                for r in custom
            ),
        },
    )


@router.post(f"{BASE}/tiers")
def save_tiers(
    request: Request,
    ctx: CtxDep,
    scheme: Annotated[str, Form()],
    custom: Annotated[str, Form()] = "",
) -> Response:
    """Set the scheme; custom bands are one per line: ``key, min followers, max followers, label``."""
    rows: list[dict[str, object]] = []
    for line in custom.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if not any(parts):
            continue
        if len(parts) < 2:
            raise ValidationFailed(
                f"Line needs at least a key and a minimum: {line}", code="invalid_custom_tiers"
            )
        rows.append(
            {
                "key": parts[0],
                "min_followers": _int_or_none(parts[1]) or 0,
                "max_followers": _int_or_none(parts[2]) if len(parts) > 2 else None,
                "label": parts[3] if len(parts) > 3 and parts[3] else parts[0],
            }
        )
    service.set_tier_scheme(ctx, scheme, rows if scheme == "custom" else None)
    return _redirect(f"{_base(ctx)}/tiers?saved=1")


# --- import wizard --------------------------------------------------------------------------------------------


@router.get(f"{BASE}/import")
def import_start(request: Request, ctx: CtxDep) -> HTMLResponse:
    return render(
        request,
        "influencers/import_start.html",
        {"jobs": repository.import_jobs(ctx.session), "limit": get_settings().import_max_bytes},
    )


@router.post(f"{BASE}/import")
async def import_upload(request: Request, ctx: CtxDep) -> Response:
    """Step 1: keep the file and read its header and first rows."""
    form = await request.form()
    upload = form.get("file")
    fmt = str(form.get("format") or "auto")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise ValidationFailed("Choose a file to import.", code="import_no_file")
    limit = get_settings().import_max_bytes
    data = await upload.read(limit + 1)
    if len(data) > limit:
        importer.check_size(len(data))
    job = service.start_upload(ctx, filename=upload.filename, source=data, file_format=fmt)
    return _redirect(f"{_base(ctx)}/import/{job.id}")


def _job_context(ctx: Ctx, job: ImportJob) -> dict[str, Any]:
    preview: importer.Source | None = None
    problem = None
    if job.stored_name and service.job_path(job).exists():
        try:
            preview = importer.open_source(
                service.job_path(job),
                file_format=job.file_format,
                filename=job.filename,
                mapping=service.job_mapping(job) if job.file_format in sources.TABULAR else None,
                platform=job.platform,
            )
        except KizunaError as exc:
            problem = exc.message
    else:
        problem = "The uploaded file is no longer available; upload it again."
    mapping = service.job_mapping(job)
    return {
        "job": job,
        "preview": preview,
        "problem": problem,
        "mapping": mapping,
        "fields": [(f, sources.FIELD_LABELS[f]) for f in sources.MAPPABLE],
        "platforms": PLATFORM_CHOICES,
        "tabular": job.file_format in sources.TABULAR,
        "background": job.size_bytes > service.BACKGROUND_BYTES,
        "errors_shown": (job.errors or [])[:200],
    }


@router.get(f"{BASE}/import/{{import_id}}")
def import_page(request: Request, ctx: CtxDep, import_id: int) -> HTMLResponse:
    """Step 2-4: preview with the column mapping, dry run, import, and the result."""
    job = ctx.get(ImportJob, import_id)
    return render(request, "influencers/import_job.html", _job_context(ctx, job))


@router.post(f"{BASE}/import/{{import_id}}/mapping")
async def import_mapping(request: Request, ctx: CtxDep, import_id: int) -> Response:
    job = ctx.get(ImportJob, import_id)
    form = await request.form()
    mapping: dict[int, str] = {}
    for key, value in form.multi_items():
        if key.startswith("col_") and key[4:].isdigit() and str(value):
            mapping[int(key[4:])] = str(value)
    service.set_mapping(ctx, job, mapping, str(form.get("platform") or "") or None)
    return _redirect(f"{_base(ctx)}/import/{job.id}")


@router.post(f"{BASE}/import/{{import_id}}/run")
async def import_run(request: Request, ctx: CtxDep, import_id: int) -> Response:
    """Dry run or real import: inside the request for small files, as a background job for large ones."""
    job = ctx.get(ImportJob, import_id)
    form = await request.form()
    dry_run = str(form.get("dry_run") or "") in ("1", "true", "on")
    if job.size_bytes > service.BACKGROUND_BYTES:
        service.queue_job(ctx, job, dry_run=dry_run)
    else:
        service.run_job_now(ctx, job, dry_run=dry_run)
    return _redirect(f"{_base(ctx)}/import/{job.id}")


@router.get(f"{BASE}/import/{{import_id}}/progress")
def import_progress(request: Request, ctx: CtxDep, import_id: int) -> HTMLResponse:
    """The progress fragment, polled by htmx every second while the job runs."""
    job = ctx.get(ImportJob, import_id)
    return render(request, "influencers/_import_progress.html", {"job": job})


@router.get(f"{BASE}/import/{{import_id}}/rejected.csv")
def import_rejected(request: Request, ctx: CtxDep, import_id: int) -> Response:
    job = ctx.get(ImportJob, import_id)
    body = "\ufeff" + importer.rejected_rows_csv(job.errors or [])
    name = f"rejected-{Path(job.filename or 'import').stem}.csv"
    return Response(
        body.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# --- create / profile / edit ----------------------------------------------------------------------------------


def _members(ctx: Ctx) -> list[User]:
    return list(
        ctx.session.execute(
            select(User).join(Membership, Membership.user_id == User.id).order_by(User.name)
        ).scalars()
    )


@router.get(f"{BASE}/new")
def new_page(request: Request, ctx: CtxDep) -> HTMLResponse:
    return render(request, "influencers/new.html", {"platforms": PLATFORM_CHOICES})


@router.post(f"{BASE}/new")
def create(
    request: Request,
    ctx: CtxDep,
    display_name: Annotated[str, Form()],
    platform: Annotated[str, Form()] = "",
    handle: Annotated[str, Form()] = "",
    followers: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    country: Annotated[str, Form()] = "",
) -> Response:
    accounts = []
    if handle.strip():
        accounts.append({"platform": platform, "handle": handle, "followers": _int_or_none(followers)})
    inf = service.create_influencer(
        ctx,
        data={"display_name": display_name, "emails": [email] if email.strip() else [], "country": country},
        accounts=accounts,
    )
    return _redirect(f"{_base(ctx)}/{inf.id}")


def _chart(history: dict[int, list[Any]], accounts: list[SocialAccount]) -> str | None:
    """Chart.js config (line chart of followers per account over time) for ``<canvas data-chart>``."""
    datasets: list[dict[str, Any]] = []
    labels: set[str] = set()
    for a in accounts:
        points = [
            {"x": s.captured_at.strftime("%Y-%m-%d"), "y": s.followers}
            for s in history.get(a.id, [])
            if s.followers is not None
        ]
        if points:
            labels.update(str(p["x"]) for p in points)
            datasets.append(
                {"label": f"{a.platform} @{a.handle.lstrip('@')}", "data": points, "spanGaps": True}
            )
    if not datasets:
        return None
    return json.dumps(
        {
            "type": "line",
            "data": {"labels": sorted(labels), "datasets": datasets},
            "options": {"parsing": {"xAxisKey": "x", "yAxisKey": "y"}, "animation": False},
        },
        ensure_ascii=False,
    )


@router.get(f"{BASE}/{{influencer_id}}")
def profile(request: Request, ctx: CtxDep, influencer_id: int) -> Response:
    """Everything about one influencer: accounts, metrics vs benchmark, growth, posts, manager, notes, lists,
    activity."""
    inf = ctx.get(Influencer, influencer_id)
    if inf.merged_into_id is not None:
        return _redirect(f"{_base(ctx)}/{inf.merged_into_id}")
    accounts = repository.accounts_of(ctx.session, [inf.id])[inf.id]
    ids = [a.id for a in accounts]
    history = repository.follower_history(ctx.session, ids)
    scheme, custom = scheme_of(ctx.workspace)
    comparisons = {
        a.id: compare_engagement(a.engagement_rate, a.followers, a.platform, a.engagement_definition)
        for a in accounts
    }
    definitions = {}
    for a in accounts:
        text, params = metrics.describe_definition(a.engagement_definition)
        definitions[a.id] = _(text, **params)
    return render(
        request,
        "influencers/profile.html",
        {
            "inf": inf,
            "accounts": accounts,
            "comparisons": comparisons,
            "definitions": definitions,
            "chart": _chart(history, accounts),
            "posts": repository.recent_posts(ctx.session, ids),
            "account_by_id": {a.id: a for a in accounts},
            "audiences": repository.audiences(ctx.session, ids),
            "manager": repository.manager(ctx.session, inf.manager_id),
            "activity": repository.activity(ctx.session, ctx.workspace_id, inf.id),
            "in_lists": repository.lists_of(ctx.session, inf.id),
            "all_lists": repository.lists(ctx.session),
            "duplicates": repository.duplicate_candidates(ctx.session, inf, limit=5),
            "tier_label": lambda k: tier_label(k, scheme, custom, ctx.locale),
            "platforms": PLATFORM_CHOICES,
        },
    )


@router.get(f"{BASE}/{{influencer_id}}/edit")
def edit_page(request: Request, ctx: CtxDep, influencer_id: int) -> HTMLResponse:
    inf = ctx.get(Influencer, influencer_id)
    return render(
        request,
        "influencers/edit.html",
        {
            "inf": inf,
            "accounts": repository.accounts_of(ctx.session, [inf.id])[inf.id],
            "managers": repository.managers(ctx.session),
            "members": _members(ctx),
            "countries": _country_choices(ctx),
        },
    )


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.replace("、", ",").replace(";", ",").split(",") if p.strip()]


@router.post(f"{BASE}/{{influencer_id}}/edit")
def edit(
    request: Request,
    ctx: CtxDep,
    influencer_id: int,
    display_name: Annotated[str, Form()],
    kind: Annotated[str, Form()] = "person",
    bio: Annotated[str, Form()] = "",
    emails: Annotated[str, Form()] = "",
    languages: Annotated[str, Form()] = "",
    country: Annotated[str, Form()] = "",
    city: Annotated[str, Form()] = "",
    categories: Annotated[str, Form()] = "",
    tags: Annotated[str, Form()] = "",
    manager_id: Annotated[str, Form()] = "",
    owner_user_id: Annotated[str, Form()] = "",
) -> Response:
    inf = ctx.get(Influencer, influencer_id)
    owner = int(owner_user_id) if owner_user_id.isdigit() else None
    if owner is not None and owner not in {u.id for u in _members(ctx)}:
        raise ValidationFailed("The owner must be a member of this workspace.", code="invalid_owner")
    service.update_influencer(
        ctx,
        inf,
        {
            "display_name": display_name,
            "kind": kind,
            "bio": bio,
            "emails": _split(emails),
            "languages": _split(languages),
            "country": country,
            "city": city.strip() or None,
            "categories": _split(categories),
            "tags": _split(tags),
            "manager_id": int(manager_id) if manager_id.isdigit() else None,
            "owner_user_id": owner,
        },
    )
    return _redirect(f"{_base(ctx)}/{inf.id}")


@router.post(f"{BASE}/{{influencer_id}}/delete")
def delete(request: Request, ctx: CtxDep, influencer_id: int) -> Response:
    service.delete_influencer(ctx, ctx.get(Influencer, influencer_id))
    return _redirect(_base(ctx))


@router.post(f"{BASE}/{{influencer_id}}/notes")
def save_notes(
    request: Request, ctx: CtxDep, influencer_id: int, notes: Annotated[str, Form()] = ""
) -> Response:
    service.set_notes(ctx, ctx.get(Influencer, influencer_id), notes)
    return _redirect(f"{_base(ctx)}/{influencer_id}#notes")


@router.post(f"{BASE}/{{influencer_id}}/manager")
def new_manager(
    request: Request,
    ctx: CtxDep,
    influencer_id: int,
    name: Annotated[str, Form()],
    company: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
) -> Response:
    inf = ctx.get(Influencer, influencer_id)
    service.assign_new_manager(ctx, inf, name=name, company=company, email=email)
    return _redirect(f"{_base(ctx)}/{inf.id}")


@router.post(f"{BASE}/{{influencer_id}}/tags")
def add_tag(request: Request, ctx: CtxDep, influencer_id: int, tag: Annotated[str, Form()]) -> Response:
    inf = ctx.get(Influencer, influencer_id)
    service.add_tags(ctx, [inf.id], _split(tag))
    return _redirect(f"{_base(ctx)}/{inf.id}")


@router.post(f"{BASE}/{{influencer_id}}/tags/remove")
def remove_tag(request: Request, ctx: CtxDep, influencer_id: int, tag: Annotated[str, Form()]) -> Response:
    service.remove_tag(ctx, ctx.get(Influencer, influencer_id), tag)
    return _redirect(f"{_base(ctx)}/{influencer_id}")


@router.post(f"{BASE}/{{influencer_id}}/lists")
def add_to_list(
    request: Request, ctx: CtxDep, influencer_id: int, list_id: Annotated[str, Form()]
) -> Response:
    inf = ctx.get(Influencer, influencer_id)
    if not list_id.isdigit():
        raise ValidationFailed("Choose a list.", code="list_required")
    service.add_to_list(ctx, ctx.get(InfluencerList, int(list_id)), [inf.id])
    return _redirect(f"{_base(ctx)}/{inf.id}")


@router.post(f"{BASE}/{{influencer_id}}/accounts")
def add_account(
    request: Request,
    ctx: CtxDep,
    influencer_id: int,
    platform: Annotated[str, Form()],
    handle: Annotated[str, Form()],
    url: Annotated[str, Form()] = "",
    followers: Annotated[str, Form()] = "",
) -> Response:
    inf = ctx.get(Influencer, influencer_id)
    service.add_account(
        ctx,
        inf,
        {
            "platform": platform,
            "handle": handle,
            "url": url.strip() or None,
            "followers": _int_or_none(followers),
        },
    )
    return _redirect(f"{_base(ctx)}/{inf.id}")


def _account_of(ctx: Ctx, influencer_id: int, account_id: int) -> SocialAccount:
    account = ctx.get(SocialAccount, account_id)
    if account.influencer_id != influencer_id:
        raise NotFound("SocialAccount not found.", code="not_found")
    return account


@router.post(f"{BASE}/{{influencer_id}}/accounts/{{account_id}}")
def update_account(
    request: Request,
    ctx: CtxDep,
    influencer_id: int,
    account_id: int,
    handle: Annotated[str, Form()],
    url: Annotated[str, Form()] = "",
    followers: Annotated[str, Form()] = "",
    following: Annotated[str, Form()] = "",
    posts_count: Annotated[str, Form()] = "",
) -> Response:
    account = _account_of(ctx, influencer_id, account_id)
    service.update_account(
        ctx,
        account,
        {
            "handle": handle,
            "url": url.strip() or None,
            "followers": _int_or_none(followers),
            "following": _int_or_none(following),
            "posts_count": _int_or_none(posts_count),
        },
    )
    return _redirect(f"{_base(ctx)}/{influencer_id}")


@router.post(f"{BASE}/{{influencer_id}}/accounts/{{account_id}}/remove")
def remove_account(request: Request, ctx: CtxDep, influencer_id: int, account_id: int) -> Response:
    service.remove_account(ctx, _account_of(ctx, influencer_id, account_id))
    return _redirect(f"{_base(ctx)}/{influencer_id}")


@router.get(f"{BASE}/{{influencer_id}}/merge")
def merge_page(request: Request, ctx: CtxDep, influencer_id: int) -> HTMLResponse:
    """Choose the duplicates to fold into this influencer (suggested ones are pre-listed)."""
    inf = ctx.get(Influencer, influencer_id)
    chosen = _ids([v for v in request.query_params.getlist("with") if v.isdigit()])
    picked = [ctx.get(Influencer, i) for i in chosen if i != inf.id]
    suggestions = [d for d in repository.duplicate_candidates(ctx.session, inf) if d.id not in chosen]
    everyone = [inf, *picked, *suggestions]
    return render(
        request,
        "influencers/merge.html",
        {
            "inf": inf,
            "picked": picked,
            "suggestions": suggestions,
            "accounts": repository.accounts_of(ctx.session, [i.id for i in everyone]),
        },
    )


@router.post(f"{BASE}/{{influencer_id}}/merge")
async def merge(request: Request, ctx: CtxDep, influencer_id: int) -> Response:
    inf = ctx.get(Influencer, influencer_id)
    form = await request.form()
    ids = _ids([str(v) for v in form.getlist("duplicate_ids")])
    if not ids:
        raise ValidationFailed("Select the duplicates to merge.", code="nothing_selected")
    service.merge(ctx, inf, [ctx.get(Influencer, i) for i in ids])
    return _redirect(f"{_base(ctx)}/{inf.id}")
