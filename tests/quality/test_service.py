"""The score as a service: real tables, synthetic creators, overrides in the audit log, history, uploads."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from sqlalchemy import select

from kizuna.audience import quality_service as qs
from kizuna.errors import NotFound, PermissionDenied, ValidationFailed
from kizuna.models.audit_log import AuditLog
from kizuna.models.comment_sample import CommentSample
from kizuna.models.social_account import SocialAccount
from tests.quality.conftest import load_synthetic

CtxIn = Callable[..., AbstractContextManager[Any]]


def _account_for(ctx: Any, handle: str, platform: str | None = None) -> SocialAccount:
    q = select(SocialAccount).where(SocialAccount.handle == handle)
    if platform is not None:
        q = q.where(SocialAccount.platform == platform)
    return ctx.session.execute(q.order_by(SocialAccount.followers.desc()).limit(1)).scalar_one()


def _add_synthetic_comments(ctx: Any, account: SocialAccount, person_account: Any) -> None:
    items = [
        {"text": text, "post": post.platform_post_id}
        for post in person_account.posts
        for text in post.sample_comments
    ]
    if items:
        qs.add_comments(ctx.session, account, items)


def test_synthetic_suspicious_creators_score_lower(workspace: dict[str, Any], ctx_in: CtxIn) -> None:
    people = load_synthetic(workspace["workspace_id"], 80)
    scores: dict[bool, list[float]] = {True: [], False: []}
    spike_scores: list[float] = []
    with ctx_in() as ctx:
        for person in people:
            acct = person.primary_account
            account = _account_for(ctx, acct.handle, acct.platform)
            _add_synthetic_comments(ctx, account, acct)
            row, result = qs.recompute(ctx.session, account)
            assert account.audience_quality == row.score
            if row.score is not None:
                scores[person.truth.suspicious].append(row.score)
            if person.truth.follower_spike and person.truth.suspicious:
                spikes = result.factor("follower_spikes")
                if spikes.score is not None:
                    spike_scores.append(spikes.score)
    assert len(scores[True]) >= 3, "the generator should make a few suspicious creators in 80"
    assert statistics.mean(scores[True]) < statistics.mean(scores[False]) - 15
    # every generated follower spike without a viral post is caught
    assert spike_scores and max(spike_scores) < 100


def test_override_replaces_the_score_is_audited_and_can_be_cleared(
    workspace: dict[str, Any], ctx_in: CtxIn
) -> None:
    people = load_synthetic(workspace["workspace_id"], 3)
    handle = people[0].primary_account.handle
    with ctx_in() as ctx:
        account = _account_for(ctx, handle)
        computed, _ = qs.recompute(ctx.session, account)
        with pytest.raises(ValidationFailed) as missing_reason:
            qs.set_override(ctx, account, score=90, reason="  ")
        assert missing_reason.value.code == "quality_override_reason_required"
        qs.set_override(ctx, account, score=88, reason="Checked their follower list by hand")
        assert account.audience_quality == 88
        assert qs.effective(ctx.session, account.id).score == 88
        qs.recompute(ctx.session, account)  # a new computed score does not undo the person's decision
        assert account.audience_quality == 88
    with ctx_in() as ctx:
        entry = ctx.session.execute(
            select(AuditLog).where(AuditLog.action == "audience_quality.override")
        ).scalar_one()
        assert entry.data["reason"] == "Checked their follower list by hand"
        assert entry.data["score"] == 88
        assert entry.data["computed_score"] == computed.score
        assert entry.actor_user_id == workspace["user_id"]
        account = _account_for(ctx, handle)
        qs.clear_override(ctx, account, reason="new data")
        assert account.audience_quality == qs.latest_score(ctx.session, account.id).score  # type: ignore[union-attr]
        with pytest.raises(NotFound):
            qs.clear_override(ctx, account, reason="again")
        assert len(qs.history(ctx.session, account.id)) == 2
        assert len(qs.overrides(ctx.session, account.id)) == 1
        actions = ctx.session.execute(select(AuditLog.action).order_by(AuditLog.id)).scalars().all()
        assert "audience_quality.override_cleared" in actions


def test_viewers_cannot_override(workspace: dict[str, Any], ctx_in: CtxIn) -> None:
    people = load_synthetic(workspace["workspace_id"], 1)
    with ctx_in(role="viewer") as ctx:
        account = _account_for(ctx, people[0].primary_account.handle)
        with pytest.raises(PermissionDenied):
            qs.set_override(ctx, account, score=50, reason="x")


def test_follower_sample_upload_feeds_the_score(workspace: dict[str, Any], ctx_in: CtxIn) -> None:
    people = load_synthetic(workspace["workspace_id"], 1)
    header = "username,followers,following,posts,has_profile_picture,biography\n"
    real = "".join(f"hana_{i:03d},{300 + i},{250 + i},{40 + i},1,カフェ巡りが好き\n" for i in range(150))
    fake = "".join(f"user{98765430 + i},{i % 3},{4000 + i},0,0,\n" for i in range(50))
    with ctx_in() as ctx:
        account = _account_for(ctx, people[0].primary_account.handle)
        rows = qs.read_csv(("\ufeff" + header + real + fake).encode(), max_rows=1000)
        sample = qs.add_follower_sample(ctx, account, rows, filename="followers.csv")
        assert sample.rows == 200
        assert 0.15 <= sample.share <= 0.40  # the 50 empty, digit-named mass-followers stand out
        assert sample.ci_low < sample.share < sample.ci_high
        assert len(sample.usernames) == 200 and "user98765430" in sample.usernames
        _, result = qs.recompute(ctx.session, account)
        f = result.factor("follower_sample")
        assert f.sample_size == 200 and f.score is not None and f.confidence in ("medium", "high")
    with ctx_in() as ctx, pytest.raises(ValidationFailed) as bad:
        qs.read_csv(b"\xff\xfe\x00", max_rows=10)
    assert bad.value.code == "quality_upload_unreadable"


def test_comment_upload_labels_the_whole_sample_and_links_posts(
    workspace: dict[str, Any], ctx_in: CtxIn
) -> None:
    people = load_synthetic(workspace["workspace_id"], 1)
    acct = people[0].primary_account
    post_id = acct.posts[0].platform_post_id
    with ctx_in() as ctx:
        account = _account_for(ctx, acct.handle)
        qs.add_comments(ctx.session, account, [{"text": "素敵です！", "post": post_id, "author": "@a1"}])
        counts = qs.add_comments(
            ctx.session,
            account,
            [
                {
                    "text": "Which shade is that?",
                    "post": post_id,
                    "commented_at": "2026-01-05T10:00:00+09:00",
                },
                {"text": "🔥🔥", "post": "not-in-registry"},
                {"text": "DM for collab"},
            ],
        )
        assert counts == {"generic": 1, "genuine": 1, "emoji_only": 1, "promo": 1}
        rows = ctx.session.execute(select(CommentSample).order_by(CommentSample.id)).scalars().all()
        assert rows[0].author == "a1" and rows[0].post_id is not None
        assert rows[2].post_id is None and rows[2].post_key == "not-in-registry"
        with pytest.raises(ValidationFailed) as naive:
            qs.add_comments(ctx.session, account, [{"text": "x", "commented_at": "2026-01-05T10:00:00"}])
        assert naive.value.code == "quality_comment_naive_time"
