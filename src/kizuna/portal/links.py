"""Magic links into the creator portal: signed, expiring, revocable, stored only as a hash.

The URL carries ``Signer("creator-portal").dumps(secret)``: a 256-bit random secret, signed with the
installation key and timestamped. Resolving checks the signature (a guessed or altered token is a 404 before
any database lookup), then finds the link by ``sha256(secret)`` (the database never holds the secret), then
checks revocation and expiry (403). Once resolved, the request's session is bound to the link's workspace, so
tenant scoping applies to everything the portal reads afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna.config import get_settings
from kizuna.errors import KizunaError, NotFound, PermissionDenied, ValidationFailed
from kizuna.kit.crypto import Signer, new_token, token_hash
from kizuna.kit.time import utcnow
from kizuna.models.deal import Deal
from kizuna.models.portal_link import PortalLink
from kizuna.tenancy import Ctx, bind_workspace

PURPOSE = "creator-portal"
MAX_DAYS = 180
DEFAULT_DAYS = 30


def _signer() -> Signer:
    return Signer(PURPOSE)


@dataclass
class IssuedLink:
    link: PortalLink
    token: str

    @property
    def path(self) -> str:
        return f"/portal/{self.token}"

    @property
    def url(self) -> str:
        return get_settings().base_url.rstrip("/") + self.path


def issue(ctx: Ctx, deal: Deal, *, days: int = DEFAULT_DAYS) -> IssuedLink:
    ctx.require("member")
    if not 1 <= days <= MAX_DAYS:
        raise ValidationFailed(
            "A link lasts 1 to 180 days.", code="portal_link_days", details={"max_days": MAX_DAYS}
        )
    if deal.status in ("declined", "cancelled"):
        raise ValidationFailed("This deal is closed.", code="deal_closed")
    secret = new_token(32)
    link = PortalLink(
        workspace_id=deal.workspace_id,
        deal_id=deal.id,
        token_hash=token_hash(secret),
        expires_at=utcnow() + timedelta(days=days),
        created_by_id=ctx.user.id,
    )
    ctx.session.add(link)
    ctx.session.flush()
    ctx.audit("portal.link_issued", link, {"deal_id": deal.id, "expires_at": link.expires_at.isoformat()})
    return IssuedLink(link, _signer().dumps(secret))


def revoke(ctx: Ctx, link: PortalLink) -> PortalLink:
    ctx.require("member")
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        ctx.audit("portal.link_revoked", link, {"deal_id": link.deal_id})
    return link


def resolve(session: Session, token: str) -> tuple[PortalLink, Deal]:
    """The link and deal for a portal token; 404 if unknown or forged, 403 if revoked or expired."""
    if not token or len(token) > 300:
        raise NotFound("This link is not valid.", code="portal_link_invalid")
    try:
        secret = _signer().loads(token, max_age=MAX_DAYS * 86400)
    except KizunaError as exc:
        if exc.code == "expired_token":
            raise PermissionDenied(
                "This link has expired. Ask the brand for a new one.", code="portal_link_expired"
            ) from exc
        raise NotFound("This link is not valid.", code="portal_link_invalid") from exc
    if not isinstance(secret, str):
        raise NotFound("This link is not valid.", code="portal_link_invalid")
    link = session.execute(
        select(PortalLink).where(PortalLink.token_hash == token_hash(secret))
    ).scalar_one_or_none()
    if link is None:
        raise NotFound("This link is not valid.", code="portal_link_invalid")
    if link.revoked_at is not None:
        raise PermissionDenied(
            "This link was withdrawn. Ask the brand for a new one.", code="portal_link_revoked"
        )
    now = utcnow()
    if link.expires_at <= now:
        raise PermissionDenied(
            "This link has expired. Ask the brand for a new one.", code="portal_link_expired"
        )
    bind_workspace(session, link.workspace_id)
    deal = session.execute(select(Deal).where(Deal.id == link.deal_id)).scalar_one()
    if deal.status in ("declined", "cancelled"):
        raise PermissionDenied("This collaboration is closed.", code="portal_deal_closed")
    link.last_used_at = now
    return link, deal


def links_for(session: Session, deal: Deal) -> list[PortalLink]:
    return list(
        session.execute(
            select(PortalLink).where(PortalLink.deal_id == deal.id).order_by(PortalLink.id.desc())
        ).scalars()
    )
