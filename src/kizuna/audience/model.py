"""The shipped follower-account model: plain arrays in a JSON file, evaluated with numpy only.

Why this shape:

* **No pickle.** The model is ``follower_model.json`` inside this package: lists of numbers and names, read
  with :func:`json.loads` and checked field by field. Loading it cannot execute code.
* **Missing data is part of the model.** Every feature is imputed with a value learned in training, and a
  missing-indicator per input field is appended, so a CSV with only ``followers``/``following`` is scored by
  the same trees as a complete one (training randomly hides fields so the trees learn those cases).
* **Two halves that fail differently.** The score is a weighted L2 logistic regression plus boosted trees
  (an equal blend, folded into the stored coefficients). In cross-source tests the linear half transfers better
  to an unseen source, the trees catch interactions (no posts *and* no picture); the blend beat either alone.
* **Fast.** An ensemble of *oblivious* trees (every node on a level uses the same split, as in CatBoost)
  evaluates as ``depth`` vectorised comparisons per tree and one table lookup -- no per-row Python.
* **Calibrated for a realistic base rate.** Training balances fake/real per source; a Platt layer fitted on
  validation rows reweighted to the model's ``prior`` (10% fake) turns scores into probabilities for that rate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from kizuna.audience.features import FEATURE_SOURCES, FEATURES, BoolArray, Fields, FloatArray, feature_matrix

FORMAT = "kizuna.follower_model/1"
MODEL_FILE = "follower_model.json"

#: Features whose missing flag becomes an extra model input (one per input field, no duplicates).
INDICATORS: tuple[str, ...] = tuple(
    name
    for i, name in enumerate(FEATURES)
    if len(FEATURE_SOURCES[name]) == 1
    and FEATURE_SOURCES[name] not in [FEATURE_SOURCES[m] for m in FEATURES[:i]]
)
_IND_IDX = np.array([FEATURES.index(n) for n in INDICATORS], dtype=np.intp)


_CHUNK = 16_384
_PREDICT_BLOCK = 131_072


class ModelFileError(ValueError):
    """The model file is not a valid kizuna follower model."""


def design_matrix(x: FloatArray, missing: BoolArray, impute: FloatArray) -> FloatArray:
    """Impute missing features and append missing-indicators; column-major for fast column access."""
    n = x.shape[0]
    z = np.empty((n, len(FEATURES) + len(INDICATORS)), dtype=np.float64, order="F")
    head = z[:, : len(FEATURES)]
    np.copyto(head, x)
    np.copyto(head, np.broadcast_to(impute, x.shape), where=missing)
    z[:, len(FEATURES) :] = missing[:, _IND_IDX]
    return z


def design_names() -> tuple[str, ...]:
    return FEATURES + tuple(f"missing_{n}" for n in INDICATORS)


@dataclass(frozen=True, eq=False)
class TreeEnsemble:
    """Oblivious trees: ``feature[t, d]``/``threshold[t, d]`` per level, ``leaf[t, 2**depth]`` raw scores."""

    base: float
    feature: npt.NDArray[np.intp]
    threshold: FloatArray
    leaf: FloatArray

    @property
    def depth(self) -> int:
        return int(self.feature.shape[1])

    @cached_property
    def _conditions(self) -> tuple[npt.NDArray[np.intp], FloatArray, npt.NDArray[np.intp]]:
        """Distinct (feature, threshold) splits and, per tree level, which distinct split it uses.

        Boosted trees reuse the same splits a lot (about 90 distinct ones for 600 tree levels), so each is
        evaluated once per chunk of rows instead of once per tree.
        """
        pairs = np.stack([self.feature.ravel().astype(np.float64), self.threshold.ravel()], axis=1)
        uniq, inverse = np.unique(pairs, axis=0, return_inverse=True)
        return uniq[:, 0].astype(np.intp), uniq[:, 1].copy(), inverse.reshape(self.feature.shape)

    def raw(self, z: FloatArray) -> FloatArray:
        """Sum of leaf values. Rows go in chunks that fit in cache; split bits are uint8."""
        n = z.shape[0]
        out = np.empty(n, dtype=np.float64)
        cond_feature, cond_threshold, level_cond = self._conditions
        n_trees, depth = self.feature.shape
        for start in range(0, n, _CHUNK):
            zc = z[start : start + _CHUNK]
            m = zc.shape[0]
            bits = np.empty((len(cond_feature), m), dtype=np.uint8)
            for u in range(len(cond_feature)):
                np.greater(zc[:, cond_feature[u]], cond_threshold[u], out=bits[u], casting="unsafe")
            acc = np.full(m, self.base, dtype=np.float64)
            idx = np.empty(m, dtype=np.uint8)
            tmp = np.empty(m, dtype=np.uint8)
            for t in range(n_trees):
                row = level_cond[t]
                np.copyto(idx, bits[row[0]])
                for d in range(1, depth):
                    np.left_shift(bits[row[d]], d, out=tmp)
                    np.bitwise_or(idx, tmp, out=idx)
                acc += self.leaf[t].take(idx)
            out[start : start + m] = acc
        return out


@dataclass(frozen=True, eq=False)
class FollowerModel:
    """A loaded model; use :func:`load_model` for the shipped one."""

    version: str
    impute: FloatArray
    coef: FloatArray
    intercept: float
    trees: TreeEnsemble
    platt_a: float
    platt_b: float
    prior: float
    threshold: float
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    def design(self, fields: Fields) -> FloatArray:
        x, missing = feature_matrix(fields)
        return design_matrix(x, missing, self.impute)

    def logits_from_design(self, z: FloatArray) -> FloatArray:
        return self.platt_a * self.raw(z) + self.platt_b

    def raw(self, z: FloatArray) -> FloatArray:
        """Uncalibrated score: linear part plus trees."""
        out: FloatArray = z @ self.coef + self.intercept + self.trees.raw(z)
        return out

    def predict_proba(self, fields: Fields) -> FloatArray:
        """Probability that each account is fake, calibrated for a ``prior`` share of fakes.

        Works through the rows in blocks so the design matrix of a million accounts is never built at once
        (a fresh 200+ MB array costs more in page faults than the arithmetic on it).
        """
        out = np.empty(fields.n, dtype=np.float64)
        for start in range(0, fields.n, _PREDICT_BLOCK):
            stop = min(start + _PREDICT_BLOCK, fields.n)
            block = Fields(
                n=stop - start,
                values={k: v[start:stop] for k, v in fields.values.items()},
                used_columns=fields.used_columns,
            )
            out[start:stop] = _sigmoid(self.logits_from_design(self.design(block)))
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": self.version,
            "features": list(FEATURES),
            "indicators": list(INDICATORS),
            "impute": [float(v) for v in self.impute],
            "linear": {"coef": [float(v) for v in self.coef], "intercept": self.intercept},
            "trees": {
                "base": self.trees.base,
                "feature": self.trees.feature.tolist(),
                "threshold": self.trees.threshold.tolist(),
                "leaf": self.trees.leaf.tolist(),
            },
            "calibration": {"platt_a": self.platt_a, "platt_b": self.platt_b, "prior": self.prior},
            "threshold": self.threshold,
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> FollowerModel:
        """Validate and build; raises :class:`ModelFileError` on any mismatch with this code's features."""
        if doc.get("format") != FORMAT:
            raise ModelFileError(f"unsupported model format {doc.get('format')!r}, expected {FORMAT!r}")
        if tuple(doc.get("features", ())) != FEATURES or tuple(doc.get("indicators", ())) != INDICATORS:
            raise ModelFileError("model features do not match this version of kizuna.audience.features")
        try:
            t = doc["trees"]
            feature = np.asarray(t["feature"], dtype=np.intp)
            threshold = np.asarray(t["threshold"], dtype=np.float64)
            leaf = np.asarray(t["leaf"], dtype=np.float64)
            impute = np.asarray(doc["impute"], dtype=np.float64)
            coef = np.asarray(doc["linear"]["coef"], dtype=np.float64)
            cal = doc["calibration"]
            model = cls(
                version=str(doc["version"]),
                impute=impute,
                coef=coef,
                intercept=float(doc["linear"]["intercept"]),
                trees=TreeEnsemble(base=float(t["base"]), feature=feature, threshold=threshold, leaf=leaf),
                platt_a=float(cal["platt_a"]),
                platt_b=float(cal["platt_b"]),
                prior=float(cal["prior"]),
                threshold=float(doc["threshold"]),
                meta=dict(doc.get("meta", {})),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelFileError(f"malformed model file: {exc}") from exc
        width = len(FEATURES) + len(INDICATORS)
        if (
            impute.shape != (len(FEATURES),)
            or coef.shape != (width,)
            or not np.all(np.isfinite(coef))
            or feature.ndim != 2
            or threshold.shape != feature.shape
            or leaf.shape != (feature.shape[0], 2 ** feature.shape[1])
            or (feature.size and (feature.min() < 0 or feature.max() >= width))
            or not 0.0 < model.threshold < 1.0
        ):
            raise ModelFileError("model arrays have inconsistent shapes or values")
        return model


def _sigmoid(v: FloatArray) -> FloatArray:
    out: FloatArray = 0.5 * (1.0 + np.tanh(0.5 * v))
    return out


@lru_cache(maxsize=1)
def load_model() -> FollowerModel:
    """The model shipped in this package (cached; the file is read once per process)."""
    text = resources.files("kizuna.audience").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return FollowerModel.from_json(json.loads(text))
