"""Reading influencer files: format and encoding detection, tabular readers, API payload shapes, header aliases.

Everything here turns bytes into *records*: ``(row_number, {field: [(column, raw_value), ...]})``. Validation and
writing live in :mod:`kizuna.influencers.importer`. Readers stream (CSV rows are never all in memory), so a
million-row file costs the same memory as a thousand-row one.

Row numbers are what a person sees in a spreadsheet: the header is row 1, the first data row is row 2 (a header
cell spanning several lines still counts as one row). JSON items are numbered from 1.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kizuna.errors import ValidationFailed
from kizuna.kit.notices import Notice
from kizuna.kit.numbers import NOT_MARKER_CHARS, NumberFormatError, is_missing, parse_decimal

FORMATS = ("auto", "csv", "xlsx", "json", "youtube", "youtube_videos", "instagram", "tiktok")
TABULAR = ("csv", "xlsx", "json")
PLATFORMS_KNOWN = (
    "instagram",
    "youtube",
    "tiktok",
    "x",
    "facebook",
    "threads",
    "twitch",
    "blog",
    "podcast",
    "line",
    "xiaohongshu",
    "naver_blog",
    "weibo",
    "bilibili",
    "pinterest",
    "snapchat",
    "note",
    "ameba",
)

Record = tuple[int, dict[str, list[tuple[str, Any]]]]


class ImportFileError(ValidationFailed):
    """The whole file cannot be used; one clear message, a stable code, nothing written."""


# --- header aliases ------------------------------------------------------------------------------------------

#: Canonical field -> header aliases (English and Japanese). Matching ignores case, width (NFKC), spaces and
#: punctuation, so "Views (Avg.)", "views avg" and "VIEWS_AVG" are the same header.
ALIASES: dict[str, tuple[str, ...]] = {
    "platform": ("platform", "sns", "network", "channel type", "プラットフォーム", "媒体", "SNS種別", "SNS"),
    "handle": (
        "handle",
        "username",
        "user name",
        "account",
        "account name",
        "account id",
        "screen name",
        "channel_info",
        "instagram id",
        "tiktok id",
        "アカウント名",
        "アカウント",
        "アカウントID",
        "ユーザー名",
        "ユーザーID",
        "ハンドル",
        "ハンドル名",
        "ID",
    ),
    "display_name": (
        "display name",
        "full name",
        "creator name",
        "creator",
        "名前",
        "氏名",
        "表示名",
        "インフルエンサー名",
        "クリエイター名",
        "活動名",
    ),
    # Headers that hold a handle in some exports and a display name in others; resolved from the values.
    "name_or_handle": (
        "name",
        "influencer name",
        "influencer",
        "influencer insta name",
        "instagram name",
        "insta name",
        "tiktok name",
        "tiktoker name",
        "tiktoker",
        "youtuber",
        "youtuber name",
        "youtube channel",
        "youtube name",
        "channel",
        "channel name",
        "チャンネル名",
        "チャンネル",
    ),
    "url": ("url", "profile url", "profile link", "link", "channel url", "プロフィールURL", "URL", "リンク"),
    "external_id": ("external id", "platform id", "channel id", "user id", "チャンネルID"),
    "followers": (
        "followers",
        "follower",
        "followers count",
        "follower count",
        "followers numbers",
        "followers number",
        "subscribers",
        "subscriber count",
        "subscribers count",
        "フォロワー数",
        "フォロワー",
        "登録者数",
        "チャンネル登録者数",
        "ファン数",
    ),
    "following": ("following", "follows", "following count", "フォロー数", "フォロー中"),
    "posts_count": (
        "posts",
        "post count",
        "posts count",
        "media count",
        "videos",
        "video count",
        "uploads",
        "投稿数",
        "動画数",
        "投稿件数",
    ),
    "engagement_rate": (
        "engagement rate",
        "er",
        "eng rate",
        "engagement",
        "60 day eng rate",
        "avg engagement rate",
        "エンゲージメント率",
        "エンゲージメント",
        "ER",
    ),
    "avg_likes": (
        "avg likes",
        "average likes",
        "likes avg",
        "likes average",
        "likes",
        "平均いいね数",
        "いいね数",
        "平均いいね",
        "いいね",
    ),
    "avg_comments": (
        "avg comments",
        "average comments",
        "comments avg",
        "comments average",
        "comments",
        "平均コメント数",
        "コメント数",
        "平均コメント",
    ),
    "avg_views": (
        "avg views",
        "average views",
        "views avg",
        "views average",
        "views",
        "平均再生数",
        "再生数",
        "平均再生回数",
        "平均視聴回数",
    ),
    "avg_engagement": (
        "engagement average",
        "engagement avg",
        "eng avg",
        "average engagement",
        "avg engagement",
        "平均エンゲージメント数",
        "平均エンゲージメント",
    ),
    "country": ("country", "country code", "location country", "国", "国名", "国・地域", "居住国"),
    "audience_country": (
        "audience country",
        "audience country mostly",
        "audience top country",
        "top audience country",
        "フォロワーの国",
        "オーディエンス国",
    ),
    "city": ("city", "town", "都市", "市区町村", "エリア", "地域"),
    "language": ("language", "languages", "lang", "言語", "使用言語"),
    "category": (
        "category",
        "categories",
        "category 1",
        "category 2",
        "category 3",
        "niche",
        "genre",
        "topic",
        "カテゴリ",
        "カテゴリー",
        "ジャンル",
        "カテゴリ1",
        "カテゴリ2",
    ),
    "email": (
        "email",
        "e-mail",
        "mail",
        "email address",
        "contact email",
        "メール",
        "メールアドレス",
        "連絡先",
    ),
    "manager": ("manager", "agency", "management", "事務所", "所属事務所", "マネージャー", "所属"),
    "manager_email": ("manager email", "agency email", "事務所メール", "マネージャーメール"),
    "bio": ("bio", "biography", "description", "profile", "自己紹介", "プロフィール", "説明"),
    "verified": ("verified", "is verified", "認証済み", "認証"),
    "tags": ("tags", "labels", "タグ"),
    "notes": ("notes", "note", "memo", "メモ", "備考"),
    "influencer_id": ("influencer id", "kizuna id"),
    "engagement_definition": ("engagement definition", "er definition"),
}

FIELD_LABELS: dict[str, str] = {
    "platform": "Platform",
    "handle": "Handle",
    "display_name": "Name",
    "name_or_handle": "Name or handle",
    "url": "Profile URL",
    "external_id": "Platform id",
    "followers": "Followers",
    "following": "Following",
    "posts_count": "Posts",
    "engagement_rate": "Engagement rate",
    "avg_likes": "Average likes",
    "avg_comments": "Average comments",
    "avg_views": "Average views",
    "avg_engagement": "Average engagement",
    "country": "Country",
    "audience_country": "Audience country",
    "city": "City",
    "language": "Language",
    "category": "Category",
    "email": "E-mail",
    "manager": "Manager / agency",
    "manager_email": "Manager e-mail",
    "bio": "Bio",
    "verified": "Verified",
    "tags": "Tags",
    "notes": "Notes",
    "influencer_id": "Kizuna influencer id",
    "engagement_definition": "Engagement-rate definition",
}
NUMERIC_FIELDS = frozenset(
    {
        "followers",
        "following",
        "posts_count",
        "engagement_rate",
        "avg_likes",
        "avg_comments",
        "avg_views",
        "avg_engagement",
    }
)
MAPPABLE = tuple(k for k in FIELD_LABELS if k != "name_or_handle")

_PUNCT = re.compile(r"[\s\.\-_()（）\[\]【】:：/・,'\"’#№?]+")


def header_key(text: str) -> str:
    """Normalised form of a header used for alias lookup."""
    s = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return _PUNCT.sub("", s)


_ALIAS_INDEX: dict[str, str] = {}
for _field, _names in ALIASES.items():
    for _name in _names:
        _ALIAS_INDEX.setdefault(header_key(_name), _field)


def field_for_header(header: str) -> str | None:
    """The canonical field of a header, or ``None``. Numbered variants ("Category_2") map like their base."""
    key = header_key(header)
    if not key:
        return None
    if key in _ALIAS_INDEX:
        return _ALIAS_INDEX[key]
    stripped = re.sub(r"\d+$", "", key)
    if stripped and stripped in _ALIAS_INDEX and _ALIAS_INDEX[stripped] == "category":
        return "category"
    return None


_HANDLE_RE = re.compile(r"^@?[A-Za-z0-9._\-]{1,60}$")


def handle_likeness(values: Sequence[object]) -> float:
    vals = [str(v).strip() for v in values if not is_missing(v)]
    if not vals:
        return 0.0
    return sum(1 for v in vals if _HANDLE_RE.match(v)) / len(vals)


def numeric_share(values: Sequence[object]) -> float:
    vals = [v for v in values if not is_missing(clean_cell(v))]
    if not vals:
        return 1.0
    ok = 0
    for v in vals:
        try:
            parse_decimal(str(clean_cell(v)).rstrip("%％"))
            ok += 1
        except NumberFormatError:
            pass
    return ok / len(vals)


def clean_cell(value: object) -> object:
    """Trim a cell; a leading/trailing apostrophe (Excel's "keep as text" marker, as in ``N/A'``) is dropped."""
    if isinstance(value, str):
        v = value.strip().strip("'").strip()
        return v
    return value


def guess_platform(text: str) -> str | None:
    t = text.lower()
    for needle, platform in (
        ("tiktok", "tiktok"),
        ("youtube", "youtube"),
        ("youtuber", "youtube"),
        ("instagram", "instagram"),
        ("insta", "instagram"),
        ("twitter", "x"),
        ("xiaohongshu", "xiaohongshu"),
        ("小红书", "xiaohongshu"),
        ("naver", "naver_blog"),
    ):
        if needle in t:
            return platform
    return None


def auto_mapping(
    headers: Sequence[str], sample: Sequence[Sequence[object]]
) -> tuple[dict[int, str], list[str]]:
    """Column index -> field for a header row, using aliases and the sample values; plus warnings.

    * "name"-like headers are ambiguous across exports (one file's "Youtuber" is the handle, another's is the
      channel title): the column whose values look most like handles becomes the handle, the other the name.
    * a column mapped to a number field whose sample values are mostly not numbers is left unmapped with a
      warning (a shifted column, as in one of the 2022 exports where "Views avg." holds countries).
    """
    mapping: dict[int, str] = {}
    warnings: list[str] = []
    for i, h in enumerate(headers):
        f = field_for_header(h)
        if f is not None:
            mapping[i] = f

    def column(i: int) -> list[object]:
        return [row[i] if i < len(row) else None for row in sample]

    ambiguous = [i for i, f in mapping.items() if f == "name_or_handle"]
    has_handle = "handle" in mapping.values()
    has_name = "display_name" in mapping.values()
    if ambiguous:
        # most handle-like first; YouTube channel "handles" may contain spaces, so the best column wins even
        # when few of its values look like @handles
        scored = sorted(ambiguous, key=lambda i: (-handle_likeness(column(i)), i))
        for i in ambiguous:
            mapping.pop(i)
        if not has_handle:
            mapping[scored.pop(0)] = "handle"
        if not has_name and scored:
            mapping[scored[0]] = "display_name"
    for i, f in list(mapping.items()):
        if f in NUMERIC_FIELDS and sample:
            share = numeric_share(column(i))
            if share < 0.5:
                example = next((str(v) for v in column(i) if not is_missing(v)), "")
                warnings.append(
                    Notice(
                        "column %(column)s looks like %(field)s but its values are not numbers (e.g. %(example)s); "
                        "left unmapped",
                        column=repr(headers[i]),
                        field=f,
                        example=repr(example),
                    )
                )
                mapping.pop(i)
    return mapping, warnings


# --- bytes: format and encoding -------------------------------------------------------------------------------

SAMPLE_BYTES = 1 << 16
FULL_CHECK_BYTES = 16 << 20


def detect_format(path: Path, head: bytes, declared: str = "auto") -> str:
    if declared != "auto":
        if declared not in FORMATS:
            raise ImportFileError(f"unknown format {declared!r}", code="import_unknown_format")
        return declared
    suffix = path.suffix.lower()
    if head.startswith(b"PK\x03\x04") or suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix == ".xls" or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            "Old Excel .xls files cannot be read; save the sheet as .xlsx or CSV.", code="import_not_tabular"
        )
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if suffix == ".json" or stripped[:1] in (b"{", b"["):
        return "json"
    return "csv"


def detect_encoding(path: Path, size: int) -> str:
    """``utf-8-sig``, ``utf-8``, ``utf-16`` or ``cp932`` (how Japanese Excel saves CSV); else one error."""
    with path.open("rb") as fh:
        data = fh.read(size if size <= FULL_CHECK_BYTES else SAMPLE_BYTES)
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in data:
        raise ImportFileError("This is a binary file, not a table.", code="import_not_tabular")
    final = size <= FULL_CHECK_BYTES
    for enc in ("utf-8", "cp932"):
        try:
            codecs.getincrementaldecoder(enc)().decode(data, final=final)
            return enc
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        "The file's text encoding is not UTF-8 or Shift_JIS (CP932); save it as UTF-8 CSV and try again.",
        code="import_unknown_encoding",
    )


# --- tabular sources ------------------------------------------------------------------------------------------


@dataclass
class Table:
    """A tabular source: headers, a sample for previews, and a fresh row iterator per read."""

    headers: list[str]
    sample: list[list[object]]
    rows: Callable[[], Iterator[tuple[int, list[object]]]]
    encoding: str | None = None
    progress: Callable[[], float] = lambda: 0.0
    notes: list[str] = field(default_factory=list)


def _blank(row: Sequence[object]) -> bool:
    # a loop, not all(<generator>): called for every row of a file, and usually decided by the first cell
    for c in row:  # noqa: SIM110
        if not (is_missing(c) or (isinstance(c, str) and not c.strip())):
            return False
    return True


def csv_table(path: Path, size: int, encoding: str | None = None) -> Table:
    """A CSV file as a :class:`Table`; ``encoding`` skips detection (a second reader of a file already opened)."""
    encoding = encoding or detect_encoding(path, size)
    with path.open("r", encoding=encoding, newline="") as fh:
        head_text = fh.read(SAMPLE_BYTES)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(head_text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    position: dict[str, Any] = {"fh": None}

    def rows() -> Iterator[tuple[int, list[object]]]:
        with path.open("rb") as raw:
            position["fh"] = raw
            text = io.TextIOWrapper(raw, encoding=encoding, newline="")
            reader: Iterator[list[Any]] = csv.reader(text, dialect)
            disjoint = NOT_MARKER_CHARS.isdisjoint
            try:
                numbered = enumerate(reader, start=1)
                next(numbered, None)  # the header
                for n, row in numbered:
                    # a first cell with a character no missing marker has: not blank, without a call per cell
                    if row and (not disjoint(row[0]) or not _blank(row)):
                        yield n, row  # csv.reader makes a new list per row
            except UnicodeDecodeError as exc:
                raise ImportFileError(
                    f"The file is not consistently {encoding}: undecodable bytes near byte {raw.tell()}.",
                    code="import_unknown_encoding",
                ) from exc
            except csv.Error as exc:
                raise ImportFileError(f"The CSV cannot be parsed: {exc}", code="import_not_tabular") from exc

    def progress() -> float:
        fh = position["fh"]
        if fh is None or size == 0:
            return 0.0
        try:
            return min(1.0, float(fh.tell()) / size)
        except (ValueError, OSError):
            return 1.0

    try:
        reader = csv.reader(io.StringIO(head_text, newline=""), dialect)
        first = next(reader, None)
        sample: list[list[object]] = []
        for row in reader:
            if len(sample) >= 200:
                break
            if row and not _blank(row):
                sample.append(list(row))
    except csv.Error as exc:
        raise ImportFileError(f"The CSV cannot be parsed: {exc}", code="import_not_tabular") from exc
    if first is None or _blank(first):
        raise ImportFileError("The file is empty.", code="import_empty_file")
    headers = [str(h).strip() for h in first]
    return Table(headers, sample, rows, encoding, progress)


def xlsx_table(path: Path) -> Table:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError("This is not a readable XLSX workbook.", code="import_not_tabular") from exc
    ws = None
    for sheet in wb.worksheets:
        first_row = next(sheet.iter_rows(values_only=True, max_row=1), None)
        if first_row is not None and not _blank(list(first_row)):
            ws = sheet
            break
    if ws is None:
        wb.close()
        raise ImportFileError("The workbook has no sheet with data.", code="import_empty_file")
    title = ws.title
    wb.close()
    total = {"rows": 0, "done": 0}

    def rows() -> Iterator[tuple[int, list[object]]]:
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book[title]
            total["rows"] = sheet.max_row or 0
            for n, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                total["done"] = n
                if n == 1:
                    continue
                row: list[object] = list(values)
                if _blank(row):
                    continue
                yield n, row
        finally:
            book.close()

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet_rows = book[title].iter_rows(values_only=True, max_row=201)
        first = next(sheet_rows, None)
        sample: list[list[object]] = [list(r) for r in sheet_rows if not _blank(list(r))]
    finally:
        book.close()
    if first is None or _blank(list(first)):
        raise ImportFileError("The file is empty.", code="import_empty_file")
    headers = ["" if h is None else str(h).strip() for h in first]
    return Table(headers, sample, rows, None, lambda: total["done"] / total["rows"] if total["rows"] else 0.0)


def _flatten_items(items: Sequence[object]) -> list[dict[str, object]]:
    """Generic JSON: objects become rows; an influencer with an ``accounts`` list becomes one row per account
    (the shape Kizuna's own JSON export writes, so an export imports back)."""
    out: list[dict[str, object]] = []
    for item in items:
        if not isinstance(item, Mapping):
            raise ImportFileError("JSON items must be objects.", code="import_not_tabular")
        accounts = item.get("accounts")
        base = {k: v for k, v in item.items() if k != "accounts"}
        if isinstance(accounts, list) and accounts:
            for acct in accounts:
                if isinstance(acct, Mapping):
                    out.append({**base, **acct})
        else:
            out.append(dict(base))
    return out


def _json_cell(value: object) -> object:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value if v is not None)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def json_table(items: Sequence[object]) -> Table:
    flat = _flatten_items(items)
    if not flat:
        raise ImportFileError("The JSON file has no items.", code="import_empty_file")
    headers: list[str] = []
    for item in flat[:1000]:
        for k in item:
            if k not in headers:
                headers.append(k)
    matrix = [[_json_cell(item.get(h)) for h in headers] for item in flat]
    done = {"n": 0}

    def rows() -> Iterator[tuple[int, list[object]]]:
        for n, row in enumerate(matrix, start=1):
            done["n"] = n
            yield n, row

    return Table(headers, matrix[:200], rows, None, lambda: done["n"] / len(matrix))


# --- API payload shapes -------------------------------------------------------------------------------------

_HASHTAG = re.compile(r"#([\w\u3040-\u30ff\u4e00-\u9fff]+)")
_MENTION = re.compile(r"@([A-Za-z0-9._]+)")
_SPONSORED = re.compile(
    r"(#ad\b|#sponsored\b|#pr\b|\bsponsored\b|paid partnership|#広告|#pr|【pr】|\[pr\]|プロモーション|タイアップ|提供)",
    re.IGNORECASE,
)


def caption_parts(caption: str) -> tuple[list[str], list[str], bool]:
    """Hashtags, mentions and whether the caption carries a sponsorship label (used for the post flag only;
    whether the label is *sufficient* is the compliance checker's job)."""
    return _HASHTAG.findall(caption), _MENTION.findall(caption), bool(_SPONSORED.search(caption))


def detect_api_shape(payload: object) -> str | None:
    if not isinstance(payload, Mapping):
        return None
    kind = payload.get("kind")
    if kind == "youtube#channelListResponse":
        return "youtube"
    if kind == "youtube#videoListResponse":
        return "youtube_videos"
    if "business_discovery" in payload:
        return "instagram"
    data = payload.get("data")
    if isinstance(data, Mapping) and ("follower_count" in data or "display_name" in data):
        return "tiktok"
    return None


def _rec(**fields: object) -> dict[str, list[tuple[str, Any]]]:
    return {k: [(k, v)] for k, v in fields.items() if v is not None}


def youtube_channel_records(payload: Mapping[str, Any]) -> Iterator[Record]:
    for n, item in enumerate(payload.get("items") or [], start=1):
        snippet = item.get("snippet") or {}
        stats = item.get("statistics") or {}
        custom = snippet.get("customUrl")
        handle = custom or item.get("id")
        topics = (item.get("topicDetails") or {}).get("topicCategories") or []
        categories = [str(t).rsplit("/", 1)[-1].replace("_", " ") for t in topics]
        followers = None if stats.get("hiddenSubscriberCount") else stats.get("subscriberCount")
        rec = _rec(
            platform="youtube",
            handle=handle,
            display_name=snippet.get("title"),
            external_id=item.get("id"),
            url=f"https://www.youtube.com/{custom}"
            if custom
            else f"https://www.youtube.com/channel/{item.get('id')}",
            followers=followers,
            posts_count=stats.get("videoCount"),
            bio=snippet.get("description"),
            country=snippet.get("country"),
            language=snippet.get("defaultLanguage"),
            account_created_at=snippet.get("publishedAt"),
        )
        if categories:
            rec["category"] = [("topicCategories", c) for c in categories]
        if "hiddenSubscriberCount" in stats and stats.get("hiddenSubscriberCount"):
            rec.pop("followers", None)
        yield n, rec


def youtube_video_records(payload: Mapping[str, Any]) -> Iterator[Record]:
    for n, item in enumerate(payload.get("items") or [], start=1):
        snippet = item.get("snippet") or {}
        stats = item.get("statistics") or {}
        caption = f"{snippet.get('title', '')}\n{snippet.get('description', '')}".strip()
        duration = str((item.get("contentDetails") or {}).get("duration") or "")
        is_short = bool(re.fullmatch(r"PT(?:[0-5]?\d)S", duration))
        post = {
            "platform_post_id": item.get("id"),
            "url": f"https://www.youtube.com/watch?v={item.get('id')}",
            "caption": caption,
            "published_at": snippet.get("publishedAt"),
            "post_type": "live"
            if snippet.get("liveBroadcastContent") == "live"
            else "short"
            if is_short
            else "video",
            "likes": stats.get("likeCount"),
            "comments": stats.get("commentCount"),
            "views": stats.get("viewCount"),
            "tags": snippet.get("tags") or [],
        }
        yield (
            n,
            {
                "platform": [("platform", "youtube")],
                "external_id": [("snippet.channelId", snippet.get("channelId"))],
                "display_name": [("snippet.channelTitle", snippet.get("channelTitle"))],
                "_post": [("item", post)],
                "_attach_only": [("", True)],
            },
        )


_IG_TYPES = {"REELS": "reel", "STORY": "story", "FEED": "feed", "AD": "feed"}


def instagram_records(payload: Mapping[str, Any]) -> Iterator[Record]:
    bd = payload.get("business_discovery") or {}
    username = bd.get("username")
    rec = _rec(
        platform="instagram",
        handle=username,
        display_name=bd.get("name"),
        external_id=bd.get("id"),
        url=f"https://www.instagram.com/{username}/" if username else None,
        followers=bd.get("followers_count"),
        following=bd.get("follows_count"),
        posts_count=bd.get("media_count"),
        bio=bd.get("biography"),
    )
    posts = []
    for m in (bd.get("media") or {}).get("data") or []:
        likes = m.get("like_count")
        comments = m.get("comments_count")
        # The Graph API reports 0 likes when the creator hides like counts; with comments present that 0 is
        # "hidden", not "nobody liked it".
        if likes == 0 and comments:
            likes = None
        ptype = _IG_TYPES.get(str(m.get("media_product_type") or ""), "feed")
        if ptype == "feed" and m.get("media_type") == "VIDEO":
            ptype = "video"
        posts.append(
            {
                "platform_post_id": m.get("id"),
                "url": m.get("permalink"),
                "caption": m.get("caption") or "",
                "published_at": m.get("timestamp"),
                "post_type": ptype,
                "likes": likes,
                "comments": comments,
                "views": None,
            }
        )
    rec["_posts"] = [("media.data", posts)]
    yield 1, rec


def tiktok_records(payload: Mapping[str, Any], handle: str | None) -> Iterator[Record]:
    data = payload.get("data") or {}
    err = payload.get("error") or {}
    if isinstance(err, Mapping) and err.get("code") not in (None, "", "ok"):
        raise ImportFileError(
            f"The TikTok payload is an error response: {err.get('code')} {err.get('message', '')}".strip(),
            code="import_api_error",
        )
    rec = _rec(
        platform="tiktok",
        handle=data.get("username") or handle,
        display_name=data.get("display_name"),
        followers=data.get("follower_count"),
        following=data.get("following_count"),
        posts_count=data.get("video_count"),
        bio=data.get("bio_description"),
        verified=data.get("is_verified"),
    )
    if "handle" not in rec:
        # The Research API's user info answer does not repeat the username it was asked for.
        rec["handle"] = [("username", None)]
    if data.get("username") or handle:
        rec["url"] = [
            ("url", f"https://www.tiktok.com/@{(data.get('username') or handle or '').lstrip('@')}")
        ]
    yield 1, rec


def read_json(path: Path) -> object:
    raw = path.read_bytes()
    if not raw.strip():
        raise ImportFileError("The file is empty.", code="import_empty_file")
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ImportFileError("JSON files must be UTF-8.", code="import_unknown_encoding") from exc
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"The file is not valid JSON: {exc.msg} (line {exc.lineno}).", code="import_not_tabular"
        ) from exc


def json_items(payload: object) -> list[object]:
    if isinstance(payload, list):
        return payload
    if isinstance(payload, Mapping):
        for key in ("influencers", "items", "data", "rows", "accounts"):
            value = payload.get(key)
            if isinstance(value, list):
                return value
    raise ImportFileError(
        "This JSON is neither a list of rows nor a known API payload (YouTube, Instagram, TikTok).",
        code="import_not_tabular",
    )
