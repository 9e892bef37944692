"""Brand-fit matching with the real multilingual-e5 model: ranking, explanations, lookalikes."""

from __future__ import annotations

import pytest

from tests.discovery.conftest import Corpus, names, run_search


def test_japanese_brief_ranks_japanese_skincare_creators_first(embedded_corpus: Corpus) -> None:
    found = run_search(embedded_corpus.ws_id, brief="25〜35歳の女性向けスキンケア、朝のルーティン")
    order = names(found, embedded_corpus)
    assert set(order[:2]) == {"misaki", "yui"}
    for unrelated in ("fishing", "ramen", "gamer", "taipei"):
        assert order.index(unrelated) > order.index("misaki")
        assert order.index(unrelated) > order.index("yui")
    # the semantic part alone already separates skincare from unrelated creators
    sem = {
        n: next(p.value for p in r.parts if p.name == "semantic")
        for n, r in zip(order, found.results, strict=True)
    }
    assert min(sem["misaki"], sem["yui"]) > max(sem["fishing"], sem["ramen"], sem["gamer"])


def test_every_score_is_explained(embedded_corpus: Corpus) -> None:
    found = run_search(embedded_corpus.ws_id, brief="25〜35歳の女性向けスキンケア、朝のルーティン")
    assert found.target.genders == ("female",) and (found.target.age_min, found.target.age_max) == (25, 35)
    assert sum(found.weights.values()) == pytest.approx(1.0)
    assert set(found.weights) == {"semantic", "keywords", "audience"}
    top = found.results[0]
    assert top.score == pytest.approx(sum(p.contribution for p in top.parts), abs=1e-5)
    parts = {p.name: p for p in top.parts}
    assert parts["semantic"].detail["cosine"] is not None
    assert "スキンケア" in parts["keywords"].detail["matched"]
    assert set(parts["audience"].detail["shares"]) == {"age 25-34,35-44", "gender female"}
    data = found.as_dict()
    assert data["results"][0]["parts"][0]["name"] == "semantic"
    assert {"value", "weight", "contribution", "detail"} <= set(data["results"][0]["parts"][0])


def test_english_brief_matches_across_languages(embedded_corpus: Corpus) -> None:
    order = names(
        run_search(embedded_corpus.ws_id, brief="gentle skincare routine for sensitive skin"), embedded_corpus
    )
    assert set(order[:3]) == {"misaki", "yui", "emma"}
    assert order.index("gamer") > 2 and order.index("fishing") > 2


def test_campaign_target_and_filters_combine_with_the_brief(embedded_corpus: Corpus) -> None:
    found = run_search(
        embedded_corpus.ws_id,
        brief="スキンケア",
        target_countries="TW",
        countries="JP",
    )
    order = names(found, embedded_corpus)
    assert set(order) == {"misaki", "yui", "fishing", "ramen"}
    assert order[0] == "yui"  # 30% of Yui's audience is in Taiwan
    aud = next(p for p in found.results[0].parts if p.name == "audience")
    assert aud.detail["shares"]["country TW"] == pytest.approx(0.3)


def test_more_like_this_finds_lookalikes(embedded_corpus: Corpus) -> None:
    found = run_search(embedded_corpus.ws_id, like="misaki_skin")
    order = names(found, embedded_corpus)
    assert "misaki" not in order
    assert order[0] == "yui"
    assert order.index("gamer") > order.index("emma")
    assert found.seed == {"influencer_id": embedded_corpus.ids["misaki"], "display_name": "美咲｜スキンケア"}
    assert {p.name for p in found.results[0].parts} == {"semantic", "audience", "profile"}
    by_id = run_search(embedded_corpus.ws_id, like=str(embedded_corpus.ids["misaki"]))
    assert names(by_id, embedded_corpus) == order


def test_lookalike_of_unknown_handle_is_a_clear_error(corpus: Corpus) -> None:
    from kizuna.errors import NotFound

    with pytest.raises(NotFound):
        run_search(corpus.ws_id, like="nobody_here")
