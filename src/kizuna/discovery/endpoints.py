"""Discovery JSON API: search (filters, brief, lookalikes), saved searches, results into lists and shortlists.

Search parameters are the same everywhere (see :mod:`kizuna.discovery.filters`): repeat a query parameter or
comma-separate it for lists (``countries=JP,TW``), audience thresholds as ``audience=age:25-34>=30%``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from kizuna.discovery import repository as repo
from kizuna.discovery.filters import parse_query
from kizuna.discovery.service import discovery
from kizuna.models.influencer import Influencer
from kizuna.models.influencer_embedding import InfluencerEmbedding
from kizuna.models.saved_search import SavedSearch
from kizuna.tenancy import Ctx, register_path_param
from kizuna.web.auth import workspace_ctx
from kizuna.web.routing import api_router

router = api_router(prefix="/api/v1", tags=["discovery"])
register_path_param("saved_search_id", SavedSearch)
register_path_param("influencer_id", Influencer)
CtxDep = Annotated[Ctx, Depends(workspace_ctx)]


def _query_data(request: Request) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in request.query_params.multi_items():
        data.setdefault(key, []).append(value)
    return data


class SavedSearchIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    params: dict[str, Any] = Field(default_factory=dict)


class SavedSearchOut(BaseModel):
    id: int
    name: str
    params: dict[str, Any]


class AddIn(BaseModel):
    influencer_ids: list[int] = Field(min_length=1, max_length=500)
    campaign_id: int | None = None
    list_id: int | None = None


@router.get("/w/{ws}/search")
def search(request: Request, ctx: CtxDep) -> dict[str, Any]:
    """Search with query parameters; each result carries its score and the parts that made it."""
    return discovery.search(ctx.session, ctx.workspace_id, parse_query(_query_data(request))).as_dict()


@router.post("/w/{ws}/search")
def search_post(ctx: CtxDep, body: dict[str, Any]) -> dict[str, Any]:
    """Same as GET, with the parameters as a JSON object (handy for long briefs)."""
    return discovery.search(ctx.session, ctx.workspace_id, parse_query(body)).as_dict()


@router.get("/w/{ws}/influencers/{influencer_id}/lookalikes")
def lookalikes(request: Request, ctx: CtxDep, influencer_id: int) -> dict[str, Any]:
    """ "More like this": creators similar in content, audience and profile; filters apply as in search."""
    data = _query_data(request)
    data["like"] = [str(influencer_id)]
    return discovery.search(ctx.session, ctx.workspace_id, parse_query(data)).as_dict()


@router.get("/w/{ws}/search/index")
def index_status(ctx: CtxDep) -> dict[str, int]:
    """How many creators exist and how many have an up-to-date embedding (brand-fit matching coverage)."""
    total = ctx.session.execute(
        select(func.count()).select_from(Influencer).where(Influencer.merged_into_id.is_(None))
    ).scalar_one()
    embedded = ctx.session.execute(select(func.count()).select_from(InfluencerEmbedding)).scalar_one()
    pending = len(repo.stale_influencer_ids(ctx.session, ctx.workspace_id, 100_000))
    return {"influencers": int(total), "embedded": int(embedded), "pending": pending}


@router.get("/w/{ws}/saved-searches", response_model=list[SavedSearchOut])
def list_saved(ctx: CtxDep) -> list[SavedSearchOut]:
    return [SavedSearchOut(id=s.id, name=s.name, params=s.params) for s in repo.saved_searches(ctx.session)]


@router.post("/w/{ws}/saved-searches", response_model=SavedSearchOut, status_code=201)
def create_saved(ctx: CtxDep, body: SavedSearchIn) -> SavedSearchOut:
    """Save (or overwrite by name) a search; params are validated by running them through the parser."""
    row = discovery.save_search(
        ctx.session, user_id=ctx.user.id, name=body.name, query=parse_query(body.params)
    )
    return SavedSearchOut(id=row.id, name=row.name, params=row.params)


@router.get("/w/{ws}/saved-searches/{saved_search_id}/results")
def run_saved(ctx: CtxDep, saved_search_id: int) -> dict[str, Any]:
    row = ctx.get(SavedSearch, saved_search_id)
    return discovery.search(ctx.session, ctx.workspace_id, parse_query(row.params)).as_dict()


@router.delete("/w/{ws}/saved-searches/{saved_search_id}", status_code=204)
def delete_saved(ctx: CtxDep, saved_search_id: int) -> None:
    discovery.delete_saved_search(ctx.session, ctx.get(SavedSearch, saved_search_id))


@router.post("/w/{ws}/search/add")
def add_results(ctx: CtxDep, body: AddIn) -> dict[str, int]:
    """Add creators to a campaign shortlist (``campaign_id``) and/or an influencer list (``list_id``)."""
    from kizuna.errors import ValidationFailed

    if body.campaign_id is None and body.list_id is None:
        raise ValidationFailed("Choose a campaign or a list.", code="target_required")
    out: dict[str, int] = {}
    if body.campaign_id is not None:
        out["shortlisted"] = discovery.add_to_shortlist(
            ctx.session, campaign_id=body.campaign_id, influencer_ids=body.influencer_ids, user_id=ctx.user.id
        )
    if body.list_id is not None:
        out["listed"] = discovery.add_to_list(
            ctx.session, list_id=body.list_id, influencer_ids=body.influencer_ids
        )
    return out
