"""Registry JSON API under ``/api/v1/w/{ws}``: influencers CRUD, accounts, merge, lists, bulk upsert, file
import (inline for small files, a job for large ones) and export. Errors carry stable codes
(``account_exists``, ``import_unknown_encoding``, ``import_file_too_large``, ...)."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import Depends, File, Form, Request, Response, UploadFile
from fastapi.responses import JSONResponse

from kizuna.config import get_settings
from kizuna.errors import NotFound
from kizuna.influencers import exporter, importer, repository, service
from kizuna.influencers import schemas as s
from kizuna.influencers.importer import ImportResult
from kizuna.influencers.pages import _query_from
from kizuna.models.import_job import ImportJob
from kizuna.models.influencer import Influencer
from kizuna.models.influencer_list import InfluencerList
from kizuna.models.social_account import SocialAccount
from kizuna.tenancy import Ctx
from kizuna.web.auth import workspace_ctx
from kizuna.web.routing import api_router

router = api_router(prefix="/api/v1/w/{ws}", tags=["influencers"])
CtxDep = Annotated[Ctx, Depends(workspace_ctx)]


def _out(ctx: Ctx, inf: Influencer) -> s.Influencer:
    ctx.session.refresh(inf)
    accounts = repository.accounts_of(ctx.session, [inf.id])[inf.id]
    data = s.Influencer.model_validate(inf)
    data.accounts = [s.Account.model_validate(a) for a in accounts]
    return data


def _result(r: ImportResult) -> s.ImportResultOut:
    return s.ImportResultOut(
        rows=r.rows,
        imported=r.imported,
        updated=r.updated,
        unchanged=r.unchanged,
        rejected=r.rejected,
        errors=[s.RowErrorOut(**e.as_dict()) for e in r.errors],
        warnings=r.warnings,
        dry_run=r.dry_run,
    )


@router.get("/influencers", response_model=s.InfluencerPage)
def list_influencers(request: Request, ctx: CtxDep) -> s.InfluencerPage:
    """Filter (q, platform, country, tier, category, tag, list_id, min_followers, max_followers, min_er in %),
    sort (``followers``, ``er``, ``name``, ``created``; prefix ``-`` for descending) and page with ``after``."""
    page = repository.list_influencers(ctx.session, _query_from(request.query_params))
    accounts = repository.accounts_of(ctx.session, [i.id for i in page.items])
    items = []
    for inf in page.items:
        item = s.Influencer.model_validate(inf)
        item.accounts = [s.Account.model_validate(a) for a in accounts[inf.id]]
        items.append(item)
    return s.InfluencerPage(
        items=items, next_cursor=page.next_cursor, total=page.total, total_capped=page.total_capped
    )


@router.post("/influencers", response_model=s.Influencer, status_code=201)
def create_influencer(ctx: CtxDep, body: s.InfluencerCreate) -> s.Influencer:
    """Create an influencer with accounts; ``409 account_exists`` if an account is already registered."""
    data = body.model_dump(exclude={"accounts"})
    inf = service.create_influencer(ctx, data=data, accounts=[a.model_dump() for a in body.accounts])
    return _out(ctx, inf)


@router.post("/influencers/bulk-upsert", response_model=s.ImportResultOut)
def bulk_upsert(ctx: CtxDep, body: s.BulkUpsertIn) -> s.ImportResultOut:
    """Create or update many accounts at once (same platform + handle = update), with the importer's
    validation and row-level errors; ``dry_run`` reports without writing."""
    return _result(service.upsert_rows(ctx, body.rows, dry_run=body.dry_run))


@router.post("/influencers/import", response_model=None)
async def import_file(
    ctx: CtxDep,
    file: Annotated[UploadFile, File()],
    format: Annotated[str, Form()] = "auto",
    platform: Annotated[str | None, Form()] = None,
    handle: Annotated[str | None, Form()] = None,
    dry_run: Annotated[bool, Form()] = False,
) -> s.ImportResultOut | JSONResponse:
    """Import a file. Small files answer with the result; large ones answer ``202`` with the job to poll at
    ``/influencers/imports/{id}``."""
    limit = get_settings().import_max_bytes
    data = await file.read(limit + 1)
    importer.check_size(len(data))
    name = file.filename or "upload"
    if len(data) > service.BACKGROUND_BYTES:
        job = service.start_upload(ctx, filename=name, source=data, file_format=format)
        if platform:
            service.set_mapping(ctx, job, service.job_mapping(job), platform)
        service.queue_job(ctx, job, dry_run=dry_run)
        ctx.session.flush()
        body = s.ImportJobOut.model_validate(job).model_dump(mode="json")
        return JSONResponse(body, status_code=202)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(name).name
        path.write_bytes(data)
        result = service.import_file(
            ctx, path, file_format=format, platform=platform, handle=handle, dry_run=dry_run, filename=name
        )
    return _result(result)


@router.get("/influencers/imports/{import_id}", response_model=s.ImportJobOut)
def get_import(ctx: CtxDep, import_id: int) -> s.ImportJobOut:
    """Progress and result of an import job."""
    return s.ImportJobOut.model_validate(ctx.get(ImportJob, import_id))


@router.get("/influencers/export")
def export(request: Request, ctx: CtxDep, format: str = "json") -> Response:
    """The matching influencers as csv, xlsx or json (same filters as the list)."""
    query = _query_from(request.query_params)
    query.after = None
    buf = io.BytesIO()
    exporter.write(ctx.session, query, format, buf)
    return Response(
        buf.getvalue(),
        media_type=exporter.MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="influencers-{ctx.workspace.slug}.{format}"'},
    )


@router.get("/influencer-lists", response_model=list[s.ListOut])
def get_lists(ctx: CtxDep) -> list[s.ListOut]:
    return [
        s.ListOut(id=lst.id, name=lst.name, description=lst.description, members=n)
        for lst, n in repository.lists(ctx.session)
    ]


@router.post("/influencer-lists", response_model=s.ListOut, status_code=201)
def create_list(ctx: CtxDep, body: s.ListIn) -> s.ListOut:
    lst = service.create_list(ctx, name=body.name, description=body.description)
    return s.ListOut(id=lst.id, name=lst.name, description=lst.description)


@router.post("/influencer-lists/{list_id}/members", response_model=s.ListOut)
def add_list_members(ctx: CtxDep, list_id: int, body: s.ListMembersIn) -> s.ListOut:
    lst = ctx.get(InfluencerList, list_id)
    service.add_to_list(ctx, lst, body.influencer_ids)
    n = {x.id: c for x, c in repository.lists(ctx.session)}.get(lst.id, 0)
    return s.ListOut(id=lst.id, name=lst.name, description=lst.description, members=n)


@router.delete("/influencer-lists/{list_id}", status_code=204)
def delete_list(ctx: CtxDep, list_id: int) -> Response:
    service.delete_list(ctx, ctx.get(InfluencerList, list_id))
    return Response(status_code=204)


@router.get("/influencers/{influencer_id}", response_model=s.Influencer)
def get_influencer(ctx: CtxDep, influencer_id: int) -> s.Influencer:
    return _out(ctx, ctx.get(Influencer, influencer_id))


@router.patch("/influencers/{influencer_id}", response_model=s.Influencer)
def update_influencer(ctx: CtxDep, influencer_id: int, body: s.InfluencerUpdate) -> s.Influencer:
    inf = ctx.get(Influencer, influencer_id)
    service.update_influencer(ctx, inf, body.model_dump(exclude_unset=True))
    return _out(ctx, inf)


@router.delete("/influencers/{influencer_id}", status_code=204)
def delete_influencer(ctx: CtxDep, influencer_id: int) -> Response:
    service.delete_influencer(ctx, ctx.get(Influencer, influencer_id))
    return Response(status_code=204)


@router.post("/influencers/{influencer_id}/accounts", response_model=s.Influencer, status_code=201)
def add_account(ctx: CtxDep, influencer_id: int, body: s.AccountIn) -> s.Influencer:
    inf = ctx.get(Influencer, influencer_id)
    service.add_account(ctx, inf, body.model_dump())
    return _out(ctx, inf)


def _account(ctx: Ctx, influencer_id: int, account_id: int) -> SocialAccount:
    account = ctx.get(SocialAccount, account_id)
    if account.influencer_id != influencer_id:
        raise NotFound("SocialAccount not found.", code="not_found")
    return account


@router.patch("/influencers/{influencer_id}/accounts/{account_id}", response_model=s.Influencer)
def update_account(ctx: CtxDep, influencer_id: int, account_id: int, body: s.AccountUpdate) -> s.Influencer:
    service.update_account(ctx, _account(ctx, influencer_id, account_id), body.model_dump(exclude_unset=True))
    return _out(ctx, ctx.get(Influencer, influencer_id))


@router.delete("/influencers/{influencer_id}/accounts/{account_id}", status_code=204)
def remove_account(ctx: CtxDep, influencer_id: int, account_id: int) -> Response:
    service.remove_account(ctx, _account(ctx, influencer_id, account_id))
    return Response(status_code=204)


@router.post("/influencers/{influencer_id}/merge", response_model=s.Influencer)
def merge(ctx: CtxDep, influencer_id: int, body: s.MergeIn) -> s.Influencer:
    """Fold duplicates into this influencer (accounts, lists, e-mails, tags move; duplicates become tombstones)."""
    inf = ctx.get(Influencer, influencer_id)
    service.merge(ctx, inf, [ctx.get(Influencer, i) for i in body.duplicate_ids])
    return _out(ctx, inf)
