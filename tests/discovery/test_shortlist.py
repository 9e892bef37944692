"""Large workspaces rank by relevance in two steps: an estimated score for every candidate (semantic part from a
PCA projection), then exact scores for a shortlist (docs/adr/0202-semantic-shortlist.md). These tests force that
path on the small real-embedding corpus by lowering the limits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select

from kizuna.db import unit_of_work
from kizuna.discovery import index as discovery_index
from kizuna.discovery import service as discovery_service
from kizuna.discovery.embeddings import default_embedder, from_bytes
from kizuna.discovery.service import top_rows
from kizuna.models.influencer_embedding import InfluencerEmbedding
from kizuna.tenancy import bind_workspace
from tests.discovery.conftest import Corpus, names, run_search

BRIEF = "25〜35歳の女性向けスキンケア、朝のルーティン"


@pytest.fixture
def shortlist_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every workspace above 3 creators counts as large: float16 matrix, PCA projection, shortlist of 3."""
    monkeypatch.setattr(discovery_index, "REDUCE_ABOVE", 3)
    monkeypatch.setattr(discovery_service, "SHORTLIST", 3)
    monkeypatch.setattr(discovery_service, "SHORTLIST_PER_RESULT", 0)
    discovery_index.cache.clear()
    yield
    discovery_index.cache.clear()


def _stored_cosines(ws_id: int, q: np.ndarray) -> dict[int, float]:
    with unit_of_work() as uow:
        bind_workspace(uow.session, ws_id)
        rows = uow.session.execute(select(InfluencerEmbedding)).scalars().all()
        return {r.influencer_id: float(from_bytes(r.vector) @ q) for r in rows}


def _cosines(found: Any) -> dict[int, float]:
    return {
        r.influencer_id: next(p.detail["cosine"] for p in r.parts if p.name == "semantic")
        for r in found.results
    }


def test_shortlist_ranking_matches_the_exact_ranking(embedded_corpus: Corpus) -> None:
    exact = run_search(embedded_corpus.ws_id, brief=BRIEF, limit="3")
    assert not exact.approximate
    discovery_index.cache.clear()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(discovery_index, "REDUCE_ABOVE", 3)
        mp.setattr(discovery_service, "SHORTLIST", 3)
        mp.setattr(discovery_service, "SHORTLIST_PER_RESULT", 0)
        short = run_search(embedded_corpus.ws_id, brief=BRIEF, limit="3")
        discovery_index.cache.clear()
    assert short.approximate and short.total == exact.total == 7
    # Seven vectors span six directions around their mean, so here the projection loses nothing: the estimate
    # picks the right shortlist and the page must be the exact page, explained the same way.
    assert names(short, embedded_corpus) == names(exact, embedded_corpus)
    for a, b in zip(short.results, exact.results, strict=True):
        assert a.score == pytest.approx(b.score, abs=2e-3)  # float16 storage of the matrix
        assert [p.name for p in a.parts] == [p.name for p in b.parts]
        for pa, pb in zip(a.parts, b.parts, strict=True):
            if pa.name == "semantic":
                assert pa.detail["cosine"] == pytest.approx(pb.detail["cosine"], abs=1e-3)
            else:
                assert pa.detail == pb.detail and pa.value == pytest.approx(pb.value)


def test_the_page_never_shows_an_estimate(
    embedded_corpus: Corpus, shortlist_path: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A one-dimensional projection estimates badly; whatever it shortlists, each shown semantic part is exact.
    monkeypatch.setattr(discovery_index, "REDUCED_DIM", 1)
    monkeypatch.setattr(discovery_service, "SHORTLIST", 4)
    found = run_search(embedded_corpus.ws_id, brief=BRIEF, limit="2")
    assert found.approximate and len(found.results) == 2
    stored = _stored_cosines(embedded_corpus.ws_id, default_embedder().query(BRIEF))
    for inf_id, cos in _cosines(found).items():
        assert cos == pytest.approx(stored[inf_id], abs=1e-3)
    for r in found.results:
        assert r.score == pytest.approx(sum(p.contribution for p in r.parts), abs=1e-5)
    # sorted by something else, the page is still explained with exact cosines
    by_followers = run_search(embedded_corpus.ws_id, brief=BRIEF, limit="2", sort="followers")
    assert names(by_followers, embedded_corpus) == ["gamer", "emma"]
    for inf_id, cos in _cosines(by_followers).items():
        assert cos == pytest.approx(stored[inf_id], abs=1e-3)


def test_lookalikes_use_the_shortlist_too(embedded_corpus: Corpus, shortlist_path: None) -> None:
    found = run_search(embedded_corpus.ws_id, like="misaki_skin", limit="2")
    assert found.approximate
    assert names(found, embedded_corpus)[0] == "yui"


def test_top_rows_keeps_at_least_the_best_s_and_every_tie() -> None:
    rng = np.random.default_rng(3)
    values = rng.random(200_000).astype(np.float32)
    rows = top_rows(values, 1000)
    assert 1000 <= rows.size <= 3000
    assert np.all(np.diff(rows) > 0)
    best = np.argsort(-values, kind="stable")[:1000]
    assert set(best.tolist()) <= set(rows.tolist())
    assert values[rows].min() >= values[np.setdiff1d(np.arange(values.size), rows)].max()
    assert np.array_equal(top_rows(values, 1000), rows)  # deterministic

    ties = np.zeros(10_000, dtype=np.float32)
    ties[:5] = 1.0
    assert top_rows(ties, 3).tolist() == [0, 1, 2, 3, 4]
    assert top_rows(np.zeros(20_000, dtype=np.float32), 10).size == 20_000  # all tied: all kept
    assert top_rows(values[:10], 50).tolist() == list(range(10))


def test_the_error_margin_rescues_creators_a_poor_projection_underrates(
    embedded_corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    exact = names(run_search(embedded_corpus.ws_id, brief="スキンケア", limit="3"), embedded_corpus)
    assert exact == ["misaki", "yui", "emma"]
    discovery_index.cache.clear()
    monkeypatch.setattr(discovery_index, "REDUCE_ABOVE", 3)
    monkeypatch.setattr(discovery_index, "REDUCED_DIM", 1)  # a projection that estimates badly
    monkeypatch.setattr(discovery_service, "SHORTLIST", 3)
    monkeypatch.setattr(discovery_service, "SHORTLIST_PER_RESULT", 0)
    monkeypatch.setattr(discovery_service, "MARGIN_SIGMAS", 0.0)
    without_margin = run_search(embedded_corpus.ws_id, brief="スキンケア", limit="3")
    assert without_margin.approximate and names(without_margin, embedded_corpus) != exact
    monkeypatch.setattr(discovery_service, "MARGIN_SIGMAS", 3.0)
    found = run_search(embedded_corpus.ws_id, brief="スキンケア", limit="3")
    index = discovery_index.cache._indexes[embedded_corpus.ws_id]
    assert index.estimate_spread(default_embedder().query("スキンケア")) > 0
    # everyone whose estimate was within 3 sigma of the page's last exact score was scored exactly as well
    assert found.approximate and names(found, embedded_corpus) == exact
    assert 3 <= without_margin.shortlisted < found.shortlisted <= 7
    assert found.as_dict()["index"]["shortlisted"] == found.shortlisted
    monkeypatch.setattr(discovery_service, "EXTRA_LIMIT", 1)  # the margin adds at most this many rows
    capped = run_search(embedded_corpus.ws_id, brief="スキンケア", limit="3")
    assert capped.shortlisted == without_margin.shortlisted + 1
    discovery_index.cache.clear()
