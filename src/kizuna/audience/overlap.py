"""Audience overlap of a shortlist: pairwise Jaccard (exact or MinHash) and the unique reach of the whole list.

Two creators whose audiences are the same people buy the same reach twice. The sets compared are follower
usernames from uploaded follower samples or the authors of sampled comments (commenters are the engaged part of an
audience, and the only set a connector can see without the creator's help).

Sets up to :data:`EXACT_LIMIT` elements are compared exactly: at 50,000 usernames per set the exact matrix with
Python sets is still faster than hashing (docs/benchmarks/audience-quality.md), and exact. Above it, each set is
reduced to a MinHash signature of :data:`NUM_PERM` values (numpy, one vectorised pass per set); the estimate's standard error is
``sqrt(J(1-J)/k)`` (≤ 0.031 at k = 256), which the result reports. Hashing uses BLAKE2b (stable across processes
and Python versions, unlike ``hash()``), reduced to 31 bits so that ``a*x + b`` fits in uint64 modulo the
Mersenne prime 2^31-1.

Unique reach: the samples give the duplication factor ``|union| / sum |set_i|``; applied to the accounts' real
follower counts it estimates how many distinct people the whole shortlist reaches. That extrapolation assumes
the samples are random samples of each audience, and is labelled as an estimate.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna.models.campaign_influencer import CampaignInfluencer
from kizuna.models.comment_sample import CommentSample
from kizuna.models.follower_sample import FollowerSample
from kizuna.models.influencer import Influencer
from kizuna.models.influencer_list_member import InfluencerListMember
from kizuna.models.social_account import SocialAccount

NUM_PERM = 256
EXACT_LIMIT = 50_000
_PRIME = np.uint64((1 << 31) - 1)
_MAX_HASH = np.uint64((1 << 31) - 1)

U64 = npt.NDArray[np.uint64]


def _coefficients(num_perm: int, seed: int) -> tuple[U64, U64]:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, int(_PRIME), size=num_perm, dtype=np.uint64)
    b = rng.integers(0, int(_PRIME), size=num_perm, dtype=np.uint64)
    return a, b


def hash_items(items: Iterable[str]) -> U64:
    """31-bit stable hashes of the items (BLAKE2b), as a uint64 array."""
    out = [
        int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "little") for s in items
    ]
    return np.array(out, dtype=np.uint64) % _PRIME


@dataclass(frozen=True)
class MinHash:
    """A MinHash signature; two signatures must share ``num_perm`` and ``seed`` to be compared."""

    signature: U64
    size: int
    seed: int

    @classmethod
    def of(cls, items: Iterable[str], *, num_perm: int = NUM_PERM, seed: int = 1) -> MinHash:
        hashes = np.unique(hash_items(items))
        a, b = _coefficients(num_perm, seed)
        if hashes.size == 0:
            return cls(np.full(num_perm, _MAX_HASH, dtype=np.uint64), 0, seed)
        sig = np.full(num_perm, _MAX_HASH, dtype=np.uint64)
        # chunks keep the (chunk x num_perm) matrix small for very large sets
        for start in range(0, hashes.size, 8192):
            chunk = hashes[start : start + 8192]
            sig = np.minimum(sig, ((np.outer(chunk, a) + b) % _PRIME).min(axis=0))
        return cls(sig, int(hashes.size), seed)

    def jaccard(self, other: MinHash) -> float:
        if self.signature.shape != other.signature.shape or self.seed != other.seed:
            raise ValueError("MinHash signatures made with different parameters")
        if self.size == 0 and other.size == 0:
            return 0.0
        return float(np.mean(self.signature == other.signature))

    def union(self, other: MinHash) -> MinHash:
        return MinHash(np.minimum(self.signature, other.signature), -1, self.seed)


def jaccard_exact(a: set[str], b: set[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


@dataclass(frozen=True, slots=True)
class Member:
    """One account on the shortlist: its id, label, the identity set and its real follower count."""

    key: int
    label: str
    items: frozenset[str]
    followers: int | None = None


@dataclass
class OverlapResult:
    members: list[Member]
    jaccard: list[list[float | None]]
    shared: list[list[float | None]]
    method: str
    standard_error: float | None
    sample_union: int
    sample_total: int
    unique_reach: float | None
    followers_total: int | None
    missing: list[Member] = field(default_factory=list)

    @property
    def duplication_factor(self) -> float | None:
        return self.sample_union / self.sample_total if self.sample_total else None

    def to_dict(self) -> dict[str, object]:
        return {
            "members": [
                {"key": m.key, "label": m.label, "sample": len(m.items), "followers": m.followers}
                for m in self.members
            ],
            "missing": [{"key": m.key, "label": m.label} for m in self.missing],
            "jaccard": [[None if v is None else round(v, 4) for v in row] for row in self.jaccard],
            "shared_share": [[None if v is None else round(v, 4) for v in row] for row in self.shared],
            "method": self.method,
            "standard_error": None if self.standard_error is None else round(self.standard_error, 4),
            "sample_union": self.sample_union,
            "sample_total": self.sample_total,
            "duplication_factor": None
            if self.duplication_factor is None
            else round(self.duplication_factor, 4),
            "unique_reach": None if self.unique_reach is None else round(self.unique_reach),
            "followers_total": self.followers_total,
        }


def overlap(
    members: Sequence[Member], *, exact_limit: int = EXACT_LIMIT, num_perm: int = NUM_PERM, seed: int = 1
) -> OverlapResult:
    """Pairwise overlap and unique reach. ``shared[i][j]`` is the share of i's set also found in j's.

    Members with an empty set are reported as ``missing`` and left out of the matrix.
    """
    present = [m for m in members if m.items]
    missing = [m for m in members if not m.items]
    n = len(present)
    exact = all(len(m.items) <= exact_limit for m in present)
    jac: list[list[float | None]] = [[None] * n for _ in range(n)]
    shared: list[list[float | None]] = [[None] * n for _ in range(n)]
    sample_total = sum(len(m.items) for m in present)
    if exact:
        for i in range(n):
            for j in range(n):
                a, b = present[i].items, present[j].items
                inter = len(a & b)
                jac[i][j] = inter / len(a | b)
                shared[i][j] = inter / len(a)
        union_size = len(frozenset().union(*(m.items for m in present))) if present else 0
        se = None
    else:
        sigs = [MinHash.of(m.items, num_perm=num_perm, seed=seed) for m in present]
        for i in range(n):
            for j in range(n):
                jv = 1.0 if i == j else sigs[i].jaccard(sigs[j])
                jac[i][j] = jv
                # |A∩B| = J/(1+J) * (|A|+|B|)
                est = jv / (1.0 + jv) * (len(present[i].items) + len(present[j].items))
                shared[i][j] = min(1.0, est / len(present[i].items))
        # every set is inside the union, so J(A_i, U) = |A_i| / |U|: a ratio estimator over all members
        if sigs:
            u = sigs[0]
            for s in sigs[1:]:
                u = u.union(s)
            ratios = sum(float(np.mean(s.signature == u.signature)) for s in sigs)
            union_size = round(sample_total / ratios) if ratios else sample_total
        else:
            union_size = 0
        off = [v for i in range(n) for j in range(n) if i != j and (v := jac[i][j]) is not None]
        worst = max((math.sqrt(v * (1 - v) / num_perm) for v in off), default=0.0)
        se = max(worst, 1.0 / num_perm)
    union_size = min(union_size, sample_total)
    followers = [m.followers for m in present]
    followers_total = (
        sum(f for f in followers if f) if present and all(f is not None for f in followers) else None
    )
    reach = None
    if followers_total is not None and sample_total:
        reach = followers_total * union_size / sample_total
    return OverlapResult(
        members=present,
        jaccard=jac,
        shared=shared,
        method="exact" if exact else f"minhash_{num_perm}",
        standard_error=se,
        sample_union=union_size,
        sample_total=sample_total,
        unique_reach=reach,
        followers_total=followers_total,
        missing=missing,
    )


# ------------------------------------------------------------------------------------------ from the database
BASES = ("followers", "commenters")


def shortlist_members(
    session: Session, influencer_ids: Sequence[int], *, basis: str = "followers"
) -> list[Member]:
    """One member per influencer: their largest account, with the set named by ``basis``.

    ``followers`` uses the usernames of the account's latest follower sample, ``commenters`` the distinct authors
    of its sampled comments. The caller's workspace scoping applies to every query here.
    """
    if basis not in BASES:
        raise ValueError(f"unknown overlap basis {basis!r}")
    ids = list(dict.fromkeys(influencer_ids))
    if not ids:
        return []
    names: dict[int, str] = dict(
        session.execute(select(Influencer.id, Influencer.display_name).where(Influencer.id.in_(ids))).all()
    )
    accounts = session.execute(
        select(SocialAccount)
        .where(SocialAccount.influencer_id.in_(ids))
        .order_by(SocialAccount.followers.desc())
    ).scalars()
    best: dict[int, SocialAccount] = {}
    for acc in accounts:
        if acc.influencer_id not in best or (acc.followers or 0) > (best[acc.influencer_id].followers or 0):
            best[acc.influencer_id] = acc
    out: list[Member] = []
    for inf_id in ids:
        if inf_id not in names:
            continue
        chosen = best.get(inf_id)
        items: frozenset[str] = frozenset()
        label = names[inf_id]
        if chosen is not None:
            label = f"{names[inf_id]} (@{chosen.handle})"
            if basis == "followers":
                row = session.execute(
                    select(FollowerSample.usernames)
                    .where(FollowerSample.social_account_id == chosen.id)
                    .order_by(FollowerSample.created_at.desc(), FollowerSample.id.desc())
                    .limit(1)
                ).scalar_one_or_none()
                items = frozenset(row or [])
            else:
                authors = session.execute(
                    select(CommentSample.author)
                    .where(CommentSample.social_account_id == chosen.id, CommentSample.author.is_not(None))
                    .distinct()
                ).scalars()
                items = frozenset(a.lower() for a in authors if a)
        out.append(Member(inf_id, label, items, chosen.followers if chosen is not None else None))
    return out


def campaign_influencer_ids(session: Session, campaign_id: int) -> list[int]:
    return list(
        session.execute(
            select(CampaignInfluencer.influencer_id)
            .where(CampaignInfluencer.campaign_id == campaign_id)
            .order_by(CampaignInfluencer.position, CampaignInfluencer.id)
        ).scalars()
    )


def list_influencer_ids(session: Session, list_id: int) -> list[int]:
    return list(
        session.execute(
            select(InfluencerListMember.influencer_id)
            .where(InfluencerListMember.list_id == list_id)
            .order_by(InfluencerListMember.id)
        ).scalars()
    )
