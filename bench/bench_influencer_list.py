"""List benchmark: the influencer list's first page with one filter and a sort, at 1,000,000 influencers.

    .venv/bin/python bench/bench_influencer_list.py [--influencers 1000000] [--workdir /tmp/kizuna-bench-list]

Loads synthetic influencers (``kizuna.synthetic``, accounts only) into a fresh SQLite database once (kept in the
work dir for re-runs), then measures, for several filter + sort combinations:

* the server time of ``GET /w/{ws}/influencers?...`` through the real app (authentication, tenancy, query, the
  capped count, accounts of the page, template rendering), measured with FastAPI's test client in process;
* the repository query alone (``repository.list_influencers``), to show where the time goes;
* the floor: the same SQL shape hand-written against the bare table with ``sqlite3`` (no ORM, no count).

Each number is the median of ``--repeat`` runs after one warm-up. Output is a Markdown block for
docs/benchmarks/registry.md. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from typing import Any

CASES = (
    (
        "country=JP, sort by followers ↓",
        {"country": "JP", "sort": "-followers"},
        "country = 'JP' ORDER BY max_followers DESC, id DESC",
    ),
    (
        "tier=micro, sort by followers ↓",
        {"tier": "micro", "sort": "-followers"},
        "tier = 'micro' ORDER BY max_followers DESC, id DESC",
    ),
    (
        "category=beauty, sort by followers ↓",
        {"category": "beauty", "sort": "-followers"},
        "primary_category = 'beauty' ORDER BY max_followers DESC, id DESC",
    ),
    (
        "min followers 10万, sort by engagement ↓",
        {"min_followers": "100000", "sort": "-er"},
        "max_followers + 0 >= 100000 ORDER BY engagement_rate DESC, id DESC",
    ),
)


def load(n: int, data_dir: Path) -> None:
    from kizuna import migrations
    from kizuna.accounts import service
    from kizuna.db import get_engine, unit_of_work
    from kizuna.synthetic import generate, write_to_db

    migrations.upgrade(get_engine())
    with unit_of_work() as uow:
        user = service.create_user(
            uow.session, email="bench@example.com", password="correct horse battery", name="bench"
        )
        ws = service.create_workspace(uow.session, owner=user, slug="bench", name="Bench")
        ws_id = ws.id
    t = time.perf_counter()
    with unit_of_work() as uow:
        from kizuna.tenancy import bind_workspace

        bind_workspace(uow.session, ws_id)

        def progress(_counts: Any) -> None:
            uow.session.commit()

        items = generate(3, n, posts_per_account=0, snapshot_weeks=0, audience=False)
        counts = write_to_db(
            uow.session, ws_id, items, batch_size=5000, accounts_only=True, on_batch=progress
        )
    print(
        f"loaded {counts.influencers:,} influencers / {counts.social_accounts:,} accounts in "
        f"{time.perf_counter() - t:.0f}s",
        file=sys.stderr,
    )
    (data_dir / "loaded").write_text(str(n))


def login(client: Any, email: str) -> None:
    """Sign in through the real form (as a person would)."""
    page = client.get("/login")
    token = re.search(r'<meta name="csrf-token" content="([^"]*)"', page.text)
    assert token is not None
    r = client.post(
        "/login",
        data={"email": email, "password": "correct horse battery", "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


class ServerTimer:
    """ASGI wrapper: how long the app took from receiving the request to sending the last byte."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.last_ms = 0.0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        t = time.perf_counter()
        await self.app(scope, receive, send)
        self.last_ms = (time.perf_counter() - t) * 1000


def median_server_ms(fn: Any, timer: ServerTimer, repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        fn()
        times.append(timer.last_ms)
    return statistics.median(times)


def median_ms(fn: Any, repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--influencers", type=int, default=1_000_000)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/kizuna-bench-list"))
    ap.add_argument("--repeat", type=int, default=21)
    args = ap.parse_args()
    data_dir = args.workdir / f"data-{args.influencers}"
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["KIZUNA_DATA_DIR"] = str(data_dir)
    os.environ.pop("KIZUNA_DATABASE_URL", None)
    os.environ["KIZUNA_EMBEDDED_WORKER"] = "false"
    if not (data_dir / "loaded").exists():
        load(args.influencers, data_dir)

    from fastapi.testclient import TestClient
    from sqlalchemy import func, select

    from kizuna.app import create_app
    from kizuna.db import unit_of_work
    from kizuna.influencers import repository
    from kizuna.influencers.pages import _query_from
    from kizuna.models.influencer import Influencer
    from kizuna.models.workspace import Workspace
    from kizuna.tenancy import bind_workspace

    with unit_of_work() as uow:
        ws = uow.session.execute(select(Workspace).where(Workspace.slug == "bench")).scalar_one()
        ws_id = ws.id
        bind_workspace(uow.session, ws_id)
        total = uow.session.execute(select(func.count()).select_from(Influencer)).scalar_one()
    timer = ServerTimer(create_app(embedded_worker=False))
    rows = []
    with TestClient(timer, base_url="http://127.0.0.1:8000") as client:
        login(client, "bench@example.com")
        db_path = data_dir / "kizuna.db"
        raw = sqlite3.connect(db_path)
        for label, params, sql_tail in CASES:

            def page(p: dict[str, str] = params) -> None:
                r = client.get("/w/bench/influencers", params=p)
                assert r.status_code == 200 and re.search(r'name="ids" value="\d+"', r.text)

            def query(p: dict[str, str] = params) -> None:
                with unit_of_work() as uow:
                    bind_workspace(uow.session, ws_id)
                    repository.list_influencers(uow.session, _query_from(p))

            def floor(tail: str = sql_tail) -> None:
                raw.execute(
                    f"SELECT * FROM influencers WHERE workspace_id = ? AND merged_into_id IS NULL AND {tail} "
                    "LIMIT 51",
                    (ws_id,),
                ).fetchall()

            plan = " / ".join(
                r[-1]
                for r in raw.execute(
                    f"EXPLAIN QUERY PLAN SELECT * FROM influencers WHERE workspace_id = ? AND merged_into_id IS NULL "
                    f"AND {sql_tail} LIMIT 51",
                    (ws_id,),
                )
            )
            rows.append(
                (
                    label,
                    median_ms(page, args.repeat),
                    median_ms(query, args.repeat),
                    median_ms(floor, args.repeat),
                    plan,
                )
            )
    load_avg = os.getloadavg()[0]
    print(f"""
### Influencer list, first page (50 rows) at {total:,} influencers (SQLite)

Median of {args.repeat} runs after a warm-up; load average {load_avg:.1f} on a 2-core shared machine.

| filter + sort | page: server time (ms) | repository query incl. capped count (ms) | floor: bare SQL, no count (ms) | SQLite plan |
|---|---:|---:|---:|---|""")
    for label, page_ms, query_ms, floor_ms, plan in rows:
        print(f"| {label} | {page_ms:.1f} | {query_ms:.1f} | {floor_ms:.2f} | {plan} |")
    print("\nGoal: page median < 100 ms.")


if __name__ == "__main__":
    main()
