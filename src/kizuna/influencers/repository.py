"""Every query of the registry. Tenancy filters are added by :mod:`kizuna.tenancy` on the bound session.

The list is built for a million influencers per workspace: filters and sorts use the denormalised, indexed
influencer columns (``ix_influencers_ws_country``/``_tier``/``_category`` end in ``max_followers``, so "country =
JP ordered by followers" walks one index range), and pages are fetched by *keyset* (``WHERE (sort, id) <
(last_sort, last_id)``), whose cost does not grow with the page number the way ``OFFSET`` does. The total is
counted only up to :data:`COUNT_CAP`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, and_, cast, exists, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from kizuna.errors import ValidationFailed
from kizuna.models.audience_profile import AudienceProfile
from kizuna.models.audit_log import AuditLog
from kizuna.models.import_job import ImportJob
from kizuna.models.influencer import Influencer
from kizuna.models.influencer_list import InfluencerList
from kizuna.models.influencer_list_member import InfluencerListMember
from kizuna.models.manager import Manager
from kizuna.models.metric_snapshot import MetricSnapshot
from kizuna.models.post import Post
from kizuna.models.social_account import SocialAccount

COUNT_CAP = 1_000
PAGE_SIZES = (25, 50, 100, 200)

SORTS: dict[str, Any] = {
    "followers": Influencer.max_followers,
    "er": Influencer.engagement_rate,
    "name": Influencer.display_name,
    "created": Influencer.id,
}


@dataclass
class ListQuery:
    """Filters, sort and page of the influencer list (the same for pages, API and export)."""

    q: str = ""
    platform: str = ""
    country: str = ""
    tier: str = ""
    category: str = ""
    tag: str = ""
    list_id: int | None = None
    min_followers: int | None = None
    max_followers: int | None = None
    min_er: float | None = None
    max_er: float | None = None
    sort: str = "-followers"
    after: str | None = None
    limit: int = 50
    ids: Sequence[int] = field(default_factory=tuple)

    @property
    def sort_key(self) -> tuple[str, bool]:
        key = self.sort.lstrip("-")
        if key not in SORTS:
            raise ValidationFailed(f"Unknown sort {self.sort!r}.", code="invalid_sort")
        return key, self.sort.startswith("-")


@dataclass
class Page:
    items: list[Influencer]
    next_cursor: str | None
    total: int
    total_capped: bool


def encode_cursor(value: Any, row_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([value, row_id]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[Any, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, row_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return value, int(row_id)
    except (ValueError, TypeError, json.JSONDecodeError):
        raise ValidationFailed("The page cursor is not valid.", code="invalid_cursor") from None


def _unindexed(col: Any, sqlite: bool) -> Any:
    """``col + 0`` on SQLite: the same value, but the planner can no longer use an index on it.

    Without statistics SQLite prefers a range on ``max_followers`` and then sorts every match (hundreds of
    thousands of rows at scale) over walking the index of the sort column and stopping after one page. When the
    range column is not the sort column, hiding it makes SQLite walk the sort index; PostgreSQL plans from its own
    statistics and is left alone.
    """
    return col + 0 if sqlite else col


def _filters(query: ListQuery, *, sqlite: bool = False) -> list[ColumnElement[bool]]:
    key = query.sort.lstrip("-")
    followers = _unindexed(Influencer.max_followers, sqlite and key == "er")
    er = _unindexed(Influencer.engagement_rate, sqlite and key == "followers")
    conds: list[ColumnElement[bool]] = [Influencer.merged_into_id.is_(None)]
    if query.country:
        conds.append(Influencer.country == query.country.upper())
    if query.tier:
        conds.append(Influencer.tier == query.tier)
    if query.category:
        conds.append(Influencer.primary_category == query.category)
    if query.min_followers is not None:
        conds.append(followers >= query.min_followers)
    if query.max_followers is not None:
        conds.append(followers <= query.max_followers)
    if query.min_er is not None:
        conds.append(er >= query.min_er)
    if query.max_er is not None:
        conds.append(er <= query.max_er)
    if query.tag:
        conds.append(cast(Influencer.tags, String).like(f'%{json.dumps(query.tag)[:-1]}"%'))
    if query.platform:
        conds.append(
            exists().where(
                SocialAccount.influencer_id == Influencer.id, SocialAccount.platform == query.platform
            )
        )
    if query.list_id is not None:
        conds.append(
            exists().where(
                InfluencerListMember.influencer_id == Influencer.id,
                InfluencerListMember.list_id == query.list_id,
            )
        )
    if query.ids:
        conds.append(Influencer.id.in_(list(query.ids)))
    if query.q.strip():
        term = query.q.strip()
        like = f"%{term}%"
        conds.append(
            or_(
                Influencer.display_name.ilike(like),
                exists().where(
                    SocialAccount.influencer_id == Influencer.id,
                    SocialAccount.handle_key.like(f"%{term.lstrip('@').lower()}%"),
                ),
            )
        )
    return conds


def list_influencers(session: Session, query: ListQuery, *, with_total: bool = True) -> Page:
    """One page of influencers, keyset-paginated. NULL sort values come last in both directions."""
    key, desc = query.sort_key
    col = SORTS[key]
    conds = _filters(query, sqlite=session.get_bind().dialect.name == "sqlite")
    if query.after:
        value, last_id = decode_cursor(query.after)
        id_cmp = Influencer.id < last_id if desc else Influencer.id > last_id
        if key == "created":
            conds.append(id_cmp)
        elif value is None:
            conds.append(and_(col.is_(None), id_cmp))
        else:
            beyond = col < value if desc else col > value
            conds.append(or_(beyond, and_(col == value, id_cmp), col.is_(None)))
    order: list[Any]
    if key == "created":
        order = [Influencer.id.desc() if desc else Influencer.id.asc()]
    else:
        order = [
            col.desc().nulls_last() if desc else col.asc().nulls_last(),
            Influencer.id.desc() if desc else Influencer.id.asc(),
        ]
    limit = max(1, min(query.limit, 500))
    rows = list(session.execute(select(Influencer).where(*conds).order_by(*order).limit(limit + 1)).scalars())
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor(getattr(last, col.key) if key != "created" else last.id, last.id)
    total, capped = (0, False)
    if with_total:
        total, capped = count_influencers(session, query)
    return Page(rows, next_cursor, total, capped)


def count_influencers(session: Session, query: ListQuery, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """How many match, counting at most ``cap`` (an exact count of a million rows is not worth a second)."""
    inner = select(Influencer.id).where(*_filters(query)).limit(cap + 1).subquery()
    n = int(session.execute(select(func.count()).select_from(inner)).scalar_one())
    return min(n, cap), n > cap


def iter_influencers(session: Session, query: ListQuery, batch: int = 1000) -> Any:
    """All matching influencers in sort order, page by page (exports)."""
    q = ListQuery(**{**query.__dict__, "limit": batch, "after": None})
    while True:
        page = list_influencers(session, q, with_total=False)
        yield from page.items
        if page.next_cursor is None:
            return
        q.after = page.next_cursor
        session.expunge_all()


def accounts_of(session: Session, influencer_ids: Sequence[int]) -> dict[int, list[SocialAccount]]:
    out: dict[int, list[SocialAccount]] = {i: [] for i in influencer_ids}
    if not influencer_ids:
        return out
    for acct in session.execute(
        select(SocialAccount)
        .where(SocialAccount.influencer_id.in_(list(influencer_ids)))
        .order_by(SocialAccount.followers.desc().nulls_last(), SocialAccount.id)
    ).scalars():
        out.setdefault(acct.influencer_id, []).append(acct)
    return out


def recent_posts(session: Session, account_ids: Sequence[int], limit: int = 12) -> list[Post]:
    if not account_ids:
        return []
    return list(
        session.execute(
            select(Post)
            .where(Post.social_account_id.in_(list(account_ids)))
            .order_by(Post.published_at.desc().nulls_last(), Post.id.desc())
            .limit(limit)
        ).scalars()
    )


def follower_history(session: Session, account_ids: Sequence[int]) -> dict[int, list[MetricSnapshot]]:
    out: dict[int, list[MetricSnapshot]] = {i: [] for i in account_ids}
    if not account_ids:
        return out
    for snap in session.execute(
        select(MetricSnapshot)
        .where(MetricSnapshot.social_account_id.in_(list(account_ids)))
        .order_by(MetricSnapshot.captured_at)
    ).scalars():
        out[snap.social_account_id].append(snap)
    return out


def audiences(session: Session, account_ids: Sequence[int]) -> list[AudienceProfile]:
    if not account_ids:
        return []
    return list(
        session.execute(
            select(AudienceProfile)
            .where(AudienceProfile.social_account_id.in_(list(account_ids)))
            .order_by(AudienceProfile.id.desc())
        ).scalars()
    )


def manager(session: Session, manager_id: int | None) -> Manager | None:
    if manager_id is None:
        return None
    return session.execute(select(Manager).where(Manager.id == manager_id)).scalar_one_or_none()


def managers(session: Session, limit: int = 500) -> list[Manager]:
    return list(session.execute(select(Manager).order_by(Manager.name).limit(limit)).scalars())


def activity(session: Session, workspace_id: int, influencer_id: int, limit: int = 50) -> list[AuditLog]:
    """The audit entries about this influencer (its own rows and merges into it)."""
    return list(
        session.execute(
            select(AuditLog)
            .where(
                AuditLog.workspace_id == workspace_id,
                AuditLog.object_type == "influencers",
                AuditLog.object_id == influencer_id,
            )
            .order_by(AuditLog.id.desc())
            .limit(limit)
        ).scalars()
    )


def distinctive_name(name: str) -> bool:
    """Whether a name alone hints at the same person: a full name ("Jessica Bennett", "岡田 優花") or a long one,
    not a lone given name such as "まい" or "Mai" that thousands of creators share."""
    compact = "".join(name.split())
    if len(name.split()) >= 2:
        return len(compact) >= 3
    wide = sum(1 for ch in compact if ord(ch) > 0x2E80)  # CJK characters carry more per character
    return len(compact) + wide >= 8


def duplicate_candidates(session: Session, influencer: Influencer, limit: int = 20) -> list[Influencer]:
    """Influencers that are probably the same creator: same name, a shared e-mail, or the same handle on
    another platform."""
    accounts = session.execute(
        select(SocialAccount.handle_key).where(SocialAccount.influencer_id == influencer.id)
    ).scalars()
    keys = [k for k in accounts if k]
    conds: list[ColumnElement[bool]] = []
    if distinctive_name(influencer.display_name):
        conds.append(func.lower(Influencer.display_name) == influencer.display_name.lower())
    for email in influencer.emails or []:
        conds.append(cast(Influencer.emails, String).like(f"%{json.dumps(email)}%"))
    if keys:
        conds.append(
            exists().where(SocialAccount.influencer_id == Influencer.id, SocialAccount.handle_key.in_(keys))
        )
    if not conds:
        return []
    return list(
        session.execute(
            select(Influencer)
            .where(Influencer.id != influencer.id, Influencer.merged_into_id.is_(None), or_(*conds))
            .order_by(Influencer.max_followers.desc().nulls_last())
            .limit(limit)
        ).scalars()
    )


def lists(session: Session) -> list[tuple[InfluencerList, int]]:
    counts = (
        select(InfluencerListMember.list_id, func.count().label("n"))
        .group_by(InfluencerListMember.list_id)
        .subquery()
    )
    return [
        (lst, int(n or 0))
        for lst, n in session.execute(
            select(InfluencerList, counts.c.n)
            .outerjoin(counts, counts.c.list_id == InfluencerList.id)
            .order_by(InfluencerList.name)
        ).all()
    ]


def lists_of(session: Session, influencer_id: int) -> list[InfluencerList]:
    return list(
        session.execute(
            select(InfluencerList)
            .join(InfluencerListMember, InfluencerListMember.list_id == InfluencerList.id)
            .where(InfluencerListMember.influencer_id == influencer_id)
            .order_by(InfluencerList.name)
        ).scalars()
    )


def list_member_ids(session: Session, list_id: int, influencer_ids: Sequence[int]) -> set[int]:
    return set(
        session.execute(
            select(InfluencerListMember.influencer_id).where(
                InfluencerListMember.list_id == list_id,
                InfluencerListMember.influencer_id.in_(list(influencer_ids)),
            )
        ).scalars()
    )


def import_jobs(session: Session, limit: int = 20) -> list[ImportJob]:
    return list(session.execute(select(ImportJob).order_by(ImportJob.id.desc()).limit(limit)).scalars())
