"""Follower-account features: one extractor for every source, tolerant of missing columns.

Two layers keep training and scoring on exactly the same code path:

1. :func:`fields_from_columns` turns whatever columns a CSV (or a dataset loader) has into the canonical
   *fields* in :data:`FIELDS` -- float arrays where ``NaN`` means "not known for this row". Column names are
   matched case-insensitively (spaces and hyphens count as underscores); text columns (``username``,
   ``full_name``, ``biography``, ``external_url``) are reduced to the numbers the model uses, so no text is
   kept.
2. :func:`feature_matrix` turns the fields into the model's feature matrix plus a missing mask, fully
   vectorised with numpy (scoring speed matters: issue 4 asks for >= 100,000 accounts/s).

Missing data is explicit, never silently zero: a follower count that is not in the file is ``NaN`` here, and
the model imputes a learned value and sees a missing-indicator (see :mod:`kizuna.audience.model`). An empty
*text* cell is different: an empty ``biography`` cell means the account has no bio, which is a real signal.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kizuna.kit.numbers import NumberFormatError, is_missing, parse_count

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Canonical per-account fields (NaN = unknown). Everything the model can use is one of these.
FIELDS: tuple[str, ...] = (
    "posts",
    "followers",
    "following",
    "bio_length",
    "has_profile_picture",
    "is_private",
    "has_external_url",
    "username_length",
    "username_digit_ratio",
    "fullname_words",
    "fullname_digit_ratio",
    "name_equals_username",
)

#: Features computed from the fields, in model order. Each has a missing indicator (see ``FEATURE_SOURCES``).
FEATURES: tuple[str, ...] = (
    "log_posts",
    "log_followers",
    "log_following",
    "log_following_to_followers",
    "log_posts_per_follower",
    "no_posts",
    "log_bio_length",
    "has_bio",
    "has_profile_picture",
    "is_private",
    "has_external_url",
    "username_length",
    "username_digit_ratio",
    "fullname_words",
    "fullname_digit_ratio",
    "name_equals_username",
)

#: Which fields a feature needs; the feature is missing when any of them is.
FEATURE_SOURCES: dict[str, tuple[str, ...]] = {
    "log_posts": ("posts",),
    "log_followers": ("followers",),
    "log_following": ("following",),
    "log_following_to_followers": ("following", "followers"),
    "log_posts_per_follower": ("posts", "followers"),
    "no_posts": ("posts",),
    "log_bio_length": ("bio_length",),
    "has_bio": ("bio_length",),
    "has_profile_picture": ("has_profile_picture",),
    "is_private": ("is_private",),
    "has_external_url": ("has_external_url",),
    "username_length": ("username_length",),
    "username_digit_ratio": ("username_digit_ratio",),
    "fullname_words": ("fullname_words",),
    "fullname_digit_ratio": ("fullname_digit_ratio",),
    "name_equals_username": ("name_equals_username",),
}

_COUNT_COLUMNS = ("posts", "followers", "following", "bio_length", "username_length", "username_digit_count")
_BOOL_COLUMNS = ("has_profile_picture", "is_private", "has_external_url")
_TRUE = frozenset({"1", "1.0", "true", "t", "yes", "y"})
_FALSE = frozenset({"0", "0.0", "false", "f", "no", "n"})


class FeatureInputError(ValueError):
    """Input values cannot be read (a non-numeric count, an unknown boolean, no usable column)."""


@dataclass(frozen=True)
class Fields:
    """Canonical fields for ``n`` accounts plus the input columns that fed them (for messages)."""

    n: int
    values: dict[str, FloatArray]
    used_columns: tuple[str, ...]

    @property
    def available(self) -> tuple[str, ...]:
        """Fields known for at least one row."""
        return tuple(f for f in FIELDS if not bool(np.all(np.isnan(self.values[f]))))


#: Common alternative headers (API field names, Japanese exports) mapped onto the documented names. An exact
#: documented name always wins over an alias when a file has both.
ALIASES: dict[str, str] = {
    "screen_name": "username",
    "handle": "username",
    "ユーザー名": "username",
    "display_name": "full_name",
    "名前": "full_name",
    "bio": "biography",
    "description": "biography",
    "自己紹介": "biography",
    "media_count": "posts",
    "posts_count": "posts",
    "statuses_count": "posts",
    "投稿数": "posts",
    "follower_count": "followers",
    "followers_count": "followers",
    "フォロワー数": "followers",
    "follows": "following",
    "follows_count": "following",
    "following_count": "following",
    "friends_count": "following",
    "フォロー数": "following",
    "非公開": "is_private",
    "url": "external_url",
    "website": "external_url",
}


def normalize_column(name: str) -> str:
    """``"Has Profile-Picture "`` -> ``"has_profile_picture"``; a UTF-8 BOM is dropped; NFKC for full-width."""
    return (
        unicodedata.normalize("NFKC", name.replace("\ufeff", ""))
        .strip()
        .lower()
        .replace(" ", "_")
        .replace("-", "_")
    )


def _parse_counts(column: str, values: Sequence[object]) -> FloatArray:
    try:
        out = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        return _parse_counts_slow(column, values)
    _check_counts(column, values, out)
    return out


def _check_counts(column: str, values: Sequence[object], out: FloatArray) -> None:
    bad = np.isinf(out) | (out < 0)
    if bool(bad.any()):
        i = int(np.argmax(bad))
        raise FeatureInputError(f"column {column!r}, row {i + 1}: not a non-negative count: {values[i]!r}")


def _parse_counts_slow(column: str, values: Sequence[object]) -> FloatArray:
    out = np.empty(len(values), dtype=np.float64)
    for i, v in enumerate(values):
        if isinstance(v, int | float) and not isinstance(v, bool):
            out[i] = float(v)
            continue
        try:
            out[i] = float(str(v).strip())
            continue
        except ValueError:
            pass
        try:
            c = parse_count(v)
        except NumberFormatError as exc:
            raise FeatureInputError(f"column {column!r}, row {i + 1}: not a number: {v!r}") from exc
        out[i] = math.nan if c is None else float(c)
    _check_counts(column, values, out)
    return out


_BOOL_TEXT: dict[str, float] = {**dict.fromkeys(_TRUE, 1.0), **dict.fromkeys(_FALSE, 0.0)}


def _parse_bools(column: str, values: Sequence[object]) -> FloatArray:
    if all(isinstance(v, str) for v in values):
        # fast path for CSV text: one dict lookup per cell
        texts: Sequence[str] = values  # type: ignore[assignment]
        looked = [_BOOL_TEXT.get(v.strip().lower()) for v in texts]
        if None not in looked:
            return np.asarray(looked, dtype=np.float64)
    out = np.empty(len(values), dtype=np.float64)
    for i, v in enumerate(values):
        if isinstance(v, bool):
            out[i] = 1.0 if v else 0.0
            continue
        if isinstance(v, int | float):
            if isinstance(v, float) and math.isnan(v):
                out[i] = math.nan
            elif v in (0, 1):
                out[i] = float(v)
            else:
                raise FeatureInputError(f"column {column!r}, row {i + 1}: not true/false: {v!r}")
            continue
        s = str(v).strip().lower()
        if s in _TRUE:
            out[i] = 1.0
        elif s in _FALSE:
            out[i] = 0.0
        elif is_missing(v):
            out[i] = math.nan
        else:
            raise FeatureInputError(f"column {column!r}, row {i + 1}: not true/false: {v!r}")
    return out


def _text(values: Sequence[object]) -> list[str | None]:
    """Cells as stripped text; ``None``/NaN (a key absent from a row) stays ``None`` = unknown."""
    if all(isinstance(v, str) for v in values):
        return [str.strip(v) for v in values]  # type: ignore[arg-type]
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip() for v in values]


def _text_stat(texts: list[str | None], fn: Callable[[str], float], n: int) -> FloatArray:
    if None not in texts:
        return np.fromiter(map(fn, texts), dtype=np.float64, count=n)  # type: ignore[arg-type]
    return np.fromiter((math.nan if t is None else fn(t) for t in texts), dtype=np.float64, count=n)


# Unicode digits, so full-width ones (ｕｓｅｒ１２３, common in Japanese handles) count too.
_DIGIT = re.compile(r"\d")
_NON_ALNUM = re.compile(r"[\W_]+")


def _digit_count(s: str) -> int:
    return len(_DIGIT.findall(s))


def _alnum(s: str) -> str:
    return _NON_ALNUM.sub("", s.lower())


def fields_from_columns(columns: Mapping[str, Sequence[object]]) -> Fields:
    """Map raw columns (any case, any subset) onto :data:`FIELDS`.

    Accepted columns: ``username`` or (``username_length``, ``username_digit_count``) or
    ``username_digit_ratio``; ``full_name``; ``biography`` or ``bio_length``; ``posts``; ``followers``;
    ``following``; ``has_profile_picture``; ``is_private``; ``external_url`` or ``has_external_url``.
    Unknown columns are ignored. Raises :class:`FeatureInputError` when values cannot be read or no accepted
    column is present.
    """
    cols: dict[str, tuple[str, Sequence[object]]] = {}
    for k, v in columns.items():
        alias = ALIASES.get(normalize_column(k))
        if alias is not None:
            cols.setdefault(alias, (k, v))
    for k, v in columns.items():
        cols[normalize_column(k)] = (k, v)  # documented names override aliases
    lengths = {len(v) for v in columns.values()}
    if len(lengths) > 1:
        raise FeatureInputError(f"columns have different lengths: {sorted(lengths)}")
    n = lengths.pop() if lengths else 0
    nan = np.full(n, math.nan)
    out: dict[str, FloatArray] = {f: nan.copy() for f in FIELDS}
    used: list[str] = []

    def take(name: str) -> Sequence[object] | None:
        hit = cols.get(name)
        if hit is None:
            return None
        used.append(hit[0])
        return hit[1]

    for name in ("posts", "followers", "following"):
        raw = take(name)
        if raw is not None:
            out[name] = _parse_counts(name, raw)

    bio = take("biography")
    if bio is not None:
        out["bio_length"] = _text_stat(_text(bio), len, n)
    else:
        raw = take("bio_length")
        if raw is not None:
            out["bio_length"] = _parse_counts("bio_length", raw)

    for name in _BOOL_COLUMNS:
        if name == "has_external_url" and "external_url" in cols:
            urls = _text(take("external_url") or [])
            out[name] = _text_stat(urls, lambda u: 1.0 if u else 0.0, n)
            continue
        raw = take(name)
        if raw is not None:
            out[name] = _parse_bools(name, raw)

    usernames: list[str | None] | None = None
    user = take("username")
    if user is not None:
        # "@sakura" and "sakura" are the same handle
        usernames = [None if u is None else u.lstrip("@＠") for u in _text(user)]
        length = _text_stat(usernames, len, n)
        digits = _text_stat(usernames, _digit_count, n)
        # every account has a username: an empty cell is unknown, not "no username"
        length[length == 0] = math.nan
        out["username_length"] = length
        out["username_digit_ratio"] = digits / length
    else:
        raw_len, raw_digits = take("username_length"), take("username_digit_count")
        if raw_len is not None:
            length = _parse_counts("username_length", raw_len)
            out["username_length"] = np.where(length > 0, length, math.nan)
            if raw_digits is not None:
                digits = _parse_counts("username_digit_count", raw_digits)
                with np.errstate(invalid="ignore", divide="ignore"):
                    out["username_digit_ratio"] = np.where(length > 0, digits / length, math.nan)
        raw_ratio = take("username_digit_ratio")
        if raw_ratio is not None:
            ratio = _parse_counts("username_digit_ratio", raw_ratio)
            if bool(np.any(ratio > 1)):
                raise FeatureInputError("column 'username_digit_ratio': values must be between 0 and 1")
            known = ~np.isnan(out["username_digit_ratio"])
            out["username_digit_ratio"] = np.where(known, out["username_digit_ratio"], ratio)

    name_col = take("full_name")
    if name_col is not None:
        names = _text(name_col)
        out["fullname_words"] = _text_stat(names, lambda t: len(t.split()), n)
        out["fullname_digit_ratio"] = _text_stat(names, lambda t: _digit_count(t) / max(len(t), 1), n)
        if usernames is not None:
            out["name_equals_username"] = np.fromiter(
                (
                    math.nan if a is None or not b else (1.0 if a and _alnum(a) == _alnum(b) else 0.0)
                    for a, b in zip(names, usernames, strict=True)
                ),
                dtype=np.float64,
                count=n,
            )

    if not used:
        raise FeatureInputError(
            "no usable column; expected some of: username, username_length, username_digit_count, "
            "username_digit_ratio, full_name, biography, bio_length, posts, followers, following, "
            "has_profile_picture, is_private, external_url, has_external_url"
        )
    return Fields(n=n, values=out, used_columns=tuple(used))


def fields_from_arrays(n: int, **values: npt.ArrayLike) -> Fields:
    """Build :class:`Fields` straight from canonical numeric arrays (training loaders, benchmarks)."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise FeatureInputError(f"unknown fields: {sorted(unknown)}")
    out = {f: np.full(n, math.nan) for f in FIELDS}
    for k, v in values.items():
        arr = np.asarray(v, dtype=np.float64)
        if arr.shape != (n,):
            raise FeatureInputError(f"field {k!r} has shape {arr.shape}, expected ({n},)")
        out[k] = arr
    return Fields(n=n, values=out, used_columns=tuple(values))


def feature_matrix(fields: Fields) -> tuple[FloatArray, BoolArray]:
    """Features in :data:`FEATURES` order as ``(X, missing)``, both shaped ``(n, len(FEATURES))``.

    ``X`` holds ``NaN`` where ``missing`` is true; the model fills those (imputation happens with the model's
    learned values so this function has no parameters and can be shared by training and scoring).
    """
    v = fields.values
    posts, followers, following = v["posts"], v["followers"], v["following"]
    bio = v["bio_length"]
    with np.errstate(invalid="ignore"):
        lp, lfr, lfg = np.log1p(posts), np.log1p(followers), np.log1p(following)
        cols = {
            "log_posts": lp,
            "log_followers": lfr,
            "log_following": lfg,
            "log_following_to_followers": lfg - lfr,
            "log_posts_per_follower": lp - lfr,
            "no_posts": np.where(np.isnan(posts), math.nan, (posts == 0).astype(np.float64)),
            "log_bio_length": np.log1p(bio),
            "has_bio": np.where(np.isnan(bio), math.nan, (bio > 0).astype(np.float64)),
            "has_profile_picture": v["has_profile_picture"],
            "is_private": v["is_private"],
            "has_external_url": v["has_external_url"],
            "username_length": np.minimum(v["username_length"], 30.0),
            "username_digit_ratio": v["username_digit_ratio"],
            "fullname_words": np.minimum(v["fullname_words"], 6.0),
            "fullname_digit_ratio": v["fullname_digit_ratio"],
            "name_equals_username": v["name_equals_username"],
        }
    x = np.empty((fields.n, len(FEATURES)), dtype=np.float64, order="F")  # column writes stay contiguous
    for j, name in enumerate(FEATURES):
        x[:, j] = cols[name]
    return x, np.isnan(x)
