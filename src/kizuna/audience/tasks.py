"""Background recomputation of Audience Quality Scores.

``audience.recompute_account`` rescores one account (for other domains to enqueue after they change an account's
data). A nightly pass rescores accounts whose data changed since their last score (a newer refresh, sample or
comment, or no score yet), one batch of :data:`PER_RUN` per workspace; a workspace with more enqueues
``audience.recompute_batch``, which takes the next batch after the previous one committed and enqueues itself
again until nothing is stale, so a large import is rescored without one long transaction or job. Each account is
scored in its own transaction.
"""

from __future__ import annotations

import logging

from huey import crontab
from sqlalchemy import func, or_, select

from kizuna.audience.quality_service import recompute
from kizuna.db import unit_of_work
from kizuna.models.audience_quality_score import AudienceQualityScore
from kizuna.models.comment_sample import CommentSample
from kizuna.models.follower_sample import FollowerSample
from kizuna.models.social_account import SocialAccount
from kizuna.models.workspace import Workspace
from kizuna.tenancy import bind_workspace
from kizuna.worker.queue import huey

log = logging.getLogger(__name__)
PER_RUN = 500


def recompute_account_now(account_id: int, workspace_id: int, trigger: str = "job") -> float | None:
    with unit_of_work() as uow:
        bind_workspace(uow.session, workspace_id)
        account = uow.session.get(SocialAccount, account_id)
        if account is None or account.workspace_id != workspace_id:
            return None
        row, _ = recompute(uow.session, account, trigger=trigger)
        return row.score


@huey.task(name="audience.recompute_account")
def recompute_account(account_id: int, workspace_id: int) -> float | None:
    return recompute_account_now(account_id, workspace_id, "upload")


def stale_accounts(workspace_id: int, limit: int | None = None) -> list[int]:
    """Accounts never scored, or whose refresh, sample or comments are newer than their latest score."""
    with unit_of_work() as uow:
        s = uow.session
        bind_workspace(s, workspace_id)
        last_score = (
            select(
                AudienceQualityScore.social_account_id, func.max(AudienceQualityScore.computed_at).label("at")
            )
            .group_by(AudienceQualityScore.social_account_id)
            .subquery()
        )
        last_sample = (
            select(FollowerSample.social_account_id, func.max(FollowerSample.created_at).label("at"))
            .group_by(FollowerSample.social_account_id)
            .subquery()
        )
        last_comment = (
            select(CommentSample.social_account_id, func.max(CommentSample.created_at).label("at"))
            .group_by(CommentSample.social_account_id)
            .subquery()
        )
        q = (
            select(SocialAccount.id)
            .outerjoin(last_score, last_score.c.social_account_id == SocialAccount.id)
            .outerjoin(last_sample, last_sample.c.social_account_id == SocialAccount.id)
            .outerjoin(last_comment, last_comment.c.social_account_id == SocialAccount.id)
            .where(
                or_(
                    last_score.c.at.is_(None),
                    SocialAccount.last_refreshed_at > last_score.c.at,
                    last_sample.c.at > last_score.c.at,
                    last_comment.c.at > last_score.c.at,
                )
            )
            .order_by(SocialAccount.id)
            .limit(limit if limit is not None else PER_RUN)
        )
        return list(s.execute(q).scalars())


def recompute_workspace(workspace_id: int, limit: int | None = None) -> int:
    done = 0
    for account_id in stale_accounts(workspace_id, limit):
        recompute_account_now(account_id, workspace_id, "scheduled")
        done += 1
    return done


@huey.task(name="audience.recompute_batch")
def recompute_batch(workspace_id: int) -> int:
    done = recompute_workspace(workspace_id)
    if done >= PER_RUN:
        recompute_batch(workspace_id)
    return done


@huey.periodic_task(crontab(minute="41", hour="2"), name="audience.recompute_stale")
def recompute_stale() -> int:
    with unit_of_work() as uow:
        ids = list(uow.session.execute(select(Workspace.id)).scalars())
    total = 0
    for ws_id in ids:
        done = recompute_workspace(ws_id)
        total += done
        if done >= PER_RUN:
            recompute_batch(ws_id)
    return total
