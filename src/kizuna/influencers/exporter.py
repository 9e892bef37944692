"""Exporting the registry: CSV (UTF-8 with BOM so Excel opens Japanese correctly), XLSX and JSON.

CSV and XLSX have one row per social account with the influencer's fields repeated (the shape people paste into
spreadsheets, and the shape the importer reads back: an export re-imports without changes). JSON nests accounts
under each influencer. All three stream page by page through the keyset list query, so a full export of a large
registry never holds it in memory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from sqlalchemy.orm import Session

from kizuna.errors import ValidationFailed
from kizuna.influencers import repository
from kizuna.influencers.repository import ListQuery
from kizuna.kit.sheets import formula_safe
from kizuna.models.influencer import Influencer
from kizuna.models.social_account import SocialAccount

EXPORT_FORMATS = ("csv", "xlsx", "json")
COLUMNS = (
    "influencer_id",
    "name",
    "platform",
    "handle",
    "profile_url",
    "followers",
    "following",
    "posts",
    "engagement_rate",
    "engagement_definition",
    "avg_likes",
    "avg_comments",
    "avg_views",
    "tier",
    "verified",
    "country",
    "city",
    "language",
    "categories",
    "tags",
    "email",
    "manager",
    "bio",
    "notes",
)
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


_TEXT_COLUMNS = frozenset(
    {
        "name",
        "handle",
        "profile_url",
        "country",
        "city",
        "language",
        "categories",
        "tags",
        "email",
        "manager",
        "bio",
        "notes",
        "engagement_definition",
    }
)


def _pct(v: float | None) -> str:
    return "" if v is None else f"{v * 100:.2f}%"


def _num(v: float | int | None) -> Any:
    if v is None:
        return ""
    return int(v) if float(v).is_integer() else round(float(v), 2)


def _batches(
    session: Session, query: ListQuery
) -> Iterator[tuple[list[Influencer], dict[int, list[SocialAccount]], dict[int, str]]]:
    q = ListQuery(**{**query.__dict__, "limit": 500, "after": None})
    while True:
        page = repository.list_influencers(session, q, with_total=False)
        ids = [i.id for i in page.items]
        accounts = repository.accounts_of(session, ids)
        manager_ids = {i.manager_id for i in page.items if i.manager_id is not None}
        names = {}
        for mid in manager_ids:
            m = repository.manager(session, mid)
            if m is not None:
                names[mid] = m.name
        yield page.items, accounts, names
        if page.next_cursor is None:
            return
        q.after = page.next_cursor
        session.expunge_all()


def flat_rows(session: Session, query: ListQuery) -> Iterator[list[Any]]:
    for items, accounts, managers in _batches(session, query):
        for inf in items:
            base = {
                "influencer_id": inf.id,
                "name": inf.display_name,
                "country": inf.country or "",
                "city": inf.city or "",
                "language": "; ".join(inf.languages or []),
                "categories": "; ".join(inf.categories or []),
                "tags": "; ".join(inf.tags or []),
                "email": "; ".join(inf.emails or []),
                "manager": managers.get(inf.manager_id or 0, ""),
                "bio": inf.bio,
                "notes": inf.notes,
            }
            accts: list[SocialAccount | None] = list(accounts.get(inf.id) or []) or [None]
            for a in accts:
                row = dict(base)
                if a is not None:
                    row.update(
                        platform=a.platform,
                        handle=a.handle,
                        profile_url=a.url or "",
                        followers=_num(a.followers),
                        following=_num(a.following),
                        posts=_num(a.posts_count),
                        engagement_rate=_pct(a.engagement_rate),
                        engagement_definition=a.engagement_definition or "",
                        avg_likes=_num(a.avg_likes),
                        avg_comments=_num(a.avg_comments),
                        avg_views=_num(a.avg_views),
                        tier=a.tier or "",
                        verified="" if a.verified is None else ("yes" if a.verified else "no"),
                    )
                yield [
                    formula_safe(row.get(c, "")) if c in _TEXT_COLUMNS else row.get(c, "") for c in COLUMNS
                ]


def _account_json(a: SocialAccount) -> dict[str, Any]:
    return {
        "platform": a.platform,
        "handle": a.handle,
        "url": a.url,
        "external_id": a.external_id,
        "followers": a.followers,
        "following": a.following,
        "posts_count": a.posts_count,
        "verified": a.verified,
        "avg_likes": a.avg_likes,
        "avg_comments": a.avg_comments,
        "avg_views": a.avg_views,
        "engagement_rate": a.engagement_rate,
        "engagement_definition": a.engagement_definition,
        "posts_per_week": a.posts_per_week,
        "follower_growth_30d": a.follower_growth_30d,
        "tier": a.tier,
    }


def influencer_json(
    inf: Influencer, accounts: list[SocialAccount], manager: str | None = None
) -> dict[str, Any]:
    return {
        "influencer_id": inf.id,
        "name": inf.display_name,
        "kind": inf.kind,
        "bio": inf.bio,
        "emails": inf.emails,
        "languages": inf.languages,
        "country": inf.country,
        "city": inf.city,
        "categories": inf.categories,
        "tags": inf.tags,
        "notes": inf.notes,
        "manager": manager,
        "tier": inf.tier,
        "max_followers": inf.max_followers,
        "followers_total": inf.followers_total,
        "engagement_rate": inf.engagement_rate,
        "accounts": [_account_json(a) for a in accounts],
    }


def write(session: Session, query: ListQuery, fmt: str, out: Path | IO[bytes]) -> int:
    """Write the export; returns the number of influencers (JSON) or rows (CSV/XLSX)."""
    if fmt not in EXPORT_FORMATS:
        raise ValidationFailed(f"Unknown export format {fmt!r}.", code="invalid_export_format")
    if isinstance(out, Path):
        with out.open("wb") as fh:
            return write(session, query, fmt, fh)
    n = 0
    if fmt == "csv":
        import io

        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
        w = csv.writer(text)
        w.writerow(COLUMNS)
        for row in flat_rows(session, query):
            w.writerow(row)
            n += 1
        text.flush()
        text.detach()
    elif fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("influencers")
        ws.append(list(COLUMNS))
        for row in flat_rows(session, query):
            ws.append(row)
            n += 1
        wb.save(out)
    else:
        out.write(b'{"influencers": [\n')
        for items, accounts, managers in _batches(session, query):
            for inf in items:
                prefix = b",\n" if n else b""
                doc = influencer_json(inf, accounts.get(inf.id, []), managers.get(inf.manager_id or 0))
                out.write(prefix + json.dumps(doc, ensure_ascii=False).encode())
                n += 1
        out.write(b"\n]}\n")
    return n
