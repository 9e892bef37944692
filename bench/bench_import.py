"""Import benchmark: a synthetic influencer CSV into SQLite, Kizuna's importer vs the sqlite3 shell's ``.import``.

    .venv/bin/python bench/bench_import.py [--rows 1000000] [--workdir /tmp/kizuna-bench-import]

Both runs read the same file on the same machine in the same run. The sqlite3 shell loads the raw text into one
untyped table with no validation and no indexes: it is the floor cost of "bytes into SQLite". Kizuna's run is the
real ``kizuna import influencers FILE --json`` command (a separate process, fresh migrated database): encoding
detection, header aliases, number parsing, per-row validation, upsert lookups, influencer + account + snapshot rows
and all indexes. A large CSV is read and validated by a second process while the first writes
(docs/adr/0103-columnar-import.md), so memory is measured for the whole process tree: the largest sum of the
tree's RSS and of its PSS (shared pages counted once), sampled every 0.1 s, next to the largest single process
(``getrusage(RUSAGE_CHILDREN)``). CPU time includes both processes.

The import runs with compiled bytecode cached under the work directory (``PYTHONPYCACHEPREFIX``): with
``PYTHONDONTWRITEBYTECODE`` set, as in some shells, every command would compile Kizuna's modules again (about 3 s
of CPU), which is not what an installed Kizuna does. The set-up commands before the timed run warm that cache.
A third row measures SQLite alone writing what the import wrote: the influencer, account and snapshot rows the
import produced are copied by ``INSERT … SELECT`` (C only, no Python per row) into a fresh database with the same
tables and indexes, in WAL mode with ``synchronous=NORMAL`` and one transaction, as the import's connection has. It
is the part of the import's time no Python change can remove: what a perfect parser and validator would still pay.

Results are printed as a Markdown block for docs/benchmarks/registry.md. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
KIZUNA = REPO / ".venv" / "bin" / "kizuna"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9
    load = os.getloadavg()[0]
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem_gb:.1f} GB RAM, load average {load:.1f} at start; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def make_csv(path: Path, rows: int) -> int:
    from kizuna.synthetic import generate, write_csv

    def until(n: int) -> Iterator[object]:
        count = 0
        for inf in generate(1, n, posts_per_account=0, snapshot_weeks=0, audience=False):
            if count >= n:
                return
            count += len(inf.accounts)
            yield inf

    return write_csv(path, until(rows))  # type: ignore[arg-type]


def _child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def sqlite_shell_import(csv_path: Path, db: Path) -> tuple[float, float, int]:
    db.unlink(missing_ok=True)
    cpu0 = _child_cpu()
    t = time.perf_counter()
    subprocess.run(
        ["sqlite3", str(db), "-cmd", ".mode csv", f".import {csv_path} t"], check=True, capture_output=True
    )
    elapsed = time.perf_counter() - t
    cpu = _child_cpu() - cpu0
    with sqlite3.connect(db) as conn:
        n = conn.execute("SELECT count(*) FROM t").fetchone()[0]
    return elapsed, cpu, int(n)


def _tree(pid: int) -> list[int]:
    out = [pid]
    for p in out:
        for task in Path(f"/proc/{p}/task").glob("*"):
            with contextlib.suppress(OSError):
                out += [int(c) for c in (task / "children").read_text().split()]
    return out


def _memory_kb(pids: list[int]) -> tuple[int, int]:
    rss = pss = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss


def kizuna_import(csv_path: Path, data_dir: Path) -> tuple[float, float, dict[str, object], dict[str, int]]:
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    env = {
        **os.environ,
        "KIZUNA_DATA_DIR": str(data_dir),
        "KIZUNA_IMPORT_MAX_BYTES": str(10**10),
        "PYTHONPYCACHEPREFIX": str(data_dir.parent / "pycache"),
    }
    env.pop("KIZUNA_DATABASE_URL", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    run = lambda *a: subprocess.run([str(KIZUNA), *a], check=True, env=env, capture_output=True)  # noqa: E731
    run("db", "upgrade")
    run("user", "create", "bench@example.com", "--password", "correct horse battery")
    run("workspace", "create", "bench", "--name", "Bench", "--owner", "bench@example.com")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    cpu0 = _child_cpu()
    t = time.perf_counter()
    proc = subprocess.Popen(
        [str(KIZUNA), "import", "influencers", str(csv_path), "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = {"tree_rss_kb": 0, "tree_pss_kb": 0}

    def sample() -> None:
        while proc.poll() is None:
            rss, pss = _memory_kb(_tree(proc.pid))
            peak["tree_rss_kb"] = max(peak["tree_rss_kb"], rss)
            peak["tree_pss_kb"] = max(peak["tree_pss_kb"], pss)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - t
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"import failed ({proc.returncode}): {err}")
    cpu = _child_cpu() - cpu0
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = json.loads(out)
    result["errors"] = len(result["errors"])
    peak["process_kb"] = max(peak_kb, before)
    return elapsed, cpu, result, peak


#: The tables an influencer import writes.
WRITTEN_TABLES = ("influencers", "social_accounts", "metric_snapshots")


def sqlite_alone(source_db: Path, db: Path) -> tuple[float, float]:
    """Copy the imported rows into a fresh database with the same tables and indexes (indexes first, as in a live
    database): SQLite's own cost of writing them. Returns (wall s, CPU s) of the transaction."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    with contextlib.closing(sqlite3.connect(source_db)) as src:
        ddl = [
            str(sql)
            for (sql,) in src.execute(
                "SELECT sql FROM sqlite_master WHERE tbl_name IN (?, ?, ?) AND sql IS NOT NULL"
                " ORDER BY type = 'index', name",
                WRITTEN_TABLES,
            )
        ]
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA cache_size=-65536")  # the import's page cache
        for sql in ddl:  # foreign keys are not enforced on this connection, as SQLite's default
            conn.execute(sql)
        conn.execute("ATTACH ? AS src", (str(source_db),))
        cpu0 = time.process_time()
        t = time.perf_counter()
        conn.execute("BEGIN")
        for table in WRITTEN_TABLES:
            conn.execute(f"INSERT INTO main.{table} SELECT * FROM src.{table}")
        conn.execute("COMMIT")
        elapsed, cpu = time.perf_counter() - t, time.process_time() - cpu0
        conn.execute("DETACH src")
    finally:
        conn.close()
    return elapsed, cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/kizuna-bench-import"))
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    csv_path = args.workdir / f"influencers-{args.rows}.csv"
    info = machine()
    if not csv_path.exists():
        t = time.perf_counter()
        n = make_csv(csv_path, args.rows)
        print(f"generated {n:,} rows in {time.perf_counter() - t:.0f}s → {csv_path}", file=sys.stderr)
    size_mb = csv_path.stat().st_size / 1e6
    shell_s, shell_cpu, shell_rows = sqlite_shell_import(csv_path, args.workdir / "shell.db")
    print(f"sqlite3 .import: {shell_rows:,} rows in {shell_s:.1f}s", file=sys.stderr)
    k_s, k_cpu, result, peak = kizuna_import(csv_path, args.workdir / "kizuna-data")
    alone_s, alone_cpu = sqlite_alone(args.workdir / "kizuna-data" / "kizuna.db", args.workdir / "alone.db")
    load_end = os.getloadavg()[0]
    rows = int(str(result["rows"]))
    shell_rate = shell_rows / shell_s
    k_rate = rows / k_s
    print(
        f"""
### Import of a {rows:,}-row CSV into SQLite ({size_mb:.0f} MB)

Machine: {info}; load average {load_end:.1f} at the end.

| run | rows | wall s | rows/s (wall) | CPU s | rows per CPU-second |
|---|---:|---:|---:|---:|---:|
| floor: `sqlite3` shell `.import` (no validation, no indexes) | {shell_rows:,} | {shell_s:.1f} | {shell_rate:,.0f} | {shell_cpu:.1f} | {shell_rows / max(shell_cpu, 1e-9):,.0f} |
| `kizuna import influencers --json` (full validation, upsert, snapshots, indexes) | {rows:,} | {k_s:.1f} | {k_rate:,.0f} | {k_cpu:.1f} | {rows / max(k_cpu, 1e-9):,.0f} |
| peer: SQLite alone writing the same rows, tables and indexes (`INSERT … SELECT`, no Python) | {rows:,} | {alone_s:.1f} | {rows / alone_s:,.0f} | {alone_cpu:.1f} | {rows / max(alone_cpu, 1e-9):,.0f} |

Kizuna / floor: **{k_rate / shell_rate:.1%}** by wall time (goal ≥ 25%), **{(rows / k_cpu) / (shell_rows / shell_cpu):.1%}**
by CPU time (Kizuna's CPU time adds up both of its processes). Memory of the import (goal < 1 GB): process tree
**{peak["tree_rss_kb"] / 1024:,.0f} MB** RSS at its largest ({peak["tree_pss_kb"] / 1024:,.0f} MB PSS, shared pages counted
once); largest single process {peak["process_kb"] / 1024:,.0f} MB. Result: imported {result["imported"]:,}, updated
{result["updated"]:,}, rejected {result["rejected"]:,}.

The goal's time budget is {shell_s / 0.25:.1f} s (4 × the floor); SQLite alone needs {alone_s:.1f} s of it
(**{alone_s / (shell_s / 0.25):.0%}**) to write these rows and indexes, leaving {max(shell_s / 0.25 - alone_s, 0):.1f} s for
reading, parsing, validating, grouping and start-up.
"""
    )


if __name__ == "__main__":
    main()
