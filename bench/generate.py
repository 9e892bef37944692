"""Benchmark the synthetic data generator: write N influencers to a CSV file or a database and report the rate.

    python bench/generate.py 100000 --csv /tmp/export.csv
    python bench/generate.py 100000 --sqlite /tmp/bench.db --accounts-only
    python bench/generate.py 2000 --sqlite /tmp/full.db            # with posts, snapshots, audience
    python bench/generate.py 100000                                 # generation only, nothing written
    python bench/generate.py 1000000 --sqlite /tmp/m.db --accounts-only --floor

``--floor`` also times the same number of rows written with no generation at all (constant rows through the
stdlib ``csv`` module, or raw ``sqlite3.executemany`` into the same migrated schema), measured in the same run, so
that the generator's number can be read against what the machine and the database allow.
``--json`` prints one JSON object (for bench/run_all.py). ``run(...)`` is the importable entry point.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from sqlalchemy.orm import Session

from kizuna import migrations
from kizuna.db import make_engine
from kizuna.models.workspace import Workspace
from kizuna.synthetic import WriteCounts, generate, write_csv, write_to_db


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )


def _csv_floor(rows: int) -> float:
    row = ["name", "instagram", "@handle", "https://example.invalid/", 12345, 678, 90, "3.21%", 100, 3]
    row += ["JP", "Tokyo", "ja", "beauty", "beauty; skincare", "a@b.example", "", "", "bio"]
    with tempfile.TemporaryDirectory() as d, (Path(d) / "floor.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        t = time.process_time()
        for _ in range(rows):
            w.writerow(row)
        return time.process_time() - t


def _sqlite_floor(influencers: int, accounts: int) -> float:
    """Raw sqlite3 executemany of constant rows into a freshly migrated schema: the database's own ceiling."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "floor.db"
        engine = make_engine(f"sqlite:///{path}")
        migrations.upgrade(engine)
        with Session(engine) as s:
            ws = Workspace(slug="floor", name="floor")
            s.add(ws)
            s.commit()
            ws_id = ws.id
        engine.dispose()
        con = sqlite3.connect(path, isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
        t = time.process_time()
        con.execute("BEGIN")
        con.executemany(
            "INSERT INTO influencers (id, workspace_id, created_at, updated_at, display_name, kind, bio, emails,"
            " languages, categories, tags, notes, country, max_followers, followers_total, tier, engagement_rate)"
            " VALUES (?, ?, ?, ?, 'name', 'person', 'bio', '[]', '[\"ja\"]', '[\"beauty\"]', '[]', '', 'JP',"
            " 1000, 1000, 'nano', 0.05)",
            ((i + 1, ws_id, now, now) for i in range(influencers)),
        )
        con.executemany(
            "INSERT INTO social_accounts (workspace_id, created_at, influencer_id, platform, handle, handle_key,"
            " followers, engagement_rate, engagement_definition, tier) VALUES (?, ?, ?, 'instagram', ?, ?, 1000,"
            " 0.05, 'x', 'nano')",
            ((ws_id, now, i % influencers + 1, f"h{i}", f"h{i}") for i in range(accounts)),
        )
        con.execute("COMMIT")
        elapsed = time.process_time() - t
        con.close()
        return elapsed


def run(
    count: int,
    *,
    seed: int = 1,
    csv_path: Path | None = None,
    database_url: str | None = None,
    accounts_only: bool = False,
    posts_per_account: int = 12,
    batch_size: int = 2000,
    commit_every: int = 50_000,
    floor: bool = False,
    console: Console | None = None,
) -> dict[str, Any]:
    """Generate (and write) ``count`` influencers; returns the measured numbers."""
    console = console or Console(stderr=True)
    light = accounts_only
    gen = generate(
        seed,
        count,
        posts_per_account=0 if light else posts_per_account,
        snapshot_weeks=0 if light else 26,
        audience=not light,
    )
    result: dict[str, Any] = {
        "count": count,
        "seed": seed,
        "accounts_only": accounts_only,
        "target": "csv" if csv_path else ("db" if database_url else "none"),
    }
    cpu_start = time.process_time()
    with _progress(console) as progress:
        task = progress.add_task("influencers", total=count, rate="")
        start = time.perf_counter()

        def tick(done: int) -> None:
            elapsed = time.perf_counter() - start
            progress.update(task, completed=done, rate=f"{done / elapsed:,.0f}/s" if elapsed else "")

        if csv_path is not None:
            done = 0

            def counted() -> Any:
                nonlocal done
                for inf in gen:
                    done += 1
                    if done % 1000 == 0:
                        tick(done)
                    yield inf

            rows = write_csv(csv_path, counted())
            tick(done)
            result["rows"] = rows
        elif database_url is not None:
            engine = make_engine(database_url)
            migrations.upgrade(engine)
            with Session(engine) as session:
                ws = Workspace(
                    slug=f"bench-{seed}-{int(time.time())}", name=f"Synthetic benchmark ({count:,})"
                )
                session.add(ws)
                session.commit()
                start = time.perf_counter()
                total = WriteCounts()
                since_commit = 0

                def on_batch(c: WriteCounts) -> None:
                    nonlocal since_commit
                    total.add(c)
                    since_commit += c.influencers
                    if since_commit >= commit_every:
                        session.commit()
                        since_commit = 0
                    tick(total.influencers)

                write_to_db(
                    session, ws.id, gen, batch_size=batch_size, accounts_only=accounts_only, on_batch=on_batch
                )
                session.commit()
                result["rows"] = total.as_dict()
            engine.dispose()
        else:
            n = 0
            for _ in gen:
                n += 1
                if n % 1000 == 0:
                    tick(n)
            tick(n)
        elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    result["seconds"] = round(elapsed, 2)
    # CPU time of this process: steadier than wall time on a shared machine (excludes a database server's work)
    result["cpu_seconds"] = round(cpu, 2)
    result["influencers_per_cpu_s"] = round(count / cpu, 1) if cpu else None
    result["load_avg"] = (
        Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else None
    )
    result["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["influencers_per_s"] = round(count / elapsed, 1) if elapsed else None
    if floor:
        if csv_path is not None:
            f = _csv_floor(int(result["rows"]))
            result["floor"] = {"what": "csv.writer of constant rows", "cpu_seconds": round(f, 2)}
        elif database_url is not None and database_url.startswith("sqlite"):
            rows = result["rows"]
            f = _sqlite_floor(rows["influencers"], rows["social_accounts"])
            result["floor"] = {
                "what": "raw sqlite3 executemany, constant influencer+account rows",
                "cpu_seconds": round(f, 2),
            }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("count", type=int, help="number of influencers")
    parser.add_argument("--seed", type=int, default=1)
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--csv", type=Path, help="write the flat export CSV here")
    target.add_argument("--sqlite", type=Path, help="write into this SQLite database (migrated first)")
    target.add_argument("--database-url", help="write into this database URL (e.g. postgresql+psycopg://...)")
    parser.add_argument(
        "--accounts-only", action="store_true", help="no posts, snapshots or audience profiles"
    )
    parser.add_argument("--posts", type=int, default=12, help="posts per account (default 12)")
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument(
        "--floor", action="store_true", help="also time a no-generation floor in the same run"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    url = args.database_url or (f"sqlite:///{args.sqlite}" if args.sqlite else None)
    result = run(
        args.count,
        seed=args.seed,
        csv_path=args.csv,
        database_url=url,
        accounts_only=args.accounts_only,
        posts_per_account=args.posts,
        batch_size=args.batch_size,
        floor=args.floor,
    )
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        console = Console()
        console.print(
            f"[bold]{result['influencers_per_s']:,} influencers/s[/] ({result['seconds']} s) {result}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
