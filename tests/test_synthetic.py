"""The synthetic data generator (issue 2 item 10): determinism, realism of the distributions, and the writers."""

from __future__ import annotations

import csv
import io
import itertools
import re
import statistics
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from kizuna import migrations
from kizuna.db import make_engine
from kizuna.influencers.tiers import GLOBAL_TIER_KEYS, tier_for
from kizuna.models.audience_profile import AudienceProfile
from kizuna.models.influencer import Influencer
from kizuna.models.manager import Manager
from kizuna.models.metric_snapshot import MetricSnapshot
from kizuna.models.post import Post
from kizuna.models.social_account import SocialAccount
from kizuna.models.workspace import Workspace
from kizuna.synthetic import (
    CSV_HEADERS,
    SyntheticInfluencer,
    generate,
    median_engagement,
    write_csv,
    write_to_db,
)

JA_SCRIPT = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
KANA = re.compile(r"[\u3040-\u30ff]")
TIER_ORDER = ("nano", "micro", "mid", "macro", "mega", "celebrity")


def _light(seed: int, count: int, start: int = 0) -> list[SyntheticInfluencer]:
    return list(generate(seed, count, start=start, posts_per_account=0, snapshot_weeks=0, audience=False))


@pytest.fixture(scope="module")
def sample() -> list[SyntheticInfluencer]:
    return list(generate(11, 400, posts_per_account=8, snapshot_weeks=12))


@pytest.fixture(scope="module")
def population() -> list[SyntheticInfluencer]:
    return _light(5, 6000)


# ------------------------------------------------------------------------------------------------ determinism
def test_same_seed_gives_identical_output() -> None:
    a = list(generate(42, 40))
    b = list(generate(42, 40))
    assert a == b
    buf_a, buf_b = io.StringIO(), io.StringIO()
    write_csv(buf_a, a)
    write_csv(buf_b, b)
    assert buf_a.getvalue().encode() == buf_b.getvalue().encode()
    assert repr(a).encode() == repr(b).encode()


def test_different_seed_gives_different_output() -> None:
    a = list(generate(1, 30, posts_per_account=2))
    b = list(generate(2, 30, posts_per_account=2))
    assert [i.display_name for i in a] != [i.display_name for i in b]
    assert [i.max_followers for i in a] != [i.max_followers for i in b]


def test_start_continues_the_same_sequence() -> None:
    whole = list(generate(9, 30, posts_per_account=3))
    tail = list(generate(9, 10, start=20, posts_per_account=3))
    assert tail == whole[20:]
    assert [i.index for i in tail] == list(range(20, 30))


def test_optional_parts_do_not_change_the_accounts() -> None:
    full = list(generate(4, 25))
    light = _light(4, 25)
    for f, li in zip(full, light, strict=True):
        assert f.display_name == li.display_name
        assert f.bio == li.bio
        for fa, la in zip(f.accounts, li.accounts, strict=True):
            assert (fa.handle, fa.followers, fa.engagement_rate, fa.avg_likes) == (
                la.handle,
                la.followers,
                la.engagement_rate,
                la.avg_likes,
            )
            assert fa.posts and fa.snapshots and fa.audience is not None
            assert not la.posts and not la.snapshots and la.audience is None


def test_as_of_must_be_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next(generate(1, 1, as_of=datetime(2026, 1, 1)))


# ------------------------------------------------------------------------------------------------ distributions
def test_tiers_are_all_covered_with_a_heavy_tail(population: list[SyntheticInfluencer]) -> None:
    tiers = Counter(i.tier for i in population)
    assert set(GLOBAL_TIER_KEYS) <= set(tiers)
    # fewer influencers the higher the follower band (macro is a narrow band, so compare it with mid only)
    assert tiers["nano"] > tiers["micro"] > tiers["mid"] > tiers["macro"]
    assert tiers["mid"] > tiers["mega"] > tiers["celebrity"] > 0
    followers = sorted(i.max_followers for i in population)
    assert followers[0] >= 1_000
    assert followers[-1] / statistics.median(followers) > 1_000
    top_1pct = sum(followers[-len(followers) // 100 :])
    assert top_1pct / sum(followers) > 0.5
    # big audiences are old accounts
    created: dict[str, list[float]] = defaultdict(list)
    for i in population:
        if not i.truth.suspicious:
            created[str(i.tier)].append(i.accounts[0].account_created_at.timestamp())
    assert (
        statistics.median(created["mega"])
        < statistics.median(created["micro"])
        < statistics.median(created["nano"])
    )
    # the denormalised tier agrees with the tier table
    for i in population[:500]:
        assert i.tier == tier_for(i.max_followers, celebrity=i.truth.celebrity)


def test_small_runs_still_see_every_tier() -> None:
    assert set(GLOBAL_TIER_KEYS) <= {i.tier for i in _light(3, 200)}


def test_median_engagement_falls_with_tier(population: list[SyntheticInfluencer]) -> None:
    by_tier: dict[str, list[float]] = defaultdict(list)
    for i in population:
        by_tier[str(i.tier)].append(i.engagement_rate)
    medians = [statistics.median(by_tier[t]) for t in TIER_ORDER]
    assert medians == sorted(medians, reverse=True)
    # roughly the Markerly / domain.md numbers: a few percent for nano, around 1% at the top
    assert 0.03 < medians[0] < 0.09
    assert 0.005 < medians[-1] < 0.02
    assert median_engagement(5_000) > median_engagement(50_000) > median_engagement(5_000_000)


def test_platforms_countries_categories_and_multi_platform(population: list[SyntheticInfluencer]) -> None:
    platforms = Counter(a.platform for i in population for a in i.accounts)
    assert {"instagram", "youtube", "tiktok", "x", "blog", "line", "xiaohongshu", "naver_blog"} <= set(
        platforms
    )
    countries = Counter(i.country for i in population)
    assert countries.most_common(1)[0][0] == "JP"
    assert {"US", "TW", "KR", "HK", "TH"} <= set(countries)
    assert {i.languages[0] for i in population} >= {"ja", "en", "zh-TW", "ko"}
    categories = {i.primary_category for i in population}
    assert {
        "beauty",
        "skincare",
        "travel",
        "food",
        "fashion",
        "tech",
        "fitness",
        "parenting",
        "gaming",
    } <= categories
    n_accounts = Counter(len(i.accounts) for i in population)
    assert n_accounts[1] > n_accounts[2] > n_accounts[3] > 0
    for i in population[:300]:
        assert len({a.platform for a in i.accounts}) == len(i.accounts)
        assert i.accounts[0].followers == i.max_followers == max(a.followers for a in i.accounts)
        assert i.followers_total == sum(a.followers for a in i.accounts)


def test_handles_are_unique_per_platform(population: list[SyntheticInfluencer]) -> None:
    seen = Counter((a.platform, a.handle_key) for i in population for a in i.accounts)
    assert max(seen.values()) == 1
    x_handles = [a.handle for i in population for a in i.accounts if a.platform == "x"]
    assert all(len(h) <= 15 and re.fullmatch(r"[A-Za-z0-9_]+", h) for h in x_handles)


def test_japanese_creators_have_japanese_names_and_bios(sample: list[SyntheticInfluencer]) -> None:
    jp = [i for i in sample if i.country == "JP"]
    assert len(jp) > 150
    assert sum(bool(JA_SCRIPT.search(i.display_name)) for i in jp) / len(jp) > 0.85
    assert any(KANA.search(i.display_name) for i in jp)
    bios = [i.bio for i in jp]
    assert all(JA_SCRIPT.search(b) for b in bios if b)
    assert any("敏感肌" in b or "スキンケア" in b for b in bios)
    captions = [p.caption for i in jp for a in i.accounts for p in a.posts]
    assert sum(bool(JA_SCRIPT.search(c)) for c in captions) / len(captions) > 0.95
    us = [i for i in sample if i.country == "US"]
    assert us and all(not JA_SCRIPT.search(i.display_name) for i in us)


def test_contacts_and_managers(population: list[SyntheticInfluencer]) -> None:
    reachable = sum(i.contact_email is not None for i in population)
    assert reachable / len(population) > 0.8
    managed = [i for i in population if i.manager is not None]
    per_manager = Counter(i.manager.key for i in managed if i.manager)
    assert max(per_manager.values()) >= 3  # one agency represents several creators
    emails = [e for i in population for e in i.emails]
    assert len(emails) == len(set(emails))


def test_audience_profiles_are_distributions(sample: list[SyntheticInfluencer]) -> None:
    for i in sample[:100]:
        for a in i.accounts:
            au = a.audience
            assert au is not None
            assert list(au.age_bands) == ["13-17", "18-24", "25-34", "35-44", "45-54", "55+"]
            for shares in (au.age_bands, au.gender, au.languages):
                assert sum(shares.values()) == pytest.approx(1.0, abs=0.02)
            assert sum(au.countries.values()) <= 1.005
            assert au.sample_size <= a.followers and au.source == "synthetic"


def test_posts_are_consistent_with_the_account_engagement(sample: list[SyntheticInfluencer]) -> None:
    checked = 0
    for i in sample:
        for a in i.accounts:
            counted = [p for p in a.posts if p.likes is not None and p.comments is not None]
            if len(counted) < 3:
                continue
            mean_likes = statistics.fmean(p.likes or 0 for p in counted)
            mean_comments = statistics.fmean(p.comments or 0 for p in counted)
            assert mean_likes == pytest.approx(a.avg_likes, rel=0.02, abs=1.0)
            assert mean_comments == pytest.approx(a.avg_comments, rel=0.05, abs=1.0)
            er = statistics.fmean(((p.likes or 0) + (p.comments or 0)) / a.followers for p in counted)
            assert er == pytest.approx(a.engagement_rate, rel=0.03, abs=2 / a.followers)
            times = [p.published_at for p in a.posts]
            assert times == sorted(times, reverse=True)
            assert all(t.tzinfo is not None for t in times)
            checked += 1
    assert checked > 300


def test_sponsored_posts_with_and_without_labels(sample: list[SyntheticInfluencer]) -> None:
    posts = [(i, p) for i in sample for a in i.accounts for p in a.posts]
    sponsored = [(i, p) for i, p in posts if p.sponsored]
    assert 0.04 < len(sponsored) / len(posts) < 0.3
    styles = Counter(p.disclosure for _, p in sponsored)
    assert {"clear", "buried", "ambiguous", "none"} <= set(styles)
    ja_clear = [p.caption for i, p in sponsored if p.disclosure == "clear" and i.languages[0] == "ja"]
    assert any(label in c for c in ja_clear for label in ("【PR】", "#PR", "【提供", "【広告】"))
    en_clear = [p.caption for i, p in sponsored if p.disclosure == "clear" and i.languages[0] != "ja"]
    assert any("#ad" in c or "Paid partnership" in c or "Sponsored" in c for c in en_clear)
    assert all(not p.is_sponsored for _, p in sponsored if p.disclosure in ("none", "ambiguous"))
    assert all(p.mentions for _, p in sponsored)


def test_suspicious_creators_leave_signals(population: list[SyntheticInfluencer]) -> None:
    sus = [i for i in population if i.truth.suspicious]
    normal = [i for i in population if not i.truth.suspicious]
    assert 0.02 < len(sus) / len(population) < 0.1

    def relative_er(i: SyntheticInfluencer) -> float:
        return i.engagement_rate / median_engagement(i.max_followers)

    assert statistics.median(map(relative_er, sus)) < 0.5 * statistics.median(map(relative_er, normal))
    mass_following = sum(1 for i in sus if (i.accounts[0].following or 0) > 1_500)
    assert mass_following > 0
    assert statistics.median(i.truth.fake_follower_share for i in sus) > 0.25
    assert sum(bool(re.search(r"\d{6,}", i.accounts[0].handle)) for i in sus) == len(sus)


def test_snapshots_grow_and_spikes_are_visible() -> None:
    infs = list(generate(21, 1500, posts_per_account=4, snapshot_weeks=20, audience=False))

    def biggest_jump(i: SyntheticInfluencer) -> float:
        snaps = i.accounts[0].snapshots
        return max(b.followers / max(a.followers, 1) for a, b in itertools.pairwise(snaps))

    spiked = [i for i in infs if i.truth.follower_spike]
    viral = [i for i in infs if i.truth.viral_spike]
    plain = [i for i in infs if not (i.truth.follower_spike or i.truth.viral_spike)]
    assert spiked and viral
    assert all(biggest_jump(i) > 1.2 for i in spiked)
    assert statistics.median(map(biggest_jump, plain)) < 1.03
    for i in viral:
        snaps = i.accounts[0].snapshots
        assert [s.captured_at for s in snaps] == sorted(s.captured_at for s in snaps)
        assert snaps[-1].followers == i.accounts[0].followers
        assert any(p.viral for p in i.accounts[0].posts)  # the jump follows a viral post
    assert all(not any(p.viral for a in i.accounts for p in a.posts) for i in spiked)


# ------------------------------------------------------------------------------------------------ writers
@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'synthetic.db'}")
    migrations.upgrade(engine)
    return engine


def _workspace(session: Session, slug: str) -> int:
    ws = Workspace(slug=slug, name=slug)
    session.add(ws)
    session.flush()
    return ws.id


def test_write_to_db_fills_every_table(sqlite_engine: Engine) -> None:
    infs = list(generate(8, 120, posts_per_account=5, snapshot_weeks=6))
    now = datetime(2026, 11, 2, tzinfo=UTC)
    with Session(sqlite_engine) as session:
        ws_id = _workspace(session, "syn")
        batches: list[int] = []
        # two calls, as kizuna demo does: managers shared across calls must not be duplicated
        c1 = write_to_db(
            session,
            ws_id,
            infs[:70],
            batch_size=32,
            now=now,
            on_batch=lambda c: batches.append(c.influencers),
        )
        c2 = write_to_db(session, ws_id, infs[70:], batch_size=32, now=now)
        session.commit()
        c1.add(c2)
        assert batches == [32, 32, 6]
        n_accounts = sum(len(i.accounts) for i in infs)
        expected = {
            "influencers": 120,
            "social_accounts": n_accounts,
            "posts": sum(len(a.posts) for i in infs for a in i.accounts),
            "metric_snapshots": n_accounts * 6,
            "audience_profiles": n_accounts,
            "managers": len({i.manager.key for i in infs if i.manager}),
        }
        assert c1.as_dict() == expected
        for model, key in (
            (Influencer, "influencers"),
            (SocialAccount, "social_accounts"),
            (Post, "posts"),
            (MetricSnapshot, "metric_snapshots"),
            (AudienceProfile, "audience_profiles"),
            (Manager, "managers"),
        ):
            assert session.scalar(select(func.count()).select_from(model)) == expected[key], key
        assert session.execute(text("PRAGMA foreign_key_check")).all() == []

        rows = session.execute(select(Influencer).order_by(Influencer.id)).scalars().all()
        for row, inf in zip(rows, infs, strict=True):
            assert row.workspace_id == ws_id
            assert (row.display_name, row.max_followers, row.followers_total, row.tier) == (
                inf.display_name,
                inf.max_followers,
                inf.followers_total,
                inf.tier,
            )
            assert row.engagement_rate == pytest.approx(inf.engagement_rate)
            assert row.primary_category == inf.primary_category
            assert (row.emails, row.languages, row.categories) == (inf.emails, inf.languages, inf.categories)
            assert row.created_at.tzinfo is not None
            accounts = (
                session.execute(
                    select(SocialAccount)
                    .where(SocialAccount.influencer_id == row.id)
                    .order_by(SocialAccount.id)
                )
                .scalars()
                .all()
            )
            assert [a.handle for a in accounts] == [a.handle for a in inf.accounts]
            assert [a.account_created_at for a in accounts] == [a.account_created_at for a in inf.accounts]
            assert max(a.followers or 0 for a in accounts) == row.max_followers
            assert all(
                a.engagement_definition and a.avg_likes is not None and a.tier
                for a in accounts
                if (a.followers or 0) >= 1000
            )
            managed = row.manager_id is not None
            assert managed == (inf.manager is not None)
        per_manager = session.execute(
            select(Influencer.manager_id, func.count())
            .where(Influencer.manager_id.is_not(None))
            .group_by(Influencer.manager_id)
        ).all()
        assert max(n for _, n in per_manager) >= 2
        # JSON and timestamps written by the bulk path read back like ORM-written ones, in the same text format
        first = infs[0].accounts[0]
        profile = session.execute(select(AudienceProfile).order_by(AudienceProfile.id).limit(1)).scalar_one()
        assert first.audience is not None and profile.age_bands == first.audience.age_bands
        assert profile.as_of == first.audience.as_of
        post = session.execute(select(Post).order_by(Post.id).limit(1)).scalar_one()
        assert (post.published_at, post.hashtags) == (first.posts[0].published_at, first.posts[0].hashtags)
        stamp = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$")
        assert stamp.match(session.execute(text("SELECT created_at FROM workspaces")).scalar_one())
        assert stamp.match(session.execute(text("SELECT published_at FROM posts LIMIT 1")).scalar_one())
        sponsored = session.scalar(select(func.count()).select_from(Post).where(Post.is_sponsored))
        assert sponsored and sponsored > 0


def test_write_to_db_accounts_only(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        ws_id = _workspace(session, "fast")
        # committing between batches (how bench/generate.py loads a million rows) continues in new transactions
        counts = write_to_db(
            session,
            ws_id,
            _light(2, 300),
            accounts_only=True,
            batch_size=100,
            on_batch=lambda _: session.commit(),
        )
        session.commit()
        assert (
            counts.influencers == 300
            and counts.posts == counts.metric_snapshots == counts.audience_profiles == 0
        )
        assert session.scalar(select(func.count()).select_from(SocialAccount)) == counts.social_accounts
        assert session.scalar(select(func.count()).select_from(Post)) == 0


def test_write_csv_round_trip(tmp_path: Path) -> None:
    infs = _light(6, 150)
    path = tmp_path / "export.csv"
    progress: list[int] = []
    n = write_csv(path, infs, on_row=progress.append)
    assert n == sum(len(i.accounts) for i in infs) == progress[-1]
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == CSV_HEADERS
    assert len(rows) == n
    flat = [(i, a) for i in infs for a in i.accounts]
    for row, (inf, acct) in zip(rows, flat, strict=True):
        assert row["name"] == inf.display_name
        assert row["platform"] == acct.platform
        assert row["handle"].lstrip("@") == acct.handle
        assert int(row["followers"]) == acct.followers
        assert float(row["engagement_rate"].rstrip("%")) == pytest.approx(
            acct.engagement_rate * 100, abs=0.006
        )
        assert row["country"] == inf.country and row["category"] == inf.primary_category
        assert row["bio"] == inf.bio
        assert row["email"] == (inf.emails[0] if inf.emails else "")
    assert any("\n" in row["bio"] for row in rows)  # multi-line bios survive quoting


def test_tier_table_boundaries() -> None:
    assert tier_for(999) is None
    assert tier_for(1_000) == "nano"
    assert tier_for(9_999) == "nano"
    assert tier_for(10_000) == "micro"
    assert tier_for(100_000) == "mid"
    assert tier_for(500_000) == "macro"
    assert tier_for(1_000_000) == "mega"
    assert tier_for(5_000, celebrity=True) == "celebrity"
    assert tier_for(150_000, "japan") == "middle"
    assert tier_for(1_000_000, "japan", celebrity=True) == "top"
    assert tier_for(None) is None


def test_write_to_db_on_the_suite_database(db: Engine) -> None:
    """The suite's own database (PostgreSQL in CI): ids come from the sequences, so ORM inserts still work after a
    bulk load, and a manager written by an earlier session is found again rather than duplicated."""
    infs = list(generate(12, 160, posts_per_account=2, snapshot_weeks=2))
    with Session(db) as session:
        ws_id = _workspace(session, "synthetic-suite")
        write_to_db(session, ws_id, infs[:80], batch_size=50)
        session.commit()
    with Session(db) as session:
        write_to_db(session, ws_id, infs[80:], batch_size=50)
        session.commit()
        managers = session.scalar(
            select(func.count()).select_from(Manager).where(Manager.workspace_id == ws_id)
        )
        assert managers == len({i.manager.key for i in infs if i.manager})
        top = session.scalar(select(func.max(Influencer.id)))
        extra = Influencer(workspace_id=ws_id, display_name="added by hand")
        session.add(extra)
        session.flush()
        assert top is not None and extra.id > top
        n = session.scalar(
            select(func.count()).select_from(Influencer).where(Influencer.workspace_id == ws_id)
        )
        assert n == 161
        session.rollback()
    with Session(db) as session:
        # a rolled-back load leaves no cached manager ids behind in the session
        more = list(generate(13, 60, posts_per_account=0, snapshot_weeks=0, audience=False))
        assert any(i.manager for i in more[:30])
        write_to_db(session, ws_id, more[:30])
        session.rollback()
        write_to_db(session, ws_id, more)
        session.commit()
        assert (
            session.scalar(
                select(func.count()).select_from(Influencer).where(Influencer.workspace_id == ws_id)
            )
            == 220
        )


def test_sqlite_fast_path_applies_python_defaults(sqlite_engine: Engine) -> None:
    """Columns a writer leaves out (e.g. one a later migration adds) get the model's Python-side default."""
    from kizuna.synthetic import writers

    table = Influencer.__table__
    assert isinstance(table, sqlalchemy.Table)
    with Session(sqlite_engine) as session:
        ws_id = _workspace(session, "defaults")
        row = {
            "workspace_id": ws_id,
            "display_name": "最小限",
            "emails": ["a@example.com"],
            "languages": ["ja"],
        }
        row |= {"categories": [], "created_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)}
        writers._insert(session.connection(), table, [row])
        stored = session.execute(select(Influencer).where(Influencer.workspace_id == ws_id)).scalar_one()
        assert (stored.kind, stored.tags, stored.notes, stored.emails) == (
            "person",
            [],
            "",
            ["a@example.com"],
        )
        assert stored.created_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
        assert stored.updated_at.tzinfo is not None
