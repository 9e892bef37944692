"""Every search filter of issue 4 item 1, against a hand-made registry (no embeddings needed)."""

from __future__ import annotations

import pytest

from kizuna.db import unit_of_work
from kizuna.discovery.filters import AudienceThreshold, infer_target, parse_query, parse_threshold
from kizuna.errors import ValidationFailed
from kizuna.models.campaign import Campaign
from kizuna.models.campaign_influencer import CampaignInfluencer
from kizuna.tenancy import bind_workspace
from tests.discovery.conftest import Corpus, names, run_search


def found_set(corpus: Corpus, **params: object) -> set[str]:
    return set(names(run_search(corpus.ws_id, limit="200", **params), corpus))


def test_parse_thresholds_counts_and_percents() -> None:
    assert parse_threshold("age:25-34>=30%") == AudienceThreshold("age", "25-34", 0.30)
    assert parse_threshold("gender:Female>=40") == AudienceThreshold("gender", "female", 0.40)
    assert parse_threshold("country:tw>=0.2") == AudienceThreshold("country", "TW", 0.2)
    q = parse_query(
        {"followers_min": "1万", "followers_max": "100k", "engagement_min": "3%", "engagement_max": "0.1"}
    )
    assert (q.filters.followers_min, q.filters.followers_max) == (10_000, 100_000)
    assert q.filters.engagement_min == pytest.approx(0.03)
    assert q.filters.engagement_max == pytest.approx(0.1)
    with pytest.raises(ValidationFailed) as exc:
        parse_threshold("age:20-30>=30%")
    assert exc.value.code == "invalid_audience_threshold"
    with pytest.raises(ValidationFailed) as exc:
        parse_query({"sort": "random"})
    assert exc.value.code == "invalid_sort"
    with pytest.raises(ValidationFailed) as exc:
        parse_query({"followers_min": "100k", "followers_max": "10k"})
    assert exc.value.code == "invalid_filter"


def test_saved_params_round_trip() -> None:
    q = parse_query(
        {
            "countries": "JP,TW",
            "audience": ["age:25-34>=30%"],
            "aud_gender": "female",
            "aud_gender_min": "40",
            "brief": "スキンケア",
            "sort": "engagement",
            "has_email": "yes",
            "brand_mentions": "@shiseido",
            "mention_days": "30",
        }
    )
    again = parse_query(q.to_params())
    assert again == q
    assert again.filters.brand_mentions == ("shiseido",)


def test_target_is_read_from_a_japanese_or_english_brief() -> None:
    t = infer_target("25〜35歳の女性向けスキンケア、朝のルーティン")
    assert (t.age_min, t.age_max, t.genders) == (25, 35, ("female",))
    assert t.age_bands() == ["25-34", "35-44"]
    t = infer_target("protein snacks for men aged 18-24")
    assert (t.age_min, t.age_max, t.genders) == (18, 24, ("male",))
    assert infer_target("スキンケア").is_empty()


def test_platform_tier_followers_engagement(corpus: Corpus) -> None:
    assert found_set(corpus, platforms="youtube") == {"fishing", "gamer"}
    assert found_set(corpus, tiers="nano") == {"ramen"}
    assert found_set(corpus, followers_min="10k", followers_max="40k") == {"misaki", "yui", "taipei"}
    assert found_set(corpus, engagement_min="5%") == {"yui", "ramen", "taipei"}
    assert found_set(corpus, engagement_max="3%") == {"fishing", "gamer"}


def test_country_language_category(corpus: Corpus) -> None:
    assert found_set(corpus, countries="TW") == {"taipei"}
    assert found_set(corpus, languages="en") == {"emma", "gamer"}
    assert found_set(corpus, categories="skincare") == {"misaki", "yui", "emma"}
    assert found_set(corpus, categories="skincare", countries="JP") == {"misaki", "yui"}


def test_audience_demographic_thresholds(corpus: Corpus) -> None:
    assert found_set(corpus, audience="age:25-34>=45%") == {"misaki", "yui", "taipei"}
    assert found_set(corpus, audience="age:25-34>=46%") == {"yui"}
    assert found_set(corpus, aud_gender="female", aud_gender_min="80%") == {"misaki", "yui", "emma"}
    # "at least 20% in Taiwan": Yui's audience is 30% Taiwanese, Misaki's only 5%.
    assert found_set(corpus, aud_country="TW", aud_country_min="20") == {"yui", "taipei"}
    assert found_set(corpus, audience=["gender:female>=80%", "country:TW>=20%"]) == {"yui"}
    assert found_set(corpus, audience="language:zh-TW>=40%") == {"yui", "taipei"}
    # A creator without audience data never passes a threshold, not even ">= 0".
    assert "ramen" not in found_set(corpus, audience="age:25-34>=0%")


def test_min_quality_and_has_email(corpus: Corpus) -> None:
    assert found_set(corpus, min_quality="80") == {"misaki", "emma"}
    assert found_set(corpus, min_quality="30") == {"misaki", "yui", "emma"}
    assert found_set(corpus, has_email="yes") == {"misaki", "fishing", "emma", "taipei"}
    assert found_set(corpus, has_email="no") == {"yui", "ramen", "gamer"}


def test_contacted_or_not(corpus: Corpus) -> None:
    with unit_of_work() as uow:
        bind_workspace(uow.session, corpus.ws_id)
        c = Campaign(name="Spring", workspace_id=corpus.ws_id)
        uow.session.add(c)
        uow.session.flush()
        uow.session.add(
            CampaignInfluencer(campaign_id=c.id, influencer_id=corpus.ids["misaki"], stage="contacted")
        )
        uow.session.add(
            CampaignInfluencer(campaign_id=c.id, influencer_id=corpus.ids["yui"], stage="prospect")
        )
        uow.session.add(
            CampaignInfluencer(campaign_id=c.id, influencer_id=corpus.ids["emma"], stage="negotiating")
        )
    assert found_set(corpus, contacted="yes") == {"misaki", "emma"}
    assert found_set(corpus, contacted="no") == {"yui", "fishing", "ramen", "gamer", "taipei"}
    found = run_search(corpus.ws_id, contacted="yes")
    assert all(r.contacted for r in found.results)


def test_brand_mentions_respect_the_time_window(corpus: Corpus) -> None:
    # Misaki tagged @shiseido 10 days ago; Emma used #glossier 200 days ago.
    assert found_set(corpus, brand_mentions="shiseido") == {"misaki"}
    assert found_set(corpus, brand_mentions="@Shiseido", mention_days="5") == set()
    assert found_set(corpus, brand_mentions="glossier") == set()
    assert found_set(corpus, brand_mentions="glossier", mention_days="365") == {"emma"}
    assert found_set(corpus, brand_mentions="shiseido,glossier", mention_days="365") == {"misaki", "emma"}
    # caption text counts too (no tag needed), Japanese included
    assert found_set(corpus, brand_mentions="化粧水") == {"misaki"}
    found = run_search(corpus.ws_id, brand_mentions="shiseido")
    assert found.results[0].brand_posts and found.results[0].brand_posts[0]["brands"] == ["shiseido"]


def test_keywords_search_bio_captions_and_hashtags(corpus: Corpus) -> None:
    assert found_set(corpus, keywords="ラーメン") == {"ramen"}
    assert found_set(corpus, keywords="serum") == {"emma"}
    assert found_set(corpus, keywords="スキンケア") == {"misaki", "yui"}
    assert found_set(corpus, keywords="スキンケア,洗顔") == {"yui"}  # all keywords must appear
    assert found_set(corpus, keywords="#保湿") == {"misaki"}  # a hashtag of a recent post
    found = run_search(corpus.ws_id, keywords="スキンケア")
    kw = next(p for p in found.results[0].parts if p.name == "keywords")
    assert kw.detail["matched"] == ["スキンケア"]


def test_sorts(corpus: Corpus) -> None:
    by_followers = names(run_search(corpus.ws_id, sort="followers"), corpus)
    assert by_followers[:3] == ["gamer", "emma", "fishing"]
    by_er = names(run_search(corpus.ws_id, sort="engagement"), corpus)
    assert by_er[:2] == ["ramen", "yui"]
    by_quality = names(run_search(corpus.ws_id, sort="quality"), corpus)
    assert by_quality[:3] == ["emma", "misaki", "yui"]
    plain = run_search(corpus.ws_id)
    assert plain.results[0].score is None and plain.notes  # no relevance signal: explained, by followers
    assert plain.total == 7


def test_limit_offset_and_total(corpus: Corpus) -> None:
    page1 = names(run_search(corpus.ws_id, sort="followers", limit="3"), corpus)
    page2 = names(run_search(corpus.ws_id, sort="followers", limit="3", offset="3"), corpus)
    assert len(page1) == 3 and len(page2) == 3 and not set(page1) & set(page2)
