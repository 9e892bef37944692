"""Registry business rules: every write to influencers goes through here and leaves an audit entry.

Services take a :class:`~kizuna.tenancy.Ctx` (who, which workspace, which transaction), ``flush()`` when they need
ids and never commit. Imports are orchestrated here too: small files run inside the request, large ones become an
:class:`~kizuna.models.import_job.ImportJob` run by :mod:`kizuna.influencers.tasks` after commit.
"""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from kizuna.config import get_settings
from kizuna.errors import Conflict, NotFound, ValidationFailed
from kizuna.influencers import importer, metrics, repository, sources
from kizuna.influencers.importer import ImportResult, handle_key, normalize_platform
from kizuna.influencers.tiers import TierSchemeError, scheme_of, validate_custom_tiers
from kizuna.kit import notices
from kizuna.kit.time import utcnow
from kizuna.models.import_job import ImportJob
from kizuna.models.influencer import Influencer
from kizuna.models.influencer_list import InfluencerList
from kizuna.models.influencer_list_member import InfluencerListMember
from kizuna.models.manager import Manager
from kizuna.models.metric_snapshot import MetricSnapshot
from kizuna.models.social_account import SocialAccount
from kizuna.tenancy import Ctx

#: Files above this size import in a background job (with progress) instead of inside the request.
BACKGROUND_BYTES = 512 * 1024
KINDS = ("person", "brand", "group")
_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")

INFLUENCER_FIELDS = (
    "display_name",
    "kind",
    "bio",
    "emails",
    "languages",
    "country",
    "city",
    "timezone",
    "categories",
    "tags",
    "notes",
    "owner_user_id",
    "manager_id",
)
ACCOUNT_FIELDS = (
    "platform",
    "handle",
    "url",
    "external_id",
    "followers",
    "following",
    "posts_count",
    "verified",
    "account_created_at",
    "avg_likes",
    "avg_comments",
    "avg_views",
)


def _clean_list(values: Iterable[str] | None, limit: int = 60) -> list[str]:
    out: list[str] = []
    for v in values or []:
        s = str(v).strip()[:limit]
        if s and s not in out:
            out.append(s)
    return out


def _check_influencer_data(ctx: Ctx, data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    if "display_name" in out:
        out["display_name"] = str(out["display_name"] or "").strip()[:300]
        if not out["display_name"]:
            raise ValidationFailed("A name is required.", code="name_required")
    if "kind" in out and out["kind"] not in KINDS:
        raise ValidationFailed("Unknown kind.", code="invalid_kind")
    if "emails" in out:
        emails = [e.lower() for e in _clean_list(out["emails"], 320)]
        bad = [e for e in emails if not _EMAIL.match(e)]
        if bad:
            raise ValidationFailed(f"Not an e-mail address: {bad[0]}", code="invalid_email")
        out["emails"] = emails
    for f in ("languages", "categories", "tags"):
        if f in out:
            out[f] = _clean_list(out[f], 12 if f == "languages" else 60)
    if out.get("country"):
        code = importer.country_code(str(out["country"]))
        if code is None:
            raise ValidationFailed("Unknown country.", code="invalid_country")
        out["country"] = code
    elif "country" in out:
        out["country"] = None
    if out.get("manager_id") is not None:
        ctx.get(Manager, int(out["manager_id"]))
    return out


def _refresh(ctx: Ctx, ids: Iterable[int]) -> None:
    scheme, custom = scheme_of(ctx.workspace)
    ctx.session.flush()
    metrics.refresh_influencers(ctx.session, ids, scheme, custom)
    for obj in ctx.session.identity_map.values():
        if isinstance(obj, Influencer):
            ctx.session.expire(obj)


def create_influencer(
    ctx: Ctx, *, data: Mapping[str, Any], accounts: Sequence[Mapping[str, Any]] = ()
) -> Influencer:
    """Create an influencer with its accounts; an account that already exists (platform + handle) is a
    conflict, so callers that want "create or update" use :func:`upsert_rows`."""
    clean = _check_influencer_data(ctx, {k: v for k, v in data.items() if k in INFLUENCER_FIELDS})
    if "display_name" not in clean:
        raise ValidationFailed("A name is required.", code="name_required")
    inf = ctx.add(Influencer(**{"kind": "person", **clean}))
    ctx.session.flush()
    for acct in accounts:
        add_account(ctx, inf, acct, audit=False)
    _refresh(ctx, [inf.id])
    ctx.audit("influencer.create", inf, {"name": inf.display_name, "accounts": len(accounts)})
    return inf


def update_influencer(ctx: Ctx, inf: Influencer, data: Mapping[str, Any]) -> Influencer:
    clean = _check_influencer_data(ctx, {k: v for k, v in data.items() if k in INFLUENCER_FIELDS})
    changes = {k: v for k, v in clean.items() if getattr(inf, k) != v}
    for k, v in changes.items():
        setattr(inf, k, v)
    if changes:
        ctx.session.flush()
        _refresh(ctx, [inf.id])
        ctx.audit("influencer.update", inf, {"fields": sorted(changes)})
    return inf


def delete_influencer(ctx: Ctx, inf: Influencer) -> None:
    ctx.audit("influencer.delete", inf, {"name": inf.display_name})
    ctx.session.delete(inf)
    ctx.session.flush()


def _account_values(acct: Mapping[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in acct.items() if k in ACCOUNT_FIELDS}
    for f in ("followers", "following", "posts_count"):
        if values.get(f) is not None and int(values[f]) < 0:
            raise ValidationFailed(f"{f} cannot be negative.", code="invalid_count")
    return values


def add_account(ctx: Ctx, inf: Influencer, acct: Mapping[str, Any], *, audit: bool = True) -> SocialAccount:
    values = _account_values(acct)
    platform = normalize_platform(str(values.get("platform") or ""))
    handle = str(values.get("handle") or "").strip()
    if platform is None:
        raise ValidationFailed("Unknown platform.", code="invalid_platform")
    if not handle:
        raise ValidationFailed("A handle is required.", code="handle_required")
    key = handle_key(platform, handle)
    taken = ctx.session.execute(
        select(SocialAccount.influencer_id).where(
            SocialAccount.platform == platform, SocialAccount.handle_key == key
        )
    ).scalar_one_or_none()
    if taken is not None:
        raise Conflict(
            f"The {platform} account {handle} is already in the registry.",
            code="account_exists",
            details={"influencer_id": taken},
        )
    values.update(platform=platform, handle=handle[:200])
    account = ctx.add(SocialAccount(influencer_id=inf.id, handle_key=key, **values))
    er, definition = metrics.from_averages(
        account.avg_likes, account.avg_comments, account.avg_views, account.followers, platform
    )
    account.engagement_rate, account.engagement_definition = er, definition
    ctx.session.flush()
    _snapshot(ctx, account, "manual")
    if audit:
        _refresh(ctx, [inf.id])
        ctx.audit("influencer.account_add", inf, {"platform": platform, "handle": handle})
    return account


def update_account(ctx: Ctx, account: SocialAccount, data: Mapping[str, Any]) -> SocialAccount:
    values = _account_values(data)
    values.pop("platform", None)
    if "handle" in values:
        handle = str(values["handle"] or "").strip()
        if not handle:
            raise ValidationFailed("A handle is required.", code="handle_required")
        key = handle_key(account.platform, handle)
        clash = ctx.session.execute(
            select(SocialAccount.id).where(
                SocialAccount.platform == account.platform,
                SocialAccount.handle_key == key,
                SocialAccount.id != account.id,
            )
        ).scalar_one_or_none()
        if clash is not None:
            raise Conflict("Another influencer already has this handle.", code="account_exists")
        account.handle_key = key
    counts_before = (account.followers, account.following, account.posts_count)
    for k, v in values.items():
        setattr(account, k, v)
    if account.engagement_definition is None or account.engagement_definition.endswith("average_counts"):
        er, definition = metrics.from_averages(
            account.avg_likes, account.avg_comments, account.avg_views, account.followers, account.platform
        )
        account.engagement_rate, account.engagement_definition = er, definition
    ctx.session.flush()
    if (account.followers, account.following, account.posts_count) != counts_before:
        _snapshot(ctx, account, "manual")
    metrics.refresh_account(ctx.session, account)
    _refresh(ctx, [account.influencer_id])
    ctx.audit(
        "influencer.account_update",
        object_type="influencers",
        data={"account_id": account.id, "fields": sorted(values)},
    )
    _retarget_last_audit(ctx, account.influencer_id)
    return account


def remove_account(ctx: Ctx, account: SocialAccount) -> None:
    iid = account.influencer_id
    ctx.audit(
        "influencer.account_remove",
        object_type="influencers",
        data={"platform": account.platform, "handle": account.handle},
    )
    _retarget_last_audit(ctx, iid)
    ctx.session.delete(account)
    _refresh(ctx, [iid])


def _retarget_last_audit(ctx: Ctx, influencer_id: int) -> None:
    """Audit rows written with ``object_type`` only get the influencer id, so they show on its timeline."""
    from kizuna.models.audit_log import AuditLog

    for obj in ctx.session.new:
        if isinstance(obj, AuditLog) and obj.object_type == "influencers" and obj.object_id is None:
            obj.object_id = influencer_id


def _snapshot(ctx: Ctx, account: SocialAccount, source: str) -> None:
    if account.followers is None and account.following is None and account.posts_count is None:
        return
    ctx.add(
        MetricSnapshot(
            social_account_id=account.id,
            captured_at=utcnow(),
            followers=account.followers,
            following=account.following,
            posts_count=account.posts_count,
            source=source,
        )
    )


def assign_new_manager(
    ctx: Ctx, inf: Influencer, *, name: str, company: str = "", email: str = ""
) -> Manager:
    """Create a manager/agency and make it represent this influencer (others can then be linked in the edit
    form)."""
    name = name.strip()[:200]
    if not name:
        raise ValidationFailed("A name is required.", code="name_required")
    email = email.strip().lower()
    if email and not _EMAIL.match(email):
        raise ValidationFailed(f"Not an e-mail address: {email}", code="invalid_email")
    manager = ctx.add(Manager(name=name, company=company.strip()[:200], emails=[email] if email else []))
    ctx.session.flush()
    inf.manager_id = manager.id
    ctx.audit("influencer.manager", inf, {"manager": name})
    return manager


def set_notes(ctx: Ctx, inf: Influencer, notes: str) -> None:
    update_influencer(ctx, inf, {"notes": notes[:100_000]})


def add_tags(ctx: Ctx, ids: Sequence[int], tags: Sequence[str]) -> int:
    """Add tags to several influencers (bulk action); returns how many changed."""
    clean = _clean_list(tags, 40)
    if not clean:
        raise ValidationFailed("No tag given.", code="tag_required")
    changed = 0
    for inf in _load(ctx, ids):
        merged = list(inf.tags or []) + [t for t in clean if t not in (inf.tags or [])]
        if merged != list(inf.tags or []):
            inf.tags = merged
            changed += 1
            ctx.audit("influencer.tag", inf, {"tags": clean})
    return changed


def remove_tag(ctx: Ctx, inf: Influencer, tag: str) -> None:
    if tag in (inf.tags or []):
        inf.tags = [t for t in inf.tags if t != tag]
        ctx.audit("influencer.untag", inf, {"tag": tag})


def _load(ctx: Ctx, ids: Sequence[int]) -> list[Influencer]:
    if not ids:
        raise ValidationFailed("Select at least one influencer.", code="nothing_selected")
    rows = list(ctx.session.execute(select(Influencer).where(Influencer.id.in_(list(ids)))).scalars())
    if len(rows) != len(set(ids)):
        raise NotFound("Influencer not found.", code="not_found")
    return rows


def merge(ctx: Ctx, target: Influencer, duplicates: Sequence[Influencer]) -> Influencer:
    """Merge duplicates into ``target``: their accounts, list memberships, e-mails, tags and categories move
    over; the duplicates stay as tombstones (``merged_into_id``) so links and history keep resolving."""
    moved = 0
    for dup in duplicates:
        if dup.id == target.id:
            raise ValidationFailed("An influencer cannot be merged into itself.", code="merge_self")
        if dup.merged_into_id is not None:
            raise Conflict("This influencer was already merged.", code="already_merged")
        moved += int(
            getattr(
                ctx.session.execute(
                    update(SocialAccount)
                    .where(SocialAccount.influencer_id == dup.id)
                    .values(influencer_id=target.id)
                ),
                "rowcount",
                0,
            )
            or 0
        )
        existing = set(
            ctx.session.execute(
                select(InfluencerListMember.list_id).where(InfluencerListMember.influencer_id == target.id)
            ).scalars()
        )
        ctx.session.execute(
            delete(InfluencerListMember).where(
                InfluencerListMember.influencer_id == dup.id, InfluencerListMember.list_id.in_(existing)
            )
        )
        ctx.session.execute(
            update(InfluencerListMember)
            .where(InfluencerListMember.influencer_id == dup.id)
            .values(influencer_id=target.id)
        )
        for f in ("emails", "tags", "categories", "languages"):
            merged = list(getattr(target, f) or [])
            merged += [v for v in getattr(dup, f) or [] if v not in merged]
            setattr(target, f, merged)
        for f in ("country", "city", "manager_id", "owner_user_id", "timezone"):
            if getattr(target, f) is None and getattr(dup, f) is not None:
                setattr(target, f, getattr(dup, f))
        if dup.notes:
            target.notes = (target.notes + "\n\n" + dup.notes).strip()
        if not target.bio and dup.bio:
            target.bio = dup.bio
        dup.merged_into_id = target.id
        dup.max_followers = dup.followers_total = None
        dup.tier = None
        dup.engagement_rate = None
        ctx.audit("influencer.merged_away", dup, {"into": target.id})
    ctx.session.flush()
    _refresh(ctx, [target.id])
    ctx.audit("influencer.merge", target, {"merged": [d.id for d in duplicates], "accounts_moved": moved})
    return target


# --- lists ----------------------------------------------------------------------------------------------------


def create_list(ctx: Ctx, *, name: str, description: str = "") -> InfluencerList:
    name = name.strip()[:200]
    if not name:
        raise ValidationFailed("A list needs a name.", code="name_required")
    clash = ctx.session.execute(select(InfluencerList.id).where(InfluencerList.name == name)).first()
    if clash is not None:
        raise Conflict("A list with this name exists.", code="list_exists")
    lst = ctx.add(InfluencerList(name=name, description=description.strip()))
    ctx.session.flush()
    ctx.audit("influencer_list.create", lst, {"name": name})
    return lst


def rename_list(ctx: Ctx, lst: InfluencerList, *, name: str, description: str) -> InfluencerList:
    name = name.strip()[:200]
    if not name:
        raise ValidationFailed("A list needs a name.", code="name_required")
    clash = ctx.session.execute(
        select(InfluencerList.id).where(InfluencerList.name == name, InfluencerList.id != lst.id)
    ).first()
    if clash is not None:
        raise Conflict("A list with this name exists.", code="list_exists")
    lst.name, lst.description = name, description.strip()
    ctx.audit("influencer_list.update", lst, {"name": name})
    return lst


def delete_list(ctx: Ctx, lst: InfluencerList) -> None:
    ctx.audit("influencer_list.delete", lst, {"name": lst.name})
    ctx.session.delete(lst)


def add_to_list(ctx: Ctx, lst: InfluencerList, ids: Sequence[int]) -> int:
    infs = _load(ctx, ids)
    present = repository.list_member_ids(ctx.session, lst.id, [i.id for i in infs])
    added = 0
    for inf in infs:
        if inf.id not in present:
            ctx.add(InfluencerListMember(list_id=lst.id, influencer_id=inf.id))
            added += 1
    try:
        ctx.session.flush()
    except IntegrityError as exc:  # a concurrent add of the same member
        raise Conflict("Already in the list.", code="already_in_list") from exc
    ctx.audit("influencer_list.add", lst, {"added": added})
    return added


def remove_from_list(ctx: Ctx, lst: InfluencerList, ids: Sequence[int]) -> int:
    n = getattr(
        ctx.session.execute(
            delete(InfluencerListMember).where(
                InfluencerListMember.list_id == lst.id, InfluencerListMember.influencer_id.in_(list(ids))
            )
        ),
        "rowcount",
        0,
    )
    ctx.audit("influencer_list.remove", lst, {"removed": int(n or 0)})
    return int(n or 0)


# --- tiers ----------------------------------------------------------------------------------------------------


def set_tier_scheme(ctx: Ctx, scheme: str, custom: Sequence[Mapping[str, object]] | None = None) -> int:
    """Switch the workspace's tier scheme (global, japan or custom bands) and re-tier every influencer."""
    ctx.require("admin")
    if scheme not in ("global", "japan", "custom"):
        raise ValidationFailed("Unknown tier scheme.", code="invalid_tier_scheme")
    table = None
    if scheme == "custom":
        try:
            table = validate_custom_tiers(custom or [])
        except TierSchemeError as exc:
            raise ValidationFailed(str(exc), code="invalid_custom_tiers") from exc
    ws = ctx.workspace
    ws.tier_scheme = scheme
    if table is not None:
        ws.custom_tiers = table
    ctx.session.flush()
    ids = list(ctx.session.execute(select(Influencer.id)).scalars())
    n = metrics.refresh_influencers(ctx.session, ids, scheme, table or ws.custom_tiers)
    ctx.audit("workspace.tier_scheme", ws, {"scheme": scheme, "custom": table, "retiered": n})
    return n


# --- bulk upsert and imports ----------------------------------------------------------------------------------


def upsert_rows(ctx: Ctx, rows: Sequence[Mapping[str, Any]], *, dry_run: bool = False) -> ImportResult:
    """Create or update accounts from flat rows (the API's bulk upsert); same rules and report as a file
    import, rows numbered from 1."""
    table = sources.json_table(list(rows)) if rows else None
    if table is None:
        raise ValidationFailed("No rows given.", code="import_empty_file")
    mapping, warnings = sources.auto_mapping(table.headers, table.sample)
    source = importer.Source(
        "json",
        None,
        table.headers,
        table.sample,
        mapping,
        warnings,
        importer._tabular_records(table, mapping, None),
        table.progress,
        None,
    )
    scheme, custom = scheme_of(ctx.workspace)
    result = importer.run_import(
        ctx.session,
        source,
        workspace_id=ctx.workspace_id,
        scheme=scheme,
        custom=custom,
        dry_run=dry_run,
        source_name="api",
    )
    if not dry_run:
        ctx.audit(
            "influencer.bulk_upsert",
            object_type="influencers",
            data={
                "rows": result.rows,
                "imported": result.imported,
                "updated": result.updated,
                "rejected": result.rejected,
            },
        )
    return result


def import_file(
    ctx: Ctx,
    path: Path,
    *,
    file_format: str = "auto",
    mapping: Mapping[int, str] | None = None,
    platform: str | None = None,
    handle: str | None = None,
    dry_run: bool = False,
    filename: str | None = None,
    on_progress: Any = None,
) -> ImportResult:
    """Import one file in the current transaction (CLI, small uploads, API)."""
    source = importer.open_source(
        path, file_format=file_format, mapping=mapping, platform=platform, handle=handle, filename=filename
    )
    scheme, custom = scheme_of(ctx.workspace)
    result = importer.run_import(
        ctx.session,
        source,
        workspace_id=ctx.workspace_id,
        scheme=scheme,
        custom=custom,
        dry_run=dry_run,
        source_name=f"import:{(filename or path.name)[:30]}",
        on_progress=on_progress,
    )
    if not dry_run:
        ctx.audit(
            "influencer.import",
            object_type="influencers",
            data={
                "file": filename or path.name,
                "rows": result.rows,
                "imported": result.imported,
                "updated": result.updated,
                "rejected": result.rejected,
            },
        )
    return result


def imports_dir() -> Path:
    path = get_settings().uploads_dir / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def job_path(job: ImportJob) -> Path:
    return imports_dir() / job.stored_name


def start_upload(ctx: Ctx, *, filename: str, source: Path | bytes, file_format: str = "auto") -> ImportJob:
    """Keep an uploaded file for the wizard and read its preview (errors surface here, before any mapping)."""
    stored = f"{uuid.uuid4().hex}{Path(filename).suffix.lower()[:10]}"
    target = imports_dir() / stored
    if isinstance(source, bytes):
        importer.check_size(len(source))
        target.write_bytes(source)
    else:
        importer.check_size(source.stat().st_size)
        shutil.copyfile(source, target)
    try:
        opened = importer.open_source(target, file_format=file_format, filename=filename)
    except Exception:
        target.unlink(missing_ok=True)
        raise
    job = ctx.add(
        ImportJob(
            created_by_id=ctx.user.id,
            filename=Path(filename).name[:300],
            stored_name=stored,
            size_bytes=target.stat().st_size,
            file_format=opened.file_format,
            platform=opened.platform,
            mapping={str(k): v for k, v in opened.mapping.items()},
            status="uploaded",
            message=notices.encode(opened.warnings),
        )
    )
    ctx.session.flush()
    ctx.audit("influencer.import_upload", job, {"file": job.filename, "size": job.size_bytes})
    return job


def job_mapping(job: ImportJob) -> dict[int, str]:
    return {int(k): v for k, v in (job.mapping or {}).items() if v}


def set_mapping(ctx: Ctx, job: ImportJob, mapping: Mapping[int, str], platform: str | None) -> ImportJob:
    if job.status in ("queued", "running"):
        raise Conflict("This import is running.", code="import_running")
    for field in mapping.values():
        if field and field not in sources.MAPPABLE:
            raise ValidationFailed(f"Unknown field {field!r}.", code="invalid_mapping")
    if platform:
        norm = normalize_platform(platform)
        if norm is None:
            raise ValidationFailed("Unknown platform.", code="invalid_platform")
        platform = norm
    job.mapping = {str(k): v for k, v in mapping.items() if v}
    job.platform = platform or None
    return job


def run_job_now(ctx: Ctx, job: ImportJob, *, dry_run: bool) -> ImportResult:
    """Run a wizard import inside the request (small files)."""
    result = import_file(
        ctx,
        job_path(job),
        file_format=job.file_format if job.file_format in ("csv", "xlsx", "json") else "auto",
        mapping=job_mapping(job) if job.file_format in ("csv", "xlsx", "json") else None,
        platform=job.platform,
        dry_run=dry_run,
        filename=job.filename,
    )
    record_result(job, result, dry_run=dry_run)
    return result


def record_result(job: ImportJob, result: ImportResult, *, dry_run: bool, done: bool = True) -> None:
    job.dry_run = dry_run
    job.total_rows = result.rows if done else job.total_rows
    job.processed_rows = result.rows
    job.imported, job.updated, job.rejected = result.imported, result.updated, result.rejected
    job.errors = [e.as_dict() for e in result.errors[:20_000]]
    if done:
        job.status = "done"
        job.finished_at = utcnow()
        job.message = notices.encode(result.warnings)


def queue_job(ctx: Ctx, job: ImportJob, *, dry_run: bool) -> None:
    """Run the import in the background once this transaction commits."""
    from kizuna.influencers.tasks import run_import_job
    from kizuna.worker.queue import defer

    if job.status in ("queued", "running"):
        raise Conflict("This import is already running.", code="import_running")
    job.status = "queued"
    job.dry_run = dry_run
    job.processed_rows = 0
    job.imported = job.updated = job.rejected = 0
    job.errors = []
    job.finished_at = None
    ctx.audit("influencer.import_queued", job, {"file": job.filename, "dry_run": dry_run})
    defer(run_import_job, job.id, ctx.workspace_id)
