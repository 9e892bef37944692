"""Writers for synthetic influencers: the registry tables (bulk Core inserts) and a flat CSV export.

The database writer never builds ORM objects: a million influencers as ORM instances would cost minutes of
attribute bookkeeping and gigabytes of identity map. It sends batches as Core ``insert()`` executemany through the
session's own connection, so the rows join the caller's transaction (the caller commits, as everywhere else in
Kizuna). Parent ids are allocated before the insert (see :func:`_allocate_ids`) rather than read back with
``RETURNING``, so every table, parents included, is one plain executemany per batch.
"""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO, cast

from sqlalchemy import JSON, Column, Connection, Table, func, insert, select, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import CallableColumnDefault, ScalarElementColumnDefault

from kizuna.models.audience_profile import AudienceProfile
from kizuna.models.base import UTCDateTime
from kizuna.models.influencer import Influencer
from kizuna.models.manager import Manager
from kizuna.models.metric_snapshot import MetricSnapshot
from kizuna.models.post import Post
from kizuna.models.social_account import SocialAccount
from kizuna.synthetic.model import SyntheticInfluencer, SyntheticManager

SNAPSHOT_SOURCE = "synthetic"
_MANAGER_NOTE = "Synthetic data · ref "
_CACHE_KEY = "kizuna.synthetic.managers"


@dataclass(slots=True)
class WriteCounts:
    """Rows inserted per table."""

    influencers: int = 0
    social_accounts: int = 0
    posts: int = 0
    metric_snapshots: int = 0
    audience_profiles: int = 0
    managers: int = 0

    def add(self, other: WriteCounts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _batched(items: Iterable[SyntheticInfluencer], size: int) -> Iterator[list[SyntheticInfluencer]]:
    it = iter(items)
    while batch := list(itertools.islice(it, size)):
        yield batch


def _allocate_ids(conn: Connection, table: Table, n: int) -> list[int]:
    """Primary keys for ``n`` new rows, so children can reference them without ``INSERT ... RETURNING``.

    SQLAlchemy can only return ids in parameter order on SQLite by inserting one row per statement, which made
    bulk loads ten times slower. PostgreSQL hands out ids from the table's own sequence (safe with concurrent
    writers); SQLite continues after the current maximum inside this write transaction (SQLite has one writer
    at a time, and a stale read makes the insert fail rather than collide).
    """
    if n == 0:
        return []
    if conn.dialect.name == "postgresql":
        rows = conn.execute(
            text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": table.name, "n": n},
        )
        return [int(r[0]) for r in rows]
    start = int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one())
    return list(range(start + 1, start + n + 1))


def _insert_with_ids(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    ids = _allocate_ids(conn, table, len(rows))
    for row, row_id in zip(rows, ids, strict=True):
        row["id"] = row_id
    _insert(conn, table, rows)
    return ids


def _insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if conn.dialect.name == "sqlite":
        _sqlite_executemany(conn, table, rows)
    else:
        conn.execute(insert(table), rows)


def _sqlite_datetime(value: datetime) -> str:
    """The text SQLAlchemy's SQLite ``DateTime`` stores for a UTC moment (same format, so sorting agrees)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    if value.utcoffset():
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _is_json(column: Column[Any]) -> bool:
    return isinstance(column.type, JSON) or isinstance(getattr(column.type, "impl", None), JSON)


def _sqlite_executemany(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """One ``executemany`` on the DB-API cursor, with values serialised the way the ORM column types would.

    On SQLite nearly all of a Core bulk insert's time went into SQLAlchemy's per-row parameter processing (JSON
    encoding, time-zone handling, building a parameter dict per row); this path writes the same text (JSON as
    ``json.dumps`` output, the SQLite dialect's default serializer; timestamps in SQLAlchemy's SQLite storage
    format) at close to the speed of raw ``sqlite3``. Columns the rows leave out get their Python-side default,
    so a column added to a model later does not break the writer.
    """
    names = list(rows[0])
    extra: list[tuple[str, Any]] = []
    for c in table.columns:
        if c.name in rows[0] or c.default is None:
            continue
        if isinstance(c.default, ScalarElementColumnDefault):
            extra.append((c.name, c.default.arg))
        elif isinstance(c.default, CallableColumnDefault):
            # SQLAlchemy wraps zero-argument defaults (``list``, ``utcnow``) to take an execution context
            extra.append((c.name, c.default.arg(cast(Any, None))))
    columns = [*names, *(name for name, _ in extra)]
    json_at = [i for i, name in enumerate(columns) if _is_json(table.c[name])]
    dt_at = [i for i, name in enumerate(columns) if isinstance(table.c[name].type, UTCDateTime)]
    defaults = [value for _, value in extra]
    params: list[list[Any]] = []
    for row in rows:
        values = [row[n] for n in names]
        values.extend(defaults)
        for i in json_at:
            values[i] = json.dumps(values[i])
        for i in dt_at:
            if values[i] is not None:
                values[i] = _sqlite_datetime(values[i])
        params.append(values)
    quoted = ", ".join(f'"{name}"' for name in columns)
    marks = ", ".join("?" * len(columns))
    conn.exec_driver_sql(
        f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})', [tuple(p) for p in params]
    )


def _manager_ids(
    session: Session, conn: Connection, workspace_id: int, managers: list[SyntheticManager], now: datetime
) -> tuple[dict[str, int], int]:
    """Ids of the batch's managers, inserting the ones this workspace does not have yet.

    A manager represents influencers that may arrive in different ``write_to_db`` calls, so the lookup is by a
    reference kept in the manager's notes. The cache on the session only lives as long as the transaction: after
    a rollback its ids would point at rows that are gone.
    """
    txn = session.get_transaction()
    held = session.info.get(_CACHE_KEY)
    if held is None or held[0] is not txn:
        held = (txn, {})
        session.info[_CACHE_KEY] = held
    cache: dict[tuple[int, str], int] = held[1]
    wanted = {m.key: m for m in managers if (workspace_id, m.key) not in cache}
    if wanted:
        table = _table(Manager)
        notes = {_MANAGER_NOTE + key: key for key in wanted}
        found = conn.execute(
            select(table.c.id, table.c.notes).where(
                table.c.workspace_id == workspace_id, table.c.notes.in_(list(notes))
            )
        )
        for mid, note in found:
            cache[(workspace_id, notes[note])] = mid
            wanted.pop(notes[note], None)
    inserted = 0
    if wanted:
        new = list(wanted.values())
        rows = [
            {
                "workspace_id": workspace_id,
                "created_at": now,
                "name": m.name,
                "company": m.company,
                "emails": m.emails,
                "phone": m.phone,
                "notes": _MANAGER_NOTE + m.key,
            }
            for m in new
        ]
        for m, mid in zip(new, _insert_with_ids(conn, _table(Manager), rows), strict=True):
            cache[(workspace_id, m.key)] = mid
        inserted = len(new)
    return {m.key: cache[(workspace_id, m.key)] for m in managers}, inserted


def write_to_db(
    session: Session,
    workspace_id: int,
    influencers: Iterable[SyntheticInfluencer],
    *,
    batch_size: int = 1000,
    accounts_only: bool = False,
    now: datetime | None = None,
    on_batch: Callable[[WriteCounts], None] | None = None,
) -> WriteCounts:
    """Insert influencers with their accounts, audience profiles, follower snapshots and posts.

    Runs inside the session's transaction and does not commit. ``accounts_only`` skips posts, snapshots and
    audience profiles (the million-influencer benchmark). ``on_batch`` is called with each batch's counts after
    it is sent, e.g. to advance a progress bar or to commit a long load in steps (``session.commit()`` there is
    fine: the next batch continues in a new transaction).
    """
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    created = now or datetime.now(UTC)
    t_inf = _table(Influencer)
    t_acc = _table(SocialAccount)
    t_post = _table(Post)
    t_snap = _table(MetricSnapshot)
    t_aud = _table(AudienceProfile)
    total = WriteCounts()
    for batch in _batched(influencers, batch_size):
        # asked for per batch: ``on_batch`` may have committed, which releases the previous connection
        conn = session.connection()
        counts = WriteCounts()
        managers = {i.manager.key: i.manager for i in batch if i.manager is not None}
        manager_ids, counts.managers = _manager_ids(
            session, conn, workspace_id, list(managers.values()), created
        )
        inf_rows = [
            {
                "workspace_id": workspace_id,
                "created_at": created,
                "updated_at": created,
                "display_name": i.display_name,
                "kind": i.kind,
                "bio": i.bio,
                "emails": i.emails,
                "languages": i.languages,
                "country": i.country,
                "city": i.city,
                "timezone": i.timezone,
                "categories": i.categories,
                "primary_category": i.primary_category,
                "tags": i.tags,
                "notes": "",
                "manager_id": manager_ids[i.manager.key] if i.manager is not None else None,
                "max_followers": i.max_followers,
                "followers_total": i.followers_total,
                "tier": i.tier,
                "engagement_rate": i.engagement_rate,
            }
            for i in batch
        ]
        inf_ids = _insert_with_ids(conn, t_inf, inf_rows)
        counts.influencers = len(inf_ids)
        acc_rows: list[dict[str, Any]] = []
        accounts = []
        for inf_id, inf in zip(inf_ids, batch, strict=True):
            for a in inf.accounts:
                accounts.append(a)
                acc_rows.append(
                    {
                        "workspace_id": workspace_id,
                        "created_at": created,
                        "influencer_id": inf_id,
                        "platform": a.platform,
                        "handle": a.handle,
                        "handle_key": a.handle_key,
                        "url": a.url,
                        "external_id": a.external_id,
                        "followers": a.followers,
                        "following": a.following,
                        "posts_count": a.posts_count,
                        "verified": a.verified,
                        "account_created_at": a.account_created_at,
                        "avg_likes": a.avg_likes,
                        "avg_comments": a.avg_comments,
                        "avg_views": a.avg_views,
                        "engagement_rate": a.engagement_rate,
                        "engagement_definition": a.engagement_definition,
                        "posts_per_week": a.posts_per_week,
                        "follower_growth_30d": a.follower_growth_30d,
                        "tier": a.tier,
                        "last_refreshed_at": created,
                    }
                )
        acc_ids = _insert_with_ids(conn, t_acc, acc_rows)
        counts.social_accounts = len(acc_ids)
        if not accounts_only:
            aud_rows: list[dict[str, Any]] = []
            snap_rows: list[dict[str, Any]] = []
            post_rows: list[dict[str, Any]] = []
            for acc_id, a in zip(acc_ids, accounts, strict=True):
                if a.audience is not None:
                    au = a.audience
                    aud_rows.append(
                        {
                            "workspace_id": workspace_id,
                            "created_at": created,
                            "social_account_id": acc_id,
                            "age_bands": au.age_bands,
                            "gender": au.gender,
                            "countries": au.countries,
                            "cities": au.cities,
                            "languages": au.languages,
                            "source": au.source,
                            "sample_size": au.sample_size,
                            "as_of": au.as_of,
                        }
                    )
                for s in a.snapshots:
                    snap_rows.append(
                        {
                            "workspace_id": workspace_id,
                            "social_account_id": acc_id,
                            "captured_at": s.captured_at,
                            "followers": s.followers,
                            "following": s.following,
                            "posts_count": s.posts_count,
                            "source": SNAPSHOT_SOURCE,
                        }
                    )
                for p in a.posts:
                    post_rows.append(
                        {
                            "workspace_id": workspace_id,
                            "created_at": created,
                            "social_account_id": acc_id,
                            "platform_post_id": p.platform_post_id,
                            "url": p.url,
                            "caption": p.caption,
                            "hashtags": p.hashtags,
                            "mentions": p.mentions,
                            "published_at": p.published_at,
                            "post_type": p.post_type,
                            "likes": p.likes,
                            "comments": p.comments,
                            "shares": p.shares,
                            "saves": p.saves,
                            "views": p.views,
                            "reach": p.reach,
                            "is_sponsored": p.is_sponsored,
                        }
                    )
            _insert(conn, t_aud, aud_rows)
            _insert(conn, t_snap, snap_rows)
            _insert(conn, t_post, post_rows)
            counts.audience_profiles = len(aud_rows)
            counts.metric_snapshots = len(snap_rows)
            counts.posts = len(post_rows)
        total.add(counts)
        if on_batch is not None:
            on_batch(counts)
    return total


#: Column headers of :func:`write_csv`, shaped like an export from another influencer tool.
CSV_HEADERS: tuple[str, ...] = (
    "name",
    "platform",
    "handle",
    "profile_url",
    "followers",
    "following",
    "posts",
    "engagement_rate",
    "avg_likes",
    "avg_comments",
    "country",
    "city",
    "language",
    "category",
    "categories",
    "email",
    "manager",
    "manager_email",
    "bio",
)


def _csv_rows(influencers: Iterable[SyntheticInfluencer]) -> Iterator[list[str | int]]:
    for i in influencers:
        manager = i.manager
        for a in i.accounts:
            yield [
                i.display_name,
                a.platform,
                "@" + a.handle if a.platform in ("instagram", "tiktok", "x", "youtube") else a.handle,
                a.url,
                a.followers,
                "" if a.following is None else a.following,
                a.posts_count,
                f"{a.engagement_rate * 100:.2f}%",
                round(a.avg_likes),
                round(a.avg_comments),
                i.country,
                i.city,
                i.languages[0],
                i.primary_category,
                "; ".join(i.categories),
                i.emails[0] if i.emails else "",
                f"{manager.name} ({manager.company})" if manager else "",
                manager.emails[0] if manager and manager.emails else "",
                i.bio,
            ]


def write_csv(
    path: str | Path | TextIO,
    influencers: Iterable[SyntheticInfluencer],
    *,
    encoding: str = "utf-8",
    on_row: Callable[[int], None] | None = None,
) -> int:
    """Write one row per social account (streaming); returns the number of data rows.

    ``path`` may be an open text file. ``encoding="utf-8-sig"`` gives the BOM that spreadsheet exports carry.
    ``on_row`` is called every 1,000 rows with the running count (progress bars).
    """
    if isinstance(path, str | Path):
        with Path(path).open("w", encoding=encoding, newline="") as fh:
            return _write_csv(fh, influencers, on_row)
    return _write_csv(path, influencers, on_row)


def _write_csv(
    fh: TextIO, influencers: Iterable[SyntheticInfluencer], on_row: Callable[[int], None] | None
) -> int:
    writer = csv.writer(fh)
    writer.writerow(CSV_HEADERS)
    n = 0
    for row in _csv_rows(influencers):
        writer.writerow(row)
        n += 1
        if on_row is not None and n % 1000 == 0:
            on_row(n)
    if on_row is not None:
        on_row(n)
    return n
