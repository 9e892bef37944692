"""Tracking redirect under load: Kizuna's /r/{code} next to nginx answering ``return 302`` (floor).

Every server runs as real processes on loopback in the same run, with the same number of worker processes
(``--workers``, default: the CPU count), and is loaded by ``wrk`` (Debian package) with the same threads,
connections and duration. Servers: nginx (floor), the dedicated redirect server (``kizuna tracking serve``), and
for comparison the stand-alone ASGI app and the full web app under uvicorn. Then an exact-count check per Kizuna
server: a Python client sends a fixed number of GET requests over keep-alive connections and the script compares
the clicks that reached ``click_events`` (after the buffers are flushed) with that number. Writes
docs/benchmarks/campaigns.md (redirect section; bench_dashboard.py writes the dashboard section).

    .venv/bin/python bench/bench_redirect.py [--duration 15] [--connections 64] [--threads 2] [--workers N]
        [--exact 20000] [--targets server,asgi,full]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
tmp = Path(tempfile.mkdtemp(prefix="kizuna-bench-redirect-"))
os.environ["KIZUNA_DATA_DIR"] = str(tmp)
os.environ["KIZUNA_DATABASE_URL"] = f"sqlite:///{tmp / 'bench.db'}"
os.environ["KIZUNA_EMBEDDED_WORKER"] = "false"
sys.path.insert(0, str(ROOT / "src"))

from sqlalchemy import func, select  # noqa: E402

from kizuna import migrations  # noqa: E402
from kizuna.accounts import service as accounts  # noqa: E402
from kizuna.campaigns import service  # noqa: E402
from kizuna.db import get_engine, unit_of_work  # noqa: E402
from kizuna.models.click_event import ClickEvent  # noqa: E402
from kizuna.tenancy import Ctx, bind_workspace  # noqa: E402
from kizuna.tracking import buffer, links  # noqa: E402

UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Instagram 300.0"
try:  # uvloop + httptools when installed (uvicorn[standard]); asyncio + h11 otherwise
    import httptools  # noqa: F401
    import uvloop  # noqa: F401

    LOOP, HTTP = "uvloop", "httptools"
except ImportError:
    LOOP, HTTP = "asyncio", "h11"
SECTION = ROOT / "docs" / "benchmarks" / "campaigns.md"
MARK_START, MARK_END = "<!-- redirect:start -->", "<!-- redirect:end -->"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 30) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"port {port} did not open")


def setup(n_links: int) -> list[tuple[int, str]]:
    """A workspace and campaign with ``n_links`` links: (id, code) each.

    Each phase of each server (warm-up, wrk, exact check) uses its own link, so the clicks it logged are counted
    exactly (per link, after the final flush) however the flusher interleaves with the counting.
    """
    migrations.upgrade(get_engine())
    with unit_of_work() as uow:
        s = uow.session
        user = accounts.create_user(s, email="bench@example.com", password="bench password 1")
        ws = accounts.create_workspace(s, owner=user, slug="bench", name="Bench")
        bind_workspace(s, ws.id)
        ctx = Ctx(session=s, user=user, workspace=ws, role="owner")
        links.set_allowed_domains(ws, ["shop.example.com"])
        campaign = service.create_campaign(ctx, {"name": "Bench", "currency": "JPY"})
        made = [
            links.create_link(s, workspace=ws, campaign=campaign, destination="https://shop.example.com/p/1")
            for _ in range(n_links)
        ]
        s.flush()
        return [(link.id, link.code) for link in made]


def clicks_logged(link_id: int) -> int:
    with get_engine().connect() as conn:
        return int(
            conn.execute(select(func.count(ClickEvent.id)).where(ClickEvent.link_id == link_id)).scalar_one()
        )


def run_wrk(url: str, duration: int, connections: int, threads: int) -> dict[str, float]:
    out = subprocess.run(
        [
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{duration}s",
            "--latency",
            "-H",
            f"User-Agent: {UA}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]

    def ms(label: str) -> float:
        m = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", out)
        assert m, out
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "requests": total,
        "p50": ms("50%"),
        "p99": ms("99%"),
        "bad": int(non2xx.group(1)) if non2xx else 0,
        "errors": errors.group(1) if errors else "",
    }


def exact_load(port: int, path: str, total: int, workers: int) -> tuple[int, int]:
    """Send exactly ``total`` GETs over ``workers`` keep-alive connections; (302 responses, other)."""
    shares = [total // workers + (1 if i < total % workers else 0) for i in range(workers)]
    counts = {"ok": 0, "bad": 0}
    lock = threading.Lock()

    def work(per: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        ok = bad = 0
        for _ in range(per):
            conn.request("GET", path, headers={"User-Agent": UA})
            r = conn.getresponse()
            r.read()
            if r.status == 302:
                ok += 1
            else:
                bad += 1
        conn.close()
        with lock:
            counts["ok"] += ok
            counts["bad"] += bad

    threads = [threading.Thread(target=work, args=(n,)) for n in shares]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counts["ok"], counts["bad"]


def start_nginx(port: int, workers: int) -> subprocess.Popen[bytes]:
    conf = tmp / "nginx.conf"
    conf.write_text(f"""
worker_processes {workers};
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/nginx-body; proxy_temp_path {tmp}/nginx-proxy;
  fastcgi_temp_path {tmp}/nginx-fcgi; uwsgi_temp_path {tmp}/nginx-uwsgi; scgi_temp_path {tmp}/nginx-scgi;
  server {{
    listen 127.0.0.1:{port} reuseport;
    location / {{ return 302 https://shop.example.com/p/1?utm_source=instagram&utm_medium=influencer; }}
  }}
}}
""")
    proc = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(tmp), "-g", "daemon off;"])
    wait_port(port)
    return proc


def start_kizuna(port: int, target: str, workers: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, KIZUNA_CLICK_FLUSH_SECONDS="1", PYTHONPATH=str(ROOT / "src"))
    if target in ("server", "server-deferred"):
        cmd = [
            sys.executable,
            "-m",
            "kizuna.cli.main",
            "tracking",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--flush-seconds",
            "1" if target == "server" else "0",
        ]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE)
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()  # printed once every worker listens
        if "redirect server on" not in line:
            raise RuntimeError(f"redirect server did not start: {line!r}")
        return proc
    app_args = ["kizuna.app:create_app", "--factory"] if target == "full" else ["kizuna.tracking.asgi:app"]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            *app_args,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
            "--loop",
            LOOP,
            "--http",
            HTTP,
        ],
        env=env,
    )
    wait_port(port)
    time.sleep(1.0 if workers > 1 else 0)  # uvicorn's other workers
    return proc


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--exact", type=int, default=20_000)
    parser.add_argument("--targets", default="server,server-deferred,asgi,full")
    parser.add_argument("--no-write", action="store_true", help="print the JSON, leave the docs alone")
    args = parser.parse_args()
    if not shutil.which("wrk") or not shutil.which("nginx"):
        raise SystemExit("needs wrk and nginx (apt-get install -y wrk nginx-light)")
    targets = args.targets.split(",")
    made = setup(3 * len(targets))
    code = made[0][1]
    nginx_port = free_port()
    nginx = start_nginx(nginx_port, args.workers)
    nginx_load = os.getloadavg()[0]
    try:
        run_wrk(f"http://127.0.0.1:{nginx_port}/r/{code}", 3, args.connections, args.threads)
        floor = run_wrk(
            f"http://127.0.0.1:{nginx_port}/r/{code}", args.duration, args.connections, args.threads
        )
    finally:
        stop(nginx)
    floor["loadavg"] = nginx_load
    print("nginx", json.dumps(floor), flush=True)
    runs: dict[str, dict[str, object]] = {}
    for i, target in enumerate(targets):
        (_warm_id, warm_code), (wrk_id, wrk_code), (exact_id, exact_code) = made[3 * i : 3 * i + 3]
        port = free_port()
        app = start_kizuna(port, target, args.workers)
        load = os.getloadavg()[0]
        try:
            base = f"http://127.0.0.1:{port}/r/"
            run_wrk(base + warm_code, 3, args.connections, args.threads)  # warm-up (own link)
            ours = run_wrk(base + wrk_code, args.duration, args.connections, args.threads)
            ok, bad = exact_load(port, f"/r/{exact_code}", args.exact, 16)
        finally:
            stop(app)
        buffer.flush()
        runs[target] = {
            "wrk": ours,
            "wrk_logged": clicks_logged(wrk_id),
            "exact_302": ok,
            "exact_other": bad,
            "exact_logged": clicks_logged(exact_id),
            "pending_after_flush": buffer_pending(),
            "loadavg": load,
        }
        print(target, json.dumps(runs[target]), flush=True)
    result = {
        "loadavg": os.getloadavg(),
        "floor": floor,
        "runs": runs,
        "exact_sent": args.exact,
        "connections": args.connections,
        "duration": args.duration,
        "threads": args.threads,
        "workers": args.workers,
        "cpus": os.cpu_count(),
    }
    print(json.dumps(result, indent=2))
    if not args.no_write:
        write_section(result)


def buffer_pending() -> int:
    """Clicks still waiting in any buffer file (the web app's and each redirect-server worker's)."""
    import sqlite3

    total = 0
    for path in buffer.buffer_files():
        if not path.exists():
            continue
        conn = sqlite3.connect(path, timeout=30)
        try:
            total += int(conn.execute("SELECT count(*) FROM pending").fetchone()[0])
        except sqlite3.OperationalError:
            pass  # no table yet
        finally:
            conn.close()
    return total


LABELS = {
    "server": "Kizuna redirect server (`kizuna tracking serve`), flushing every second",
    "server-deferred": "Kizuna redirect server, flush after the load",
    "asgi": "Kizuna ASGI redirect app (`kizuna.tracking.asgi:app`, uvicorn)",
    "full": "Kizuna web app `/r/{code}` (uvicorn)",
}


def write_section(r: dict[str, Any]) -> None:
    f = r["floor"]
    rows, checks, verdicts = [], [], []
    for name, run in r["runs"].items():
        k = run["wrk"]
        label = LABELS[name]
        share = k["rps"] / f["rps"] * 100
        rows.append(f"| {label} | {k['rps']:,.0f} | {k['p50']:.2f} | {k['p99']:.2f} | {share:.1f}% |")
        verdicts.append(
            f"- {label}: ≥ 30% of nginx → **{'met' if share >= 30 else 'not met'}** ({share:.1f}%); "
            f"p99 < 50 ms → **{'met' if k['p99'] < 50 else 'not met'}** ({k['p99']:.2f} ms)."
        )
        equal = run["exact_logged"] == r["exact_sent"]
        checks.append(
            f"- {label}: wrk counted {k['requests']:,} responses, {run['wrk_logged']:,} clicks logged for its link "
            f"(wrk stops with up to {r['connections']} requests in flight that the server still answers and logs). "
            f"Exact check: {r['exact_sent']:,} GETs sent, {run['exact_302']:,} answered 302, {run['exact_other']:,} "
            f"other, **{run['exact_logged']:,} clicks in `click_events`** after the flush "
            f"(**{'equal' if equal else 'NOT equal'}** to requests sent)."
        )
    nl = "\n"
    load = ", ".join(f"{name} {run['loadavg']:.1f}" for name, run in r["runs"].items())
    text = f"""{MARK_START}
## Campaigns: tracking redirect `/r/{{code}}`

Loopback, {time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}, {r["cpus"]}-core machine shared with other jobs (1-minute load
average before each run: nginx {f["loadavg"]:.1f}, {load}). **{r["workers"]} worker processes for every
server** (nginx `worker_processes {r["workers"]}` with `reuseport`; the redirect server `--workers {r["workers"]}` on
SO_REUSEPORT; uvicorn `--workers {r["workers"]}`), loaded by `wrk -t{r["threads"]} -c{r["connections"]} -d{r["duration"]}s` (same settings
for all) with a mobile browser User-Agent (bots are not logged, so the load must look human). Every logged
request's click is committed to a durable buffer (SQLite WAL, group commit) before its 302 is written. The
database is SQLite on the same machine. "Flushing every second": the redirect server's master process moves
the buffered clicks into `click_events`/`click_daily` during the load (on the same two cores); "flush after the
load": the flusher is off during the measurement and drains the buffers afterwards (a flusher elsewhere, or a
burst the buffer absorbs). The uvicorn apps flush from a thread in each worker every second.

| server | requests/s | p50 ms | p99 ms | share of nginx |
|---|---|---|---|---|
| nginx `return 302` (floor) | {f["rps"]:,.0f} | {f["p50"]:.2f} | {f["p99"]:.2f} | 100% |
{nl.join(rows)}

Goals (≥ 30% of nginx's requests/s, p99 < 50 ms, logged clicks = requests sent):
{nl.join(verdicts)}

Clicks:
{nl.join(checks)}
{MARK_END}"""
    SECTION.parent.mkdir(parents=True, exist_ok=True)
    current = SECTION.read_text(encoding="utf-8") if SECTION.exists() else "# Campaigns\n\n"
    if MARK_START in current:
        current = re.sub(
            re.escape(MARK_START) + ".*?" + re.escape(MARK_END), lambda _m: text, current, flags=re.S
        )
    else:
        current = current.rstrip() + "\n\n" + text + "\n"
    SECTION.write_text(current, encoding="utf-8")


if __name__ == "__main__":
    main()
