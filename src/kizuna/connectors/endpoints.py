"""JSON API of the data connectors: which credentials are stored (never the secrets), store them, refresh."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends
from pydantic import BaseModel, ConfigDict, Field

from kizuna.connectors import service
from kizuna.models.social_account import SocialAccount
from kizuna.tenancy import Ctx, register_path_param
from kizuna.web.auth import workspace_ctx
from kizuna.web.routing import api_router

router = api_router(prefix="/api/v1", tags=["connectors"])
register_path_param("social_account_id", SocialAccount)
CtxDep = Annotated[Ctx, Depends(workspace_ctx)]


class CredentialsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider: str = Field(examples=["youtube"])
    api_key: str | None = Field(default=None, max_length=500)
    access_token: str | None = Field(default=None, max_length=2000)
    ig_user_id: str | None = Field(default=None, max_length=60)


@router.get("/w/{ws}/connectors")
def list_connectors(ctx: CtxDep) -> dict[str, Any]:
    """Each provider: configured or not, a hint of the key, last use and last error code."""
    rows = service.credential_rows(ctx.session)

    def used(key: str) -> str | None:
        at = rows[key].last_used_at if key in rows else None
        return at.isoformat() if at is not None else None

    return {
        "connectors": [
            {
                "provider": key,
                "configured": key in rows,
                "hint": rows[key].hint if key in rows else None,
                "last_used_at": used(key),
                "last_error": rows[key].last_error if key in rows else None,
            }
            for key in service.PROVIDERS
        ]
    }


@router.post("/w/{ws}/connectors")
def put_credentials(ctx: CtxDep, body: CredentialsIn) -> dict[str, Any]:
    """Store a provider's credentials, encrypted at rest (admins only)."""
    row = service.save_credentials(
        ctx,
        body.provider,
        {
            "api_key": body.api_key or "",
            "access_token": body.access_token or "",
            "ig_user_id": body.ig_user_id or "",
        },
    )
    return {"provider": row.provider, "configured": True, "hint": row.hint}


@router.post("/w/{ws}/connectors/refresh/{social_account_id:int}")
def refresh_account(ctx: CtxDep, social_account_id: int) -> dict[str, Any]:
    """Fetch the account's counts and recent posts now, add a metric snapshot and rescore it.

    Errors: ``connector_auth_failed``, ``connector_quota_exhausted``, ``connector_not_found``,
    ``connector_unavailable``, ``connector_not_configured``, ``connector_unsupported_platform``.
    """
    account = ctx.get(SocialAccount, social_account_id)
    ctx.require("member")
    result = service.refresh_account(ctx.session, account)
    return {
        "social_account_id": result.account_id,
        "followers": result.followers,
        "posts_added": result.posts_added,
        "posts_updated": result.posts_updated,
        "snapshot_id": result.snapshot_id,
        "audience_quality": result.quality_score,
    }
