"""Follower scoring throughput (issue 4, item 7: at least 100,000 accounts/s).

    .venv/bin/python bench/bench_audience_scoring.py [--rows 1000000] [--repeat 3] [--write]

Synthetic accounts (no research data needed). Each stage is timed next to a floor measured in the same run on
the same arrays: a raw numpy matrix-vector product over the model's design matrix (the least work any linear
scorer must do) and one pass of ``np.log1p`` over a column. ``--write`` replaces docs/benchmarks/audience.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from kizuna.audience.cli import app as audience_app
from kizuna.audience.features import feature_matrix, fields_from_arrays, fields_from_columns
from kizuna.audience.model import load_model
from kizuna.audience.scoring import score_fields

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks" / "audience.md"


def synthetic(n: int, seed: int = 1) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    followers = np.floor(rng.lognormal(5.5, 1.6, n))
    following = np.floor(rng.lognormal(6.0, 1.2, n))
    posts = np.floor(rng.lognormal(3.0, 1.8, n)) * (rng.random(n) > 0.15)
    return {
        "posts": posts,
        "followers": followers,
        "following": following,
        "bio_length": np.floor(rng.exponential(30, n)) * (rng.random(n) > 0.4),
        "has_profile_picture": (rng.random(n) > 0.1).astype(float),
        "is_private": (rng.random(n) > 0.6).astype(float),
        "has_external_url": (rng.random(n) > 0.8).astype(float),
        "username_length": rng.integers(4, 25, n).astype(float),
        "username_digit_ratio": np.round(rng.beta(0.4, 3, n), 2),
        "fullname_words": rng.integers(0, 4, n).astype(float),
        "fullname_digit_ratio": np.zeros(n),
        "name_equals_username": (rng.random(n) > 0.97).astype(float),
    }


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall time and median CPU time of ``repeat`` runs (after one warm-up when repeat > 1).

    CPU time (``time.process_time``) is reported next to wall time because the 2-core machine is shared:
    wall time includes waiting for a core, CPU time is what the scorer itself costs.
    """
    if repeat > 1:
        fn()
    walls, cpus = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--csv-rows", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    n = args.rows
    model = load_model()
    arrays = synthetic(n)
    fields = fields_from_arrays(n, **arrays)
    z = model.design(fields)
    coef = model.coef.copy()

    results: list[tuple[str, float, float, int]] = []

    def add(name: str, wall_cpu: tuple[float, float], rows: int) -> None:
        seconds, cpu = wall_cpu
        results.append((name, seconds, cpu, rows))
        print(
            f"{name:70s} wall {seconds * 1000:9.1f} ms {rows / seconds:13,.0f}/s  "
            f"cpu {cpu * 1000:9.1f} ms {rows / max(cpu, 1e-9):13,.0f}/s",
            flush=True,
        )

    add("floor: np.log1p over one column", timed(lambda: np.log1p(arrays["followers"]), args.repeat), n)
    add(
        "floor: design matrix @ coef (raw numpy mat-vec, same array)", timed(lambda: z @ coef, args.repeat), n
    )
    add(
        "feature_matrix (fields -> features + missing mask)",
        timed(lambda: feature_matrix(fields), args.repeat),
        n,
    )
    add(
        "model on prepared design matrix (linear + trees + calibration)",
        timed(lambda: model.logits_from_design(z), args.repeat),
        n,
    )
    add(
        "score_fields: numeric fields -> probabilities + flags (the API path)",
        timed(lambda: score_fields(fields, model), args.repeat),
        n,
    )

    # string columns, as read from a CSV (text parsing is Python-level work)
    m = args.csv_rows
    sub = {k: v[:m] for k, v in arrays.items()}
    rng = np.random.default_rng(2)
    columns: dict[str, list[str]] = {
        "username": [f"user{i}" if d > 0.3 else f"hanako_{i % 97}x" for i, d in enumerate(rng.random(m))],
        "full_name": ["" if w == 0 else "Hanako Sato" for w in sub["fullname_words"]],
        "biography": ["" if b == 0 else "x" * int(b) for b in sub["bio_length"]],
        "posts": [str(int(v)) for v in sub["posts"]],
        "followers": [str(int(v)) for v in sub["followers"]],
        "following": [str(int(v)) for v in sub["following"]],
        "has_profile_picture": ["true" if v else "false" for v in sub["has_profile_picture"]],
        "is_private": ["true" if v else "false" for v in sub["is_private"]],
        "external_url": ["https://example.jp" if v else "" for v in sub["has_external_url"]],
    }
    add(
        "text columns -> fields (fields_from_columns, Python parsing)",
        timed(lambda: fields_from_columns(columns), args.repeat),
        m,
    )

    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.csv", Path(tmp) / "out.csv"
        with src.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(list(columns))
            w.writerows(zip(*columns.values(), strict=True))
        runner = CliRunner()

        def cli() -> None:
            r = runner.invoke(audience_app, ["score", str(src), "-o", str(out), "--json"])
            assert r.exit_code == 0, r.output

        add("CLI end to end: read CSV, score, write CSV (kizuna audience score)", timed(cli, args.repeat), m)

    if args.write:
        write_doc(results, n, m)
    return 0


def write_doc(results: list[tuple[str, float, float, int]], n: int, m: int) -> None:
    floor_cpu = next(c for name, _, c, _ in results if name.startswith("floor: design"))
    model = load_model()
    lines = [
        "# Benchmark: follower scoring (audience quality)",
        "",
        "Issue 4, item 7 goal: **follower scoring at least 100,000 accounts/s**. Produced by",
        "`.venv/bin/python bench/bench_audience_scoring.py --write` (synthetic accounts; median of 3 runs after a",
        "warm-up). Floors are measured in the same run on the same arrays. Wall time includes waiting for a core",
        "on this shared machine; CPU time is what the scorer itself costs.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores shared with other sessions (load average "
        f"{os.getloadavg()[0]:.1f} at the end of the run), Python {platform.python_version()}, numpy "
        f"{np.__version__}; model {model.version} ({model.trees.feature.shape[0]} oblivious trees of depth "
        f"{model.trees.depth} + linear part).",
        "",
        "| stage | rows | wall | CPU | accounts/s (wall) | accounts/s (CPU) | CPU x floor (mat-vec) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, wall, cpu, rows in results:
        ratio = (cpu / rows) / (floor_cpu / n) if floor_cpu > 0 else float("nan")
        lines.append(
            f"| {name} | {rows:,} | {wall * 1000:,.1f} ms | {cpu * 1000:,.1f} ms | {rows / wall:,.0f} | "
            f"{rows / max(cpu, 1e-9):,.0f} | {ratio:,.1f} |"
        )
    _, api_wall, api_cpu, _ = next(r for r in results if r[0].startswith("score_fields"))
    _, cli_wall, cli_cpu, _ = next(r for r in results if r[0].startswith("CLI"))
    met = "met" if n / api_wall >= 100_000 else "NOT met"
    lines += [
        "",
        f"Result: the scoring API path runs at **{n / api_wall:,.0f} accounts/s wall-clock** "
        f"({n / api_cpu:,.0f}/s of CPU time) on {n:,} accounts: goal 100,000/s {met}.",
        "",
        f"The CLI end to end (read CSV, parse text, score, write CSV) runs at {m / cli_wall:,.0f} accounts/s wall "
        f"({m / cli_cpu:,.0f}/s CPU) on {m:,} rows: below 100,000/s. The difference is Python-level work",
        "(the csv module and per-cell string handling for usernames, names and bios), not the model; a follower",
        "sample is typically 1,000-10,000 rows, well under a second. numpy's vectorised string functions",
        "(np.strings) were tried for username/digit parsing and were no faster than the Python path.",
    ]
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {DOC}")


if __name__ == "__main__":
    raise SystemExit(main())
