"""Read-only report links for an agency's clients: signed, and revocable.

The URL carries ``Signer("campaign-share").dumps({"s": share_id, "n": nonce})``: a forged or altered token fails
the signature; a revoked share (``revoked_at`` set) fails even with a valid signature, which a signature alone
cannot do. The nonce ties the token to that row, so a new share never reopens an old revoked one.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna.config import get_settings
from kizuna.errors import NotFound
from kizuna.kit.crypto import Signer, new_token
from kizuna.models.campaign import Campaign
from kizuna.models.campaign_share import CampaignShare
from kizuna.tenancy import Ctx, bind_workspace

_signer_purpose = "campaign-share"


def _signer() -> Signer:
    return Signer(_signer_purpose)


def share_token(share: CampaignShare) -> str:
    return _signer().dumps({"s": share.id, "n": share.nonce})


def share_url(share: CampaignShare) -> str:
    return f"{get_settings().base_url.rstrip('/')}/share/campaign/{share_token(share)}"


def create_share(ctx: Ctx, campaign: Campaign, *, label: str = "", locale: str = "en") -> CampaignShare:
    share = CampaignShare(
        campaign_id=campaign.id,
        nonce=new_token(16),
        label=label.strip()[:200],
        locale=locale if locale in ("en", "ja") else "en",
        created_by_id=ctx.user.id,
    )
    ctx.add(share)
    ctx.session.flush()
    ctx.audit("campaign.share_created", campaign, {"share_id": share.id})
    return share


def revoke_share(ctx: Ctx, share: CampaignShare) -> None:
    if share.revoked_at is None:
        share.revoked_at = datetime.now(UTC)
        ctx.session.flush()
        ctx.audit("campaign.share_revoked", share, {"campaign_id": share.campaign_id})


def open_share(session: Session, token: str) -> tuple[CampaignShare, Campaign]:
    """The share and campaign behind a token; binds the session to that workspace. 404 if revoked/invalid."""
    data = _signer().loads(token)
    if not isinstance(data, dict) or "s" not in data or "n" not in data:
        raise NotFound("This report link is not valid.", code="share_not_found")
    share = session.execute(
        select(CampaignShare).where(CampaignShare.id == int(data["s"]))
    ).scalar_one_or_none()
    if share is None or share.nonce != data["n"] or share.revoked_at is not None:
        raise NotFound("This report link has been revoked or does not exist.", code="share_not_found")
    bind_workspace(session, share.workspace_id)
    campaign = session.execute(select(Campaign).where(Campaign.id == share.campaign_id)).scalar_one()
    return share, campaign
