"""Loaders for the research fake-follower sources, mapped onto :data:`kizuna.audience.features.FIELDS`.

Used by the training script and the evaluation test only; nothing at scoring time reads them. The data stays
in ``../shared/data/fake_followers`` (research licences, see MODEL_CARD.md) and is never copied into the
repository or the package. Every loader returns ``(Fields, labels)`` with label 1 = fake. Only the columns a follower CSV could also carry are used
(Purba's engagement columns such as ``erl``/``erc`` are deliberately ignored: a follower sample CSV has no
per-post engagement of the follower, and using them would inflate in-source numbers).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import numpy.typing as npt

from kizuna.audience.features import Fields, fields_from_arrays

#: Default location: ``../shared/data/fake_followers`` next to the repository root (src/kizuna/audience/...).
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "fake_followers"

SOURCES = ("purba_ijece", "instafake", "kaggle_train")
REGRESSION_SOURCES = ("mib_cresci2015",)


def source_files(name: str, data_dir: Path = DEFAULT_DATA_DIR) -> list[Path]:
    """The files a source is read from (for clear "missing file" messages)."""
    DATA = data_dir
    return {
        "purba_ijece": [DATA / "purba_ijece" / "IJECE_df_val.csv"],
        "instafake": [
            DATA / "instafake" / "fakeAccountData.json",
            DATA / "instafake" / "realAccountData.json",
        ],
        "instafake_nonautomated": [DATA / "instafake" / "nonautomatedAccountData.json"],
        "kaggle_train": [DATA / "kaggle_train" / "train.csv"],
        "mib_cresci2015": [DATA / "mib_cresci2015" / "mib_E13_INT_profile_features.csv"],
    }[name]


def _require(path: Path) -> Path:
    if not path.is_file():
        raise FileNotFoundError(f"fake-follower data file missing: {path}")
    return path


def _csv(path: Path) -> dict[str, npt.NDArray[np.float64]]:
    with _require(path).open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    cols: dict[str, npt.NDArray[np.float64]] = {}
    for j, h in enumerate(header):
        vals = [r[j] for r in body]
        try:
            cols[h] = np.asarray(vals, dtype=np.float64)
        except ValueError:
            continue  # text columns (e.g. mib "lang") are not used
    return cols


def load(name: str, data_dir: Path = DEFAULT_DATA_DIR) -> tuple[Fields, npt.NDArray[np.int8]]:
    """Load one source; raises FileNotFoundError naming the missing file."""
    if name == "purba_ijece":
        c = _csv(source_files(name, data_dir)[0])
        n = len(c["fake"])
        fields = fields_from_arrays(
            n,
            posts=c["nmedia"],
            followers=c["nfollower"],
            following=c["nfollowing"],
            bio_length=c["biol"],
            has_profile_picture=c["pic"],
            has_external_url=c["url"],
        )
        return fields, c["fake"].astype(np.int8)
    if name in ("instafake", "instafake_nonautomated"):
        rows: list[dict[str, float]] = []
        for p in source_files(name, data_dir):
            rows.extend(json.loads(_require(p).read_text(encoding="utf-8")))
        n = len(rows)

        def col(key: str) -> npt.NDArray[np.float64]:
            return np.asarray([r.get(key, np.nan) for r in rows], dtype=np.float64)

        length = col("usernameLength")
        arrays = {
            "posts": col("userMediaCount"),
            "followers": col("userFollowerCount"),
            "following": col("userFollowingCount"),
            "bio_length": col("userBiographyLength"),
            "username_length": np.where(length > 0, length, np.nan),
            "username_digit_ratio": np.where(
                length > 0, col("usernameDigitCount") / np.maximum(length, 1), np.nan
            ),
        }
        if name == "instafake":
            arrays["has_profile_picture"] = col("userHasProfilPic")
            arrays["is_private"] = col("userIsPrivate")
            labels = col("isFake").astype(np.int8)
        else:
            arrays["has_external_url"] = col("userHasExternalUrl")
            labels = np.zeros(n, dtype=np.int8)  # non-automated accounts: real people
        return fields_from_arrays(n, **arrays), labels
    if name == "kaggle_train":
        c = _csv(source_files(name, data_dir)[0])
        n = len(c["fake"])
        fields = fields_from_arrays(
            n,
            has_profile_picture=c["profile pic"],
            username_digit_ratio=c["nums/length username"],
            fullname_words=c["fullname words"],
            fullname_digit_ratio=c["nums/length fullname"],
            name_equals_username=c["name==username"],
            bio_length=c["description length"],
            has_external_url=c["external URL"],
            is_private=c["private"],
            posts=c["#posts"],
            followers=c["#followers"],
            following=c["#follows"],
        )
        return fields, c["fake"].astype(np.int8)
    if name == "mib_cresci2015":
        c = _csv(source_files(name, data_dir)[0])
        n = len(c["label_fake"])
        length = c["screen_name_length"]
        fields = fields_from_arrays(
            n,
            posts=c["statuses_count"],
            followers=c["followers_count"],
            following=c["friends_count"],
            bio_length=c["description_length"],
            has_external_url=c["has_url"],
            username_length=np.where(length > 0, length, np.nan),
            username_digit_ratio=np.where(
                length > 0, c["screen_name_digits"] / np.maximum(length, 1), np.nan
            ),
        )
        return fields, c["label_fake"].astype(np.int8)
    raise KeyError(f"unknown fake-follower source: {name}")
