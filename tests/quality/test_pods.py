"""Engagement-pod detection: the same accounts commenting within minutes of each other across posts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kizuna.audience.quality import CommentPoint, detect_pods

T0 = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)


def _post(post: str, start: datetime, authors: list[tuple[str, int]]) -> list[CommentPoint]:
    return [CommentPoint(post, a, start + timedelta(minutes=m), "genuine") for a, m in authors]


def test_a_group_commenting_together_on_three_posts_is_a_pod() -> None:
    comments: list[CommentPoint] = []
    for p in range(3):
        comments += _post(f"p{p}", T0 + timedelta(days=p), [("a", 0), ("B", 3), ("c", 7), (f"fan{p}", 90)])
    pods = detect_pods(comments)
    assert [(pod.members, pod.posts) for pod in pods] == [(("a", "b", "c"), 3)]


def test_together_on_only_two_posts_is_not_enough() -> None:
    comments: list[CommentPoint] = []
    for p in range(2):
        comments += _post(f"p{p}", T0 + timedelta(days=p), [("a", 0), ("b", 3), ("c", 7)])
    comments += _post("p2", T0 + timedelta(days=2), [("a", 0), ("b", 240), ("c", 500)])  # hours apart
    assert detect_pods(comments) == []


def test_loyal_fans_commenting_hours_apart_are_not_a_pod() -> None:
    comments: list[CommentPoint] = []
    for p in range(6):
        comments += _post(f"p{p}", T0 + timedelta(days=p), [("a", 0), ("b", 60), ("c", 180), ("d", 400)])
    assert detect_pods(comments) == []


def test_pairs_need_a_third_member() -> None:
    comments: list[CommentPoint] = []
    for p in range(5):
        comments += _post(f"p{p}", T0 + timedelta(days=p), [("a", 0), ("b", 2), (f"x{p}", 4)])
    assert detect_pods(comments) == []


def test_comments_without_author_or_time_are_ignored() -> None:
    comments = [CommentPoint(f"p{p}", None, T0, "generic") for p in range(5)]
    comments += [CommentPoint(f"p{p}", "a", None, "generic") for p in range(5)]
    assert detect_pods(comments) == []
