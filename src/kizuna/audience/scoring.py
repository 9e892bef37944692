"""Score follower accounts: fake probability per account, suspicious flags, and the suspicious share.

The share is what a person acts on ("about 12% of this creator's followers look fake"), so it always comes with
a Wilson 95% confidence interval for the sample size: 3 suspicious accounts out of 20 is not the same evidence as
150 out of 1,000, and the Wilson interval stays inside [0, 1] and behaves at small n and shares near 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from kizuna.audience.features import (
    FIELDS,
    BoolArray,
    FeatureInputError,
    Fields,
    FloatArray,
    fields_from_columns,
)
from kizuna.audience.model import FollowerModel, load_model

_Z95 = 1.959963984540054


def wilson_interval(successes: int, n: int, z: float = _Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial share (95% by default)."""
    if n <= 0:
        raise ValueError("wilson_interval needs at least one observation")
    if not 0 <= successes <= n:
        raise ValueError("successes must be between 0 and n")
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    lo = 0.0 if successes == 0 else max(0.0, centre - half)
    hi = 1.0 if successes == n else min(1.0, centre + half)
    return lo, hi


@dataclass(frozen=True)
class ScoreResult:
    """Scores for one sample of follower accounts (row order is kept)."""

    probabilities: FloatArray
    suspicious: BoolArray
    threshold: float
    model_version: str
    fields_used: tuple[str, ...]
    fields_missing: tuple[str, ...]

    @property
    def rows(self) -> int:
        return len(self.probabilities)

    @property
    def suspicious_count(self) -> int:
        return int(self.suspicious.sum())

    @property
    def share(self) -> float:
        return self.suspicious_count / self.rows if self.rows else 0.0

    @property
    def ci95(self) -> tuple[float, float]:
        """Wilson 95% interval of the suspicious share; (0, 1) for an empty sample."""
        return wilson_interval(self.suspicious_count, self.rows) if self.rows else (0.0, 1.0)

    def summary(self) -> dict[str, object]:
        """The JSON-ready summary the CLI prints with ``--json``."""
        lo, hi = self.ci95
        return {
            "rows": self.rows,
            "suspicious": self.suspicious_count,
            "share": round(self.share, 6),
            "ci_low": round(lo, 6),
            "ci_high": round(hi, 6),
            "threshold": round(self.threshold, 6),
            "model_version": self.model_version,
            "fields_used": list(self.fields_used),
            "fields_missing": list(self.fields_missing),
        }


def score_fields(fields: Fields, model: FollowerModel | None = None) -> ScoreResult:
    """Score canonical fields (see :func:`kizuna.audience.features.fields_from_arrays`)."""
    model = model or load_model()
    prob = model.predict_proba(fields)
    available = fields.available
    return ScoreResult(
        probabilities=prob,
        suspicious=prob >= model.threshold,
        threshold=model.threshold,
        model_version=model.version,
        fields_used=available,
        fields_missing=tuple(f for f in FIELDS if f not in available),
    )


def score_columns(columns: Mapping[str, Sequence[object]], model: FollowerModel | None = None) -> ScoreResult:
    """Score a column-oriented table (column name -> values); names are matched case-insensitively."""
    return score_fields(fields_from_columns(columns), model)


def score_accounts(rows: Iterable[Mapping[str, object]], model: FollowerModel | None = None) -> ScoreResult:
    """Score follower accounts given as dicts (e.g. ``csv.DictReader`` rows or API payloads).

    Keys are the accepted column names (see :func:`kizuna.audience.features.fields_from_columns`); a key
    missing from some rows counts as missing for those rows. Raises
    :class:`~kizuna.audience.features.FeatureInputError` for unreadable values or no usable key.
    """
    materialised = list(rows)
    if not materialised:
        raise FeatureInputError("no accounts to score")
    keys: dict[str, None] = {}
    for row in materialised:
        keys.update(dict.fromkeys(row))
    columns = {k: [row.get(k) for row in materialised] for k in keys}
    return score_columns(columns, model)
