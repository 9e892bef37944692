"""The audit log: one row per business change, added to the same session (and so the same transaction); and the
log as people read it (objects by name, data as labelled values)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna.kit.labels import code_label, language_label, platform_label, stage_label
from kizuna.kit.money import format_money
from kizuna.models.api_token import ApiToken
from kizuna.models.audit_log import AuditLog
from kizuna.models.base import Base, WorkspaceOwned
from kizuna.models.brand_safety_category import BrandSafetyCategory
from kizuna.models.brief import Brief
from kizuna.models.campaign import Campaign
from kizuna.models.campaign_influencer import CampaignInfluencer
from kizuna.models.campaign_share import CampaignShare
from kizuna.models.connector_credential import ConnectorCredential
from kizuna.models.content_comment import ContentComment
from kizuna.models.content_item import ContentItem
from kizuna.models.content_version import ContentVersion
from kizuna.models.deal import Deal
from kizuna.models.deal_agreement import DealAgreement
from kizuna.models.deal_offer import DealOffer
from kizuna.models.import_job import ImportJob
from kizuna.models.influencer import Influencer
from kizuna.models.influencer_list import InfluencerList
from kizuna.models.invitation import Invitation
from kizuna.models.membership import Membership
from kizuna.models.outreach_enrollment import OutreachEnrollment
from kizuna.models.outreach_mailbox import OutreachMailbox
from kizuna.models.outreach_message import OutreachMessage
from kizuna.models.outreach_sequence import OutreachSequence
from kizuna.models.outreach_suppression import OutreachSuppression
from kizuna.models.outreach_task import OutreachTask
from kizuna.models.outreach_template import OutreachTemplate
from kizuna.models.payable import Payable
from kizuna.models.payee import Payee
from kizuna.models.portal_link import PortalLink
from kizuna.models.shop_connection import ShopConnection
from kizuna.models.social_account import SocialAccount
from kizuna.models.tracking_link import TrackingLink
from kizuna.models.upload import Upload
from kizuna.models.user import User
from kizuna.tenancy import bound_workspace
from kizuna.web.i18n import gettext

if TYPE_CHECKING:
    from kizuna.tenancy import Ctx


def record(
    session: Session,
    *,
    action: str,
    workspace_id: int | None,
    actor: User | None,
    obj: Base | None = None,
    object_type: str | None = None,
    data: dict[str, Any] | None = None,
    ip: str | None = None,
    actor_label: str | None = None,
) -> AuditLog:
    entry = AuditLog(
        workspace_id=workspace_id,
        actor_user_id=actor.id if actor is not None else None,
        actor_label=actor_label or (actor.email if actor is not None else "system"),
        action=action,
        object_type=object_type or (type(obj).__tablename__ if obj is not None else ""),
        object_id=obj.id if obj is not None else None,
        data=_jsonable(data or {}),
        ip=ip,
    )
    session.add(entry)
    return entry


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


# --- reading the log -------------------------------------------------------------------------------------------
#
# The audit page shows each row's object as a type name ("Influencer") and, while the object still exists in the
# workspace, its own name linked to its page; its data as a short list of labelled values. Names are looked up
# once per object type on the page (object ids and the ids named in the data together), through the session's
# workspace scope (:mod:`kizuna.tenancy`): another workspace's row with the same id reads as deleted.

#: Longer values are cut to this many characters on the page; the whole value is in the cell's title.
SHORT = 80


@dataclass(frozen=True)
class ObjectKind:
    """How rows of one table read in the log. ``label`` is the English msgid (Japanese in ``audit.po``).

    With a ``model`` (always a :class:`WorkspaceOwned` one), ``columns`` and ``joins`` (outer joins) are read for
    the ids on the page in one statement; ``name`` turns a result row into the object's name and ``href`` into
    its page below ``/w/<slug>`` (None: no page, or not one this caller may see).
    """

    label: str
    model: type[Base] | None = None
    columns: tuple[Any, ...] = ()
    joins: tuple[tuple[Any, Any], ...] = ()
    name: Callable[[Any, str], str] | None = None
    href: Callable[[Any, Ctx], str | None] | None = None


def _join(*parts: object) -> str:
    return " · ".join(str(p) for p in parts if p not in (None, ""))


_DEAL_TITLE = Deal.title.label("deal_title")
_INFLUENCER_NAME = Influencer.display_name.label("influencer_name")
_CAMPAIGN_NAME = Campaign.name.label("campaign_name")

#: ``audit_log.object_type`` (a table name) -> how it reads. Every table that code in ``src/`` writes audit rows
#: for has an entry (``tests/accounts/test_audit_objects.py`` checks the models); a table missing here reads as
#: its words ("Click events") with the bare id.
OBJECT_KINDS: dict[str, ObjectKind] = {
    # people and the workspace ("users" and "user_sessions" are written without a workspace: never named here)
    "workspaces": ObjectKind("Workspace"),
    "users": ObjectKind("User"),
    "user_sessions": ObjectKind("Sign-in session"),
    "memberships": ObjectKind(
        "Member",
        Membership,
        (User.name.label("user_name"), User.email.label("user_email")),
        ((User, User.id == Membership.user_id),),
        name=lambda r, _loc: r.user_name or r.user_email,
        href=lambda r, _ctx: "/settings/members",
    ),
    "invitations": ObjectKind(
        "Invitation",
        Invitation,
        (Invitation.email,),
        name=lambda r, _loc: r.email,
        href=lambda r, _ctx: "/settings/members",
    ),
    "api_tokens": ObjectKind(
        "API token",
        ApiToken,
        (ApiToken.name, ApiToken.user_id),
        name=lambda r, _loc: r.name,
        # the tokens page lists the caller's own tokens only
        href=lambda r, ctx: "/settings/tokens" if r.user_id == ctx.user.id else None,
    ),
    "connector_credentials": ObjectKind(
        "Data connector",
        ConnectorCredential,
        (ConnectorCredential.provider,),
        name=lambda r, loc: platform_label(r.provider, loc),
        href=lambda r, _ctx: "/connectors",
    ),
    "brand_safety_categories": ObjectKind(
        "Brand safety category",
        BrandSafetyCategory,
        (BrandSafetyCategory.name, BrandSafetyCategory.name_ja, BrandSafetyCategory.key),
        name=lambda r, loc: (r.name_ja if loc == "ja" and r.name_ja else r.name) or r.key,
        href=lambda r, _ctx: "/safety",
    ),
    # influencers
    "influencers": ObjectKind(
        "Influencer",
        Influencer,
        (Influencer.display_name,),
        name=lambda r, _loc: r.display_name,
        href=lambda r, _ctx: f"/influencers/{r.id}",
    ),
    "social_accounts": ObjectKind(
        "Social account",
        SocialAccount,
        (SocialAccount.platform, SocialAccount.handle),
        name=lambda r, loc: _join(platform_label(r.platform, loc), r.handle),
        href=lambda r, _ctx: f"/audience/accounts/{r.id}",
    ),
    "influencer_lists": ObjectKind(
        "Influencer list",
        InfluencerList,
        (InfluencerList.name,),
        name=lambda r, _loc: r.name,
        href=lambda r, _ctx: f"/influencers?list_id={r.id}",
    ),
    "import_jobs": ObjectKind(
        "Influencer import",
        ImportJob,
        (ImportJob.filename,),
        name=lambda r, _loc: r.filename,
        href=lambda r, _ctx: f"/influencers/import/{r.id}",
    ),
    "payees": ObjectKind(
        "Payment details",
        Payee,
        (Payee.influencer_id, _INFLUENCER_NAME),
        ((Influencer, Influencer.id == Payee.influencer_id),),
        name=lambda r, _loc: r.influencer_name or "",
        href=lambda r, _ctx: f"/influencers/{r.influencer_id}",
    ),
    # campaigns and tracking
    "campaigns": ObjectKind(
        "Campaign",
        Campaign,
        (Campaign.name,),
        name=lambda r, _loc: r.name,
        href=lambda r, _ctx: f"/campaigns/{r.id}",
    ),
    "campaign_influencers": ObjectKind(
        "Influencer in a campaign",
        CampaignInfluencer,
        (CampaignInfluencer.influencer_id, _INFLUENCER_NAME, _CAMPAIGN_NAME),
        (
            (Influencer, Influencer.id == CampaignInfluencer.influencer_id),
            (Campaign, Campaign.id == CampaignInfluencer.campaign_id),
        ),
        name=lambda r, _loc: _join(r.influencer_name, r.campaign_name),
        href=lambda r, _ctx: f"/outreach/influencers/{r.influencer_id}",
    ),
    "campaign_shares": ObjectKind(
        "Client share link",
        CampaignShare,
        (CampaignShare.campaign_id, CampaignShare.label, _CAMPAIGN_NAME),
        ((Campaign, Campaign.id == CampaignShare.campaign_id),),
        name=lambda r, _loc: _join(r.campaign_name, r.label),
        href=lambda r, _ctx: f"/campaigns/{r.campaign_id}",
    ),
    "tracking_links": ObjectKind(
        "Tracking link",
        TrackingLink,
        (TrackingLink.campaign_id, TrackingLink.label, TrackingLink.code),
        name=lambda r, _loc: r.label or r.code,
        href=lambda r, _ctx: f"/campaigns/{r.campaign_id}#links",
    ),
    "shop_connections": ObjectKind(
        "Store connection",
        ShopConnection,
        (ShopConnection.name, ShopConnection.shop_domain),
        name=lambda r, _loc: r.name or r.shop_domain or "",
        href=lambda r, _ctx: "/campaigns/tracking",
    ),
    # outreach
    "outreach_mailboxes": ObjectKind(
        "Mailbox",
        OutreachMailbox,
        (OutreachMailbox.name, OutreachMailbox.from_email),
        name=lambda r, _loc: r.name or r.from_email,
        href=lambda r, _ctx: f"/outreach/mailboxes/{r.id}",
    ),
    "outreach_templates": ObjectKind(
        "Outreach template",
        OutreachTemplate,
        (OutreachTemplate.name,),
        name=lambda r, _loc: r.name,
        href=lambda r, _ctx: f"/outreach/templates/{r.id}",
    ),
    "outreach_sequences": ObjectKind(
        "Outreach sequence",
        OutreachSequence,
        (OutreachSequence.name,),
        name=lambda r, _loc: r.name,
        href=lambda r, _ctx: f"/outreach/sequences/{r.id}",
    ),
    "outreach_enrollments": ObjectKind(
        "Sequence enrollment",
        OutreachEnrollment,
        (OutreachEnrollment.influencer_id, _INFLUENCER_NAME, OutreachSequence.name.label("sequence_name")),
        (
            (Influencer, Influencer.id == OutreachEnrollment.influencer_id),
            (OutreachSequence, OutreachSequence.id == OutreachEnrollment.sequence_id),
        ),
        name=lambda r, _loc: _join(r.influencer_name, r.sequence_name),
        href=lambda r, _ctx: f"/outreach/influencers/{r.influencer_id}",
    ),
    "outreach_messages": ObjectKind(
        "Outreach e-mail",
        OutreachMessage,
        (OutreachMessage.influencer_id, OutreachMessage.subject, OutreachMessage.to_addr),
        name=lambda r, _loc: r.subject or r.to_addr,
        href=lambda r, _ctx: f"/outreach/influencers/{r.influencer_id}" if r.influencer_id else None,
    ),
    "outreach_tasks": ObjectKind(
        "Outreach task",
        OutreachTask,
        (OutreachTask.influencer_id, OutreachTask.platform, _INFLUENCER_NAME),
        ((Influencer, Influencer.id == OutreachTask.influencer_id),),
        name=lambda r, loc: _join(r.influencer_name, platform_label(r.platform, loc)),
        href=lambda r, _ctx: f"/outreach/influencers/{r.influencer_id}",
    ),
    "outreach_suppressions": ObjectKind(
        "Do-not-contact list",
        OutreachSuppression,
        (OutreachSuppression.email,),
        name=lambda r, _loc: r.email,
        href=lambda r, _ctx: "/outreach/suppressions",
    ),
    # deals, content and payments
    "deals": ObjectKind(
        "Deal",
        Deal,
        (Deal.title,),
        name=lambda r, _loc: r.title,
        href=lambda r, _ctx: f"/deals/{r.id}",
    ),
    "deal_offers": ObjectKind(
        "Deal offer",
        DealOffer,
        (DealOffer.deal_id, DealOffer.version, _DEAL_TITLE),
        ((Deal, Deal.id == DealOffer.deal_id),),
        name=lambda r, _loc: _join(r.deal_title, f"v{r.version}"),
        href=lambda r, _ctx: f"/deals/{r.deal_id}",
    ),
    "deal_agreements": ObjectKind(
        "Agreement",
        DealAgreement,
        (DealAgreement.deal_id, DealAgreement.version, _DEAL_TITLE),
        ((Deal, Deal.id == DealAgreement.deal_id),),
        name=lambda r, _loc: _join(r.deal_title, f"v{r.version}"),
        href=lambda r, _ctx: f"/deals/{r.deal_id}/agreement",
    ),
    "portal_links": ObjectKind(
        "Creator portal link",
        PortalLink,
        (PortalLink.deal_id, _DEAL_TITLE),
        ((Deal, Deal.id == PortalLink.deal_id),),
        name=lambda r, _loc: r.deal_title or "",
        href=lambda r, _ctx: f"/deals/{r.deal_id}",
    ),
    "briefs": ObjectKind(
        "Campaign brief",
        Brief,
        (Brief.campaign_id, Brief.influencer_id, _CAMPAIGN_NAME, _INFLUENCER_NAME),
        (
            (Campaign, Campaign.id == Brief.campaign_id),
            (Influencer, Influencer.id == Brief.influencer_id),
        ),
        name=lambda r, _loc: _join(r.campaign_name, r.influencer_name),
        href=lambda r, _ctx: (
            f"/deals/briefs/{r.campaign_id}"
            + (f"?influencer_id={r.influencer_id}" if r.influencer_id else "")
        ),
    ),
    "uploads": ObjectKind(
        "File",
        Upload,
        (Upload.original_name,),
        name=lambda r, _loc: r.original_name,
    ),
    "content_items": ObjectKind(
        "Content",
        ContentItem,
        (ContentItem.platform, _DEAL_TITLE),
        ((Deal, Deal.id == ContentItem.deal_id),),
        name=lambda r, loc: _join(r.deal_title, platform_label(r.platform, loc)),
        href=lambda r, _ctx: f"/content/{r.id}",
    ),
    "content_versions": ObjectKind(
        "Content draft",
        ContentVersion,
        (ContentVersion.item_id, ContentVersion.version, _DEAL_TITLE),
        ((ContentItem, ContentItem.id == ContentVersion.item_id), (Deal, Deal.id == ContentItem.deal_id)),
        name=lambda r, _loc: _join(r.deal_title, f"v{r.version}"),
        href=lambda r, _ctx: f"/content/{r.item_id}",
    ),
    "content_comments": ObjectKind(
        "Content comment",
        ContentComment,
        (ContentComment.item_id, _DEAL_TITLE),
        ((ContentItem, ContentItem.id == ContentComment.item_id), (Deal, Deal.id == ContentItem.deal_id)),
        name=lambda r, _loc: r.deal_title or "",
        href=lambda r, _ctx: f"/content/{r.item_id}",
    ),
    "payables": ObjectKind(
        "Payment",
        Payable,
        (Payable.description, _DEAL_TITLE),
        ((Deal, Deal.id == Payable.deal_id),),
        name=lambda r, _loc: _join(r.deal_title, r.description),
        href=lambda r, _ctx: "/deals/payments",
    ),
}

#: data key -> English label (Japanese in ``audit.po``), in the order the page lists them. Keys not listed read
#: as their words, untranslated. ``tests/accounts/test_audit_objects.py`` fails when code in ``src/`` writes a
#: data key without a label here.
DETAIL_KEYS: dict[str, str] = {
    "name": "Name",
    "email": "E-mail",
    "role": "Role",
    "from": "Changed from",
    "to": "Changed to",
    "manual": "Moved by hand",
    "status": "Status",
    "campaign_id": "Campaign",
    "influencer_id": "Influencer",
    "deal_id": "Deal",
    "item_id": "Content",
    "account_id": "Social account",
    "share_id": "Client share link",
    "into": "Merged into",
    "merged": "Merged profiles",
    "accounts_moved": "Accounts moved",
    "platform": "Platform",
    "handle": "Handle",
    "accounts": "Social accounts",
    "fields": "Changed fields",
    "manager": "Manager / agency",
    "tags": "Tags",
    "tag": "Tag",
    "added": "Added to the list",
    "removed": "Removed from the list",
    "file": "File",
    "filename": "File",
    "size": "File size",
    "format": "Format",
    "dry_run": "Dry run",
    "rows": "Rows",
    "imported": "Imported",
    "created": "Created",
    "updated": "Updated",
    "rejected": "Rejected",
    "problems": "Problems",
    "count": "Count",
    "enrolled": "Enrolled",
    "skipped": "Skipped",
    "suspicious": "Suspicious followers",
    "scheme": "Tier scheme",
    "custom": "Custom bands",
    "retiered": "Influencers re-tiered",
    "score": "Score",
    "computed_score": "Computed score",
    "override_id": "Override",
    "reason": "Reason",
    "note": "Requested changes",
    "version": "Version",
    "author": "Proposed by",
    "changed": "Changed terms",
    "fee": "Fee",
    "kill_fees": "Kill fees",
    "verdict": "Verdict",
    "override": "Approved despite the disclosure check",
    "spoken": "Spoken disclosure",
    "onscreen": "On-screen disclosure",
    "disclosure": "Disclosure",
    "channel": "Channel",
    "url": "URL",
    "for": "Scheduled for",
    "due_at": "Due",
    "overdue": "Past the deadline",
    "expires_at": "Expires",
    "at": "Accepted at",
    "language": "Language",
    "sha256": "Document fingerprint (SHA-256)",
    "ip": "IP address",
    "reference": "Reference",
    "gross_minor": "Gross",
    "withholding_minor": "Withholding",
    "paid_minor": "Paid",
    "currency": "Currency",
    "entity_type": "Entity type",
    "country": "Country",
    "invoice_registration_number": "Registration number",
    "from_email": "Sender address",
    "outcome": "Outcome",
    "source": "Source",
    "active": "Enabled",
    "enabled": "Enabled",
    "key": "Key",
    "terms": "Keywords",
    "domains": "Allowed link domains",
    "shop": "Store",
    "provider": "Provider",
    "slug": "Workspace slug",
    "user_id": "User ID",
    "before": "Before the change",
}
#: (action, key) -> label where one key means something else for one action.
ACTION_DETAIL_KEYS: dict[tuple[str, str], str] = {
    ("outreach.reply_queued", "to"): "To",
    ("brief.asset_uploaded", "name"): "File",
    ("agreement.accepted", "name"): "Signed by",
}
#: data keys that hold the id (or a list of ids) of rows of this table: shown as those rows' names.
DETAIL_REFERENCES: dict[str, str] = {
    "campaign_id": "campaigns",
    "influencer_id": "influencers",
    "deal_id": "deals",
    "item_id": "content_items",
    "account_id": "social_accounts",
    "share_id": "campaign_shares",
    "into": "influencers",
    "merged": "influencers",
}
_PLATFORM_KEYS = frozenset({"platform", "provider"})
#: data keys whose values are codes (a role, a status, a verdict, a channel...), whatever the action: shown as
#: the code's words in the reader's language (:func:`kizuna.kit.labels.code_label`), never as ``needs_review``.
CODE_KEYS = frozenset(
    {
        "role",
        "status",
        "verdict",
        "disclosure",
        "channel",
        "entity_type",
        "author",
        "outcome",
        "scheme",
    }
)
#: (action, key) pairs whose values are codes where the same key elsewhere holds free text or an address
#: ("to" of a reply is an e-mail address; "reason" of a declined offer is what the person wrote).
ACTION_CODE_KEYS = frozenset(
    {
        ("member.role_changed", "from"),
        ("member.role_changed", "to"),
        ("outreach.enrollment_stopped", "reason"),
        ("outreach.unsubscribed", "source"),
    }
)
#: (action, key) pairs holding a pipeline stage, shown like the outreach board (:func:`~kizuna.kit.labels.stage_label`).
STAGE_KEYS = frozenset({("outreach.stage_changed", "from"), ("outreach.stage_changed", "to")})
#: data keys holding a language code ("ja"), shown as the language's name (:func:`~kizuna.kit.labels.language_label`).
_LANGUAGE_KEYS = frozenset({"language"})

#: The column names an edit's ``fields`` detail lists (influencer, account and campaign edits) as the reader sees
#: them (English msgids, Japanese in the catalogs); a name not listed reads as words ("display_name" -> "Display
#: name").
FIELD_NAMES: dict[str, str] = {
    # influencers
    "display_name": "Name",
    "kind": "Kind",
    "bio": "Bio",
    "emails": "E-mail",
    "languages": "Languages",
    "country": "Country",
    "city": "City",
    "timezone": "Time zone",
    "categories": "Categories",
    "tags": "Tags",
    "notes": "Notes",
    "owner_user_id": "Owner in the team",
    "manager_id": "Manager / agency",
    # social accounts
    "platform": "Platform",
    "handle": "Handle",
    "url": "Profile URL",
    "external_id": "Platform id",
    "followers": "Followers",
    "following": "Following",
    "posts_count": "Posts",
    "verified": "Verified",
    "account_created_at": "Account created on",
    "avg_likes": "Average likes",
    "avg_comments": "Average comments",
    "avg_views": "Average views",
    # campaigns
    "name": "Name",
    "objective": "Objective",
    "status": "Status",
    "description": "Description",
    "platforms": "Platforms",
    "starts_on": "Starts on",
    "ends_on": "Ends on",
    "attribution_window_days": "Attribution window (days)",
    "kpis": "KPI targets",
    "target": "Target audience",
    "budget": "Budget",
    "emv_values": "EMV value per engagement type",
}


def field_name(field: str, locale: str) -> str:
    """One entry of a ``fields`` detail in the reader's language."""
    english = FIELD_NAMES.get(field)
    if english is not None:
        return gettext(english, locale)
    words = field.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


_TIME_KEYS = frozenset({"at", "for", "due_at", "expires_at"})


@dataclass(frozen=True)
class ObjectRef:
    """An object as the page shows it: its type, and its name and page while it exists in this workspace."""

    kind: str
    object_id: int | None
    name: str | None = None
    href: str | None = None
    #: looked up and not found in this workspace (deleted, or never this workspace's)
    deleted: bool = False


@dataclass(frozen=True)
class Detail:
    label: str
    text: str
    #: the whole value when ``text`` is shortened, else ""
    full: str = ""
    #: the rows the value names (an id or a list of ids of a table in ``DETAIL_REFERENCES``)
    refs: tuple[ObjectRef, ...] = ()
    #: a moment (an ISO timestamp in the data), shown in the reader's zone like the rest of the page
    when: datetime | None = None


@dataclass(frozen=True)
class Entry:
    row: AuditLog
    target: ObjectRef | None
    details: list[Detail] = field(default_factory=list)
    #: the stored data as indented JSON, for support ("" when there is none)
    raw: str = ""


def object_kind_label(object_type: str, locale: str) -> str:
    """What a table name in ``audit_log.object_type`` reads as: "influencers" -> "Influencer" / "インフルエンサー"."""
    kind = OBJECT_KINDS.get(object_type)
    if kind is not None:
        return gettext(kind.label, locale)
    words = object_type.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def detail_label(action: str, key: str, locale: str) -> str:
    english = ACTION_DETAIL_KEYS.get((action, key)) or DETAIL_KEYS.get(key)
    if english is not None:
        return gettext(english, locale)
    words = key.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def describe(ctx: Ctx, rows: Sequence[AuditLog]) -> list[Entry]:
    """The page's rows with their objects named and their data as labelled values.

    One statement per object type on the page, run through ``ctx.session``, which :mod:`kizuna.tenancy` scopes to
    ``ctx.workspace``: an id that is not this workspace's reads as "#id (deleted)", never as another's name.
    """
    if bound_workspace(ctx.session) != ctx.workspace_id:
        raise RuntimeError("audit names are only looked up in a session bound to the caller's workspace")
    wanted: dict[str, set[int]] = {}
    for row in rows:
        if row.object_type and row.object_id is not None:
            wanted.setdefault(row.object_type, set()).add(row.object_id)
        data = row.data if isinstance(row.data, dict) else {}
        for key, table in DETAIL_REFERENCES.items():
            ids = _ids(data.get(key))
            if ids:
                wanted.setdefault(table, set()).update(ids)
    found = {table: _lookup(ctx, table, ids) for table, ids in sorted(wanted.items())}

    def ref(table: str, object_id: int | None) -> ObjectRef:
        kind = object_kind_label(table, ctx.locale)
        if object_id is None:
            return ObjectRef(kind, None)
        names = found.get(table)
        if names is None:  # a type without a lookup: the bare id
            return ObjectRef(kind, object_id)
        hit = names.get(object_id)
        if hit is None:
            return ObjectRef(kind, object_id, deleted=True)
        name, href = hit
        return ObjectRef(kind, object_id, name, f"/w/{ctx.workspace.slug}{href}" if href else None)

    entries = []
    for row in rows:
        data = row.data if isinstance(row.data, dict) else {}
        target = ref(row.object_type, row.object_id) if row.object_type else None
        details = [_detail(row.action, key, value, data, ctx.locale, ref) for key, value in _ordered(data)]
        raw = json.dumps(row.data, ensure_ascii=False, indent=2, sort_keys=True) if row.data else ""
        entries.append(Entry(row, target, details, raw))
    return entries


def _lookup(ctx: Ctx, table: str, ids: set[int]) -> dict[int, tuple[str, str | None]] | None:
    """id -> (name, page below the workspace) for the ids of ``table`` that exist in this workspace.

    None when the type has no lookup (the page shows the bare id).
    """
    if table == "workspaces":
        ws = ctx.workspace
        return {ws.id: (ws.name, "/settings")} if ws.id in ids else {}
    kind = OBJECT_KINDS.get(table)
    if kind is None or kind.model is None or kind.name is None:
        return None
    model = kind.model
    if not issubclass(model, WorkspaceOwned):  # only rows the tenancy scope filters are ever named
        raise TypeError(f"{model.__name__} is not workspace-owned")
    stmt = select(model.id.label("id"), *kind.columns).select_from(model)
    for target, onclause in kind.joins:
        stmt = stmt.outerjoin(target, onclause)
    stmt = stmt.where(model.id.in_(sorted(ids)))
    out: dict[int, tuple[str, str | None]] = {}
    for r in ctx.session.execute(stmt):
        name = str(kind.name(r, ctx.locale) or "") or f"#{r.id}"
        out[int(r.id)] = (name, kind.href(r, ctx) if kind.href is not None else None)
    return out


def _ordered(data: dict[str, Any]) -> list[tuple[str, Any]]:
    """The data's items in ``DETAIL_KEYS`` order, then unknown keys by name (JSONB does not keep key order)."""
    rank = {key: n for n, key in enumerate(DETAIL_KEYS)}
    return sorted(data.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))


def _detail(
    action: str,
    key: str,
    value: Any,
    data: dict[str, Any],
    locale: str,
    ref: Callable[[str, int | None], ObjectRef],
) -> Detail:
    label = detail_label(action, key, locale)
    table = DETAIL_REFERENCES.get(key)
    ids = _ids(value) if table is not None else []
    if table is not None and ids:
        return Detail(label, ", ".join(f"#{i}" for i in ids), refs=tuple(ref(table, i) for i in ids))
    if key in _TIME_KEYS and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return Detail(label, value, when=moment)
    text = _value_text(key, value, data, locale, action)
    if len(text) > SHORT:
        return Detail(label, text[: SHORT - 1].rstrip() + "…", full=text)
    return Detail(label, text)


def _ids(value: Any) -> list[int]:
    """The ids in a data value: one id, or a list of nothing but ids ([] for anything else)."""

    def is_id(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool)

    if is_id(value):
        return [value]
    if isinstance(value, list) and value and all(is_id(v) for v in value):
        return list(value)
    return []


def _value_text(key: str, value: Any, data: dict[str, Any], locale: str, action: str = "") -> str:
    if key.endswith("_id") and isinstance(value, int) and not isinstance(value, bool):
        return f"#{value}"
    if isinstance(value, str) and value:
        if key == "stage" or (action, key) in STAGE_KEYS:
            return stage_label(value, locale)
        if key in CODE_KEYS or (action, key) in ACTION_CODE_KEYS:
            return code_label(value, locale)
        if key in _LANGUAGE_KEYS:
            return language_label(value, locale)
    currency = data.get("currency")
    if key.endswith("_minor") and isinstance(value, int) and isinstance(currency, str) and currency:
        try:
            return format_money(value, currency, locale)
        except (KeyError, ValueError):
            pass
    if key in _PLATFORM_KEYS and isinstance(value, str):
        return platform_label(value, locale)
    if key == "changed" and isinstance(value, list) and all(isinstance(v, str) for v in value):
        from kizuna.deals.changes import term_label  # the deals package is not needed for other pages

        return ("、" if locale == "ja" else ", ").join(term_label(v, locale) for v in value)
    if key == "fields" and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return (
            "、".join(field_name(v, locale) for v in value)
            if locale == "ja"
            else ", ".join(field_name(v, locale) for v in value)
        )
    return _compact(value, locale)


def _compact(value: Any, locale: str, depth: int = 0) -> str:
    """One line: lists joined by commas, objects as ``key: value``, deeper nesting as compact JSON."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return gettext("Yes" if value else "No", locale)
    if isinstance(value, int):  # grouped on its own ("12,000"), plain in a list ("3, 4")
        return f"{value:,}" if depth == 0 else str(value)
    if isinstance(value, float):
        return f"{round(value, 4):,}" if depth == 0 else str(round(value, 4))
    if isinstance(value, str):
        return value
    if depth >= 1:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    if isinstance(value, list):
        return ", ".join(_compact(v, locale, depth + 1) for v in value) or "—"
    if isinstance(value, dict):
        items = [f"{k}: {_compact(v, locale, depth + 1)}" for k, v in sorted(value.items())]
        return ", ".join(items) or "—"
    return str(value)
