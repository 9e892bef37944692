"""Training and honest evaluation of the follower model (numpy only; used by bench/train_audience_model.py).

Nothing here runs when scoring; it lives in the package so the training script and the evaluation test run
exactly the same code. Choices that matter for honesty (see docs/audience-model-report.md):

* **Labels never leak through missingness.** The sources carry different columns. Each source is weighted to
  50/50 fake/real and every source gets the same total weight, so "which columns are missing" says nothing
  about the label. Training rows are also copied with random fields hidden, so the trees learn to score any
  subset of columns.
* **The threshold and calibration come from validation rows of the training sources**, reweighted to the
  target prior (10% fake) -- never from the test source.
* **Test sets are resampled to ~10% fake** (all real accounts kept, fakes drawn without replacement, repeated)
  and reported with F1, MCC, precision, recall and ROC AUC with 95% percentile ranges over the draws.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from kizuna.audience.features import FIELDS, Fields, FloatArray, feature_matrix
from kizuna.audience.model import FollowerModel, TreeEnsemble, design_matrix
from kizuna.audience.sources import DEFAULT_DATA_DIR, load

IntArray = npt.NDArray[np.intp]
Labels = npt.NDArray[np.int8]

#: Fields hidden together during augmentation (a CSV has either all or none of a group).
MASK_GROUPS: tuple[tuple[str, ...], ...] = (
    ("posts",),
    ("followers",),
    ("following",),
    ("bio_length",),
    ("has_profile_picture",),
    ("is_private",),
    ("has_external_url",),
    ("username_length", "username_digit_ratio"),
    ("fullname_words", "fullname_digit_ratio", "name_equals_username"),
)


@dataclass(frozen=True)
class TrainConfig:
    n_trees: int = 150
    depth: int = 4
    learning_rate: float = 0.08
    l2: float = 5.0
    n_bins: int = 32
    row_subsample: float = 0.8
    augment_copies: int = 2
    mask_probability: float = 0.3
    val_fraction: float = 0.2
    prior: float = 0.10
    linear_weight: float = 0.5
    source_weighting: str = "equal"
    linear_l2: float = 10.0
    seed: int = 20261121


def concat_fields(parts: Sequence[Fields]) -> Fields:
    n = sum(p.n for p in parts)
    values = {f: np.concatenate([p.values[f] for p in parts]) for f in FIELDS}
    return Fields(n=n, values=values, used_columns=())


def take_fields(fields: Fields, idx: IntArray) -> Fields:
    return Fields(n=len(idx), values={f: v[idx] for f, v in fields.values.items()}, used_columns=())


def mask_fields(fields: Fields, rng: np.random.Generator, p: float) -> Fields:
    """Hide random field groups per row (never all the groups the row has)."""
    values = {f: v.copy() for f, v in fields.values.items()}
    hide = rng.random((fields.n, len(MASK_GROUPS))) < p
    for g, group in enumerate(MASK_GROUPS):
        for f in group:
            values[f][hide[:, g]] = math.nan
    still = np.zeros(fields.n, dtype=bool)
    for f in FIELDS:
        still |= ~np.isnan(values[f])
    for f in FIELDS:  # rows that lost everything keep their original values
        values[f][~still] = fields.values[f][~still]
    return Fields(n=fields.n, values=values, used_columns=())


# --- gradient-boosted oblivious trees ------------------------------------------------------------------


def _bin_edges(col: FloatArray, n_bins: int) -> FloatArray:
    uniq = np.unique(col)
    if len(uniq) <= n_bins:
        edges = (uniq[:-1] + uniq[1:]) / 2
    else:
        qs = np.unique(np.quantile(col, np.linspace(0, 1, n_bins + 1)[1:-1]))
        edges = qs
    return edges.astype(np.float64)


def fit_trees(
    z: FloatArray, y: Labels, w: FloatArray, cfg: TrainConfig, rng: np.random.Generator
) -> TreeEnsemble:
    """Newton boosting of oblivious trees on the log loss; splits chosen from quantile bins."""
    n, p = z.shape
    edges = [_bin_edges(z[:, j], cfg.n_bins) for j in range(p)]
    bins = [np.searchsorted(edges[j], z[:, j], side="left").astype(np.intp) for j in range(p)]
    yf = y.astype(np.float64)
    pos = float(np.sum(w * yf) / np.sum(w))
    base = math.log(pos / (1 - pos))
    raw = np.full(n, base)
    feats = np.zeros((cfg.n_trees, cfg.depth), dtype=np.intp)
    thrs = np.zeros((cfg.n_trees, cfg.depth), dtype=np.float64)
    leaves = np.zeros((cfg.n_trees, 2**cfg.depth), dtype=np.float64)
    for t in range(cfg.n_trees):
        prob = 1.0 / (1.0 + np.exp(-raw))
        sample = rng.random(n) < cfg.row_subsample
        ws = w * sample
        g = (prob - yf) * ws
        h = prob * (1 - prob) * ws
        node = np.zeros(n, dtype=np.intp)
        for d in range(cfg.depth):
            nn = 2**d
            best = (-math.inf, 0, 0.0)
            for j in range(p):
                k = len(edges[j])
                if k == 0:
                    continue
                idx = node * (k + 1) + bins[j]
                gs = np.bincount(idx, weights=g, minlength=nn * (k + 1)).reshape(nn, k + 1)
                hs = np.bincount(idx, weights=h, minlength=nn * (k + 1)).reshape(nn, k + 1)
                gl, hl = np.cumsum(gs, axis=1)[:, :k], np.cumsum(hs, axis=1)[:, :k]
                gt, ht = gs.sum(axis=1, keepdims=True), hs.sum(axis=1, keepdims=True)
                gain = (gl**2 / (hl + cfg.l2) + (gt - gl) ** 2 / (ht - hl + cfg.l2)).sum(axis=0)
                kb = int(np.argmax(gain))
                if gain[kb] > best[0]:
                    best = (float(gain[kb]), j, float(edges[j][kb]))
            _, j, thr = best
            feats[t, d], thrs[t, d] = j, thr
            node += (z[:, j] > thr).astype(np.intp) << d
        gl_ = np.bincount(node, weights=g, minlength=2**cfg.depth)
        hl_ = np.bincount(node, weights=h, minlength=2**cfg.depth)
        leaves[t] = -cfg.learning_rate * gl_ / (hl_ + cfg.l2)
        raw += leaves[t][node]
    return TreeEnsemble(base=base, feature=feats, threshold=thrs, leaf=leaves)


def fit_linear(z: FloatArray, y: Labels, w: FloatArray, l2: float) -> tuple[FloatArray, float]:
    """Weighted L2 logistic regression by Newton steps on standardised columns.

    Returns coefficients and intercept for the *raw* design matrix (standardisation folded in), so scoring is
    a single matrix-vector product.
    """
    mu = np.average(z, axis=0, weights=w)
    sd = np.sqrt(np.average((z - mu) ** 2, axis=0, weights=w)) + 1e-9
    zs = np.c_[(z - mu) / sd, np.ones(len(z))]
    beta = np.zeros(zs.shape[1])
    yf = y.astype(np.float64)
    penalty = np.r_[np.full(len(beta) - 1, l2), 0.0]
    for _ in range(50):
        p = 1 / (1 + np.exp(-(zs @ beta)))
        grad = zs.T @ (w * (p - yf)) + penalty * beta
        hess = (zs * (w * p * (1 - p))[:, None]).T @ zs + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    coef = beta[:-1] / sd
    return coef, float(beta[-1] - coef @ mu)


# --- calibration, threshold, metrics ------------------------------------------------------------------


def prior_weights(
    y: Labels, groups: npt.NDArray[Any], prior: float, source_weighting: str = "equal"
) -> FloatArray:
    """Weights making every group a ``prior`` share of fakes.

    ``source_weighting``: ``"equal"`` gives every group the same total weight (a 576-row source counts as much
    as a 15,000-row one: the model must not just learn the biggest source); ``"sqrt"`` weights groups by the
    square root of their size (a compromise, used in the ablation).
    """
    w = np.zeros(len(y), dtype=np.float64)
    for gname in np.unique(groups):
        in_g = groups == gname
        n_f, n_r = int(np.sum(in_g & (y == 1))), int(np.sum(in_g & (y == 0)))
        total = math.sqrt(n_f + n_r) if source_weighting == "sqrt" else 1.0
        if n_f:
            w[in_g & (y == 1)] = total * prior / n_f
        if n_r:
            w[in_g & (y == 0)] = total * (1 - prior) / n_r
    return w


def fit_platt(raw: FloatArray, y: Labels, w: FloatArray) -> tuple[float, float]:
    """Weighted logistic fit ``sigmoid(a * raw + b)`` by Newton steps (two parameters, well conditioned)."""
    a, b = 1.0, 0.0
    yf = y.astype(np.float64)
    for _ in range(50):
        p = 1 / (1 + np.exp(-(a * raw + b)))
        r = w * (p - yf)
        s = w * p * (1 - p) + 1e-12
        grad = np.array([np.sum(r * raw), np.sum(r)])
        hess = np.array([[np.sum(s * raw * raw), np.sum(s * raw)], [np.sum(s * raw), np.sum(s)]])
        step = np.linalg.solve(hess + 1e-9 * np.eye(2), grad)
        a, b = a - float(step[0]), b - float(step[1])
        if float(np.abs(step).max()) < 1e-9:
            break
    return a, b


def best_f1_threshold(prob: FloatArray, y: Labels, w: FloatArray) -> float:
    """Threshold maximising weighted F1 (midpoint between neighbouring scores)."""
    order = np.argsort(-prob, kind="stable")
    ps, ys, ws = prob[order], y[order].astype(np.float64), w[order]
    tp = np.cumsum(ws * ys)
    fp = np.cumsum(ws * (1 - ys))
    total_pos = tp[-1]
    f1 = 2 * tp / (tp + fp + total_pos)
    distinct = np.r_[ps[1:] < ps[:-1], True]
    f1 = np.where(distinct, f1, -1)
    i = int(np.argmax(f1))
    nxt = ps[i + 1] if i + 1 < len(ps) else 0.0
    return float((ps[i] + nxt) / 2)


def roc_auc(score: FloatArray, y: Labels) -> float:
    order = np.argsort(score, kind="mergesort")
    s = score[order]
    ranks = np.empty(len(s), dtype=np.float64)
    # average ranks for ties
    _, first, counts = np.unique(s, return_index=True, return_counts=True)
    avg = first + (counts - 1) / 2 + 1
    ranks[order] = np.repeat(avg, counts)
    n_pos = int(np.sum(y == 1))
    n_neg = len(y) - n_pos
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def binary_metrics(pred: npt.NDArray[np.bool_], y: Labels) -> dict[str, float]:
    yt = y == 1
    tp = float(np.sum(pred & yt))
    fp = float(np.sum(pred & ~yt))
    fn = float(np.sum(~pred & yt))
    tn = float(np.sum(~pred & ~yt))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    denom = math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    mcc = (tp * tn - fp * fn) / denom if denom else 0.0
    return {"f1": f1, "mcc": mcc, "precision": precision, "recall": recall}


def evaluate_at_prior(
    prob: FloatArray, y: Labels, threshold: float, *, prior: float = 0.10, draws: int = 200, seed: int = 7
) -> dict[str, Any]:
    """Resample to ``prior`` fakes (all real rows kept, fakes drawn) ``draws`` times; mean and 95% range."""
    rng = np.random.default_rng(seed)
    real = np.flatnonzero(y == 0)
    fake = np.flatnonzero(y == 1)
    n_fake = min(len(fake), max(1, round(len(real) * prior / (1 - prior))))
    rows: dict[str, list[float]] = {k: [] for k in ("f1", "mcc", "precision", "recall", "auc")}
    for _ in range(draws):
        idx = np.concatenate([real, rng.choice(fake, size=n_fake, replace=False)])
        m = binary_metrics(prob[idx] >= threshold, y[idx])
        m["auc"] = roc_auc(prob[idx], y[idx])
        for k, v in m.items():
            rows[k].append(v)
    out: dict[str, Any] = {"n_real": len(real), "n_fake": n_fake, "fake_rate": n_fake / (n_fake + len(real))}
    for k, vals in rows.items():
        arr = np.asarray(vals)
        out[k] = float(arr.mean())
        out[f"{k}_lo"] = float(np.quantile(arr, 0.025))
        out[f"{k}_hi"] = float(np.quantile(arr, 0.975))
    return out


# --- fitting a shippable model -----------------------------------------------------------------------


def split_train_val(y: Labels, fraction: float, rng: np.random.Generator) -> tuple[IntArray, IntArray]:
    """Stratified split of one source."""
    train, val = [], []
    for cls in (0, 1):
        idx = np.flatnonzero(y == cls)
        rng.shuffle(idx)
        k = round(len(idx) * fraction)
        val.append(idx[:k])
        train.append(idx[k:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(val))


def split_sources(
    data: dict[str, tuple[Fields, Labels]], cfg: TrainConfig
) -> tuple[np.random.Generator, dict[str, tuple[IntArray, IntArray]]]:
    """The train/validation split :func:`fit_model` uses (sources in ``data`` order), and the generator to go on
    with -- so a test can re-derive the validation rows of the shipped model without retraining it."""
    rng = np.random.default_rng(cfg.seed)
    return rng, {name: split_train_val(y, cfg.val_fraction, rng) for name, (_, y) in data.items()}


def fit_model(
    data: dict[str, tuple[Fields, Labels]], cfg: TrainConfig, version: str
) -> tuple[FollowerModel, dict[str, Any]]:
    """Train on the given sources (80%), calibrate and choose the threshold on their held-out 20%."""
    rng, splits = split_sources(data, cfg)
    tr_parts, tr_y, tr_src, va_parts, va_y, va_src = [], [], [], [], [], []
    for name, (fields, y) in data.items():
        tr, va = splits[name]
        tr_parts.append(take_fields(fields, tr))
        tr_y.append(y[tr])
        tr_src.append(np.full(len(tr), name))
        va_parts.append(take_fields(fields, va))
        va_y.append(y[va])
        va_src.append(np.full(len(va), name))
    train = concat_fields(tr_parts)
    ytr, src_tr = np.concatenate(tr_y), np.concatenate(tr_src)
    copies = [train] + [mask_fields(train, rng, cfg.mask_probability) for _ in range(cfg.augment_copies)]
    aug = concat_fields(copies)
    y_aug = np.tile(ytr, len(copies))
    w_aug = np.tile(prior_weights(ytr, src_tr, 0.5, cfg.source_weighting), len(copies))
    x, missing = feature_matrix(aug)
    impute = np.array(
        [float(np.median(x[~missing[:, j], j])) if np.any(~missing[:, j]) else 0.0 for j in range(x.shape[1])]
    )
    z = design_matrix(x, missing, impute)
    w_norm = w_aug * len(w_aug) / w_aug.sum()
    coef, intercept = fit_linear(z, y_aug, w_norm, cfg.linear_l2)
    trees = fit_trees(z, y_aug, w_norm, cfg, rng)
    lw = cfg.linear_weight
    trees = TreeEnsemble(
        base=(1 - lw) * trees.base,
        feature=trees.feature,
        threshold=trees.threshold,
        leaf=(1 - lw) * trees.leaf,
    )
    coef, intercept = lw * coef, lw * intercept

    val = concat_fields(va_parts)
    yva, src_va = np.concatenate(va_y), np.concatenate(va_src)
    xv, mv = feature_matrix(val)
    zv = design_matrix(xv, mv, impute)
    raw_val = zv @ coef + intercept + trees.raw(zv)
    w_val = prior_weights(yva, src_va, cfg.prior)
    a, b = fit_platt(raw_val, yva, w_val)
    prob_val = 1 / (1 + np.exp(-(a * raw_val + b)))
    threshold = best_f1_threshold(prob_val, yva, w_val)
    model = FollowerModel(
        version=version,
        impute=impute,
        coef=coef,
        intercept=intercept,
        trees=trees,
        platt_a=a,
        platt_b=b,
        prior=cfg.prior,
        threshold=threshold,
        meta={"train_sources": sorted(data), "config": cfg.__dict__},
    )
    val_metrics = {
        name: evaluate_at_prior(prob_val[src_va == name], yva[src_va == name], threshold, prior=cfg.prior)
        for name in data
    }
    return model, val_metrics


def cross_source(
    train: Sequence[str],
    test: str,
    cfg: TrainConfig | None = None,
    data_dir: Path = DEFAULT_DATA_DIR,
    cache: dict[str, tuple[Fields, Labels]] | None = None,
    keep_fields: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Train on ``train`` sources, test on the unseen ``test`` source at ~10% fake.

    ``keep_fields`` hides every other field of the test source, to measure scoring with fewer columns.
    """
    cfg = cfg or TrainConfig()
    cache = cache if cache is not None else {}
    for name in [*train, test]:
        if name not in cache:
            cache[name] = load(name, data_dir)
    model, _ = fit_model({k: cache[k] for k in train}, cfg, version="eval")
    fields, y = cache[test]
    if keep_fields is not None:
        fields = only_fields(fields, keep_fields)
    prob = model.predict_proba(fields)
    result = evaluate_at_prior(prob, y, model.threshold, prior=cfg.prior)
    result["threshold"] = model.threshold
    result["train"] = list(train)
    result["test"] = test
    return result


def only_fields(fields: Fields, keep: Sequence[str]) -> Fields:
    """The same accounts with every field outside ``keep`` unknown (simulates a CSV with fewer columns)."""
    values = {f: (v if f in keep else np.full(fields.n, math.nan)) for f, v in fields.values.items()}
    return Fields(n=fields.n, values=values, used_columns=())
