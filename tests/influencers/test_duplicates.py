"""Duplicate suggestions: a shared handle or e-mail, or the same full name; never just a common given name."""

from __future__ import annotations

from typing import Any

from kizuna.db import unit_of_work
from kizuna.influencers.repository import distinctive_name, duplicate_candidates
from kizuna.models.influencer import Influencer
from kizuna.models.social_account import SocialAccount
from kizuna.tenancy import bind_workspace


def test_lone_given_names_are_not_evidence() -> None:
    assert not distinctive_name("まい")
    assert not distinctive_name("Mai")
    assert distinctive_name("岡田 優花")
    assert distinctive_name("Jessica Bennett")
    assert distinctive_name("めぐみ｜プチプラコスメ")


def test_candidates_come_from_handles_emails_and_full_names(owner: dict[str, Any]) -> None:
    with unit_of_work() as uow:
        s = uow.session
        bind_workspace(s, owner["workspace_id"])

        def person(
            name: str, handle: str, emails: list[str] | None = None, platform: str = "instagram"
        ) -> Influencer:
            inf = Influencer(display_name=name, emails=emails or [])
            s.add(inf)
            s.flush()
            s.add(SocialAccount(influencer_id=inf.id, platform=platform, handle=handle, handle_key=handle))
            s.flush()
            return inf

        mai = person("まい", "mai.beauty")
        other_mai = person("まい", "mai.cooking")
        same_handle = person("Mai B", "mai.beauty", platform="tiktok")  # the same handle elsewhere
        aya = person("岡田 優花", "yuka.days", ["yuka@example.com"])
        aya_again = person("岡田 優花", "yuka.second")
        by_mail = person("Yuka O", "yuka.third", ["yuka@example.com"])
        found = {i.id for i in duplicate_candidates(s, mai)}
        assert same_handle.id in found and other_mai.id not in found
        found = {i.id for i in duplicate_candidates(s, aya)}
        assert found == {aya_again.id, by_mail.id}
