"""Users, workspaces, memberships, invitations, login sessions and API tokens.

Functions take the caller's session and never commit; the request, job or CLI command around them does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kizuna.accounts.audit import record
from kizuna.accounts.passwords import MIN_LENGTH, dummy_hash, hash_password, verify_password
from kizuna.config import get_settings
from kizuna.db import unit_of_work
from kizuna.errors import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
)
from kizuna.kit.crypto import new_token, token_hash
from kizuna.kit.money import CURRENCIES
from kizuna.kit.time import is_valid_timezone, utcnow
from kizuna.models.api_token import ApiToken
from kizuna.models.invitation import Invitation
from kizuna.models.login_attempt import LoginAttempt
from kizuna.models.membership import ROLES, Membership
from kizuna.models.user import User
from kizuna.models.user_session import UserSession
from kizuna.models.workspace import Workspace
from kizuna.tenancy import ROLE_RANK, UNSCOPED

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LOCALES = ("en", "ja")
TIER_SCHEMES = ("global", "japan", "custom")
INVITATION_DAYS = 7


def normalize_email(email: str) -> str:
    email = email.strip().lower()
    if not EMAIL_RE.match(email):
        raise ValidationFailed("Enter a valid e-mail address.", code="invalid_email")
    return email


def create_user(
    session: Session, *, email: str, password: str, name: str = "", locale: str | None = None
) -> User:
    email = normalize_email(email)
    if len(password) < MIN_LENGTH:
        raise ValidationFailed("The password must have at least 10 characters.", code="password_too_short")
    if session.execute(select(User.id).where(User.email == email)).first():
        raise Conflict("A user with this e-mail already exists.", code="user_exists")
    user = User(
        email=email, name=name or email.split("@")[0], password_hash=hash_password(password), locale=locale
    )
    session.add(user)
    session.flush()
    record(session, action="user.created", workspace_id=None, actor=None, obj=user, data={"email": email})
    return user


def _rate_keys(email: str, ip: str | None) -> list[str]:
    keys = [f"email:{email.strip().lower()}"]
    if ip:
        keys.append(f"ip:{ip}")
    return keys


def _check_rate(session: Session, keys: list[str]) -> None:
    settings = get_settings()
    since = utcnow() - timedelta(seconds=settings.login_window_seconds)
    for key in keys:
        failures = session.execute(
            select(func.count())
            .select_from(LoginAttempt)
            .where(
                LoginAttempt.key == key, LoginAttempt.succeeded.is_(False), LoginAttempt.created_at >= since
            )
        ).scalar_one()
        limit = settings.login_max_failures * (5 if key.startswith("ip:") else 1)
        if failures >= limit:
            raise RateLimited(
                "Too many failed sign-in attempts. Please wait a few minutes and try again.",
                code="login_rate_limited",
            )


def authenticate(session: Session, *, email: str, password: str, ip: str | None = None) -> User:
    """The user for these credentials, or an error. Failures are recorded in their own transaction."""
    keys = _rate_keys(email, ip)
    _check_rate(session, keys)
    user = session.execute(select(User).where(User.email == email.strip().lower())).scalar_one_or_none()
    ok = verify_password(user.password_hash if user else dummy_hash(), password)
    if not ok or user is None or not user.is_active:
        # The request's own transaction rolls back on an error; the failure must still count.
        with unit_of_work(session.get_bind()) as uow:  # type: ignore[arg-type]
            for key in keys:
                uow.session.add(LoginAttempt(key=key, succeeded=False))
        raise NotAuthenticated("The e-mail or password is not correct.", code="invalid_credentials")
    for key in keys:
        session.add(LoginAttempt(key=key, succeeded=True))
    user.last_login_at = utcnow()
    return user


@dataclass(frozen=True)
class NewSession:
    key: str
    row: UserSession


def start_session(session: Session, user: User, *, ip: str | None, user_agent: str | None) -> NewSession:
    key = new_token()
    row = UserSession(
        key_hash=token_hash(key),
        user_id=user.id,
        csrf_token=new_token(24),
        expires_at=utcnow() + timedelta(seconds=get_settings().session_max_age_seconds),
        ip=ip,
        user_agent=(user_agent or "")[:300],
    )
    session.add(row)
    session.flush()
    record(session, action="user.login", workspace_id=None, actor=user, obj=row, ip=ip)
    return NewSession(key=key, row=row)


def resolve_session(session: Session, key: str) -> tuple[UserSession, User]:
    row = session.execute(
        select(UserSession).where(UserSession.key_hash == token_hash(key))
    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        raise NotAuthenticated("Please sign in.", code="session_invalid")
    if row.expires_at <= utcnow():
        raise NotAuthenticated("Your session has expired. Please sign in again.", code="session_expired")
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise NotAuthenticated("Please sign in.", code="session_invalid")
    return row, user


def end_session(session: Session, row: UserSession, user: User) -> None:
    row.revoked_at = utcnow()
    record(session, action="user.logout", workspace_id=None, actor=user, obj=row)


def user_workspaces(session: Session, user: User) -> list[tuple[Workspace, str]]:
    rows = session.execute(
        select(Workspace, Membership.role)
        .join(Membership, Membership.workspace_id == Workspace.id)
        .where(Membership.user_id == user.id)
        .order_by(Workspace.name)
        .execution_options(**{UNSCOPED: True})
    ).all()
    return [(ws, role) for ws, role in rows]


def membership_for(session: Session, user: User, slug: str) -> tuple[Workspace, str]:
    """The workspace and role, or :class:`NotFound` when it does not exist *or* the user is not a member."""
    row = session.execute(
        select(Workspace, Membership.role)
        .join(Membership, Membership.workspace_id == Workspace.id)
        .where(Workspace.slug == slug, Membership.user_id == user.id)
        .execution_options(**{UNSCOPED: True})
    ).first()
    if row is None:
        raise NotFound("Workspace not found.", code="workspace_not_found")
    return row[0], row[1]


def create_workspace(
    session: Session,
    *,
    owner: User,
    slug: str,
    name: str,
    currency: str = "JPY",
    kind: str = "brand",
    timezone: str = "Asia/Tokyo",
    tier_scheme: str = "global",
) -> Workspace:
    slug = slug.strip().lower()
    if not SLUG_RE.match(slug):
        raise ValidationFailed(
            "The workspace address may use lowercase letters, digits and hyphens (2-63 characters).",
            code="invalid_slug",
        )
    if session.execute(select(Workspace.id).where(Workspace.slug == slug)).first():
        raise Conflict("This workspace address is taken.", code="workspace_exists")
    _validate_ws_fields(currency=currency, timezone=timezone, tier_scheme=tier_scheme, kind=kind)
    ws = Workspace(
        slug=slug,
        name=name.strip() or slug,
        currency=currency,
        kind=kind,
        timezone=timezone,
        tier_scheme=tier_scheme,
    )
    session.add(ws)
    session.flush()
    session.add(Membership(workspace_id=ws.id, user_id=owner.id, role="owner"))
    record(session, action="workspace.created", workspace_id=ws.id, actor=owner, obj=ws, data={"slug": slug})
    return ws


def _validate_ws_fields(*, currency: str, timezone: str, tier_scheme: str, kind: str) -> None:
    if currency not in CURRENCIES:
        raise ValidationFailed(
            "Unsupported currency.", code="invalid_currency", details={"allowed": CURRENCIES}
        )
    if not is_valid_timezone(timezone):
        raise ValidationFailed("Unknown time zone.", code="invalid_timezone")
    if tier_scheme not in TIER_SCHEMES:
        raise ValidationFailed("Unknown tier scheme.", code="invalid_tier_scheme")
    if kind not in ("brand", "agency_client"):
        raise ValidationFailed("Unknown workspace kind.", code="invalid_workspace_kind")


def update_workspace(
    session: Session,
    ws: Workspace,
    actor: User,
    *,
    name: str,
    currency: str,
    timezone: str,
    tier_scheme: str,
    sender_identity: str,
    kind: str,
    retier: Callable[[str], object] | None = None,
) -> Workspace:
    """Change workspace settings. A new tier scheme goes through ``retier`` (the registry re-tiers everyone)."""
    _validate_ws_fields(currency=currency, timezone=timezone, tier_scheme=tier_scheme, kind=kind)
    before = {
        "name": ws.name,
        "currency": ws.currency,
        "timezone": ws.timezone,
        "tier_scheme": ws.tier_scheme,
    }
    ws.name = name.strip() or ws.name
    ws.currency = currency
    ws.timezone = timezone
    if tier_scheme != ws.tier_scheme:
        if retier is not None:
            retier(tier_scheme)
        else:
            ws.tier_scheme = tier_scheme
    ws.sender_identity = sender_identity.strip()
    ws.kind = kind
    record(
        session, action="workspace.updated", workspace_id=ws.id, actor=actor, obj=ws, data={"before": before}
    )
    return ws


def add_member(session: Session, ws: Workspace, actor: User | None, user: User, role: str) -> Membership:
    if role not in ROLES:
        raise ValidationFailed("Unknown role.", code="invalid_role")
    existing = session.execute(
        select(Membership).where(Membership.workspace_id == ws.id, Membership.user_id == user.id)
    ).scalar_one_or_none()
    if existing is not None:
        raise Conflict("This person is already a member.", code="already_member")
    m = Membership(workspace_id=ws.id, user_id=user.id, role=role)
    session.add(m)
    session.flush()
    record(
        session,
        action="member.added",
        workspace_id=ws.id,
        actor=actor,
        obj=m,
        data={"email": user.email, "role": role},
    )
    return m


def _owners(session: Session, ws: Workspace) -> int:
    return int(
        session.execute(
            select(func.count())
            .select_from(Membership)
            .where(Membership.workspace_id == ws.id, Membership.role == "owner")
        ).scalar_one()
    )


def change_role(
    session: Session, ws: Workspace, actor: User, actor_role: str, member: Membership, role: str
) -> None:
    if role not in ROLES:
        raise ValidationFailed("Unknown role.", code="invalid_role")
    if "owner" in (role, member.role) and actor_role != "owner":
        raise PermissionDenied("Only an owner can grant or remove the owner role.", code="owner_required")
    if member.role == "owner" and role != "owner" and _owners(session, ws) <= 1:
        raise Conflict("A workspace needs at least one owner.", code="last_owner")
    before = member.role
    member.role = role
    record(
        session,
        action="member.role_changed",
        workspace_id=ws.id,
        actor=actor,
        obj=member,
        data={"from": before, "to": role},
    )


def remove_member(session: Session, ws: Workspace, actor: User, actor_role: str, member: Membership) -> None:
    if member.role == "owner" and actor_role != "owner":
        raise PermissionDenied("Only an owner can remove an owner.", code="owner_required")
    if member.role == "owner" and _owners(session, ws) <= 1:
        raise Conflict("A workspace needs at least one owner.", code="last_owner")
    record(
        session,
        action="member.removed",
        workspace_id=ws.id,
        actor=actor,
        obj=member,
        data={"user_id": member.user_id},
    )
    session.delete(member)


@dataclass(frozen=True)
class NewInvitation:
    token: str
    row: Invitation


def invite(
    session: Session, ws: Workspace, actor: User, actor_role: str, *, email: str, role: str
) -> NewInvitation:
    email = normalize_email(email)
    if role not in ROLES:
        raise ValidationFailed("Unknown role.", code="invalid_role")
    if ROLE_RANK[role] > ROLE_RANK[actor_role]:
        raise PermissionDenied(
            "You cannot invite someone with a higher role than yours.", code="role_too_high"
        )
    token = new_token()
    row = Invitation(
        workspace_id=ws.id,
        email=email,
        role=role,
        token_hash=token_hash(token),
        invited_by_id=actor.id,
        expires_at=utcnow() + timedelta(days=INVITATION_DAYS),
    )
    session.add(row)
    session.flush()
    record(
        session,
        action="invitation.created",
        workspace_id=ws.id,
        actor=actor,
        obj=row,
        data={"email": email, "role": role},
    )
    return NewInvitation(token=token, row=row)


def find_invitation(session: Session, token: str) -> Invitation:
    row = session.execute(
        select(Invitation)
        .where(Invitation.token_hash == token_hash(token))
        .execution_options(**{UNSCOPED: True})
    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        raise NotFound("This invitation is not valid.", code="invitation_invalid")
    if row.accepted_at is not None:
        raise Conflict("This invitation was already used.", code="invitation_used")
    if row.expires_at <= utcnow():
        raise Conflict("This invitation has expired. Ask for a new one.", code="invitation_expired")
    return row


def accept_invitation(
    session: Session, token: str, *, user: User | None, password: str | None = None, name: str = ""
) -> tuple[User, Workspace]:
    inv = find_invitation(session, token)
    if user is None:
        existing = session.execute(select(User).where(User.email == inv.email)).scalar_one_or_none()
        if existing is not None:
            raise Conflict(
                "Sign in as this e-mail address to accept the invitation.", code="sign_in_to_accept"
            )
        user = create_user(session, email=inv.email, password=password or "", name=name)
    elif user.email != inv.email:
        raise PermissionDenied(
            "This invitation was sent to another e-mail address.", code="invitation_other_email"
        )
    ws = session.get(Workspace, inv.workspace_id)
    if ws is None:  # pragma: no cover - FK cascade removes invitations with their workspace
        raise NotFound("Workspace not found.", code="workspace_not_found")
    add_member(session, ws, user, user, inv.role)
    inv.accepted_at = utcnow()
    return user, ws


def revoke_invitation(session: Session, ws: Workspace, actor: User, inv: Invitation) -> None:
    inv.revoked_at = utcnow()
    record(session, action="invitation.revoked", workspace_id=ws.id, actor=actor, obj=inv)


@dataclass(frozen=True)
class NewToken:
    token: str
    row: ApiToken


def create_api_token(
    session: Session, ws: Workspace, user: User, *, name: str, expires_days: int | None = None
) -> NewToken:
    name = name.strip()
    if not name:
        raise ValidationFailed("Give the token a name.", code="token_name_required")
    token = "kz_" + new_token()
    row = ApiToken(
        workspace_id=ws.id,
        user_id=user.id,
        name=name[:100],
        prefix=token[:10],
        token_hash=token_hash(token),
        expires_at=utcnow() + timedelta(days=expires_days) if expires_days else None,
    )
    session.add(row)
    session.flush()
    record(session, action="api_token.created", workspace_id=ws.id, actor=user, obj=row, data={"name": name})
    return NewToken(token=token, row=row)


def resolve_api_token(session: Session, token: str) -> tuple[ApiToken, User, Workspace, str]:
    row = session.execute(
        select(ApiToken).where(ApiToken.token_hash == token_hash(token)).execution_options(**{UNSCOPED: True})
    ).scalar_one_or_none()
    if (
        row is None
        or row.revoked_at is not None
        or (row.expires_at is not None and row.expires_at <= utcnow())
    ):
        raise NotAuthenticated("The API token is not valid.", code="invalid_token")
    user = session.get(User, row.user_id)
    ws = session.get(Workspace, row.workspace_id)
    if user is None or ws is None or not user.is_active:
        raise NotAuthenticated("The API token is not valid.", code="invalid_token")
    membership = session.execute(
        select(Membership.role)
        .where(Membership.workspace_id == ws.id, Membership.user_id == user.id)
        .execution_options(**{UNSCOPED: True})
    ).scalar_one_or_none()
    if membership is None:
        raise NotAuthenticated("The API token is not valid.", code="invalid_token")
    row.last_used_at = utcnow()
    return row, user, ws, membership


def revoke_api_token(session: Session, ws: Workspace, actor: User, row: ApiToken) -> None:
    row.revoked_at = utcnow()
    record(session, action="api_token.revoked", workspace_id=ws.id, actor=actor, obj=row)


def update_profile(session: Session, user: User, *, name: str, locale: str | None, timezone: str) -> None:
    if locale is not None and locale not in LOCALES:
        raise ValidationFailed("Unsupported language.", code="invalid_locale")
    if not is_valid_timezone(timezone):
        raise ValidationFailed("Unknown time zone.", code="invalid_timezone")
    user.name = name.strip() or user.name
    user.locale = locale
    user.timezone = timezone
    record(session, action="user.profile_updated", workspace_id=None, actor=user, obj=user)


def set_password(session: Session, user: User, *, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise ValidationFailed("The current password is not correct.", code="invalid_current_password")
    if len(new) < MIN_LENGTH:
        raise ValidationFailed("The password must have at least 10 characters.", code="password_too_short")
    user.password_hash = hash_password(new)
    record(session, action="user.password_changed", workspace_id=None, actor=user, obj=user)
