"""Audience overlap: exact Jaccard on small sets, MinHash within its error on large ones, unique reach."""

from __future__ import annotations

import math

import pytest

from kizuna.audience.overlap import Member, MinHash, jaccard_exact, overlap


def _ids(prefix: str, lo: int, hi: int) -> frozenset[str]:
    return frozenset(f"{prefix}{i}" for i in range(lo, hi))


def test_exact_jaccard_and_shared_shares_by_hand() -> None:
    a = Member(1, "A", frozenset({"u1", "u2", "u3", "u4"}), followers=40_000)
    b = Member(2, "B", frozenset({"u3", "u4", "u5", "u6", "u7", "u8"}), followers=60_000)
    c = Member(3, "C", frozenset({"z1", "z2"}), followers=20_000)
    r = overlap([a, b, c])
    assert r.method == "exact"
    assert r.jaccard[0][1] == pytest.approx(2 / 8)  # {u3,u4} of 8 distinct
    assert r.shared[0][1] == pytest.approx(2 / 4)  # half of A's sample also in B's
    assert r.shared[1][0] == pytest.approx(2 / 6)
    assert r.jaccard[0][2] == 0.0
    # 12 sampled, 10 distinct: duplication 10/12 applied to 120,000 followers
    assert r.sample_union == 10 and r.sample_total == 12
    assert r.unique_reach == pytest.approx(100_000)
    assert r.to_dict()["duplication_factor"] == pytest.approx(0.8333, abs=1e-4)


def test_members_without_data_are_listed_not_compared() -> None:
    r = overlap([Member(1, "A", frozenset({"x"}), 10), Member(2, "B", frozenset(), 10)])
    assert [m.key for m in r.members] == [1]
    assert [m.key for m in r.missing] == [2]
    assert r.unique_reach == pytest.approx(10)


@pytest.mark.parametrize("true_j", [0.1, 0.33, 0.6])
def test_minhash_estimates_jaccard_within_three_standard_errors(true_j: float) -> None:
    # |A| = |B| = 20,000 with an intersection chosen so that J = true_j
    size = 20_000
    inter = round(2 * size * true_j / (1 + true_j))
    a = _ids("u", 0, size)
    b = _ids("u", size - inter, 2 * size - inter)
    exact = jaccard_exact(set(a), set(b))
    est = MinHash.of(a).jaccard(MinHash.of(b))
    se = math.sqrt(exact * (1 - exact) / 256)
    assert abs(est - exact) <= 3 * se + 1e-9


def test_large_sets_switch_to_minhash_and_keep_unique_reach_close() -> None:
    a = Member(1, "A", _ids("u", 0, 12_000), followers=120_000)
    b = Member(2, "B", _ids("u", 6_000, 18_000), followers=120_000)
    c = Member(3, "C", _ids("v", 0, 6_000), followers=60_000)
    r = overlap([a, b, c], exact_limit=5_000)
    assert r.method == "minhash_256"
    assert r.standard_error is not None and r.standard_error < 0.05
    jac_ab = r.jaccard[0][1]
    assert jac_ab is not None and abs(jac_ab - 6_000 / 18_000) < 0.1
    # true union 24,000 of 30,000 sampled
    assert abs(r.sample_union - 24_000) / 24_000 < 0.1
    assert r.unique_reach is not None and abs(r.unique_reach - 300_000 * 24_000 / 30_000) / 240_000 < 0.1


def test_minhash_of_identical_and_disjoint_sets() -> None:
    a = _ids("u", 0, 3_000)
    assert MinHash.of(a).jaccard(MinHash.of(set(a))) == 1.0
    assert MinHash.of(a).jaccard(MinHash.of(_ids("w", 0, 3_000))) < 0.03
    with pytest.raises(ValueError):
        MinHash.of(a, num_perm=64).jaccard(MinHash.of(a))
