"""Train, evaluate across sources, and write the shipped follower model.

    .venv/bin/python bench/train_audience_model.py [--data-dir ../shared/data/fake_followers] [--no-write]

Reads the research sources in ../shared/data/fake_followers (never copied into the repo), prints the
evaluation tables used in docs/audience-model-report.md, and writes src/kizuna/audience/follower_model.json
(plain arrays + the evaluation numbers in ``meta``). Deterministic: same data + seed -> same file.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from kizuna.audience.features import Fields
from kizuna.audience.model import MODEL_FILE
from kizuna.audience.sources import DEFAULT_DATA_DIR, REGRESSION_SOURCES, SOURCES, load
from kizuna.audience.training import (
    Labels,
    TrainConfig,
    cross_source,
    evaluate_at_prior,
    fit_model,
    split_train_val,
    take_fields,
)

MODEL_VERSION = "2026.11.21-1"
OUT = Path(__file__).resolve().parents[1] / "src" / "kizuna" / "audience" / MODEL_FILE


def fmt(r: dict[str, Any]) -> str:
    return (
        f"| {', '.join(r['train'])} | {r['test']} | {r['n_real']}+{r['n_fake']} | "
        f"{r['f1']:.3f} [{r['f1_lo']:.2f}-{r['f1_hi']:.2f}] | {r['mcc']:.3f} [{r['mcc_lo']:.2f}-{r['mcc_hi']:.2f}] | "
        f"{r['auc']:.3f} | {r['precision']:.3f} | {r['recall']:.3f} | {r['threshold']:.3f} |"
    )


HEADER = (
    "| trained on | tested on | real+fake | F1 [95% range] | MCC [95% range] | ROC AUC | precision | recall | "
    "threshold |\n|---|---|---|---|---|---|---|---|---|"
)


def in_source(name: str, data: tuple[Fields, Labels], cfg: TrainConfig) -> dict[str, Any]:
    """Reference only: 70/30 split inside one source (the optimistic number papers report)."""
    fields, y = data
    tr, te = split_train_val(y, 0.3, np.random.default_rng(cfg.seed + 1))
    model, _ = fit_model({name: (take_fields(fields, tr), y[tr])}, cfg, version="eval")
    r = evaluate_at_prior(
        model.predict_proba(take_fields(fields, te)), y[te], model.threshold, prior=cfg.prior
    )
    r.update(threshold=model.threshold, train=[f"{name} (70%)"], test=f"{name} (30%)")
    return r


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    cfg = TrainConfig()
    t0 = time.perf_counter()
    try:
        cache = {n: load(n, args.data_dir) for n in (*SOURCES, *REGRESSION_SOURCES, "instafake_nonautomated")}
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    print("## Leave-one-source-out (train on the other two, test on the unseen one at ~10% fake)\n")
    print(HEADER)
    loso = {}
    for test in SOURCES:
        r = cross_source([s for s in SOURCES if s != test], test, cfg, args.data_dir, cache)
        loso[test] = r
        print(fmt(r), flush=True)

    print("\n## Single source -> other source (cross-source matrix) and in-source reference\n")
    print(HEADER)
    matrix = {}
    for train in SOURCES:
        for test in (*SOURCES, *REGRESSION_SOURCES):
            r = (
                in_source(train, cache[train], cfg)
                if test == train
                else cross_source([train], test, cfg, args.data_dir, cache)
            )
            matrix[f"{train}->{test}"] = r
            print(fmt(r), flush=True)

    model, val = fit_model({s: cache[s] for s in SOURCES}, cfg, version=MODEL_VERSION)
    print(f"\n## Shipped model (all three sources), threshold {model.threshold:.3f} chosen on validation\n")
    print(HEADER)
    for name, r in val.items():
        r.update(threshold=model.threshold, train=["all (80%)"], test=f"{name} validation (20%)")
        print(fmt(r))
    mib_fields, mib_y = cache["mib_cresci2015"]
    mib = evaluate_at_prior(model.predict_proba(mib_fields), mib_y, model.threshold, prior=cfg.prior)
    mib.update(threshold=model.threshold, train=["all (80%)"], test="mib_cresci2015 (Twitter, regression)")
    print(fmt(mib))
    na_fields, _ = cache["instafake_nonautomated"]
    na_prob = model.predict_proba(na_fields)
    fpr_na = float(np.mean(na_prob >= model.threshold))
    print(f"\nFalse-positive rate on 700 InstaFake non-automated (real) accounts: {fpr_na:.3f}")

    def slim(r: dict[str, Any]) -> dict[str, Any]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()}

    model.meta.update(
        {
            "evaluation": {
                "protocol": "test source resampled to ~10% fake (all real kept, fakes drawn), 200 draws",
                "leave_one_source_out": {k: slim(v) for k, v in loso.items()},
                "validation": {k: slim(v) for k, v in val.items()},
                "mib_cresci2015_regression": slim(mib),
                "instafake_nonautomated_false_positive_rate": round(fpr_na, 4),
            },
            "sources": list(SOURCES),
        }
    )
    if not args.no_write:
        OUT.write_text(json.dumps(model.to_json(), separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"\nwrote {OUT} ({OUT.stat().st_size:,} bytes)")
    print(f"total {time.perf_counter() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
