"""JSON API of brand safety: the workspace's categories, and scans of an influencer or of any text."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends
from pydantic import BaseModel, ConfigDict, Field

from kizuna.models.influencer import Influencer
from kizuna.safety import service
from kizuna.safety.scanner import Scanner
from kizuna.tenancy import Ctx, register_path_param
from kizuna.web.auth import workspace_ctx
from kizuna.web.routing import api_router

router = api_router(prefix="/api/v1", tags=["brand safety"])
register_path_param("influencer_id", Influencer)
CtxDep = Annotated[Ctx, Depends(workspace_ctx)]


class CategoryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=1, max_length=40, examples=["competitors"])
    name: str = Field(min_length=1, max_length=120)
    name_ja: str = Field(default="", max_length=120)
    terms: list[str] = Field(default_factory=list, max_length=service.MAX_TERMS)
    exceptions: list[str] = Field(default_factory=list, max_length=service.MAX_TERMS)
    enabled: bool = True


class CategoryKeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=1, max_length=40)


class ScanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=20_000)


@router.get("/w/{ws}/safety/categories")
def list_categories(ctx: CtxDep) -> dict[str, Any]:
    """The categories in use (``stored: false`` means the built-in defaults, never edited)."""
    cats = service.categories(ctx.session)
    return {"categories": [{**c.to_dict(), "stored": c.stored} for c in cats]}


@router.post("/w/{ws}/safety/categories")
def put_category(ctx: CtxDep, body: CategoryIn) -> dict[str, Any]:
    """Create or replace one category (key: lowercase letters, digits, underscores)."""
    view = service.save_category(
        ctx,
        key=body.key,
        name=body.name,
        name_ja=body.name_ja,
        terms=body.terms,
        exceptions=body.exceptions,
        enabled=body.enabled,
    )
    return view.to_dict()


@router.post("/w/{ws}/safety/categories/delete")
def remove_category(ctx: CtxDep, body: CategoryKeyIn) -> dict[str, Any]:
    """Delete a category (the first edit stores the defaults, so a default category can be deleted too)."""
    service.delete_category(ctx, body.key)
    return {"deleted": body.key}


@router.post("/w/{ws}/safety/scan")
def scan_text(ctx: CtxDep, body: ScanIn) -> dict[str, Any]:
    """Scan any text (a draft caption, a bio pasted from elsewhere) with the workspace's categories."""
    scanner = Scanner(service.rules_of(service.categories(ctx.session)))
    return {"hits": [h.to_dict() for h in scanner.scan(body.text)]}


@router.get("/w/{ws}/safety/influencers/{influencer_id:int}")
def influencer_scan(ctx: CtxDep, influencer_id: int) -> dict[str, Any]:
    """Hits in the influencer's bio and newest captions, each with the text around it."""
    return service.scan_influencer(ctx.session, ctx.get(Influencer, influencer_id)).to_dict()
