"""The columnar import path for tabular files (docs/adr/0103-columnar-import.md).

:func:`kizuna.influencers.importer.validate` checks one record at a time and :class:`~kizuna.influencers.importer.
_Writer` writes dictionaries: about 130 µs of Python per row. For CSV, XLSX and JSON tables this module does the
same work a chunk at a time, column by column:

1. The chunk's rows are transposed into columns, and every mapped column is parsed with a list comprehension and a
   per-column memo (a country, a platform, "4.27%" or a category list is parsed once per distinct text, not once
   per row). Each cell ends up as a value, :data:`ABSENT` (empty or a missing marker such as "N/A") or
   :data:`SLOW`. This is done a block of :data:`BLOCK` rows at a time (every rule is row by row, so the chunk's
   result is its blocks' results in order; a block's cells stay in the CPU cache through all the column passes).
2. :data:`SLOW` means "not the common case": a cell the fast rules do not accept (an unparseable number, an unknown
   country, a bad e-mail, an XLSX cell that is not text, a row with extra cells...). Such a row is handed, whole,
   to the per-row :func:`~kizuna.influencers.importer.validate`, and its outcome (a :class:`RowData` or its row
   errors) replaces the fast result. Every row error therefore comes from the one per-row validator, and the fast
   rules only ever accept cells that they parse with the same functions (``_count``, ``_decimal``,
   ``_percent``, ``country_code``, ``normalize_platform``, ``handle_key``, ``_split_list``...), so the two paths
   cannot drift apart. ``tests/influencers/test_columnar.py`` runs both over the same files and compares.
3. Writing: duplicates inside a chunk collapse to the last row (as before), accounts that already exist go through
   the per-row update path of ``_Writer.write`` (one lookup per chunk finds them), and new rows are grouped into
   influencers with the same rules as ``_Writer._insert_new`` and inserted with ``executemany`` of pre-built
   tuples: influencers, accounts and follower snapshots, three statements per chunk.

Workspace scoping: these are Core/DB-API statements on the unit of work's connection, so the ORM tenancy hooks do
not see them; :func:`_insert` stamps ``workspace_id`` on every row it writes, and every lookup here filters on
it (the same contract as the rest of the importer).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import json
import multiprocessing
import operator
import os
import pickle
import re
import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, fields
from json.encoder import encode_basestring_ascii
from pathlib import Path
from typing import Any

from sqlalchemy import Float, func, insert, select
from sqlalchemy import Table as SATable
from sqlalchemy.orm import Session

from kizuna.errors import KizunaError
from kizuna.influencers import importer, metrics, sources
from kizuna.influencers.importer import (
    _EMAIL,
    ImportResult,
    RowData,
    RowError,
    _count,
    _decimal,
    _missing,
    _parse_dt,
    _percent,
    _split_list,
    _t,
    country_code,
    handle_key,
    normalize_platform,
    validate,
)
from kizuna.influencers.sources import ImportFileError
from kizuna.influencers.tiers import tiers_for_scheme
from kizuna.kit.numbers import MISSING, NOT_MARKER_CHARS, NumberFormatError, is_missing
from kizuna.models.audience_profile import AudienceProfile
from kizuna.models.base import JsonType
from kizuna.models.influencer import Influencer
from kizuna.models.metric_snapshot import MetricSnapshot
from kizuna.models.social_account import SocialAccount

#: Rows per chunk: large enough that per-chunk statements and lookups cost nothing per row, small enough that a
#: chunk's cells (a few tens of MB) stay far below the memory goal and a background job reports progress often.
CHUNK = 20_000
#: Keys per ``IN (...)`` list of the existing-account lookup (below every database's bind-parameter limit).
LOOKUP_SLICE = 5_000
#: A per-column memo is dropped when it grows past this many distinct cells (names, bios, e-mails).
MEMO_LIMIT = 50_000
#: Rows validated at a time inside a chunk: every column pass over a block finds its cells still in the CPU cache
#: (a whole chunk's cells do not fit), and every rule is row by row, so the chunk's result is the blocks' results
#: one after the other.
BLOCK = 1_000


class _Marker:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


ABSENT: Any = _Marker("ABSENT")
SLOW: Any = _Marker("SLOW")
_MISS: Any = _Marker("MISS")

_VERIFIED_TRUE = frozenset(("true", "yes", "y", "1", "はい", "済", "✓", "verified"))
_VERIFIED_FALSE = frozenset(("false", "no", "n", "0", "いいえ", "未"))


class _Slow(Exception):
    """Raised by a cell parser: leave the whole row to the per-row validator."""


# --- cell parsers: each takes the cleaned text that validate()'s first()/number() would look at ------------------


_TEXT_LIMITS: dict[Callable[[str], Any], int | None] = {}


def _text(limit: int) -> Callable[[str], str]:
    def parse(v: str) -> str:
        return v[:limit]

    _TEXT_LIMITS[parse] = limit
    return parse


def _identity(v: str) -> str:
    return v


_TEXT_LIMITS[_identity] = None


def _platform(v: str) -> str:
    p = normalize_platform(v)
    if p is None:
        raise _Slow
    return p


def _country(v: str) -> str:
    c = country_code(v)
    if c is None:
        raise _Slow
    return c


def _verified(v: str) -> bool:
    s = v.strip().lower()
    if s in _VERIFIED_TRUE:
        return True
    if s in _VERIFIED_FALSE:
        return False
    raise _Slow


def _manager_email(v: str) -> str:
    s = v.strip()
    if not _EMAIL.match(s):
        raise _Slow
    return s.lower()


def _influencer_id(v: str) -> int:
    return int(v.strip())


def _cell(c: object, parse: Callable[[str], Any]) -> Any:
    """One cell through ``first()``'s cleaning and a parser: a value, ABSENT or SLOW."""
    if c is None:
        return ABSENT
    if c.__class__ is not str:
        return SLOW  # XLSX/JSON numbers, dates and booleans: the per-row validator knows them
    v = c.strip().strip("'").strip()
    if not v:
        return ABSENT
    if len(v) <= 16:  # importer._missing, inlined (every missing marker is short)
        if v.isascii():
            if v.replace(" ", "").lower() in MISSING:
                return ABSENT
        elif is_missing(v):
            return ABSENT
    try:
        return parse(v)
    except (_Slow, NumberFormatError, ValueError):
        return SLOW


class _Memo(dict[object, Any]):
    """A per-column memo of parsed cells; ``slow``: some value is SLOW."""

    __slots__ = ("slow",)

    def __init__(self) -> None:
        super().__init__()
        self.slow = False

    def parse(self, col: Sequence[object], parse: Callable[[Any], Any]) -> list[Any]:
        """``parse(c)`` for every cell, each distinct cell parsed once while the memo stays small: one lookup of
        every cell, then the cells not found yet."""
        if len(self) > MEMO_LIMIT:
            self.clear()
            self.slow = False
        out = list(map(self.get, col, itertools.repeat(_MISS)))
        if _has(out, _MISS):
            for k in itertools.compress(range(len(out)), map(operator.is_, out, itertools.repeat(_MISS))):
                c = col[k]
                v = self.get(c, _MISS)
                if v is _MISS:
                    v = self[c] = parse(c)
                    if v is SLOW:
                        self.slow = True
                out[k] = v
        return out


def _text_column(col: Sequence[object], limit: int | None) -> tuple[list[Any], bool]:
    """``_cell(c, _text(limit))`` for every cell, as one loop (names, handles, URLs, bios: no memo helps); and
    whether a cell is SLOW."""
    out: list[Any] = []
    append = out.append
    disjoint = NOT_MARKER_CHARS.isdisjoint  # a cell with one of these characters is no missing marker
    slow = False
    for c in col:
        if c.__class__ is str:
            v: Any = c.strip().strip("'").strip()
            if not v or (
                len(v) <= 16
                and disjoint(v)
                and (v.replace(" ", "").lower() in MISSING if v.isascii() else is_missing(v))
            ):
                v = ABSENT
            elif limit is not None and len(v) > limit:
                v = v[:limit]
            append(v)
        elif c is None:
            append(ABSENT)
        else:
            append(SLOW)
            slow = True
    return out, slow


def _digit_cells(col: Sequence[object], conv: Callable[[str], Any]) -> list[Any] | None:
    """A column of plain ASCII digit strings (empty cells allowed) as ``conv(c)`` / ABSENT, or None if any cell is
    something else. One JSON array parse instead of one int() per cell."""
    texts: Sequence[str] = col  # type: ignore[assignment]
    try:
        joined = "".join(texts)
    except TypeError:  # a cell that is not text: None (a short row), or an XLSX/JSON number
        return None
    if not (joined.isdigit() and joined.isascii()):
        return None  # some cell has another character (or every cell is empty)
    full = all(texts)
    try:
        values: list[Any] = json.loads("[" + ",".join(texts if full else [c or "null" for c in texts]) + "]")
    except ValueError:  # leading zeros ("007"), or more digits than an int may have: conv() decides
        values = [conv(c) if c else None for c in texts]
    else:
        if conv is float:
            try:
                values = [None if v is None else float(v) for v in values]
            except OverflowError:  # float("1" * 400) is inf, float(int) raises
                values = [float(c) if c else None for c in texts]
    if not full:
        values = [ABSENT if v is None else v for v in values]
    return values


def _column(col: Sequence[object], parse: Callable[[str], Any], memo: _Memo | None) -> tuple[list[Any], bool]:
    """A column's values (value, ABSENT or SLOW per cell) and whether any is SLOW."""
    if memo is not None:
        out = memo.parse(col, functools.partial(_cell, parse=parse))
        return out, memo.slow
    limit = _TEXT_LIMITS.get(parse, _MISS)
    if limit is not _MISS:
        return _text_column(col, limit)
    if parse is _count or parse is _decimal:
        # plain digits: exactly what _count/_decimal's own first test does (int(v) / float(v))
        conv: Callable[[str], Any] = int if parse is _count else float
        digits = _digit_cells(col, conv)
        if digits is not None:
            return digits, False
        values = [
            conv(c) if c.__class__ is str and c.isdigit() and c.isascii() else _cell(c, parse) for c in col
        ]
    else:
        values = [_cell(c, parse) for c in col]
    return values, _has(values, SLOW)


def _list_cells(
    cols: Sequence[Sequence[object]], split: Callable[[tuple[object, ...]], Any], memo: _Memo
) -> tuple[list[Any], bool]:
    """List fields (categories, languages, tags, e-mails) from the raw cells of every mapped column, and whether
    any is SLOW."""
    if split is _split_emails and len(cols) == 1:
        emails = _plain_emails(cols[0])
        if emails is not None:
            return emails, False
    if len(cols) > 1:
        out = memo.parse(list(zip(*cols, strict=True)), split)
    else:
        out = memo.parse(cols[0], _one_cell(split))
    return out, memo.slow


@functools.cache
def _one_cell(split: Callable[[tuple[object, ...]], Any]) -> Callable[[object], Any]:
    def one(c: object) -> Any:
        return split((c,))

    return one


def _has(values: Sequence[Any], marker: Any) -> bool:
    """``marker in values`` by identity, without an ``==`` call per element."""
    return any(map(operator.is_, values, itertools.repeat(marker)))


def _present(cells: tuple[object, ...]) -> list[str] | None:
    """The cells ``_tabular_records`` keeps (not None, not blank) as text; None when a cell is not text."""
    out = []
    for c in cells:
        if c is None:
            continue
        if c.__class__ is not str:
            return None
        if c.strip():
            out.append(c)
    return out


def _split_categories(cells: tuple[object, ...]) -> Any:
    present = _present(cells)
    if present is None:
        return SLOW
    categories: list[str] = []
    for value in present:
        for cat in _split_list(value):
            if not _missing(cat) and cat not in categories:
                categories.append(cat[:60])
    return categories


_EMAIL_LINE = re.compile(_EMAIL.pattern, re.MULTILINE)


def _plain_emails(col: Sequence[object]) -> list[Any] | None:
    """``_split_emails((c,))`` for a column whose cells are all empty or one plain ASCII address (no "|"), or None.
    One regex scan of the column joined by newlines (an address has no whitespace, so a match is one line). A
    repeated address is one list object, as the general path's memo gives (a small dict, not the big memo)."""
    try:
        stripped = list(map(str.strip, col))  # type: ignore[arg-type]
    except TypeError:  # a cell that is not text
        return None
    joined = "\n".join(stripped)
    if not joined.isascii() or "|" in joined or joined.count("\n") != len(stripped) - 1:
        return None
    addresses = len(stripped) - stripped.count("")
    if len(_EMAIL_LINE.findall(joined)) != addresses:
        return None
    lists = dict.fromkeys(stripped)
    for e in lists:
        lists[e] = [e.lower()] if e else []
    return list(map(lists.__getitem__, stripped))


def _splitter(limit: int) -> Callable[[tuple[object, ...]], Any]:
    def split(cells: tuple[object, ...]) -> Any:
        present = _present(cells)
        if present is None:
            return SLOW
        return [x[:limit] for value in present for x in _split_list(value) if not _missing(x)]

    return split


def _split_emails(cells: tuple[object, ...]) -> Any:
    if len(cells) == 1:
        c = cells[0]
        if c.__class__ is str and c.isascii():
            # one address: _split_list keeps it whole (no separator), stripped; no marker contains "@"
            e = c.strip()
            if "|" not in e and _EMAIL.match(e):
                return [e.lower()]
    present = _present(cells)
    if present is None:
        return SLOW
    emails: list[str] = []
    for value in present:
        for e in _split_list(value):
            if _missing(e):
                continue
            if not _EMAIL.match(e):
                return SLOW
            if e.lower() not in emails:
                emails.append(e.lower())
    return emails


# --- the plan of a file and the validated chunk ---------------------------------------------------------------


@dataclass
class Plan:
    """Which columns feed which field, fixed for the whole file."""

    headers: list[str]
    width: int
    cols: list[tuple[int, str]]  # sorted (column index, field), as _tabular_records uses them
    by_field: dict[str, list[int]]
    platform: str | None  # the file-level platform used when a row has no platform cell

    @classmethod
    def of(cls, headers: list[str], mapping: dict[int, str], platform: str | None) -> Plan:
        cols = sorted(mapping.items())
        by_field: dict[str, list[int]] = {}
        for i, f in cols:
            by_field.setdefault(f, []).append(i)
        return cls(headers, len(headers), cols, by_field, platform)

    def label(self, i: int) -> str:
        return self.headers[i] or f"column {i + 1}"

    def record(self, row: Sequence[object]) -> dict[str, list[tuple[str, Any]]]:
        """The record the per-row path builds for this row (see ``importer._tabular_records``)."""
        return importer.tabular_record(self.headers, self.cols, self.platform, row)


@dataclass
class Valid:
    """Validated rows of one chunk, one list per field, in file order."""

    row: list[int]
    platform: list[str]
    handle: list[str]
    handle_key: list[str]
    followers: list[int | None]
    following: list[int | None]
    posts_count: list[int | None]
    avg_likes: list[float | None]
    avg_comments: list[float | None]
    avg_views: list[float | None]
    engagement_rate: list[float | None]
    engagement_definition: list[str | None]
    verified: list[bool | None]
    account_created_at: list[Any]
    url: list[str | None]
    external_id: list[str | None]
    display_name: list[str]
    emails: list[list[str]]
    country: list[str | None]
    city: list[str | None]
    bio: list[str]
    notes: list[str]
    languages: list[list[str]]
    categories: list[list[str]]
    tags: list[list[str]]
    manager: list[tuple[str, str | None] | None]
    audience_country: list[str | None]
    influencer_id: list[int | None]

    def __len__(self) -> int:
        return len(self.row)

    def take(self, idx: Sequence[int]) -> Valid:
        return Valid(**{f.name: [getattr(self, f.name)[k] for k in idx] for f in fields(self)})

    def set_row(self, k: int, r: RowData) -> None:
        """Put a row validated by the per-row path at position ``k``."""
        a, inf = r.account, r.influencer
        values: dict[str, Any] = {
            "row": r.row,
            "platform": r.platform,
            "handle": r.handle,
            "handle_key": r.handle_key,
            **{f: a[f] for f in importer.ACCOUNT_METRIC_FIELDS},
            **{f: a.get(f) for f in importer.ACCOUNT_OPTIONAL_FIELDS},
            "display_name": inf["display_name"],
            "emails": inf.get("emails") or [],
            "country": inf.get("country"),
            "city": inf.get("city"),
            "bio": inf.get("bio", ""),
            "notes": inf.get("notes", ""),
            "languages": inf.get("languages", []),
            "categories": inf.get("categories", []),
            "tags": inf.get("tags", []),
            "manager": r.manager,
            "audience_country": r.audience_country,
            "influencer_id": r.influencer_id,
        }
        for name, value in values.items():
            getattr(self, name)[k] = value

    def row_data(self, k: int) -> RowData:
        """Row ``k`` as the per-row path's :class:`RowData` (for accounts that already exist)."""
        account: dict[str, Any] = {f: getattr(self, f)[k] for f in importer.ACCOUNT_METRIC_FIELDS}
        for f in importer.ACCOUNT_OPTIONAL_FIELDS:
            if getattr(self, f)[k] is not None:
                account[f] = getattr(self, f)[k]
        influencer: dict[str, Any] = {"display_name": self.display_name[k]}
        for f in ("emails", "country", "city", "bio", "notes", "languages", "categories", "tags"):
            v = getattr(self, f)[k]
            if v:
                influencer[f] = list(v) if isinstance(v, list) else v
        return RowData(
            row=self.row[k],
            platform=self.platform[k],
            handle=self.handle[k],
            handle_key=self.handle_key[k],
            account=account,
            influencer=influencer,
            manager=self.manager[k],
            audience_country=self.audience_country[k],
            influencer_id=self.influencer_id[k],
        )


@dataclass
class Checked:
    """One validated chunk: what :func:`run` adds to the result and writes."""

    valid: Valid
    rows: int
    rejected: list[list[RowError]]
    progress: float = 0.0

    @staticmethod
    def joined(parts: Sequence[Checked]) -> Checked:
        """Consecutive blocks of rows validated one by one, as one chunk."""
        if len(parts) == 1:
            return parts[0]
        columns: dict[str, list[Any]] = {}
        for f in fields(Valid):
            columns[f.name] = list(itertools.chain.from_iterable(getattr(p.valid, f.name) for p in parts))
        rejected = [errors for p in parts for errors in p.rejected]
        return Checked(Valid(**columns), sum(p.rows for p in parts), rejected)

    def count(self, result: ImportResult) -> None:
        """Add the chunk's rows and rejections to ``result`` (row errors capped as in the per-row path)."""
        result.rows += self.rows
        for errors in self.rejected:
            result.rejected += 1
            if len(result.errors) < importer.MAX_ERRORS_KEPT:
                result.errors.extend(errors[: max(1, importer.MAX_ERRORS_KEPT - len(result.errors))])


# field -> (cell parser, memoise per distinct cell text)
_FIELDS: dict[str, tuple[Callable[[str], Any], bool]] = {
    "platform": (_platform, True),
    "handle": (_identity, False),
    "display_name": (_identity, False),
    "followers": (_count, False),
    "following": (_count, False),
    "posts_count": (_count, False),
    "avg_likes": (_decimal, True),
    "avg_comments": (_decimal, True),
    "avg_views": (_decimal, False),
    "avg_engagement": (_decimal, False),
    "engagement_rate": (_percent, True),
    "engagement_definition": (_identity, True),
    "country": (_country, True),
    "audience_country": (_country, True),
    "manager": (_identity, True),
    "manager_email": (_manager_email, True),
    "verified": (_verified, True),
    "account_created_at": (_parse_dt, True),
    "influencer_id": (_influencer_id, False),
    "url": (_text(500), False),
    "external_id": (_text(120), False),
    "city": (_text(120), True),
    "bio": (_text(100_000), False),
    "notes": (_text(100_000), False),
}
_LIST_FIELDS: dict[str, Callable[[tuple[object, ...]], Any]] = {
    "category": _split_categories,
    "language": _splitter(12),
    "tags": _splitter(40),
    "email": _split_emails,
}


class ChunkValidator:
    """Validates chunks of one file; keeps the per-column memos between chunks."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.memos: dict[str, _Memo] = {f: _Memo() for f in (*_FIELDS, *_LIST_FIELDS)}

    def _field(
        self, name: str, columns: dict[int, Sequence[object]], n: int, source: list[int] | None = None
    ) -> tuple[list[Any], bool]:
        """A field's values: the first column (in file order) whose cell is not empty or missing, as
        ``first()`` and ``number()`` pick it; ``source`` receives that column's index per row. Also whether a
        value may be SLOW (False: certainly none is)."""
        idx = self.plan.by_field.get(name)
        if not idx:
            return [ABSENT] * n, False
        parse, memoise = _FIELDS[name]
        memo = self.memos[name] if memoise else None
        out, slow = _column(columns[idx[0]], parse, memo)
        if source is not None:
            source.extend([idx[0]] * n)
        for i in idx[1:]:
            if not _has(out, ABSENT):
                break
            more, more_slow = _column(columns[i], parse, memo)
            slow = slow or more_slow
            if source is not None:
                for k, a in enumerate(out):
                    if a is ABSENT:
                        source[k] = i
            out = [b if a is ABSENT else a for a, b in zip(out, more, strict=True)]
        return out, slow

    def validate(self, chunk: list[tuple[int, list[object]]]) -> Checked:
        """Validate one chunk: the valid rows, and the row errors of each rejected row in file order."""
        if len(chunk) <= BLOCK:
            return self.validate_block(chunk)
        return Checked.joined(
            [self.validate_block(chunk[i : i + BLOCK]) for i in range(0, len(chunk), BLOCK)]
        )

    def validate_block(self, chunk: list[tuple[int, list[object]]]) -> Checked:
        """:meth:`validate` for a block of at most :data:`BLOCK` rows."""
        plan = self.plan
        n = len(chunk)
        rejected: list[list[RowError]] = []
        width = plan.width
        rows: list[Sequence[object]] = list(map(_SECOND, chunk))
        slow = bytearray(n)
        if n and set(map(len, rows)) != {width}:
            for k, r in enumerate(rows):
                if len(r) < width:
                    rows[k] = [*r, *([None] * (width - len(r)))]
                elif len(r) > width:
                    if any(not is_missing(c) and str(c).strip() for c in r[width:]):
                        slow[k] = 1  # "the row has more cells than the header": the per-row path says so
                    rows[k] = r[:width]
        mapped = sorted({i for i, _f in plan.cols})
        transposed = list(zip(*rows, strict=True)) if rows else []
        columns: dict[int, Sequence[object]] = {i: transposed[i] for i in mapped}
        del transposed, rows
        er_source: list[int] = []
        get: dict[str, list[Any]] = {}
        scan: list[list[Any]] = []  # the value lists that may hold SLOW
        for name in _FIELDS:
            values, may_slow = self._field(name, columns, n, er_source if name == "engagement_rate" else None)
            get[name] = values
            if may_slow:
                scan.append(values)
        lists: dict[str, list[Any] | None] = {}
        for name, split in _LIST_FIELDS.items():
            idx = plan.by_field.get(name)
            if idx:
                values, may_slow = _list_cells([columns[i] for i in idx], split, self.memos[name])
                lists[name] = values
                if may_slow:
                    scan.append(values)
            else:
                lists[name] = None
        # required cells and the file-level platform
        platform = get["platform"]
        if _has(platform, ABSENT):
            fallback = plan.platform if "platform" not in plan.by_field and plan.platform else SLOW
            platform = [fallback if p is ABSENT else p for p in platform]
            scan.append(platform)
        handle = get["handle"]
        for values in scan:
            if _has(values, SLOW):
                for k in itertools.compress(range(n), map(operator.is_, values, itertools.repeat(SLOW))):
                    slow[k] = 1
        if _has(handle, ABSENT):
            for k in itertools.compress(range(n), map(operator.is_, handle, itertools.repeat(ABSENT))):
                slow[k] = 1
        try:
            too_long = bool(handle) and max(map(len, handle)) > 200
        except TypeError:  # ABSENT or SLOW among them
            too_long = True
        if too_long:
            for k, h in enumerate(handle):
                if h.__class__ is str and len(h) > 200:
                    slow[k] = 1

        def nones(name: str) -> list[Any]:
            values = get[name]
            if name not in plan.by_field:
                return [None] * n
            return list(map(_NONE_FOR_ABSENT.get, values, values)) if _has(values, ABSENT) else values

        def texts(name: str) -> list[Any]:
            values = get[name]
            if name not in plan.by_field:
                return [""] * n
            return list(map(_EMPTY_FOR_ABSENT.get, values, values)) if _has(values, ABSENT) else values

        def empty_lists(values: list[Any] | None) -> list[Any]:
            if values is None:
                return [[]] * n
            return [[] if v is SLOW else v for v in values] if _has(values, SLOW) else values

        out = Valid(
            row=list(map(_FIRST, chunk)),
            platform=platform,
            handle=handle,
            handle_key=_handle_keys(platform, handle),
            followers=nones("followers"),
            following=nones("following"),
            posts_count=nones("posts_count"),
            avg_likes=[],
            avg_comments=[],
            avg_views=[],
            engagement_rate=[],
            engagement_definition=[],
            verified=nones("verified"),
            account_created_at=nones("account_created_at"),
            url=nones("url"),
            external_id=nones("external_id"),
            display_name=_display_names(get["display_name"], handle),
            emails=empty_lists(lists["email"]),
            country=nones("country"),
            city=nones("city"),
            bio=texts("bio"),
            notes=texts("notes"),
            languages=empty_lists(lists["language"]),
            categories=empty_lists(lists["category"]),
            tags=empty_lists(lists["tags"]),
            manager=[],
            audience_country=nones("audience_country"),
            influencer_id=nones("influencer_id"),
        )
        if not all(out.handle_key):
            for k, key in enumerate(out.handle_key):
                if not key:
                    slow[k] = 1  # no handle, or one that is empty once "@" and a URL prefix are removed
        self._derived(out, get, er_source, plan)
        # rows the fast rules did not accept: the per-row validator decides, in file order
        keep: list[int] | None = None
        dropped = bytearray(n)
        for k in itertools.compress(range(n), slow):
            number, raw = chunk[k]
            outcome = validate(number, plan.record(raw))
            if isinstance(outcome, list):
                rejected.append(outcome)
                dropped[k] = 1
            else:
                out.set_row(k, outcome)
        if rejected:
            keep = list(itertools.compress(range(n), map(operator.not_, dropped)))
        valid = out if keep is None else out.take(keep)
        return Checked(valid, n, rejected)

    @staticmethod
    def _derived(out: Valid, get: dict[str, list[Any]], er_source: list[int], plan: Plan) -> None:
        """Averages, engagement rate with its definition, and the manager: validate()'s rules on already parsed
        values (``metrics.from_averages`` inlined, then its two fallbacks for the rows it leaves without a
        rate)."""
        n = len(out.followers)
        likes, comments, views, eng = (
            _floats(get[f], n) for f in ("avg_likes", "avg_comments", "avg_views", "avg_engagement")
        )
        if not all(map(operator.is_, eng, itertools.repeat(None))):
            for k, (lk, cm, en) in enumerate(zip(likes, comments, eng, strict=True)):
                if lk is not None and cm is None and en is not None:
                    comments[k] = float(max(en - lk, 0))
        followers, platform = out.followers, out.platform
        video = metrics.VIDEO_PLATFORMS
        er: list[float | None]
        definition: list[str | None]
        if (
            not any(views)  # so never per view
            and not _has(likes, None)
            and not _has(comments, None)
            and all(followers)  # no None, no 0
            and not _has(followers, SLOW)
            and not _has(platform, SLOW)
        ):
            # every row takes from_averages' per-follower case
            sums = map(operator.add, likes, comments)
            er = list(map(round, map(operator.truediv, sums, followers), itertools.repeat(6)))
            definition = [_PER_FOLLOWER] * n
        else:
            er, definition = [], []
            er_append, def_append = er.append, definition.append
            for lk, cm, vw, f, p in zip(likes, comments, views, followers, platform, strict=True):
                if lk is None or cm is None or p.__class__ is not str or f is SLOW:
                    er_append(None)  # from_averages gives no rate (or a slow row: recomputed by validate())
                    def_append(None)
                elif vw and p in video:
                    er_append(round((lk + cm) / vw, 6))
                    def_append(_PER_VIEW)
                elif f:
                    er_append(round((lk + cm) / f, 6))
                    def_append(_PER_FOLLOWER)
                else:
                    er_append(None)
                    def_append(None)
        if _has(er, None):
            labels = {i: plan.label(i) for i in plan.by_field.get("engagement_rate") or []}
            definition_given = get["engagement_definition"]
            imported = get["engagement_rate"]
            for k in itertools.compress(range(n), map(operator.is_, er, itertools.repeat(None))):
                f, p = followers[k], platform[k]
                if p.__class__ is not str or f is SLOW:
                    continue
                en = eng[k]
                if en is not None and f:
                    er[k], definition[k] = round(float(en) / f, 6), _PER_FOLLOWER
                    continue
                er_imp = imported[k]
                if er_imp is not ABSENT and er_imp is not SLOW and er_imp is not None:
                    column = labels[er_source[k]]
                    given = definition_given[k]
                    label = (
                        given
                        if given is not ABSENT and given is not SLOW and given.startswith("imported:")
                        else None
                    )
                    er[k], definition[k] = round(er_imp, 6), (label or f"imported:{column}")[:200]
        out.avg_likes, out.avg_comments, out.avg_views = likes, comments, views
        out.engagement_rate, out.engagement_definition = er, definition
        managers, emails = get["manager"], get["manager_email"]
        manager: list[tuple[str, str | None] | None] = [None] * n
        if "manager" in plan.by_field or "manager_email" in plan.by_field:
            managers = list(map(_NONE_FOR_MARKERS.get, managers, managers))
            emails = list(map(_NONE_FOR_MARKERS.get, emails, emails))
            given_any = map(
                operator.or_,
                map(operator.is_not, managers, itertools.repeat(None)),
                map(operator.is_not, emails, itertools.repeat(None)),
            )
            for k in itertools.compress(range(n), given_any):
                m, me = managers[k], emails[k]
                manager[k] = (m.strip()[:200] if m is not None else str(me), me)
        out.manager = manager


_FIRST = operator.itemgetter(0)
_SECOND = operator.itemgetter(1)
_NONE_FOR_ABSENT: dict[Any, Any] = {ABSENT: None}
_EMPTY_FOR_ABSENT: dict[Any, Any] = {ABSENT: ""}
_NONE_FOR_MARKERS: dict[Any, Any] = {ABSENT: None, SLOW: None}
_PER_VIEW = "view:average_counts"  # metrics.from_averages' definitions
_PER_FOLLOWER = "follower:average_counts"


def _floats(values: list[Any], n: int) -> list[float | None]:
    """An average as validate() passes it on: None when absent or slow, else the float ``_decimal`` made (so
    ``float(v)`` is ``v`` itself)."""
    if _has(values, ABSENT) or _has(values, SLOW):
        return list(map(_NONE_FOR_MARKERS.get, values, values))
    return list(values)


def _handle_keys(platform: list[Any], handle: list[Any]) -> list[str]:
    """``handle_key`` of each row ("" where the platform or handle is not text: the row is slow anyway)."""
    try:
        joined = "".join(handle)
    except TypeError:  # ABSENT or SLOW among them
        joined = "/"
    if joined.isascii() and "/" not in joined and " " not in joined:
        # handle_key's own first case for every handle: strip (a no-op: cells come stripped), lstrip("@"), lower
        keys = list(map(str.lower, map(str.lstrip, handle, itertools.repeat("@"))))
        if not _has(platform, SLOW):
            return keys
        return ["" if p is SLOW else key for p, key in zip(platform, keys, strict=True)]
    return [
        handle_key(p, h) if h.__class__ is str and p.__class__ is str else ""
        for p, h in zip(platform, handle, strict=True)
    ]


def _display_names(names: list[Any], handle: list[Any]) -> list[Any]:
    """The name, cut to 300 characters, else the handle without "@"."""
    try:
        longest = max(map(len, names), default=0)
    except TypeError:  # ABSENT or SLOW among them
        longest = -1
    if 0 <= longest <= 300:
        return list(names)  # every name is non-empty text that fits
    names = list(map(_NONE_FOR_ABSENT.get, names, names))
    return [
        (nm[:300] if nm.__class__ is str else (h.lstrip("@") if h.__class__ is str else "")) or h
        for nm, h in zip(names, handle, strict=True)
    ]


# --- writing ---------------------------------------------------------------------------------------------------


def _json_list(value: list[str]) -> str:
    """``json.dumps`` of a list of strings (default separators, ASCII escapes), without the encoder object."""
    return "[" + ", ".join(map(encode_basestring_ascii, value)) + "]"


@functools.lru_cache(maxsize=8)
def _json_list_matches(proc: Callable[[Any], Any]) -> bool:
    """Whether a JSON column's bind processor writes exactly what :func:`_json_list` writes."""
    sample = ["a", 'é"\\\n', "日本", ""]
    try:
        return bool(proc(sample) == _json_list(sample) and proc([]) == _json_list([]))
    except Exception:
        return False


def _process(col: list[Any], proc: Callable[[Any], Any], type_: Any) -> list[Any]:
    """Column values through a bind processor, each distinct value converted once (lists of strings for JSON
    columns are keyed by their tuple)."""
    if col.count(None) == len(col):
        return col
    if isinstance(type_, Float) and set(map(type, col)) <= _FLOAT_KINDS:
        return col  # the Float processor returns a float unchanged
    convert = proc
    if isinstance(type_, JsonType) and _json_list_matches(proc):

        def convert(x: Any) -> Any:
            if x.__class__ is list and all(e.__class__ is str for e in x):
                return _json_list(x)
            return proc(x)

    memo: dict[Any, Any] = {}
    out: list[Any] = []
    append = out.append
    for x in col:
        if x is None:
            append(None)
            continue
        key = tuple(x) if x.__class__ is list else x
        r = memo.get(key, _MISS)
        if r is _MISS:
            r = memo[key] = convert(x)
        append(r)
    return out


_FLOAT_KINDS = frozenset({float, type(None)})


def _insert(conn: Any, table: SATable, columns: dict[str, Any], n: int, *, ids: bool = False) -> list[int]:
    """Insert ``n`` rows given as columns (a list of ``n`` values, or one value for every row); with ``ids``,
    return the new ids in row order.

    Every table written here is workspace-owned and its ``workspace_id`` is in ``columns``: these statements
    bypass the ORM hooks of :mod:`kizuna.tenancy`, so the caller stamps it (``ColumnarWriter.ws``).

    SQLite: ``executemany`` of tuples on the driver connection of the unit of work's transaction, values
    converted by the columns' own bind processors (so stored text is exactly what Core would write). New ids:
    the first row is inserted alone with ``RETURNING``; with the write lock held and an ``INTEGER PRIMARY KEY``
    the others get consecutive ids, which is checked (as ``importer.insert_returning_ids`` does). Elsewhere
    Core ``insert()`` with a list of dicts (``RETURNING ... sort_by_parameter_order`` for ids).
    """
    if n == 0:
        return []
    assert "workspace_id" in columns, "columnar writes stamp workspace_id themselves"
    names = list(columns)
    if conn.dialect.name != "sqlite":
        values = [c if isinstance(c, list) else itertools.repeat(c, n) for c in columns.values()]
        rows = [dict(zip(names, t, strict=False)) for t in zip(*values, strict=False)]
        if ids:
            stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            return [int(r[0]) for r in conn.execute(stmt, rows)]
        conn.execute(insert(table), rows)
        return []
    dialect = conn.dialect
    processed: list[Any] = []
    for name, col in columns.items():
        type_ = table.c[name].type
        proc = type_._cached_bind_processor(dialect)
        if not isinstance(col, list):
            processed.append([proc(col) if proc is not None and col is not None else col] * n)
        elif proc is None:
            processed.append(col)
        else:
            processed.append(_process(col, proc, type_))
    # a column with one value in every row (the workspace, "now", a column nothing in this file fills) is
    # written as a literal in the statement instead of being bound again for every row
    placeholders: list[str] = []
    bound: list[Any] = []
    for name, col in zip(names, processed, strict=True):
        given = columns[name]
        literal = _sql_literal(col[0]) if not isinstance(given, list) else _constant_literal(col, n)
        if literal is None:
            placeholders.append("?")
            bound.append(col)
        else:
            placeholders.append(literal)
    sql = f'INSERT INTO "{table.name}" ({", ".join(names)}) VALUES ({", ".join(placeholders)})'
    cursor = conn.connection.driver_connection.cursor()
    try:
        rows_iter = zip(*bound, strict=False) if bound else itertools.repeat((), n)
        if not ids:
            cursor.executemany(sql, rows_iter)
            return []
        cursor.execute(sql + " RETURNING id", next(rows_iter))
        first = int(cursor.fetchone()[0])
        if n > 1:
            cursor.executemany(sql, rows_iter)
            last = conn.execute(select(func.max(table.c.id))).scalar_one()
            if last != first + n - 1:
                raise RuntimeError(f"non-consecutive ids while inserting into {table.name}")
    finally:
        cursor.close()
    return list(range(first, first + n))


def _sql_literal(value: Any) -> str | None:
    """``value`` as an SQLite literal that stores exactly what binding it stores, or None when there is no such
    literal here: NULL, integers, and text without NUL (quotes doubled). Floats are always bound: a decimal
    literal is parsed by SQLite's own conversion, which is not guaranteed to round as the bound double is."""
    if value is None:
        return "NULL"
    if value.__class__ is int and -(1 << 63) <= value < (1 << 63):
        return str(value)
    if value.__class__ is str and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None


def _constant_literal(col: Any, n: int) -> str | None:
    """The literal for a column that holds one value in all ``n`` rows (see :func:`_sql_literal`), else None."""
    if not col:
        return None
    first = col[0]
    literal = _sql_literal(first)
    if literal is None or col.count(first) != n:
        return None
    # equal is not always enough: 1 == 1.0 == True (None and text equal only themselves here)
    if first.__class__ is int and not all(map(operator.is_, map(type, col), itertools.repeat(int))):
        return None
    return literal


def summary(
    followers: Sequence[int | None],
    ers: Sequence[float | None],
    categories: Sequence[str],
    tier: Callable[[int | None], str | None],
) -> tuple[int | None, int | None, str | None, float | None, str | None]:
    """``metrics.influencer_summary`` on columns: (max_followers, followers_total, tier, engagement_rate,
    primary_category); the engagement rate is the first largest account's, as ``max()`` picks it."""
    best: int | None = None
    top = -1
    total = 0
    for i, f in enumerate(followers):
        if f is None:
            continue
        total += int(f)
        if best is None or int(f) > best:
            best, top = int(f), i
    primary = categories[0][:60] if categories else None
    if best is None:
        return None, None, None, None, primary
    return best, total, tier(best), ers[top], primary


class ColumnarWriter:
    """Writes validated chunks through an ``importer._Writer`` (whose state it shares: managers, e-mail owners,
    the previous row for grouping, influencers to refresh)."""

    def __init__(self, writer: importer._Writer) -> None:
        self.w = writer
        acc = _t(SocialAccount)
        # Accounts can only already exist if the workspace had some when the import began, or if this import
        # wrote them: then only keys this import wrote are looked up (hashes: a collision costs one lookup).
        self.had_accounts = (
            writer.conn.execute(select(acc.c.id).where(acc.c.workspace_id == writer.ws).limit(1)).first()
            is not None
        )
        self.written: set[int] = set()
        if writer.scheme == "custom" and not writer.custom:
            self.bands: tuple[Any, ...] = ()
        else:
            self.bands = tiers_for_scheme(writer.scheme, writer.custom)
        self.tiers: dict[int, str | None] = {}

    def tier(self, followers: int | None) -> str | None:
        """``importer._Writer._tier`` (i.e. ``tier_for``) with the scheme's bands resolved once."""
        if followers is None:
            return None
        t = self.tiers.get(followers, _MISS)
        if t is _MISS:
            t = None
            for band in self.bands:
                if band.contains(followers):
                    t = band.key
                    break
            if len(self.tiers) > MEMO_LIMIT:
                self.tiers.clear()
            self.tiers[followers] = t
        return t  # type: ignore[no-any-return]

    def _existing(self, keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
        per_platform: dict[str, list[str]] = {}
        for key in keys:
            if key[1] and (self.had_accounts or hash(key) in self.written):
                per_platform.setdefault(key[0], []).append(key[1])
        found: set[tuple[str, str]] = set()
        acc = _t(SocialAccount)
        for platform, handles in per_platform.items():
            for start in range(0, len(handles), LOOKUP_SLICE):
                part = handles[start : start + LOOKUP_SLICE]
                for (hk,) in self.w.conn.execute(
                    select(acc.c.handle_key).where(
                        acc.c.workspace_id == self.w.ws,
                        acc.c.platform == platform,
                        acc.c.handle_key.in_(part),
                    )
                ):
                    found.add((platform, hk))
        return found

    def write(self, v: Valid, result: ImportResult) -> None:
        m = len(v)
        if m == 0:
            return
        keys = list(zip(v.platform, v.handle_key, strict=True))
        by_key = dict(zip(keys, range(m), strict=True))  # last row wins, at the first row's place
        order: list[int] | None = None
        if len(by_key) != m:
            dups = m - len(by_key)
            result.unchanged += dups
            result.duplicates += dups
            order = list(by_key.values())
        existing = self._existing(list(by_key))
        if existing:
            rows = order if order is not None else range(m)
            self.w.write([v.row_data(k) for k in rows if keys[k] in existing], result)
            order = [k for k in rows if keys[k] not in existing]
        new = v if order is None else v.take(order)
        if len(new):
            self._insert_new(new, result)
            if not self.had_accounts:
                self.written.update(map(hash, zip(new.platform, new.handle_key, strict=True)))

    def _insert_new(self, v: Valid, result: ImportResult) -> None:
        """``importer._Writer._insert_new`` for columns: the same grouping of rows into influencers."""
        w = self.w
        conn = w.conn
        n = len(v)
        inf = _t(Influencer)
        explicit = {i for i in v.influencer_id if i is not None}
        valid_ids: set[int] = set()
        if explicit:
            valid_ids = set(
                conn.execute(
                    select(inf.c.id).where(inf.c.workspace_id == w.ws, inf.c.id.in_(explicit))
                ).scalars()
            )
        email_owner = w.email_owner
        email_group: dict[str, int] = {}
        owner_of: list[int | None] = []
        group_of: list[int] = []
        groups: list[int] = []  # row index of each new influencer's first account
        members: list[list[int]] = []
        prev = w.last
        for k, (name, emails, iid) in enumerate(zip(v.display_name, v.emails, v.influencer_id, strict=True)):
            owner: int | None = iid if iid is not None and iid in valid_ids else None
            gid: int | None = None
            if owner is None and emails:
                for e in emails:
                    if e in email_owner:
                        owner = email_owner[e]
                        break
            if owner is None and emails:
                for e in emails:
                    if e in email_group:
                        gid = email_group[e]
                        break
            if (
                owner is None
                and gid is None
                and prev is not None
                and prev[0] == name
                and (not emails or not prev[1] or bool(set(emails) & set(prev[1])))
            ):
                owner, gid = prev[2], prev[3]
            if owner is None and gid is None:
                groups.append(k)
                members.append([])
                gid = len(groups) - 1
            if owner is None and gid is not None:
                for e in emails:
                    email_group.setdefault(e, gid)
                members[gid].append(k)
                group_of.append(gid)
            else:
                group_of.append(-1)
            owner_of.append(owner)
            prev = (name, tuple(emails), owner, gid if owner is None else None)
        w._prepare_managers(v.manager[k] for k in groups)
        # one influencer row per group, with the denormalised summary of its accounts
        followers, ers, cats = v.followers, v.engagement_rate, v.categories
        summaries: list[tuple[Any, ...]] = []
        emails_all: list[list[str]] = []
        # every follower count of the chunk mapped to its tier once (a dict lookup per row, not a call)
        tier_of: dict[int | None, str | None] = {f: self.tier(f) for f in set(followers)}
        tier = tier_of.__getitem__
        for g, first in enumerate(groups):
            mem = members[g]
            if len(mem) == 1:
                f = followers[first]
                c = cats[first]
                summaries.append(
                    (f, f, tier(f), ers[first] if f is not None else None, c[0][:60] if c else None)
                )
                emails_all.append(v.emails[first])  # not copied: nothing changes it
            else:
                summaries.append(
                    summary([followers[k] for k in mem], [ers[k] for k in mem], cats[first], tier)
                )
                merged: list[str] = []
                for k in mem:
                    merged += [e for e in v.emails[k] if e not in merged]
                emails_all.append(merged)
        max_f, total_f, tiers, inf_er, primary = (list(x) for x in zip(*summaries, strict=True))
        now = w.now
        new_ids = _insert(
            conn,
            inf,
            {
                "workspace_id": w.ws,
                "created_at": now,
                "updated_at": now,
                "display_name": [v.display_name[k] for k in groups],
                "kind": "person",
                "bio": [v.bio[k] for k in groups],
                "emails": emails_all,
                "languages": [v.languages[k] for k in groups],
                "country": [v.country[k] for k in groups],
                "city": [v.city[k] for k in groups],
                "timezone": None,
                "categories": [cats[k] for k in groups],
                "tags": [v.tags[k] for k in groups],
                "notes": [v.notes[k] for k in groups],
                "owner_user_id": None,
                "manager_id": [w._manager_id(v.manager[k]) for k in groups],
                "merged_into_id": None,
                "max_followers": max_f,
                "followers_total": total_f,
                "tier": tiers,
                "engagement_rate": inf_er,
                "primary_category": primary,
            },
            len(groups),
            ids=True,
        )
        for iid, emails in zip(new_ids, emails_all, strict=True):
            for e in emails:
                email_owner[e] = iid
        if prev is not None:
            owner_id = prev[2] if prev[2] is not None else (new_ids[prev[3]] if prev[3] is not None else None)
            w.last = (prev[0], prev[1], owner_id, None)
        owners = [o if o is not None else new_ids[g] for o, g in zip(owner_of, group_of, strict=True)]
        w.touched.update(o for o in owner_of if o is not None)
        acct_ids = _insert(
            conn,
            _t(SocialAccount),
            {
                "workspace_id": w.ws,
                "created_at": now,
                "influencer_id": owners,
                "platform": v.platform,
                "handle": [h[:200] for h in v.handle],
                "handle_key": [h[:200] for h in v.handle_key],
                "url": v.url,
                "external_id": v.external_id,
                "followers": followers,
                "following": v.following,
                "posts_count": v.posts_count,
                "verified": v.verified,
                "account_created_at": v.account_created_at,
                "avg_likes": v.avg_likes,
                "avg_comments": v.avg_comments,
                "avg_views": v.avg_views,
                "engagement_rate": ers,
                "engagement_definition": v.engagement_definition,
                "posts_per_week": None,
                "follower_growth_30d": None,
                "tier": list(map(tier, followers)),
                "last_refreshed_at": now,
            },
            n,
            ids=True,
        )
        result.influencer_ids.update(owners)
        if conn.dialect.name == "sqlite":
            self._snapshots_from_accounts(acct_ids[0], acct_ids[-1])
        else:
            self._snapshots(v, acct_ids)
        audience = [
            {
                "workspace_id": w.ws,
                "created_at": now,
                "social_account_id": acct_ids[k],
                "age_bands": {},
                "gender": {},
                "countries": {country: None},
                "cities": {},
                "languages": {},
                "source": f"import:{w.source_name}"[:60],
                "sample_size": None,
                "as_of": now,
            }
            for k, country in enumerate(v.audience_country)
            if country
        ]
        if audience:
            importer.bulk_insert(conn, _t(AudienceProfile), audience)
        result.imported += n

    def _snapshots(self, v: Valid, acct_ids: list[int]) -> None:
        """The first follower snapshot of each new account that has a count, from the chunk's columns."""
        w = self.w
        followers = v.followers
        snap = [
            k
            for k, (a, b, c) in enumerate(zip(followers, v.following, v.posts_count, strict=True))
            if a is not None or b is not None or c is not None
        ]
        if snap:
            _insert(
                w.conn,
                _t(MetricSnapshot),
                {
                    "workspace_id": w.ws,
                    "social_account_id": [acct_ids[k] for k in snap],
                    "captured_at": w.now,
                    "followers": [followers[k] for k in snap],
                    "following": [v.following[k] for k in snap],
                    "posts_count": [v.posts_count[k] for k in snap],
                    "source": w.source_name,
                },
                len(snap),
            )

    def _snapshots_from_accounts(self, first_id: int, last_id: int) -> None:
        """SQLite: the same rows as :meth:`_snapshots`, copied by the database from the account rows just
        inserted (ids ``first_id..last_id``, consecutive) instead of being bound again from Python."""
        w = self.w
        snap = _t(MetricSnapshot)
        dialect = w.conn.dialect
        captured = snap.c.captured_at.type._cached_bind_processor(dialect)
        source = snap.c.source.type._cached_bind_processor(dialect)
        driver: Any = w.conn.connection.driver_connection
        driver.execute(
            f'INSERT INTO "{snap.name}" (workspace_id, social_account_id, captured_at, followers, following, '
            "posts_count, source) SELECT workspace_id, id, ?, followers, following, posts_count, ? "
            f'FROM "{_t(SocialAccount).name}" WHERE id BETWEEN ? AND ? AND +workspace_id = ? '
            "AND (followers IS NOT NULL OR following IS NOT NULL OR posts_count IS NOT NULL) ORDER BY id",
            (
                captured(w.now) if captured is not None else w.now,
                source(w.source_name) if source is not None else w.source_name,
                first_id,
                last_id,
                w.ws,
            ),
        )


# --- the run -----------------------------------------------------------------------------------------------------


def chunks(rows: Iterator[tuple[int, list[object]]], size: int) -> Iterator[list[tuple[int, list[object]]]]:
    while True:
        chunk = list(itertools.islice(rows, size))
        if not chunk:
            return
        yield chunk


def run(
    session: Session,
    source: importer.Source,
    writer: importer._Writer,
    result: ImportResult,
    *,
    dry_run: bool,
    on_progress: Callable[[int, float], None] | None,
    on_batch: Callable[[ImportResult], None] | None,
    chunk_size: int | None = None,
) -> None:
    """Validate and write every row of a tabular source, a chunk at a time (see the module docstring)."""
    assert source.table is not None
    plan = Plan.of(source.headers, dict(source.mapping), source.platform)
    size = chunk_size or CHUNK
    checked_chunks: Generator[Checked, None, None]
    if _parallel(source):
        assert source.path is not None
        checked_chunks = _read_in_child(source.path, plan, size, source.encoding)
    else:
        checked_chunks = _read_here(source, plan, size)
    cw = ColumnarWriter(writer)
    with (
        _bulk_settings(writer.conn),
        contextlib.closing(checked_chunks),
        _deferred_indexes(writer.conn, source, enabled=on_batch is None),
    ):
        for checked in checked_chunks:
            checked.count(result)
            cw.write(checked.valid, result)
            del checked.valid
            if on_progress is not None:
                on_progress(result.rows, checked.progress)
            if on_batch is not None and not dry_run:
                writer.finish()
                writer.touched.clear()
                writer.accounts_with_posts.clear()
                on_batch(result)
                writer.conn = session.connection()


def _read_here(source: importer.Source, plan: Plan, size: int) -> Generator[Checked, None, None]:
    assert source.table is not None
    validator = ChunkValidator(plan)
    for chunk in chunks(source.table.rows(), size):
        checked = validator.validate(chunk)
        checked.progress = source.progress()
        yield checked


# --- reading and validating in a second process -------------------------------------------------------------------

#: CSV files at least this large are read and validated in a child process while this one writes.
PARALLEL_MIN_BYTES = 8 << 20


def _parallel(source: importer.Source) -> bool:
    """Two processes for a large CSV, when there is a second CPU and this process may have children."""
    if source.file_format != "csv" or source.path is None:
        return False
    if (os.cpu_count() or 1) < 2 or multiprocessing.current_process().daemon:
        return False
    try:
        return source.path.stat().st_size >= PARALLEL_MIN_BYTES
    except OSError:
        return False


@dataclass
class _Failure:
    """An exception in the reading process, sent back to be raised here."""

    message: str
    code: str | None
    details: dict[str, Any]
    file_error: bool


def _reader_main(conn: Any, path: Path, plan: Plan, size: int, encoding: str | None = None) -> None:
    """The child: read the CSV, validate chunk by chunk, send each :class:`Checked` (pickled) to the parent.
    The pipe holds about one chunk, so the child runs at most a chunk or two ahead of the writer."""
    gc.disable()
    try:
        # the parent's encoding, not a new guess: a spawned child has its own module state, and a file whose
        # head is UTF-8 must fail on a bad byte further on rather than be re-read as CP932
        table = sources.csv_table(path, path.stat().st_size, encoding)
        validator = ChunkValidator(plan)
        rows = table.rows()
        while True:
            # the chunks of chunks(rows, size), each validated a block at a time as it is read (still in cache)
            parts: list[Checked] = []
            count = 0
            while count < size:
                block = list(itertools.islice(rows, min(BLOCK, size - count)))
                if not block:
                    break
                parts.append(validator.validate_block(block))
                count += len(block)
            if not parts:
                break
            checked = Checked.joined(parts)
            checked.progress = table.progress()
            conn.send_bytes(pickle.dumps(checked, protocol=pickle.HIGHEST_PROTOCOL))
        conn.send_bytes(pickle.dumps(None))
    except KizunaError as exc:
        conn.send_bytes(pickle.dumps(_Failure(exc.message, exc.code, exc.details, True)))
    except BaseException as exc:  # anything else: the parent raises it as an unexpected error
        conn.send_bytes(pickle.dumps(_Failure(f"{type(exc).__name__}: {exc}", None, {}, False)))
    finally:
        conn.close()


def _read_in_child(
    path: Path, plan: Plan, size: int, encoding: str | None = None
) -> Generator[Checked, None, None]:
    # fork is instant and shares the imported modules; a process with other threads (a web server, a job
    # worker) uses spawn, which starts a fresh interpreter.
    method = "fork" if threading.active_count() == 1 and os.name == "posix" else "spawn"
    ctx: Any = multiprocessing.get_context(method)
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_reader_main, args=(sender, path, plan, size, encoding), daemon=True)
    proc.start()
    sender.close()
    try:
        while True:
            try:
                item = pickle.loads(receiver.recv_bytes())  # noqa: S301 - our own child's output
            except EOFError:
                raise RuntimeError("the import's reading process stopped unexpectedly") from None
            if item is None:
                return
            if isinstance(item, _Failure):
                if item.file_error:
                    raise ImportFileError(item.message, code=item.code, details=item.details)
                raise RuntimeError(f"reading the file failed: {item.message}")
            yield item
    finally:
        receiver.close()
        if proc.is_alive():
            proc.terminate()
        proc.join(10)


#: Tables whose non-unique indexes a large first import rebuilds after its rows (see _deferred_indexes).
DEFER_INDEX_TABLES: tuple[type[Any], ...] = (Influencer, SocialAccount, MetricSnapshot)
#: SQLite page cache (KiB) while deferred indexes are built: small, so that the sorter works in parallel runs.
REBUILD_CACHE_KIB = 2_048
#: Files estimated at fewer rows than this never defer index maintenance.
DEFER_INDEXES_MIN_ROWS = 50_000


def _estimated_rows(source: importer.Source) -> int:
    """Rows in a CSV, estimated from the sample's average line length."""
    if source.path is None or not source.sample:
        return 0
    sample_bytes = sum(
        len(",".join("" if c is None else str(c) for c in row).encode()) + 1 for row in source.sample
    )
    try:
        return int(source.path.stat().st_size * len(source.sample) / max(sample_bytes, 1))
    except OSError:
        return 0


@contextlib.contextmanager
def _deferred_indexes(conn: Any, source: importer.Source, *, enabled: bool) -> Iterator[None]:
    """SQLite, one-transaction imports that will at least double a table the import writes (influencers,
    accounts, snapshots): drop that table's non-unique indexes inside the transaction and build them again (one
    sort each) once the rows are in.

    Six of the eight influencer indexes are keyed by name, country, tier, category, engagement or followers, so
    each new row lands at a random place in each of them: at a million rows that is most of the insert cost, and
    building an index from sorted rows costs about a third of it. The account and snapshot indexes grow at their
    end, but a sort is still cheaper than one B-tree descent per row and index. Unique indexes stay (the account
    lookups use ``(workspace_id, platform, handle_key)`` and it keeps enforcing uniqueness). The DDL is part of the
    import's transaction: other connections keep reading the old schema with its indexes (WAL) until the commit,
    which publishes the rows and the rebuilt indexes together, and a rollback (an error, a dry run's savepoint)
    restores the indexes as they were. Definitions are taken from the database itself, so they come back
    exactly. Nothing the import queries before the rebuild needs these indexes (ids, the unique key).
    Background jobs commit after every chunk and never take this path; nor does PostgreSQL.
    """
    if not enabled or conn.dialect.name != "sqlite":
        yield
        return
    estimate = _estimated_rows(source)
    if estimate < DEFER_INDEXES_MIN_ROWS:
        yield
        return
    indexes: list[tuple[str, str]] = []
    for model in DEFER_INDEX_TABLES:
        table = _t(model).name
        present = int(conn.exec_driver_sql(f'SELECT count(*) FROM "{table}"').scalar_one())
        if present * 2 > estimate:
            continue
        indexes += [
            (str(name), str(sql))
            for name, sql in conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                (table,),
            )
            if not str(sql).upper().startswith("CREATE UNIQUE")
        ]
    for name, _sql in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    if not indexes:
        return
    # SQLite's sorter may sort in helper threads for CREATE INDEX (the reading process has finished by now). It
    # does so for runs that exceed its memory, which follows the page cache: a small cache while the indexes are
    # built splits each sort into runs that are sorted in parallel (7.5 s → 4.6 s for a million rows' indexes).
    threads = int(conn.exec_driver_sql("PRAGMA threads").scalar_one())
    cache = int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
    conn.exec_driver_sql(f"PRAGMA threads={max(threads, min(os.cpu_count() or 1, 4))}")
    conn.exec_driver_sql(f"PRAGMA cache_size=-{REBUILD_CACHE_KIB}")
    try:
        for _name, sql in indexes:
            conn.exec_driver_sql(sql)
    finally:
        conn.exec_driver_sql(f"PRAGMA threads={threads}")
        conn.exec_driver_sql(f"PRAGMA cache_size={cache}")


#: SQLite page cache for the import's connection while it runs (KiB): the indexes of a million-row import
#: (names, handles, followers...) are written in random order and thrash the default 2 MB cache.
SQLITE_CACHE_KIB = 65_536


@contextlib.contextmanager
def _bulk_settings(conn: Any) -> Iterator[None]:
    """For the duration of an import: a larger SQLite page cache on this connection (restored afterwards, on the
    same driver connection even if a background job committed in between) and no cyclic garbage collection (a
    chunk allocates millions of small objects and no cycles; each automatic collection would walk all of them)."""
    gc_was_enabled = gc.isenabled()
    driver: Any = None
    previous_cache: int | None = None
    if conn.dialect.name == "sqlite":
        driver = conn.connection.driver_connection
        previous_cache = int(driver.execute("PRAGMA cache_size").fetchone()[0])
        driver.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    gc.disable()
    try:
        yield
    finally:
        if gc_was_enabled:
            gc.enable()
        if driver is not None:
            with contextlib.suppress(Exception):
                driver.execute(f"PRAGMA cache_size={previous_cache}")
