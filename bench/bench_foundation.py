"""Foundation: server time of the dashboard and an API call, next to a bare ASGI endpoint (floor) in the same run.

All requests go through the ASGI stack in-process (no sockets), so the numbers compare framework + Kizuna work
(auth, tenancy, unit of work, template) against the framework alone.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
tmp = Path(tempfile.mkdtemp(prefix="kizuna-bench-"))
os.environ["KIZUNA_DATA_DIR"] = str(tmp)
os.environ["KIZUNA_DATABASE_URL"] = f"sqlite:///{tmp / 'bench.db'}"
os.environ["KIZUNA_EMBEDDED_WORKER"] = "false"
sys.path.insert(0, str(ROOT))

from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from kizuna import migrations, synthetic  # noqa: E402
from kizuna.accounts import service  # noqa: E402
from kizuna.app import create_app  # noqa: E402
from kizuna.db import get_engine, unit_of_work  # noqa: E402
from kizuna.tenancy import bind_workspace  # noqa: E402

N = 300
INFLUENCERS = 20_000


def timed(fn: object, n: int = N) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        r = fn()  # type: ignore[operator]
        out.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, r.status_code
    return out


def pct(xs: list[float], p: float) -> float:
    return sorted(xs)[min(len(xs) - 1, int(len(xs) * p))]


def main() -> None:
    migrations.upgrade(get_engine())
    with unit_of_work() as uow:
        user = service.create_user(uow.session, email="bench@example.com", password="bench password 1")
        ws = service.create_workspace(uow.session, owner=user, slug="bench", name="Bench")
        bind_workspace(uow.session, ws.id)
        synthetic.write_to_db(uow.session, ws.id, synthetic.generate(1, INFLUENCERS), accounts_only=True)
        token = service.create_api_token(uow.session, ws, user, name="bench").token

    bare = FastAPI()

    @bare.get("/ok")
    def ok() -> dict[str, str]:
        return {"status": "ok"}

    floor_client = TestClient(bare)
    app_client = TestClient(create_app(embedded_worker=False))
    page = app_client.get("/login")
    import re

    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    app_client.post(
        "/login", data={"email": "bench@example.com", "password": "bench password 1", "csrf_token": csrf}
    )
    h = {"Authorization": f"Bearer {token}"}
    for _ in range(20):  # warm-up
        floor_client.get("/ok")
        app_client.get("/w/bench")
    floor = timed(lambda: floor_client.get("/ok"))
    dashboard = timed(lambda: app_client.get("/w/bench"))
    api = timed(lambda: app_client.get("/api/v1/w/bench/members", headers=h))
    rows = [
        ("bare FastAPI JSON endpoint (floor)", floor),
        (f"dashboard page, {INFLUENCERS:,} influencers (session cookie)", dashboard),
        ("API /members (bearer token)", api),
    ]
    lines = [
        "## Foundation: request overhead",
        "",
        f"In-process ASGI requests (no sockets), {N} each after warm-up, SQLite, {time.strftime('%Y-%m-%d')}.",
        "",
        "| request | p50 ms | p95 ms | p50 vs floor |",
        "|---|---|---|---|",
    ]
    f50 = statistics.median(floor)
    for name, xs in rows:
        lines.append(
            f"| {name} | {statistics.median(xs):.2f} | {pct(xs, 0.95):.2f} | {statistics.median(xs) / f50:.1f}x |"
        )
    lines.append("")
    lines.append(
        "The dashboard does authentication (session lookup), workspace resolution and scoping, four counts and a"
        " group-by over the influencer table, and renders a template; the API call authenticates a hashed token."
    )
    out = ROOT / "docs" / "benchmarks" / "foundation.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
