"""Brand-fit scoring: semantic similarity, keyword matches and structured fit, each part explained.

score = Σ weightᵢ · partᵢ over the parts that apply to the query, with the weights renormalised to sum to 1:

* ``semantic`` — cosine between the brief (or the lookalike seed's profile) and the creator's profile vector,
  mapped from e5's narrow cosine band to 0-1 with a fixed calibration (:data:`SEMANTIC_BANDS`);
* ``keywords`` — share of the query's terms (explicit keywords plus the content words of the brief) found in the
  creator's name, handles, categories, bio, recent captions and hashtags;
* ``audience`` — how much of the creator's audience is in the target: mean over the target's dimensions of the
  audience share in the target age bands / genders / countries / languages (for lookalikes: overlap of the two
  audience distributions);
* ``profile`` — creator country in the target countries, creator language in the target languages.

Nothing is hidden: the explanation carries each part's raw value, weight and contribution, the matched and
missing terms and the audience shares behind the fit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from kizuna.discovery.filters import AGE_BANDS, GENDERS, Target

F32 = npt.NDArray[np.float32]

DEFAULT_WEIGHTS: dict[str, float] = {"semantic": 0.5, "keywords": 0.2, "audience": 0.2, "profile": 0.1}
LOOKALIKE_WEIGHTS: dict[str, float] = {"semantic": 0.6, "keywords": 0.0, "audience": 0.3, "profile": 0.1}
#: multilingual-e5 cosines of unrelated texts sit around 0.75-0.80 and of texts on the same topic around
#: 0.85-0.92 (measured on ja/en pairs, docs/adr/0200); queries against passages and passages against passages
#: (lookalikes) have different bands.
SEMANTIC_BANDS = {"query": (0.78, 0.90), "passage": (0.82, 0.96)}

_STOP = {
    "the",
    "and",
    "for",
    "with",
    "who",
    "that",
    "this",
    "our",
    "your",
    "from",
    "are",
    "aged",
    "age",
    "ages",
    "women",
    "woman",
    "men",
    "man",
    "female",
    "male",
    "people",
    "audience",
    "creator",
    "creators",
    "influencer",
    "influencers",
    "brand",
    "campaign",
    "looking",
    "want",
    "years",
    "year",
    "old",
    "like",
}
_RUNS = re.compile(
    r"[A-Za-z][A-Za-z0-9'’\-]+|[\u30a0-\u30ffー]{2,}|[\u4e00-\u9fff々]{2,}|[\uac00-\ud7af]{2,}|[\u3040-\u309f]{4,}"
)
_JA_STOP = {
    "向け",
    "女性",
    "男性",
    "年代",
    "歳以上",
    "歳以下",
    "インフルエンサー",
    "ブランド",
    "キャンペーン",
}


def brief_terms(brief: str) -> list[str]:
    """Content words of a brief for keyword matching: Latin words (3+ letters, no stop words), katakana and
    kanji runs ("スキンケア", "朝"), hangul words. Japanese has no spaces, so runs of one script are the unit."""
    out: list[str] = []
    for m in _RUNS.finditer(brief):
        term = m.group(0).strip("-'’").lower()
        if len(term) < 2 or term in _STOP or term in _JA_STOP:
            continue
        if term.isascii() and len(term) < 3:
            continue
        out.append(term)
    return list(dict.fromkeys(out))


def normalise_semantic(cosine: F32, kind: str) -> F32:
    lo, hi = SEMANTIC_BANDS[kind]
    out: F32 = np.clip((cosine - lo) / (hi - lo), 0.0, 1.0).astype(np.float32)
    return out


@dataclass(frozen=True)
class Part:
    name: str
    value: float
    weight: float
    detail: dict[str, Any]

    @property
    def contribution(self) -> float:
        return self.value * self.weight

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": round(self.value, 4),
            "weight": round(self.weight, 4),
            "contribution": round(self.contribution, 4),
            "detail": self.detail,
        }


def effective_weights(available: list[str], base: dict[str, float]) -> dict[str, float]:
    """Weights of the parts that apply, rescaled to sum to 1 (a part with no input never dilutes the rest)."""
    total = sum(base[p] for p in available if base.get(p, 0) > 0)
    if total <= 0:
        return {}
    return {p: base[p] / total for p in available if base.get(p, 0) > 0}


def audience_target_fit(
    index: Any, positions: npt.NDArray[np.int64], target: Target
) -> tuple[F32, list[str]]:
    """Mean over the target's dimensions of the audience share inside the target, for each candidate."""
    from kizuna.discovery.index import take

    total = np.zeros(positions.size, dtype=np.float32)
    names: list[str] = []
    bands = target.age_bands()
    if bands:
        total += _columns_sum(index.age, [AGE_BANDS.index(b) for b in bands], positions)
        names.append("age " + ",".join(bands))
    genders = [g for g in target.genders if g in GENDERS]
    if genders:
        total += _columns_sum(index.gender, [GENDERS.index(g) for g in genders], positions)
        names.append("gender " + ",".join(genders))
    if target.countries:
        total += take(index.audience_share("country", list(target.countries)), positions)
        names.append("country " + ",".join(target.countries))
    if target.languages:
        total += take(index.audience_share("language", list(target.languages)), positions)
        names.append("language " + ",".join(target.languages))
    if not names:
        return total, []
    total *= np.float32(1.0 / len(names))
    fit: F32 = np.clip(total, 0, 1, out=total)
    fit[~take(index.has_audience, positions)] = 0.0
    return fit, names


def _columns_sum(matrix: F32, columns: list[int], positions: npt.NDArray[np.int64]) -> F32:
    """Sum of some columns for the given rows. The share matrices are column-major, so when most rows are
    candidates it is cheaper to add whole columns and pick rows afterwards than to gather rows first."""
    from kizuna.discovery.index import take

    if positions.size * 4 < matrix.shape[0]:
        picked: F32 = matrix[positions][:, columns].sum(axis=1).astype(np.float32)
        return picked
    total = np.zeros(matrix.shape[0], dtype=np.float32)
    for c in columns:
        total += matrix[:, c]
    out: F32 = take(total, positions)
    return out


def audience_detail(index: Any, pos: int, target: Target) -> dict[str, Any]:
    """The audience shares behind one creator's audience fit (rounded, as shown to people)."""
    if not index.has_audience[pos]:
        return {"note": "no audience data (counts as 0)"}
    detail: dict[str, Any] = {}
    bands = target.age_bands()
    if bands:
        detail["age " + ",".join(bands)] = round(
            float(sum(index.age[pos, AGE_BANDS.index(b)] for b in bands)), 3
        )
    for g in target.genders:
        if g in GENDERS:
            detail[f"gender {g}"] = round(float(index.gender[pos, GENDERS.index(g)]), 3)
    for c in target.countries:
        detail[f"country {c}"] = round(float(index.audience_share("country", [c])[pos]), 3)
    for lang in target.languages:
        detail[f"language {lang}"] = round(float(index.audience_share("language", [lang])[pos]), 3)
    return detail


def profile_fit(index: Any, positions: npt.NDArray[np.int64], target: Target) -> F32 | None:
    """1 per satisfied profile condition (country in target, speaks a target language), averaged."""
    from kizuna.discovery.index import any_of, one_of, take

    comps: list[F32] = []
    if target.countries:
        codes = [index.country_vocab.get(c) for c in target.countries]
        codes = [c for c in codes if c is not None]
        comps.append(one_of(take(index.country, positions), codes).astype(np.float32))
    if target.languages:
        codes = [index.language_vocab.get(lang) for lang in target.languages]
        comps.append(any_of(take(index.languages, positions), codes).astype(np.float32))
    if not comps:
        return None
    fit: F32 = comps[0] if len(comps) == 1 else ((comps[0] + comps[1]) * np.float32(0.5)).astype(np.float32)
    return fit


def lookalike_audience(index: Any, seed: int, positions: npt.NDArray[np.int64]) -> F32:
    """Overlap (histogram intersection, 0-1) of each candidate's audience with the seed's: ages, genders and the
    seed's main countries, averaged. Creators without audience data get 0."""
    from kizuna.discovery.index import take

    if not index.has_audience[seed]:
        return np.zeros(positions.size, dtype=np.float32)
    total = np.zeros(positions.size, dtype=np.float32)
    for matrix in (index.age, index.gender):  # column-major: one column at a time
        for c in range(matrix.shape[1]):
            if matrix[seed, c] > 0:  # min(x, 0) adds nothing
                total += np.minimum(take(matrix[:, c], positions), matrix[seed, c])
    seed_countries = sorted(((share, key) for key, share in index.audience_of(seed).items()), reverse=True)[
        :5
    ]
    everyone = positions.size == index.size
    for share, key in seed_countries:
        if everyone:  # candidate i is row i: add the key's sparse shares in place
            sp = index.aud_country[key]
            total[sp.rows] += np.minimum(sp.shares, np.float32(share))
        else:
            total += np.minimum(take(index.audience_share("country", [key]), positions), np.float32(share))
    total *= np.float32(1.0 / 3.0)
    fit: F32 = total
    fit[~take(index.has_audience, positions)] = 0.0
    return fit
