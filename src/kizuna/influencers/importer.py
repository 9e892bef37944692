"""Importing influencers: validate every row, upsert on platform + handle, record snapshots, report row errors.

The pipeline (docs/adr/0100-import-pipeline.md):

1. :func:`open_source` checks the size limit, detects the format (CSV / XLSX / JSON / an API payload) and the
   encoding, and yields *records* (see :mod:`kizuna.influencers.sources`).
2. :func:`validate` turns one record into a :class:`RowData` or a list of :class:`RowError` (row, column, value,
   reason). A row with any error is rejected whole; the other rows still import.
3. :class:`_Writer` upserts valid rows in batches with set-based Core statements: one lookup of existing
   accounts per batch, ``INSERT ... RETURNING`` for new influencers and accounts, ``executemany`` updates for
   changed ones, a metric snapshot whenever counts change. A row identical to what is stored changes nothing, so
   importing the same file twice is a no-op the second time.
4. Denormalised influencer columns are refreshed for touched influencers (:mod:`kizuna.influencers.metrics`).

Everything runs in the caller's transaction; ``dry_run`` runs the whole pipeline inside a savepoint and rolls it
back, so its counts are exactly what a real run would report and nothing is written.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from sqlalchemy import Table as SATable
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from kizuna.config import get_settings
from kizuna.influencers import metrics, sources
from kizuna.influencers.sources import ImportFileError, Record
from kizuna.influencers.tiers import tier_for
from kizuna.kit.notices import Notice
from kizuna.kit.numbers import (
    MISSING,
    NumberFormatError,
    is_missing,
    parse_count,
    parse_decimal,
    parse_percent,
)
from kizuna.kit.time import utcnow
from kizuna.models.audience_profile import AudienceProfile
from kizuna.models.influencer import Influencer
from kizuna.models.manager import Manager
from kizuna.models.metric_snapshot import MetricSnapshot
from kizuna.models.post import POST_TYPES, Post
from kizuna.models.social_account import SocialAccount

BATCH = 2000
MAX_ERRORS_KEPT = 100_000


def bulk_insert(conn: Any, table: SATable, rows: list[dict[str, Any]]) -> None:
    """``executemany`` of plain rows. On SQLite the statement is compiled once and values go through each
    column's bind processor straight to the DBAPI cursor, skipping the per-row parameter bookkeeping that
    dominates a million-row import; elsewhere a normal Core executemany."""
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), rows)
        return
    names = list(rows[0])
    dialect = conn.dialect
    procs = [table.c[n].type._cached_bind_processor(dialect) for n in names]
    sql = f'INSERT INTO "{table.name}" ({", ".join(names)}) VALUES ({", ".join("?" for _ in names)})'
    # Many values repeat across a batch (the import timestamp, empty lists): convert each distinct object once.
    memo: list[dict[int, Any]] = [{} for _ in names]
    keep: list[Any] = []  # holds the memoised objects so their ids stay unique during this call

    def convert(i: int, value: Any) -> Any:
        proc = procs[i]
        if proc is None or value is None:
            return value
        if isinstance(value, list) and not value:
            return proc(value)
        cache = memo[i]
        key = id(value)
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = (value, proc(value))
            keep.append(value)
        return hit[1] if hit[0] is value else proc(value)

    params = [tuple(convert(i, r[n]) for i, n in enumerate(names)) for r in rows]
    conn.exec_driver_sql(sql, params)


def insert_returning_ids(conn: Any, table: SATable, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows and return their ids in order.

    On SQLite the first row is inserted alone (which takes the database's single write lock for the rest of the
    transaction) and the others with a plain ``executemany``: with the lock held and an ``INTEGER PRIMARY KEY``,
    SQLite gives each new row max(id)+1, so the ids are consecutive. That is checked, not assumed. It avoids
    ``INSERT ... RETURNING`` in multi-row form, which costs several times more per row. Other databases use
    ``RETURNING`` with ``sort_by_parameter_order``.
    """
    if not rows:
        return []
    if conn.dialect.name != "sqlite":
        stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return [int(r[0]) for r in conn.execute(stmt, rows)]
    first = int(conn.execute(insert(table).returning(table.c.id), [rows[0]]).scalar_one())
    if len(rows) > 1:
        bulk_insert(conn, table, rows[1:])
        last = conn.execute(select(func.max(table.c.id))).scalar_one()
        if last != first + len(rows) - 1:
            raise RuntimeError(f"non-consecutive ids while inserting into {table.name}")
    return list(range(first, first + len(rows)))


def _t(model: type[Any]) -> SATable:
    table = model.__table__
    assert isinstance(table, SATable)
    return table


# --- results --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}


@dataclass
class ImportResult:
    """Counts of one run. ``rows`` = imported + updated + unchanged + rejected."""

    rows: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    file_format: str = ""
    encoding: str | None = None
    dry_run: bool = False
    influencer_ids: set[int] = field(default_factory=set)

    def as_json(self) -> dict[str, Any]:
        """Exactly the object the CLI prints with ``--json`` (issue 3)."""
        return {
            "rows": self.rows,
            "imported": self.imported,
            "updated": self.updated,
            "rejected": self.rejected,
            "errors": [e.as_dict() for e in self.errors],
        }


@dataclass
class Source:
    """An opened file: how it was read, the header mapping and the records to import."""

    file_format: str
    encoding: str | None
    headers: list[str]
    sample: list[list[object]]
    mapping: dict[int, str]
    warnings: list[str]
    records: Callable[[], Iterator[Record]]
    progress: Callable[[], float]
    platform: str | None
    #: the table behind ``records`` (CSV, XLSX, JSON rows): lets :func:`run_import` take the columnar path
    table: sources.Table | None = None
    #: the file, for a CSV (a large one is read by a second process, see :mod:`kizuna.influencers.columnar`)
    path: Path | None = None


# --- opening files --------------------------------------------------------------------------------------------


def check_size(size: int, limit: int | None = None) -> None:
    limit = get_settings().import_max_bytes if limit is None else limit
    if size > limit:
        raise ImportFileError(
            f"The file is {size:,} bytes; the limit is {limit:,} bytes (KIZUNA_IMPORT_MAX_BYTES).",
            code="import_file_too_large",
            details={"size": size, "limit": limit},
        )
    if size == 0:
        raise ImportFileError("The file is empty.", code="import_empty_file")


def tabular_record(
    headers: Sequence[str], cols: Sequence[tuple[int, str]], platform: str | None, row: Sequence[object]
) -> dict[str, list[tuple[str, Any]]]:
    """One table row as a record: ``cols`` are the sorted (column index, field) pairs of the mapping."""
    width = len(headers)
    rec: dict[str, list[tuple[str, Any]]] = {}
    for i, f in cols:
        if i < len(row):
            value = row[i]
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            rec.setdefault(f, []).append((headers[i] or f"column {i + 1}", value))
    extra = [c for c in row[width:] if not is_missing(c) and str(c).strip()]
    if extra:
        rec["_extra"] = [("", len(row))]
    if platform and "platform" not in rec:
        rec["platform"] = [("platform", platform)]
    return rec


def _tabular_records(
    table: sources.Table, mapping: Mapping[int, str], platform: str | None
) -> Callable[[], Iterator[Record]]:
    headers = table.headers
    cols = sorted(mapping.items())

    def records() -> Iterator[Record]:
        for n, row in table.rows():
            yield n, tabular_record(headers, cols, platform, row)

    return records


def open_source(
    path: Path,
    *,
    file_format: str = "auto",
    mapping: Mapping[int, str] | None = None,
    platform: str | None = None,
    handle: str | None = None,
    filename: str | None = None,
    size_limit: int | None = None,
) -> Source:
    """Open a file for preview or import; raises :class:`ImportFileError` (one clear error) when unusable."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportFileError(
            f"Cannot read the file: {exc.strerror or exc}", code="import_unreadable"
        ) from exc
    check_size(size, size_limit)
    with path.open("rb") as fh:
        head = fh.read(8)
    name = filename or path.name
    fmt = sources.detect_format(Path(name), head, file_format)
    if fmt in ("json", "youtube", "youtube_videos", "instagram", "tiktok"):
        payload = sources.read_json(path)
        shape = sources.detect_api_shape(payload) if fmt == "json" else fmt
        if shape is not None:
            if not isinstance(payload, Mapping):
                raise ImportFileError(f"This is not a {shape} payload.", code="import_not_tabular")
            if shape == "youtube" and payload.get("kind") == "youtube#videoListResponse":
                shape = "youtube_videos"
            if shape == "instagram" and "business_discovery" not in payload:
                raise ImportFileError(
                    "This is not an Instagram business discovery payload.", code="import_not_tabular"
                )
            readers: dict[str, Callable[[], Iterator[Record]]] = {
                "youtube": lambda: sources.youtube_channel_records(payload),
                "youtube_videos": lambda: sources.youtube_video_records(payload),
                "instagram": lambda: sources.instagram_records(payload),
                "tiktok": lambda: sources.tiktok_records(payload, handle),
            }
            if shape == "youtube" and "items" not in payload:
                raise ImportFileError(
                    "This is not a YouTube channels.list payload.", code="import_not_tabular"
                )
            return Source(
                shape,
                "utf-8",
                [],
                [],
                {},
                [],
                readers[shape],
                lambda: 0.0,
                "tiktok" if shape == "tiktok" else None,
            )
        table = sources.json_table(sources.json_items(payload))
    elif fmt == "xlsx":
        table = sources.xlsx_table(path)
    else:
        table = sources.csv_table(path, size)
    if not table.sample:
        raise ImportFileError("The file has a header but no rows.", code="import_empty_file")
    auto, warnings = sources.auto_mapping(table.headers, table.sample)
    used = dict(mapping) if mapping is not None else auto
    if not used or not ({"handle", "display_name"} & set(used.values())):
        if len([h for h in table.headers if h]) < 2 and not used:
            raise ImportFileError(
                "This file does not look like a table of influencers (one column, no known header).",
                code="import_not_tabular",
            )
        if mapping is None:
            raise ImportFileError(
                "No column could be recognised as the account handle or name; map the columns by hand.",
                code="import_no_handle_column",
                details={"headers": table.headers},
            )
    guessed = platform
    if guessed is None and "platform" not in used.values():
        guessed = sources.guess_platform(" ".join(table.headers)) or sources.guess_platform(name)
        if guessed:
            warnings.append(
                Notice("platform %(platform)s inferred from the headers or file name", platform=repr(guessed))
            )
    return Source(
        fmt,
        table.encoding,
        table.headers,
        table.sample,
        used,
        warnings,
        _tabular_records(table, used, guessed),
        table.progress,
        guessed,
        table,
        path if fmt == "csv" else None,
    )


# --- validation -----------------------------------------------------------------------------------------------

_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
_PLATFORM_ALIASES = {
    "ig": "instagram",
    "insta": "instagram",
    "instagram": "instagram",
    "インスタ": "instagram",
    "インスタグラム": "instagram",
    "yt": "youtube",
    "youtube": "youtube",
    "ユーチューブ": "youtube",
    "tiktok": "tiktok",
    "tik tok": "tiktok",
    "ティックトック": "tiktok",
    "x": "x",
    "twitter": "x",
    "x (twitter)": "x",
    "ツイッター": "x",
    "blog": "blog",
    "ブログ": "blog",
    "podcast": "podcast",
    "line": "line",
    "line voom": "line",
    "xiaohongshu": "xiaohongshu",
    "小红书": "xiaohongshu",
    "red": "xiaohongshu",
    "rednote": "xiaohongshu",
    "naver blog": "naver_blog",
    "naver": "naver_blog",
    "note": "note",
    "threads": "threads",
    "facebook": "facebook",
    "fb": "facebook",
}
_PLATFORM_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def normalize_platform(value: str) -> str | None:
    """Known names and Japanese spellings map to keys; any other slug is accepted as a new platform, so
    regional platforms need no code change."""
    v = unicodedata.normalize("NFKC", value).strip().lower()
    if v in _PLATFORM_ALIASES:
        return _PLATFORM_ALIASES[v]
    slug = re.sub(r"[\s\-]+", "_", v)
    return slug if _PLATFORM_KEY.match(slug) else None


def handle_key(platform: str, handle: str) -> str:
    """The identity of an account on its platform: case-folded, without "@" and URL prefix, spaces collapsed."""
    if handle.isascii() and "/" not in handle and " " not in handle:
        return handle.strip().lstrip("@").lower()
    h = unicodedata.normalize("NFKC", handle).strip()
    h = re.sub(r"^https?://(www\.)?[^/]+/", "", h).strip("/")
    h = h.lstrip("@").strip()
    return re.sub(r"\s+", " ", h).casefold()


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    table: dict[str, str] = {}
    for loc in ("en", "ja"):
        for code, name in Locale.parse(loc).territories.items():
            if isinstance(code, str) and len(code) == 2 and code.isalpha():
                table[unicodedata.normalize("NFKC", str(name)).replace("’", "'").casefold()] = code
                table[code.casefold()] = code
    table.update(
        {
            "usa": "US",
            "u.s.": "US",
            "u.s.a.": "US",
            "america": "US",
            "united states of america": "US",
            "uk": "GB",
            "england": "GB",
            "great britain": "GB",
            "korea": "KR",
            "south korea": "KR",
            "russia": "RU",
            "taiwan": "TW",
            "hong kong": "HK",
            "vietnam": "VN",
            "uae": "AE",
            "czech republic": "CZ",
            "turkey": "TR",
            "türkiye": "TR",
            "日本国": "JP",
            "韓国": "KR",
            "アメリカ": "US",
            "米国": "US",
            "英国": "GB",
            "イギリス": "GB",
            "中国": "CN",
            "香港": "HK",
            "台湾": "TW",
        }
    )
    return table


@lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """ISO 3166 alpha-2 code for a code or an English/Japanese name; repairs UTF-8 read as Latin-1
    ("CÃ´te d'Ivoire", common in re-saved exports)."""
    if "Ã" in value:
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            value = value.encode("latin-1").decode("utf-8")
    text = unicodedata.normalize("NFKC", value).strip().replace("’", "'")
    return _countries().get(text.casefold())


def _split_list(value: object) -> list[str]:
    text = str(value)
    parts = re.split(r"[;,、，|/]\s*", text) if re.search(r"[;,、，|]", text) else [text]
    return [p.strip() for p in parts if p.strip()]


def _parse_dt(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    text = str(value).strip().replace("Z", "+00:00")
    if re.search(r"[+-]\d{4}$", text):
        text = text[:-2] + ":" + text[-2:]
    dt = datetime.fromisoformat(text)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


_SIMPLE_DECIMAL = re.compile(r"^\d+\.\d+$")


def _missing(v: object) -> bool:
    """:func:`kizuna.kit.numbers.is_missing` with a fast path for plain ASCII cells (a million-row import
    calls this for every cell)."""
    if isinstance(v, str):
        if len(v) > 16:  # every missing marker is short; names and bios skip the Unicode normalisation
            return False
        if v.isascii():
            return v.replace(" ", "").lower() in MISSING
    return is_missing(v)


def _count(v: object) -> int | None:
    if isinstance(v, str) and v.isdigit():
        return int(v)
    return parse_count(v)


def _decimal(v: object) -> float | None:
    if isinstance(v, str) and (v.isdigit() or _SIMPLE_DECIMAL.match(v)):
        return float(v)
    d = parse_decimal(v)
    return None if d is None else float(d)


def _percent(v: object) -> float | None:
    if isinstance(v, str) and v.endswith("%") and _SIMPLE_DECIMAL.match(v[:-1]):
        return float(v[:-1]) / 100
    return parse_percent(v)


@dataclass(slots=True)
class RowData:
    """A validated row: one account plus what it tells about its influencer."""

    row: int
    platform: str
    handle: str
    handle_key: str
    account: dict[str, Any]
    influencer: dict[str, Any]
    manager: tuple[str, str | None] | None = None
    audience_country: str | None = None
    posts: list[dict[str, Any]] = field(default_factory=list)
    attach_only: bool = False
    influencer_id: int | None = None


_COUNT_FIELDS = ("followers", "following", "posts_count")
_AVG_FIELDS = ("avg_likes", "avg_comments", "avg_views", "avg_engagement")


def validate(n: int, rec: Mapping[str, list[tuple[str, Any]]]) -> RowData | list[RowError]:
    """Check and convert one record; every problem in the row is reported, not just the first."""
    errors: list[RowError] = []

    def err(column: str, value: object, reason: str) -> None:
        errors.append(RowError(n, column, "" if value is None else str(value), reason))

    def first(f: str) -> tuple[str, Any] | None:
        for column, value in rec.get(f, []):
            v = value.strip().strip("'").strip() if isinstance(value, str) else value
            if v != "" and not _missing(v):
                return column, v
        return None

    def number(f: str, parse: Callable[[object], Any]) -> Any:
        """First parseable value among the columns mapped to ``f`` (exports often carry "13.8M" beside
        13800000); an error only when no column parses."""
        bad: tuple[str, Any, str] | None = None
        for column, value in rec.get(f, []):
            v = value.strip().strip("'").strip() if isinstance(value, str) else value
            if v == "" or _missing(v):
                continue
            try:
                return parse(v)
            except (NumberFormatError, ValueError) as exc:
                bad = bad or (column, value, str(exc))
        if bad is not None:
            reason = "a count cannot be negative" if "negative" in bad[2] else "not a number"
            err(bad[0], bad[1], reason)
        return None

    if "_extra" in rec:
        err("", rec["_extra"][0][1], "the row has more cells than the header")
    attach_only = "_attach_only" in rec
    platform_raw = first("platform")
    platform: str | None = None
    if platform_raw is None:
        err("platform", "", "platform missing: add a platform column or choose the platform for the file")
    else:
        platform = normalize_platform(str(platform_raw[1]))
        if platform is None:
            err(platform_raw[0], platform_raw[1], "unknown platform name")
    handle_cell = first("handle")
    name_cell = first("display_name")
    handle = ""
    if handle_cell is None and not attach_only:
        column = rec["handle"][0][0] if rec.get("handle") else "handle"
        err(column, "", "handle missing")
    elif handle_cell is not None:
        handle = str(handle_cell[1]).strip()
        if len(handle) > 200:
            err(handle_cell[0], handle[:60] + "…", "handle longer than 200 characters")
        elif not handle_key("", handle):
            # "@" or a bare profile URL: nothing identifies the account (and two such rows would collide)
            err(handle_cell[0], handle, "handle missing")
    followers = number("followers", _count)
    following = number("following", _count)
    posts_count = number("posts_count", _count)
    avgs = {f: number(f, _decimal) for f in _AVG_FIELDS}
    er_cell = first("engagement_rate")
    er_imported = number("engagement_rate", _percent)
    country = None
    c = first("country")
    if c is not None:
        country = country_code(str(c[1]))
        if country is None:
            err(c[0], c[1], "unknown country")
    audience_country = None
    ac = first("audience_country")
    if ac is not None:
        audience_country = country_code(str(ac[1]))
        if audience_country is None:
            err(ac[0], ac[1], "unknown country")
    emails: list[str] = []
    for column, value in rec.get("email", []):
        for e in _split_list(value):
            if _missing(e):
                continue
            if not _EMAIL.match(e):
                err(column, value, "not an e-mail address")
            elif e.lower() not in emails:
                emails.append(e.lower())
    manager = None
    m = first("manager")
    me = first("manager_email")
    if me is not None and not _EMAIL.match(str(me[1]).strip()):
        err(me[0], me[1], "not an e-mail address")
        me = None
    if m is not None or me is not None:
        manager_email = str(me[1]).strip().lower() if me is not None else None
        manager = (str(m[1]).strip()[:200] if m is not None else str(manager_email), manager_email)
    verified = None
    v = first("verified")
    if v is not None:
        if isinstance(v[1], bool):
            verified = v[1]
        else:
            s = str(v[1]).strip().lower()
            if s in ("true", "yes", "y", "1", "はい", "済", "✓", "verified"):
                verified = True
            elif s in ("false", "no", "n", "0", "いいえ", "未"):
                verified = False
            else:
                err(v[0], v[1], "not yes/no")
    created = None
    cr = first("account_created_at")
    if cr is not None:
        try:
            created = _parse_dt(cr[1])
        except ValueError:
            err(cr[0], cr[1], "not a date")
    influencer_id = None
    iid = first("influencer_id")
    if iid is not None:
        try:
            influencer_id = int(str(iid[1]).strip())
        except ValueError:
            err(iid[0], iid[1], "not an influencer id")
    posts: list[dict[str, Any]] = []
    for column, post_list in rec.get("_posts", []) + [(c0, [p]) for c0, p in rec.get("_post", [])]:
        for p in post_list:
            post, perr = _validate_post(n, column, p)
            errors.extend(perr)
            if post is not None:
                posts.append(post)
    if errors or platform is None:
        return errors
    categories: list[str] = []
    for _column, value in rec.get("category", []):
        for cat in _split_list(value):
            if not _missing(cat) and cat not in categories:
                categories.append(cat[:60])
    display_name = str(name_cell[1]).strip()[:300] if name_cell else handle.lstrip("@")
    avg_likes, avg_comments, avg_views = avgs["avg_likes"], avgs["avg_comments"], avgs["avg_views"]
    if avg_likes is not None and avg_comments is None and avgs["avg_engagement"] is not None:
        avg_comments = max(avgs["avg_engagement"] - avg_likes, 0)
    er, definition = metrics.from_averages(
        float(avg_likes) if avg_likes is not None else None,
        float(avg_comments) if avg_comments is not None else None,
        float(avg_views) if avg_views is not None else None,
        followers,
        platform,
    )
    if er is None and avgs["avg_engagement"] is not None and followers:
        er, definition = round(float(avgs["avg_engagement"]) / followers, 6), "follower:average_counts"
    if er is None and er_imported is not None and er_cell is not None:
        given = first("engagement_definition")
        label = str(given[1]) if given is not None and str(given[1]).startswith("imported:") else None
        er, definition = round(er_imported, 6), (label or f"imported:{er_cell[0]}")[:200]
    account: dict[str, Any] = {
        "followers": followers,
        "following": following,
        "posts_count": posts_count,
        "avg_likes": float(avg_likes) if avg_likes is not None else None,
        "avg_comments": float(avg_comments) if avg_comments is not None else None,
        "avg_views": float(avg_views) if avg_views is not None else None,
        "engagement_rate": er,
        "engagement_definition": definition,
        "verified": verified,
        "account_created_at": created,
    }
    u = first("url")
    if u is not None:
        account["url"] = str(u[1]).strip()[:500]
    x = first("external_id")
    if x is not None:
        account["external_id"] = str(x[1]).strip()[:120]
    influencer: dict[str, Any] = {"display_name": display_name or handle}
    if emails:
        influencer["emails"] = emails
    if country:
        influencer["country"] = country
    for f, limit in (("city", 120), ("bio", 100_000), ("notes", 100_000)):
        cell = first(f)
        if cell is not None:
            influencer[f] = str(cell[1]).strip()[:limit]
    langs = [
        lang[:12] for cell in rec.get("language", []) for lang in _split_list(cell[1]) if not _missing(lang)
    ]
    if langs:
        influencer["languages"] = langs
    if categories:
        influencer["categories"] = categories
    tags = [t[:40] for cell in rec.get("tags", []) for t in _split_list(cell[1]) if not _missing(t)]
    if tags:
        influencer["tags"] = tags
    return RowData(
        row=n,
        platform=platform,
        handle=handle,
        handle_key=handle_key(platform, handle) if handle else "",
        account=account,
        influencer=influencer,
        manager=manager,
        audience_country=audience_country,
        posts=posts,
        attach_only=attach_only,
        influencer_id=influencer_id,
    )


def _validate_post(n: int, column: str, p: Mapping[str, Any]) -> tuple[dict[str, Any] | None, list[RowError]]:
    errors: list[RowError] = []
    pid = p.get("platform_post_id")
    if not pid:
        return None, [RowError(n, column, "", "post without an id")]
    out: dict[str, Any] = {"platform_post_id": str(pid)[:120], "url": (p.get("url") or None)}
    for f in ("likes", "comments", "views"):
        try:
            out[f] = parse_count(p.get(f))
        except NumberFormatError:
            errors.append(RowError(n, f"{column}.{f}", str(p.get(f)), "not a number"))
    try:
        out["published_at"] = _parse_dt(p["published_at"]) if p.get("published_at") else None
    except ValueError:
        errors.append(RowError(n, f"{column}.timestamp", str(p.get("published_at")), "not a date"))
    caption = str(p.get("caption") or "")
    hashtags, mentions, sponsored = sources.caption_parts(caption)
    out.update(
        caption=caption,
        hashtags=list(dict.fromkeys(hashtags + list(p.get("tags") or []))),
        mentions=mentions,
        is_sponsored=sponsored,
        post_type=p.get("post_type") if p.get("post_type") in POST_TYPES else "feed",
    )
    return (None if errors else out), errors


# --- writing --------------------------------------------------------------------------------------------------

#: Account fields every validated row carries (``None`` when the file has no value) ...
ACCOUNT_METRIC_FIELDS = (
    "followers",
    "following",
    "posts_count",
    "avg_likes",
    "avg_comments",
    "avg_views",
    "engagement_rate",
    "engagement_definition",
    "verified",
    "account_created_at",
)
#: ... and those present only when the file gives them.
ACCOUNT_OPTIONAL_FIELDS = ("url", "external_id")
_ACCOUNT_FIELDS = ACCOUNT_METRIC_FIELDS + ACCOUNT_OPTIONAL_FIELDS
_INFLUENCER_FIELDS = (
    "display_name",
    "emails",
    "country",
    "city",
    "bio",
    "notes",
    "languages",
    "categories",
    "tags",
)


class _Writer:
    """Batch upserts into one workspace. Core statements only: ORM objects for a million rows would cost
    minutes of bookkeeping and gigabytes of identity map."""

    def __init__(
        self, session: Session, workspace_id: int, scheme: str, custom: Any, source_name: str
    ) -> None:
        self.s = session
        self.conn = session.connection()
        self.ws = workspace_id
        self.scheme = scheme
        self.custom = custom
        self.source_name = source_name[:40]
        self.now = utcnow()
        self.manager_ids: dict[str, int] = {}
        self.email_owner: dict[str, int] = {}
        # (display_name, emails, influencer id, new-group index) of the previous new row, for adjacency grouping
        self.last: tuple[str, tuple[str, ...], int | None, int | None] | None = None
        self.touched: set[int] = set()
        self.accounts_with_posts: set[int] = set()

    def _tier(self, followers: int | None) -> str | None:
        if self.scheme == "custom" and not self.custom:
            return None
        return tier_for(followers, self.scheme, custom=self.custom)

    def _prepare_managers(self, managers: Iterable[tuple[str, str | None] | None]) -> None:
        """Find or create every manager named in a batch with one lookup and one insert."""
        wanted: dict[str, tuple[str, str | None]] = {}
        for m in managers:
            if m is not None and (m[1] or m[0]).casefold() not in self.manager_ids:
                wanted[(m[1] or m[0]).casefold()] = m
        if not wanted:
            return
        t = _t(Manager)
        names = sorted({name for name, _e in wanted.values()})
        for mid, name, emails in self.conn.execute(
            select(t.c.id, t.c.name, t.c.emails).where(t.c.workspace_id == self.ws, t.c.name.in_(names))
        ):
            for key, (wname, email) in list(wanted.items()):
                if wname == name and (not email or email in (emails or [])):
                    self.manager_ids[key] = int(mid)
                    wanted.pop(key)
        new = list(wanted.items())
        ids = insert_returning_ids(
            self.conn,
            t,
            [
                {
                    "workspace_id": self.ws,
                    "created_at": self.now,
                    "name": name,
                    "company": "",
                    "emails": [email] if email else [],
                    "phone": "",
                    "notes": "",
                }
                for _key, (name, email) in new
            ],
        )
        for (key, _m), mid in zip(new, ids, strict=True):
            self.manager_ids[key] = mid

    def _manager_id(self, manager: tuple[str, str | None] | None) -> int | None:
        if manager is None:
            return None
        return self.manager_ids.get((manager[1] or manager[0]).casefold())

    def write(self, batch: list[RowData], result: ImportResult) -> None:
        acc = _t(SocialAccount)
        # last row wins for a handle repeated inside one batch
        by_key: dict[tuple[str, str], RowData] = {}
        for r in batch:
            key = (r.platform, r.handle_key)
            if key in by_key:
                result.unchanged += 1
                result.duplicates += 1
            by_key[key] = r
        rows = list(by_key.values())
        existing: dict[tuple[str, str], Any] = {}
        ext_existing: dict[tuple[str, str], Any] = {}
        cols = [acc.c.id, acc.c.influencer_id, acc.c.platform, acc.c.handle_key, acc.c.handle] + [
            acc.c[f] for f in _ACCOUNT_FIELDS
        ]
        per_platform: dict[str, list[str]] = {}
        per_platform_ext: dict[str, list[str]] = {}
        for r in rows:
            if r.handle_key:
                per_platform.setdefault(r.platform, []).append(r.handle_key)
            if r.attach_only and r.account.get("external_id"):
                per_platform_ext.setdefault(r.platform, []).append(r.account["external_id"])
        for platform, keys in per_platform.items():
            for rec in self.conn.execute(
                select(*cols).where(
                    acc.c.workspace_id == self.ws, acc.c.platform == platform, acc.c.handle_key.in_(keys)
                )
            ).mappings():
                existing[(platform, rec["handle_key"])] = rec
        for platform, ids in per_platform_ext.items():
            for rec in self.conn.execute(
                select(*cols).where(
                    acc.c.workspace_id == self.ws, acc.c.platform == platform, acc.c.external_id.in_(ids)
                )
            ).mappings():
                ext_existing[(platform, rec["external_id"])] = rec
        new_rows: list[RowData] = []
        account_updates: list[dict[str, Any]] = []
        influencer_updates: dict[int, dict[str, Any]] = {}
        snapshots: list[dict[str, Any]] = []
        post_rows: list[tuple[int, RowData]] = []
        for r in rows:
            cur = existing.get((r.platform, r.handle_key))
            if cur is None and r.attach_only:
                cur = ext_existing.get((r.platform, str(r.account.get("external_id"))))
                if cur is None:
                    result.rejected += 1
                    result.errors.append(
                        RowError(
                            r.row,
                            "snippet.channelId",
                            str(r.account.get("external_id")),
                            "channel not in the registry: import its channels.list first",
                        )
                    )
                    continue
            if cur is None:
                new_rows.append(r)
                continue
            changes = {
                f: r.account[f]
                for f in _ACCOUNT_FIELDS
                if r.account.get(f) is not None and r.account[f] != cur[f]
            }
            if r.handle and r.handle != cur["handle"] and not r.attach_only:
                changes["handle"] = r.handle
            inf_changes = {f: v for f, v in r.influencer.items() if v not in (None, "", [])}
            if r.attach_only:
                inf_changes = {}
            if inf_changes:
                influencer_updates.setdefault(cur["influencer_id"], {}).update(inf_changes)
            if changes:
                if "followers" in changes:
                    changes["tier"] = self._tier(changes["followers"])
                changes["last_refreshed_at"] = self.now
                account_updates.append({"b_id": cur["id"], **changes})
                self.touched.add(cur["influencer_id"])
                if any(f in changes for f in _COUNT_FIELDS):
                    snapshots.append(self._snapshot(cur["id"], r))
            if r.posts:
                post_rows.append((cur["id"], r))
            state = "updated" if changes else "unchanged"
            setattr(result, state, getattr(result, state) + 1)
            result.influencer_ids.add(cur["influencer_id"])
        if influencer_updates:
            changed = self._update_influencers(influencer_updates)
            self.touched |= changed
        for upd in account_updates:
            keys = [k for k in upd if k != "b_id"]
            stmt = (
                update(acc)
                .where(acc.c.id == bindparam("b_id"))
                .values({k: bindparam(f"v_{k}") for k in keys})
            )
            self.conn.execute(stmt, [{"b_id": upd["b_id"], **{f"v_{k}": upd[k] for k in keys}}])
        if new_rows:
            self._insert_new(new_rows, result, snapshots, post_rows)
        if snapshots:
            bulk_insert(self.conn, _t(MetricSnapshot), snapshots)
        if post_rows:
            self._upsert_posts(post_rows)

    def _snapshot(self, account_id: int, r: RowData) -> dict[str, Any]:
        return {
            "workspace_id": self.ws,
            "social_account_id": account_id,
            "captured_at": self.now,
            "followers": r.account.get("followers"),
            "following": r.account.get("following"),
            "posts_count": r.account.get("posts_count"),
            "source": self.source_name,
        }

    def _update_influencers(self, updates: dict[int, dict[str, Any]]) -> set[int]:
        t = _t(Influencer)
        current = {
            row["id"]: row
            for row in self.conn.execute(
                select(t.c.id, *[t.c[f] for f in _INFLUENCER_FIELDS]).where(t.c.id.in_(list(updates)))
            ).mappings()
        }
        changed: set[int] = set()
        for iid, values in updates.items():
            cur = current.get(iid)
            if cur is None:
                continue
            diff: dict[str, Any] = {}
            for f, v in values.items():
                if f in ("emails", "languages", "categories", "tags"):
                    merged = list(cur[f] or [])
                    merged += [x for x in v if x not in merged]
                    if merged != list(cur[f] or []):
                        diff[f] = merged
                elif v != cur[f]:
                    diff[f] = v
            if diff:
                diff["updated_at"] = self.now
                self.conn.execute(update(t).where(t.c.id == iid).values(**diff))
                changed.add(iid)
        return changed

    def _insert_new(
        self,
        rows: list[RowData],
        result: ImportResult,
        snapshots: list[dict[str, Any]],
        post_rows: list[tuple[int, RowData]],
    ) -> None:
        inf = _t(Influencer)
        acc = _t(SocialAccount)
        # Which new accounts belong to the same (new or existing) influencer: an explicit Kizuna id, a shared
        # e-mail, or consecutive rows with the same name (how exports list one creator's several accounts).
        owner_of: list[int | None] = []
        group_of: list[int] = []
        groups: list[RowData] = []
        valid_ids: set[int] = set()
        explicit = {r.influencer_id for r in rows if r.influencer_id is not None}
        if explicit:
            valid_ids = set(
                self.conn.execute(
                    select(inf.c.id).where(inf.c.workspace_id == self.ws, inf.c.id.in_(explicit))
                ).scalars()
            )
        email_group: dict[str, int] = {}
        prev = self.last
        for r in rows:
            name = r.influencer["display_name"]
            emails = r.influencer.get("emails") or []
            owner: int | None = r.influencer_id if r.influencer_id in valid_ids else None
            gid: int | None = None
            if owner is None:
                owner = next((self.email_owner[e] for e in emails if e in self.email_owner), None)
            if owner is None:
                gid = next((email_group[e] for e in emails if e in email_group), None)
            if (
                owner is None
                and gid is None
                and prev is not None
                and prev[0] == name
                and (not emails or not prev[1] or bool(set(emails) & set(prev[1])))
            ):
                owner, gid = prev[2], prev[3]
            if owner is None and gid is None:
                groups.append(r)
                gid = len(groups) - 1
            if owner is None and gid is not None:
                for e in emails:
                    email_group.setdefault(e, gid)
            owner_of.append(owner)
            group_of.append(gid if owner is None and gid is not None else -1)
            prev = (name, tuple(emails), owner, gid if owner is None else None)
        # aggregate per new influencer group
        group_accounts: dict[int, list[RowData]] = {}
        for r, o, g in zip(rows, owner_of, group_of, strict=True):
            if o is None:
                group_accounts.setdefault(g, []).append(r)
        self._prepare_managers(g.manager for g in groups)
        inf_rows = []
        for g, first in enumerate(groups):
            members = group_accounts.get(g, [first])
            data = first.influencer
            summary = metrics.influencer_summary(
                [m.account for m in members], data.get("categories") or [], self.scheme, self.custom
            )
            emails_all: list[str] = []
            for m in members:
                emails_all += [e for e in m.influencer.get("emails", []) if e not in emails_all]
            inf_rows.append(
                {
                    "workspace_id": self.ws,
                    "created_at": self.now,
                    "updated_at": self.now,
                    "display_name": data["display_name"],
                    "kind": "person",
                    "bio": data.get("bio", ""),
                    "emails": emails_all,
                    "languages": data.get("languages", []),
                    "country": data.get("country"),
                    "city": data.get("city"),
                    "timezone": None,
                    "categories": data.get("categories", []),
                    "tags": data.get("tags", []),
                    "notes": data.get("notes", ""),
                    "owner_user_id": None,
                    "manager_id": self._manager_id(first.manager),
                    "merged_into_id": None,
                    **summary,
                }
            )
        new_ids = insert_returning_ids(self.conn, inf, inf_rows)
        for g, iid in enumerate(new_ids):
            for e in inf_rows[g]["emails"]:
                self.email_owner[e] = iid
        if prev is not None:
            owner_id = prev[2] if prev[2] is not None else (new_ids[prev[3]] if prev[3] is not None else None)
            self.last = (prev[0], prev[1], owner_id, None)
        acct_rows = []
        owners: list[int] = []
        for r, o, g in zip(rows, owner_of, group_of, strict=True):
            iid = o if o is not None else new_ids[g]
            owners.append(iid)
            if o is not None:
                self.touched.add(iid)
            acct_rows.append(
                {
                    "workspace_id": self.ws,
                    "created_at": self.now,
                    "influencer_id": iid,
                    "platform": r.platform,
                    "handle": r.handle[:200],
                    "handle_key": r.handle_key[:200],
                    "url": r.account.get("url"),
                    "external_id": r.account.get("external_id"),
                    "followers": r.account["followers"],
                    "following": r.account["following"],
                    "posts_count": r.account["posts_count"],
                    "verified": r.account["verified"],
                    "account_created_at": r.account["account_created_at"],
                    "avg_likes": r.account["avg_likes"],
                    "avg_comments": r.account["avg_comments"],
                    "avg_views": r.account["avg_views"],
                    "engagement_rate": r.account["engagement_rate"],
                    "engagement_definition": r.account["engagement_definition"],
                    "posts_per_week": None,
                    "follower_growth_30d": None,
                    "tier": self._tier(r.account["followers"]),
                    "last_refreshed_at": self.now,
                }
            )
        acct_ids = insert_returning_ids(self.conn, acc, acct_rows)
        audience = []
        for r, aid, iid in zip(rows, acct_ids, owners, strict=True):
            result.influencer_ids.add(iid)
            if any(r.account.get(f) is not None for f in _COUNT_FIELDS):
                snapshots.append(self._snapshot(aid, r))
            if r.posts:
                post_rows.append((aid, r))
            if r.audience_country:
                audience.append(
                    {
                        "workspace_id": self.ws,
                        "created_at": self.now,
                        "social_account_id": aid,
                        "age_bands": {},
                        "gender": {},
                        "countries": {r.audience_country: None},
                        "cities": {},
                        "languages": {},
                        "source": f"import:{self.source_name}"[:60],
                        "sample_size": None,
                        "as_of": self.now,
                    }
                )
        if audience:
            bulk_insert(self.conn, _t(AudienceProfile), audience)
        result.imported += len(rows)

    def _upsert_posts(self, post_rows: list[tuple[int, RowData]]) -> None:
        t = _t(Post)
        for account_id, r in post_rows:
            ids = [p["platform_post_id"] for p in r.posts]
            current = {
                row["platform_post_id"]: row
                for row in self.conn.execute(
                    select(t.c.id, t.c.platform_post_id, t.c.likes, t.c.comments, t.c.views).where(
                        t.c.social_account_id == account_id, t.c.platform_post_id.in_(ids)
                    )
                ).mappings()
            }
            for p in r.posts:
                cur = current.get(p["platform_post_id"])
                if cur is None:
                    self.conn.execute(
                        insert(t),
                        [
                            {
                                "workspace_id": self.ws,
                                "created_at": self.now,
                                "social_account_id": account_id,
                                "shares": None,
                                "saves": None,
                                "reach": None,
                                **p,
                            }
                        ],
                    )
                elif any(p[f] != cur[f] for f in ("likes", "comments", "views")):
                    self.conn.execute(
                        update(t)
                        .where(t.c.id == cur["id"])
                        .values(likes=p["likes"], comments=p["comments"], views=p["views"])
                    )
                else:
                    continue
                self.accounts_with_posts.add(account_id)

    def finish(self) -> None:
        """Recompute metrics of accounts that got posts, then the influencers whose accounts changed."""
        for aid in sorted(self.accounts_with_posts):
            account = self.s.get(SocialAccount, aid)
            if account is None:
                continue
            before = (account.engagement_rate, account.avg_likes)
            metrics.refresh_account(self.s, account, self.now)
            self.s.flush()
            if (account.engagement_rate, account.avg_likes) != before:
                self.touched.add(account.influencer_id)
        if self.touched:
            metrics.refresh_influencers(self.s, self.touched, self.scheme, self.custom)


def _batches(items: Iterable[RowData | RowError], size: int) -> Iterator[list[RowData | RowError]]:
    batch: list[RowData | RowError] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def run_import(
    session: Session,
    source: Source,
    *,
    workspace_id: int,
    scheme: str = "global",
    custom: Any = None,
    dry_run: bool = False,
    source_name: str = "import",
    on_progress: Callable[[int, float], None] | None = None,
    on_batch: Callable[[ImportResult], None] | None = None,
    columnar: bool | None = None,
) -> ImportResult:
    """Validate and upsert every record of ``source`` into the workspace; never commits.

    Tabular sources (CSV, XLSX, JSON rows) take the columnar path of :mod:`kizuna.influencers.columnar` unless
    ``columnar=False`` (the per-row path, kept for API payloads and as the reference the tests compare with).

    ``on_progress(rows_done, fraction)`` is called after each batch (for progress bars); ``on_batch`` lets a
    background job commit after each batch so its progress row becomes visible (see the ADR: a job trades
    file-level atomicity for visible progress; each batch is still all-or-nothing and re-running is idempotent).
    """
    result = ImportResult(
        file_format=source.file_format,
        encoding=source.encoding,
        dry_run=dry_run,
        warnings=list(source.warnings),
    )
    nested = session.begin_nested() if dry_run else None
    try:
        writer = _Writer(session, workspace_id, scheme, custom, source_name)
        if columnar is None:
            columnar = source.table is not None
        if columnar:
            from kizuna.influencers import columnar as fast

            fast.run(
                session,
                source,
                writer,
                result,
                dry_run=dry_run,
                on_progress=on_progress,
                on_batch=on_batch,
            )
        for batch_records in _chunks(source.records() if not columnar else iter(()), BATCH):
            valid: list[RowData] = []
            for n, rec in batch_records:
                result.rows += 1
                outcome = validate(n, rec)
                if isinstance(outcome, list):
                    result.rejected += 1
                    if len(result.errors) < MAX_ERRORS_KEPT:
                        result.errors.extend(outcome[: max(1, MAX_ERRORS_KEPT - len(result.errors))])
                else:
                    valid.append(outcome)
            if valid:
                writer.write(valid, result)
            if on_progress is not None:
                on_progress(result.rows, source.progress())
            if on_batch is not None and not dry_run:
                writer.finish()
                writer.touched.clear()
                writer.accounts_with_posts.clear()
                on_batch(result)
                writer.conn = session.connection()
        writer.finish()
        session.flush()
        if result.duplicates:
            result.warnings.append(
                Notice(
                    "%(count)s rows repeat a platform + handle that appears later in the same batch of the file; "
                    "the later row was used (counted as unchanged)",
                    count=result.duplicates,
                )
            )
    finally:
        if nested is not None:
            nested.rollback()
    if dry_run:
        result.influencer_ids.clear()
    return result


def _chunks(records: Iterator[Record], size: int) -> Iterator[list[Record]]:
    batch: list[Record] = []
    for rec in records:
        batch.append(rec)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def rejected_rows_csv(errors: Iterable[Mapping[str, Any] | RowError]) -> str:
    """The rejected rows as CSV text (row, column, value, reason) for download."""
    import csv
    import io

    from kizuna.kit.sheets import formula_safe_text

    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["row", "column", "value", "reason"])
    for e in errors:
        d = e.as_dict() if isinstance(e, RowError) else e
        w.writerow(
            [
                d.get("row"),
                formula_safe_text(d.get("column")),
                formula_safe_text(d.get("value")),
                d.get("reason"),
            ]
        )
    return out.getvalue()
