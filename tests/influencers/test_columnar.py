"""The columnar import path (kizuna.influencers.columnar) against the per-row path it replaces for tables.

Every test imports the same file twice, once per path, into two workspaces, and compares what each run reported
(rows, imported, updated, unchanged, rejected, duplicates, the row errors in order, warnings) and what each
stored (every account, its influencer with the derived columns, manager, snapshots and audience rows).
"""

from __future__ import annotations

import contextlib
import csv
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from kizuna.db import unit_of_work
from kizuna.influencers import columnar, importer, sources
from kizuna.influencers.tiers import scheme_of
from kizuna.kit.numbers import MISSING, _normalize, is_missing
from kizuna.models.audience_profile import AudienceProfile
from kizuna.models.influencer import Influencer
from kizuna.models.manager import Manager
from kizuna.models.metric_snapshot import MetricSnapshot
from kizuna.models.social_account import SocialAccount
from kizuna.models.workspace import Workspace
from kizuna.tenancy import bind_workspace
from tests.conftest import SHARED, make_user_and_workspace
from tests.influencers.conftest import make_ctx

CREATOR_FILES = sorted((SHARED / "data" / "creators").glob("*/*.csv"))


@pytest.fixture
def pair(owner: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two workspaces: the per-row path imports into the first, the columnar path into the second."""
    return owner, make_user_and_workspace("other@example.com", "beta")


def _run(
    ws: dict[str, Any], path: Path, *, columnar_path: bool, dry_run: bool = False, **open_kw: Any
) -> importer.ImportResult:
    with unit_of_work() as uow:
        ctx = make_ctx(uow, ws["workspace_id"], ws["user_id"])
        source = importer.open_source(path, **open_kw)
        scheme, custom = scheme_of(ctx.workspace)
        return importer.run_import(
            ctx.session,
            source,
            workspace_id=ctx.workspace_id,
            scheme=scheme,
            custom=custom,
            dry_run=dry_run,
            source_name="import:test",
            columnar=columnar_path,
        )


def _report(r: importer.ImportResult) -> dict[str, Any]:
    return {
        **r.as_json(),
        "unchanged": r.unchanged,
        "duplicates": r.duplicates,
        "warnings": r.warnings,
        "influencers": len(r.influencer_ids),
    }


_SKIP = {"id", "workspace_id", "created_at", "updated_at", "last_refreshed_at", "influencer_id", "manager_id"}


def _state(ws: dict[str, Any]) -> list[Any]:
    """Everything the import stored in one workspace, without ids and timestamps."""
    with unit_of_work() as uow:
        s = uow.session
        bind_workspace(s, ws["workspace_id"])
        accounts = list(s.execute(select(SocialAccount)).scalars())
        by_influencer: dict[int, list[str]] = {}
        for a in accounts:
            by_influencer.setdefault(a.influencer_id, []).append(f"{a.platform}:{a.handle_key}")
        out = []
        for a in accounts:
            inf = s.get(Influencer, a.influencer_id)
            assert inf is not None
            manager = s.get(Manager, inf.manager_id) if inf.manager_id else None
            snaps = sorted(
                (x.followers or -1, x.following or -1, x.posts_count or -1, x.source)
                for x in s.execute(
                    select(MetricSnapshot).where(MetricSnapshot.social_account_id == a.id)
                ).scalars()
            )
            audience = [
                (p.countries, p.source)
                for p in s.execute(
                    select(AudienceProfile).where(AudienceProfile.social_account_id == a.id)
                ).scalars()
            ]
            out.append(
                (
                    {c.name: getattr(a, c.name) for c in SocialAccount.__table__.c if c.name not in _SKIP},
                    {c.name: getattr(inf, c.name) for c in Influencer.__table__.c if c.name not in _SKIP},
                    sorted(by_influencer[a.influencer_id]),
                    (manager.name, manager.emails) if manager else None,
                    snaps,
                    audience,
                )
            )
        return sorted(out, key=lambda x: (x[0]["platform"], x[0]["handle_key"], x[0]["handle"]))


def _compare(
    pair: tuple[dict[str, Any], dict[str, Any]], path: Path, **kw: Any
) -> tuple[importer.ImportResult, importer.ImportResult]:
    slow_ws, fast_ws = pair
    slow = _run(slow_ws, path, columnar_path=False, **kw)
    fast = _run(fast_ws, path, columnar_path=True, **kw)
    assert _report(fast) == _report(slow)
    assert _state(fast_ws) == _state(slow_ws)
    return slow, fast


@pytest.mark.parametrize("path", CREATOR_FILES, ids=lambda p: p.name)
def test_every_creator_file_gives_the_same_result(
    pair: tuple[dict[str, Any], dict[str, Any]], path: Path
) -> None:
    slow, _fast = _compare(pair, path)
    assert slow.rows > 0
    _again_slow, again_fast = _compare(pair, path)  # the second run: every account exists
    assert again_fast.imported == 0 and again_fast.updated == 0


def test_creator_files_in_sequence_update_each_other(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    """Monthly exports of the same platform overlap: later files update accounts of earlier ones."""
    for path in CREATOR_FILES:
        if "instagram" in path.name.lower():
            _compare(pair, path)


# --- tricky cells, at random --------------------------------------------------------------------------------

NUMBERS = [
    "1234", "1,234", "3.3k", "475.8m", "29.0b", "1.2万", "35万", "1億", "1億2000万", "12.5%", "N/A", "#VALOR!",
    "-", "", " 12 ", "'123", "abc", "-5", "１２３", "1.5K", "followers", "12 followers", "²", "3,5k", "0",
    "007", "1e5", "  ", "null", "ー", "—", "1.234.567", "n/a'", "1 234", "12人", "4.0", ".5k", "1.2万人",
]  # fmt: skip
RATES = ["4.27%", "0.05", "12", "N/A", "abc", "3.5％", "-%", "", "1.39", "0", "150%"]
PLATFORMS = [
    "instagram", "IG", "インスタ", "TikTok", "YouTube", "x (twitter)", "line voom", "小红书", "naver blog",
    "Weird Platform", "???", "", "N/A", "ｉｎｓｔａｇｒａｍ", "twitch",
]  # fmt: skip
HANDLES = [
    "@a", "@A", "a b", "https://instagram.com/foo/", "＠ｆｏｏ", "", "N/A", "x" * 210, "@dup", "'@quoted'", "@",
    "@dup", "Ｃａｆé", "@b", "@c", "@d",
]  # fmt: skip
NAMES = ["Zoe", "Zoe", "みずき", "", "N/A", "  spaced  ", "不明", "Ｎ／Ａ", "Kai", "Kai", "x" * 400, "ΑΣ"]
COUNTRIES = [
    "JP",
    "Japan",
    "日本",
    "United States",
    "USA",
    "Narnia",
    "",
    "N/A",
    "CÃ´te d'Ivoire",
    "韓国",
    "jp",
]
EMAILS = [
    "a@example.com", "A@Example.com; b@example.com", "nope", "", "N/A", "a@example.com, N/A", "x@y.z|w@v.u",
    "c@example.com、d@example.com", "", "", "e@example.com",
]  # fmt: skip
LISTS = ["beauty", "beauty; travel", "美容、旅行", "N/A", "", "a|b|c", "food, food", "ja", "en;ja"]
VERIFIED = ["yes", "no", "✓", "maybe", "", "TRUE", "0", "未"]
MANAGER = ["Agency", "", "N/A", "Studio K"]
MANAGER_EMAIL = ["m@agency.jp", "bad", "", "M@Agency.JP"]
IDS = ["", "", "", "abc", "99999"]
DEFINITIONS = ["", "imported:custom", "per reach"]
CITIES = ["Tokyo", "", "大阪", "N/A", " Nagoya "]

HEADERS = [
    ("name", NAMES),
    ("platform", PLATFORMS),
    ("handle", HANDLES),
    ("followers", NUMBERS),
    ("subscribers", NUMBERS),
    ("following", NUMBERS),
    ("posts", NUMBERS),
    ("engagement rate", RATES),
    ("er", RATES),
    ("engagement definition", DEFINITIONS),
    ("avg likes", NUMBERS),
    ("avg comments", NUMBERS),
    ("avg views", NUMBERS),
    ("avg engagement", NUMBERS),
    ("country", COUNTRIES),
    ("audience country", COUNTRIES),
    ("city", CITIES),
    ("language", LISTS),
    ("category", LISTS),
    ("category 2", LISTS),
    ("tags", LISTS),
    ("email", EMAILS),
    ("manager", MANAGER),
    ("manager email", MANAGER_EMAIL),
    ("verified", VERIFIED),
    ("influencer id", IDS),
    ("profile url", ["", "https://example.com/a", "N/A"]),
    ("bio", ["", "Hello", "名古屋在住｜ラーメン好き", "N/A"]),
    ("notes", ["", "vip"]),
]


def _tricky_csv(path: Path, seed: int, rows: int, *, plain: float = 0.5) -> dict[int, str]:
    """A CSV whose cells are drawn from the pools above (``plain``: share of rows that are all ordinary)."""
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([h for h, _pool in HEADERS])
        for n in range(rows):
            if rnd.random() < plain:
                row = [
                    rnd.choice(["Zoe", "Kai", "みずき", "Lee"]),
                    rnd.choice(["instagram", "tiktok", "youtube"]),
                    f"@user{rnd.randrange(rows)}",
                    str(rnd.randrange(0, 2_000_000)),
                    "",
                    str(rnd.randrange(0, 2000)),
                    rnd.choice(["12", "1.2万", "3.3k"]),
                    f"{rnd.randrange(0, 1500) / 100:.2f}%",
                    "",
                    "",
                    str(rnd.randrange(0, 5000)),
                    rnd.choice(["", str(rnd.randrange(0, 50))]),
                    rnd.choice(["", str(rnd.randrange(0, 90000))]),
                    "",
                    rnd.choice(["JP", "US", "TW", ""]),
                    "",
                    rnd.choice(["Tokyo", "大阪", ""]),
                    rnd.choice(["ja", "en", ""]),
                    rnd.choice(["beauty", "food; travel"]),
                    "",
                    "",
                    rnd.choice(["", f"u{n % 97}@example.com"]),
                    "",
                    "",
                    "",
                    "",
                    "",
                    rnd.choice(["", "bio"]),
                    "",
                ]
            else:
                row = [rnd.choice(pool) for _h, pool in HEADERS]
            if rnd.random() < 0.03:
                row = row[: rnd.randrange(2, len(row))]  # a short row
            elif rnd.random() < 0.03:
                row += [rnd.choice(["", "  ", "extra", "N/A"])]  # one cell too many
            w.writerow(row)
            if rnd.random() < 0.02:
                w.writerow([""] * len(HEADERS))  # a blank line
    mapping = {}
    for i, (h, _pool) in enumerate(HEADERS):
        f = sources.field_for_header(h)
        assert f is not None, h
        mapping[i] = f
    return mapping


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_tricky_cells_give_the_same_result(
    pair: tuple[dict[str, Any], dict[str, Any]], tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # small batches on both paths, so that chunk boundaries (grouping, duplicates, lookups) are crossed often
    monkeypatch.setattr(importer, "BATCH", 37)
    monkeypatch.setattr(columnar, "CHUNK", 37)
    monkeypatch.setattr(columnar, "BLOCK", 5 + seed)  # and chunks validated in blocks
    path = tmp_path / "tricky.csv"
    mapping = _tricky_csv(path, seed, 400)
    slow, _fast = _compare(pair, path, mapping=mapping)
    assert slow.rejected > 20 and slow.imported > 50  # the pools do produce both
    # the same file again, then with other values: the update path
    _compare(pair, path, mapping=mapping)
    _tricky_csv(path, seed + 100, 400)
    _compare(pair, path, mapping=mapping)


def test_tricky_cells_with_file_level_platform_and_auto_mapping(
    pair: tuple[dict[str, Any], dict[str, Any]], tmp_path: Path
) -> None:
    path = tmp_path / "tiktok creators.csv"
    _tricky_csv(path, 7, 300, plain=0.8)
    text = path.read_text(encoding="utf-8").splitlines()
    # drop the platform column: the platform comes from the file name
    rows = list(csv.reader(text))
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([r[:1] + r[2:] for r in rows])
    slow, _fast = _compare(pair, path)
    assert any("inferred" in w for w in slow.warnings)


@pytest.mark.parametrize("scheme", ["japan", "custom"])
def test_tier_schemes(pair: tuple[dict[str, Any], dict[str, Any]], tmp_path: Path, scheme: str) -> None:
    for ws in pair:
        with unit_of_work() as uow:
            w = uow.session.get(Workspace, ws["workspace_id"])
            assert w is not None
            w.tier_scheme = scheme
            if scheme == "custom":
                w.custom_tiers = [
                    {"key": "small", "min_followers": 0, "max_followers": 5000},
                    {"key": "big", "min_followers": 50_000},
                ]
    path = tmp_path / "t.csv"
    _tricky_csv(path, 11, 200, plain=0.9)
    _compare(pair, path)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_japanese_encodings(
    pair: tuple[dict[str, Any], dict[str, Any]], tmp_path: Path, encoding: str
) -> None:
    text = (
        "アカウント名,SNS,フォロワー数,投稿数,エンゲージメント率,国,カテゴリ\n"
        "hanako,インスタ,1.2万,35,3.5%,日本,美容\ntaro,TikTok,35万,120,N/A,台湾,グルメ\n"
        "jiro,ユーチューブ,1億,1,不明,米国,ゲーム\n"
    )
    path = tmp_path / "ja.csv"
    path.write_bytes(text.encode(encoding))
    slow, _fast = _compare(pair, path)
    assert slow.imported == 3


def test_synthetic_export_with_groups_across_chunks(
    pair: tuple[dict[str, Any], dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kizuna.synthetic import generate, write_csv

    monkeypatch.setattr(importer, "BATCH", 50)
    monkeypatch.setattr(columnar, "CHUNK", 50)
    path = tmp_path / "synthetic.csv"
    write_csv(path, generate(5, 300, posts_per_account=0, snapshot_weeks=0, audience=False))
    slow, _fast = _compare(pair, path)
    assert slow.imported > 300 and slow.rejected == 0


def test_xlsx_and_json_tables(pair: tuple[dict[str, Any], dict[str, Any]], tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Name", "Platform", "Handle", "Followers", "Avg likes", "Avg comments", "Verified"])
    ws.append(["Hanako", "instagram", "@hanako", 15000, 600, 30, True])
    ws.append(["Bad", "instagram", "@bad", "many", None, None, None])
    ws.append(["Text", "tiktok", "@text", "1.2万", "300", "N/A", "yes"])
    path = tmp_path / "list.xlsx"
    wb.save(path)
    _compare(pair, path)
    items = [
        {"name": "A", "platform": "instagram", "handle": "@a", "followers": 1200, "tags": ["x", "y"]},
        {"name": "B", "platform": "youtube", "handle": "@b", "followers": "3.3k", "email": "b@example.com"},
        {"name": "C", "platform": "youtube", "handle": "@c", "followers": -1},
        {"name": "D", "accounts": [{"platform": "x", "handle": "@d", "followers": "1,234"}]},
    ]
    jpath = tmp_path / "rows.json"
    jpath.write_text(json.dumps(items), encoding="utf-8")
    _compare(pair, jpath)


def test_dry_run_is_the_same_and_writes_nothing(
    pair: tuple[dict[str, Any], dict[str, Any]], tmp_path: Path
) -> None:
    path = tmp_path / "tricky.csv"
    mapping = _tricky_csv(path, 5, 120)
    _compare(pair, path, mapping=mapping, dry_run=True)
    assert _state(pair[1]) == []


# --- building blocks -------------------------------------------------------------------------------------------


def _reference_is_missing(value: object) -> bool:
    """kit.numbers.is_missing before its shortcuts: the definition."""
    import math

    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and _normalize(value) in MISSING


def test_is_missing_shortcuts_agree_with_the_definition() -> None:
    samples: list[object] = [
        None,
        float("nan"),
        0,
        1.5,
        "",
        " ",
        "\u3000",
        "\u00a0",
        "ＮＡ",
        "Ｎ／Ａ",
        "n / a",
    ]
    samples += list(MISSING) + [m.upper() for m in MISSING] + [f" {m} " for m in MISSING]
    samples += (
        [f"{m}人" for m in MISSING] + [f"followers{m}views" for m in MISSING] + [f"'{m}'" for m in MISSING]
    )
    samples += [
        "followers",
        "views",
        "follow ers",
        "Followers Views",
        "人",
        "件回",
        "不明人",
        "なし件",
        "ー回",
    ]
    samples += [
        "みずき",
        "ΑΣ",
        "Zoë",
        "Ｚｏｅ",
        "\u2014\u3000",
        "―",
        "‐",
        "１２",
        "ｎｕｌｌ",
        "ｎａｎ",
        "#ＤＩＶ/0!",
    ]
    samples += ["nan\u3000", "\u3000-\u3000", "－\u00a0", "—views", "?人", "？", "ｎ／ａ人"]
    rnd = random.Random(3)
    alphabet = "".join(sorted({c for m in MISSING for c in m})) + " 人件回ＡＮａｎ／－ー—\u3000\u00a0ｖxé'"
    samples += ["".join(rnd.choice(alphabet) for _ in range(rnd.randrange(1, 8))) for _ in range(5000)]
    for v in samples:
        assert is_missing(v) == _reference_is_missing(v), repr(v)


def test_not_marker_chars_survive_every_normalisation() -> None:
    """Why a text with a character of NOT_MARKER_CHARS is never missing: the character is its own NFKC form, a
    starter that never composes with what precedes it, and whatever it composes with what follows (a
    precomposed letter) is still no marker character in any case; nor is it whitespace that strip() removes."""
    import unicodedata

    from kizuna.kit.numbers import _MARKER_CHARS, NOT_MARKER_CHARS

    seconds = {chr(c) for c in (*range(0x1161, 0x1176), *range(0x11A8, 0x11C3))}  # Hangul V and T jamo
    composites_of: dict[str, list[str]] = {}
    for cp in range(0x110000):
        d = unicodedata.decomposition(chr(cp))
        if d and not d.startswith("<"):
            parts = [chr(int(x, 16)) for x in d.split()]
            seconds.update(parts[1:])
            full = unicodedata.normalize("NFD", chr(cp))
            composites_of.setdefault(full[0], []).append(chr(cp))
    assert "a" in composites_of and "か" in composites_of  # the table is built as meant
    for ch in NOT_MARKER_CHARS:
        assert unicodedata.normalize("NFKC", ch) == ch, repr(ch)
        assert unicodedata.combining(ch) == 0, repr(ch)
        assert ch not in seconds, repr(ch)
        for c in (ch, *composites_of.get(ch, [])):
            assert c.strip() == c, repr(c)
            assert not set(c.lower()) <= _MARKER_CHARS, repr(c)
    assert {"@", "Z", "k", "1", "み", "村", "한"} <= NOT_MARKER_CHARS
    assert not (set("NnAa/-#?0 不明なしー－人件回") & NOT_MARKER_CHARS)


def test_text_with_a_not_marker_char_is_never_missing() -> None:
    from kizuna.kit.numbers import NOT_MARKER_CHARS

    rnd = random.Random(5)
    alphabet = (
        "".join(sorted({c for m in MISSING for c in m}))
        + " 人件回ＡＮａｎ／－ー—\u3000\u00a0ｖxé'kZ@村み\u3099"
    )
    samples = list(MISSING) + [m.upper() for m in MISSING] + ["Zoe", "みずき", "ｎ／ａ", "か\u3099"]
    samples += ["".join(rnd.choice(alphabet) for _ in range(rnd.randrange(1, 8))) for _ in range(20000)]
    for v in samples:
        if not NOT_MARKER_CHARS.isdisjoint(v):
            assert not _reference_is_missing(v) and not importer._missing(v), repr(v)


def test_csv_rows_skip_exactly_the_blank_rows(tmp_path: Path) -> None:
    """rows() decides most rows on their first cell; the rows it keeps are those _blank() keeps."""
    rnd = random.Random(12)
    pool = [
        "",
        " ",
        "N/A",
        "ｎ／ａ",
        "—",
        "\u3000",
        "Zoe",
        "x",
        "0",
        "不明",
        "みずき",
        "-",
        "#N/A",
        "followers",
    ]
    path = tmp_path / "blank.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "handle", "followers"])
        for _ in range(3000):
            w.writerow([rnd.choice(pool) for _ in range(rnd.randrange(0, 4))])
    with path.open(encoding="utf-8", newline="") as fh:
        records = list(enumerate(csv.reader(fh), start=1))[1:]
    expected = [(n, row) for n, row in records if row and not sources._blank(row)]
    got = list(sources.csv_table(path, path.stat().st_size).rows())
    assert got == expected
    assert 100 < len(got) < len(records)


def _rows_of(path: Path, **open_kw: Any) -> tuple[columnar.Plan, list[tuple[int, list[object]]]]:
    src = importer.open_source(path, **open_kw)
    assert src.table is not None
    return columnar.Plan.of(src.headers, dict(src.mapping), src.platform), list(src.table.rows())


def _assert_rows_agree(plan: columnar.Plan, rows: list[tuple[int, list[object]]], size: int) -> None:
    """Every row of every chunk: the columnar result is exactly what validate() gives for the row."""
    validator = columnar.ChunkValidator(plan)
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        checked = validator.validate(chunk)
        at = {n: k for k, n in enumerate(checked.valid.row)}
        rejected = iter(checked.rejected)
        for number, raw in chunk:
            expected = importer.validate(number, plan.record(raw))
            if isinstance(expected, list):
                assert number not in at and next(rejected) == expected, number
            else:
                got = checked.valid.row_data(at[number])
                assert got == expected, number
                assert type(got.account["avg_likes"]) is type(expected.account["avg_likes"]), number
        assert next(rejected, None) is None


@pytest.mark.parametrize(("seed", "plain"), [(21, 0.5), (22, 0.95), (23, 1.0)])
@pytest.mark.parametrize("block", [1000, 7])
def test_chunk_validator_agrees_with_validate_row_by_row(
    tmp_path: Path, seed: int, plain: float, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No database: each row's columnar outcome against the per-row validator, in chunk sizes where whole
    columns take the fast paths (plain digits, plain e-mail addresses, names and handles that fit), and with
    chunks validated in blocks."""
    monkeypatch.setattr(columnar, "BLOCK", block)
    path = tmp_path / "rows.csv"
    mapping = _tricky_csv(path, seed, 600, plain=plain)
    plan, rows = _rows_of(path, mapping=mapping)
    for size in (3, 40, 600):
        _assert_rows_agree(plan, rows, size)


def test_synthetic_rows_agree_with_validate(tmp_path: Path) -> None:
    from kizuna.synthetic import generate, write_csv

    path = tmp_path / "synthetic.csv"
    write_csv(path, generate(9, 400, posts_per_account=0, snapshot_weeks=0, audience=False))
    plan, rows = _rows_of(path)
    for size in (50, 5000):
        _assert_rows_agree(plan, rows, size)


@pytest.mark.parametrize("parse", [importer._count, importer._decimal])
def test_digit_columns_agree_with_the_cell_rule(parse: Callable[[object], Any]) -> None:
    """Columns of plain digits are parsed in one go (JSON); the values are what the per-cell rule gives."""
    conv = int if parse is importer._count else float

    def one(c: object) -> Any:
        if isinstance(c, str) and c.__class__ is str and c.isdigit() and c.isascii():
            return conv(c)
        return columnar._cell(c, parse)

    columns: list[list[Any]] = [
        ["1", "22", "0"],
        ["1", "", "0", ""],
        ["007", "12"],
        ["9" * 400, "1"],
        ["12345678901234567890123", "9007199254740993"],
        ["1", "x"],
        ["1", None],
        ["", ""],
        ["1", "１"],
        ["1", " 2"],
        [],
    ]
    if parse is importer._decimal:
        columns += [["9" * 5000, "1"], ["", "1" * 5000]]  # float() reads any length, int() does not
    for col in columns:
        got, slow = columnar._column(col, parse, None)
        expected = [one(c) for c in col]
        assert got == expected and [type(v) for v in got] == [type(v) for v in expected], col
        assert slow == any(v is columnar.SLOW for v in got), col


def test_plain_email_columns_agree_with_split_emails() -> None:
    pool = [
        "a@example.com", " B@Example.COM ", "", "  ", "a@b", "a@@b.co", "a@b.co, c@d.co", "x|y@z.co", "山@example.jp",
        "a@b.co\nc@d.co", "N/A", "a b@c.co", "a@b.c;", "@b.co", "a@.co", "a@b.", "a@b..co", "\u3000a@b.co",
        "a\t@b.co", "a@b.co\n",
    ]  # fmt: skip
    rnd = random.Random(8)
    columns = [[c] for c in pool] + [
        [rnd.choice(pool) for _ in range(rnd.randrange(1, 6))] for _ in range(3000)
    ]
    fast = 0
    memo = columnar._Memo()  # shared with the general path, as in a file
    for col in columns:
        expected = [columnar._split_emails((c,)) for c in col]
        got = columnar._plain_emails(col)
        if got is not None:
            fast += 1
            assert got == expected, col
        assert columnar._list_cells([col], columnar._split_emails, memo)[0] == expected, col
    assert fast > 100


@pytest.mark.parametrize(
    ("parse", "values"),
    [
        (importer._count, NUMBERS),
        (importer._decimal, NUMBERS),
        (importer._percent, RATES + NUMBERS),
    ],
)
def test_cell_rules_accept_only_what_the_row_validator_accepts(
    parse: Callable[[object], Any], values: list[str]
) -> None:
    """A cell the columnar rules accept parses to exactly what validate()'s number() gives."""
    for raw in values:
        got = columnar._cell(raw, parse)
        v = raw.strip().strip("'").strip()
        if not v or importer._missing(v):
            assert got is columnar.ABSENT, raw
            continue
        try:
            expected = parse(v)
        except ValueError:
            assert got is columnar.SLOW, raw
        else:
            assert got == expected and type(got) is type(expected), raw


# --- the second process --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("seed", "block"), [(4, 1000), (5, 6)])
def test_reading_process_gives_the_same_result(
    pair: tuple[dict[str, Any], dict[str, Any]],
    tmp_path: Path,
    seed: int,
    block: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(columnar, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(columnar, "BLOCK", block)  # the (forked) reader validates each chunk in blocks
    monkeypatch.setattr(importer, "BATCH", 41)
    monkeypatch.setattr(columnar, "CHUNK", 41)
    path = tmp_path / "tricky.csv"
    mapping = _tricky_csv(path, seed, 300)
    source = importer.open_source(path, mapping=mapping)
    assert columnar._parallel(source)
    progress: list[tuple[int, float]] = []
    with unit_of_work() as uow:
        ctx = make_ctx(uow, pair[1]["workspace_id"], pair[1]["user_id"])
        fast = importer.run_import(
            ctx.session,
            source,
            workspace_id=ctx.workspace_id,
            source_name="import:test",
            on_progress=lambda rows, fraction: progress.append((rows, fraction)),
        )
    slow = _run(pair[0], path, columnar_path=False, mapping=mapping)
    assert _report(fast) == _report(slow)
    assert _state(pair[1]) == _state(pair[0])
    assert progress[-1] == (slow.rows, 1.0) and len(progress) > 5
    assert [p[0] for p in progress] == sorted(p[0] for p in progress)


@pytest.mark.parametrize("threads", [1, 2], ids=["forked", "spawned"])
def test_a_file_error_in_the_reading_process_is_the_same_clear_error(
    pair: tuple[dict[str, Any], dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threads: int
) -> None:
    """A spawned reader (the parent runs other threads) has none of the parent's module state: it must use the
    encoding the parent detected, so a bad byte past the checked head is an error, not a CP932 re-read."""
    import threading

    from kizuna.errors import KizunaError

    monkeypatch.setattr(threading, "active_count", lambda: threads)
    monkeypatch.setattr(columnar, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(sources, "FULL_CHECK_BYTES", 0)  # only the first 64 KB are checked up front
    path = tmp_path / "broken.csv"
    good = "".join(f"N{i},instagram,@u{i},{i}\n" for i in range(5000))
    path.write_bytes(b"name,platform,handle,followers\n" + good.encode() + b"Bad,instagram,@x,\xff\xfe\n")
    codes = []
    for ws, columnar_path in ((pair[0], False), (pair[1], True)):
        with pytest.raises(KizunaError) as exc:
            _run(ws, path, columnar_path=columnar_path)
        codes.append(exc.value.code)
        assert _state(ws) == []
    assert codes == ["import_unknown_encoding"] * 2


def _influencer_indexes() -> list[Any]:
    from sqlalchemy import text

    with unit_of_work() as uow:
        if uow.session.get_bind().dialect.name != "sqlite":
            return []
        return list(
            uow.session.execute(
                text(
                    "SELECT name, sql FROM sqlite_master WHERE tbl_name IN "
                    "('influencers', 'social_accounts', 'metric_snapshots') ORDER BY name"
                )
            )
        )


def _influencer_indexes_in(conn: Any) -> list[Any]:
    if conn.dialect.name != "sqlite":
        return []
    return list(
        conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN "
            "('influencers', 'social_accounts', 'metric_snapshots')"
        )
    )


def test_deferred_indexes_give_the_same_result_and_come_back(
    pair: tuple[dict[str, Any], dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large first import on SQLite rebuilds the influencer indexes after the rows (see the ADR); the data,
    the report and the schema are the same, and a failed or dry run leaves the indexes as they were."""
    from kizuna.synthetic import generate, write_csv

    monkeypatch.setattr(columnar, "DEFER_INDEXES_MIN_ROWS", 0)
    monkeypatch.setattr(columnar, "PARALLEL_MIN_BYTES", 0)
    before = _influencer_indexes()
    path = tmp_path / "synthetic.csv"
    write_csv(path, generate(9, 200, posts_per_account=0, snapshot_weeks=0, audience=False))
    source = importer.open_source(path)
    assert columnar._estimated_rows(source) > 200
    dropped: list[str] = []
    real_deferred = columnar._deferred_indexes

    @contextlib.contextmanager
    def spy(conn: Any, source: Any, *, enabled: bool) -> Any:
        with real_deferred(conn, source, enabled=enabled):
            dropped.append(str(_influencer_indexes_in(conn)))
            yield

    monkeypatch.setattr(columnar, "_deferred_indexes", spy)
    _compare(pair, path, dry_run=True)
    assert _influencer_indexes() == before
    # the columnar run first, into an empty table, so that it defers
    fast = _run(pair[1], path, columnar_path=True)
    slow = _run(pair[0], path, columnar_path=False)
    assert _report(fast) == _report(slow)
    assert _state(pair[1]) == _state(pair[0])
    assert _influencer_indexes() == before
    if before:
        assert dropped and all(d == "[]" for d in dropped)  # inside the import, no secondary index
    if before:
        from sqlalchemy import text

        with unit_of_work() as uow:
            assert uow.session.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    # an import that fails half-way leaves the indexes in place
    monkeypatch.setattr(columnar.ColumnarWriter, "write", lambda *a: (_ for _ in ()).throw(RuntimeError("x")))
    third = make_user_and_workspace("third@example.com", "gamma")
    with pytest.raises(RuntimeError):
        _run(third, path, columnar_path=True)
    assert _influencer_indexes() == before


def test_summary_is_influencer_summary() -> None:
    from kizuna.influencers import metrics
    from kizuna.influencers.tiers import tier_for

    rnd = random.Random(8)
    for scheme, custom in (
        ("global", None),
        ("japan", None),
        ("custom", [{"key": "a", "min_followers": 10}]),
    ):
        for _ in range(2000):
            n = rnd.randrange(1, 5)
            fs = [rnd.choice([None, 0, 5, 999, 1000, 10**4, 10**6, rnd.randrange(10**7)]) for _ in range(n)]
            ers = [rnd.choice([None, 0.01, 0.5]) for _ in range(n)]
            cats = rnd.choice([[], ["beauty"], ["x" * 80, "y"]])
            expected = metrics.influencer_summary(
                [{"followers": f, "engagement_rate": e} for f, e in zip(fs, ers, strict=True)],
                cats,
                scheme,
                custom,
            )
            got = columnar.summary(fs, ers, cats, lambda f, s=scheme, c=custom: tier_for(f, s, custom=c))
            assert got == tuple(
                expected[k]
                for k in ("max_followers", "followers_total", "tier", "engagement_rate", "primary_category")
            )


def test_reading_process_is_spawned_when_other_threads_run(
    pair: tuple[dict[str, Any], dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A web server or job worker has threads, so the reader is a fresh interpreter (spawn), not a fork."""
    import threading

    monkeypatch.setattr(columnar, "PARALLEL_MIN_BYTES", 0)
    path = tmp_path / "tricky.csv"
    mapping = _tricky_csv(path, 12, 150)
    methods: list[str] = []
    real_get_context = columnar.multiprocessing.get_context

    def get_context(method: str) -> Any:
        methods.append(method)
        return real_get_context(method)

    monkeypatch.setattr(columnar.multiprocessing, "get_context", get_context)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        _compare(pair, path, mapping=mapping)
    finally:
        stop.set()
        other.join()
    assert methods == ["spawn"]


def test_constant_literals_store_exactly_what_binding_stores() -> None:
    lit = columnar._constant_literal
    assert lit([None, None, None], 3) == "NULL"
    assert lit([7, 7], 2) == "7"
    assert lit(["O'Fallon"] * 3, 3) == "'O''Fallon'"
    assert lit(["まい"] * 2, 2) == "'まい'"
    # never a literal: mixed classes that compare equal, floats, text with NUL, integers past 64 bits, varying
    assert lit([1, 1.0, True], 3) is None
    assert lit([1.5, 1.5], 2) is None
    assert lit(["a\x00b"] * 2, 2) is None
    assert lit([2**63] * 2, 2) is None
    assert lit([-(2**63)] * 2, 2) == str(-(2**63))
    assert lit(["a", "b"], 2) is None
    assert lit([], 0) is None


def test_columns_with_one_value_in_every_row_are_stored_the_same(
    pair: tuple[dict[str, Any], dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every row shares its city, bio, manager, follower count and engagement rate: those columns become literals
    in the columnar path's statements (quotes, Japanese text, an integer; the rate stays bound), and the stored
    rows are exactly the per-row path's, snapshots included."""
    monkeypatch.setattr(columnar, "CHUNK", 7)
    path = tmp_path / "same.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "platform", "handle", "followers", "engagement_rate", "city", "bio", "manager"])
        for i in range(30):
            w.writerow(
                [
                    f"Creator {i}",
                    "instagram",
                    f"@same_{i}",
                    "12000",
                    "3.5%",
                    "O'Fallon",
                    "美容'と\"旅",
                    "Agency 'K'",
                ]
            )
    _slow, fast = _compare(pair, path)
    assert fast.imported == 30
    with unit_of_work() as uow:
        bind_workspace(uow.session, pair[1]["workspace_id"])
        accounts = list(uow.session.execute(select(SocialAccount)).scalars())
        assert {(a.followers, a.engagement_rate) for a in accounts} == {(12000, 0.035)}
        infs = list(uow.session.execute(select(Influencer)).scalars())
        assert {(i.city, i.bio) for i in infs} == {("O'Fallon", "美容'と\"旅")}
        snaps = list(uow.session.execute(select(MetricSnapshot)).scalars())
        assert sorted(s.social_account_id for s in snaps) == sorted(a.id for a in accounts)
        assert {s.captured_at for s in snaps} == {a.last_refreshed_at for a in accounts}


def test_snapshots_are_copied_only_from_this_imports_accounts(
    pair: tuple[dict[str, Any], dict[str, Any]], tmp_path: Path
) -> None:
    """The database copies first snapshots from the account rows a chunk inserted: accounts without any count get
    none, and another workspace's accounts (imported in between) never get one here."""
    path = tmp_path / "counts.csv"
    path.write_text(
        "name,platform,handle,followers,following\nA,instagram,@a,100,\nB,instagram,@b,,\nC,tiktok,@c,,5\n",
        encoding="utf-8",
    )
    _compare(pair, path)
    with unit_of_work() as uow:
        s = uow.session
        for ws in pair:
            bind_workspace(s, ws["workspace_id"])
            rows = s.execute(
                select(SocialAccount.handle_key, MetricSnapshot.followers, MetricSnapshot.following).join(
                    MetricSnapshot, MetricSnapshot.social_account_id == SocialAccount.id
                )
            ).all()
            assert sorted(rows) == [("a", 100, None), ("c", None, 5)]
            assert all(
                x.workspace_id == ws["workspace_id"] for x in s.execute(select(MetricSnapshot)).scalars()
            )
