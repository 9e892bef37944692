"""The dashboard's recent activity and the audit log say what happened in words, in the reader's language."""

from __future__ import annotations

from typing import Any

import pytest

from kizuna.db import unit_of_work
from tests.conftest import login

# action code -> (English, Japanese) as the reader sees it
SHOWN = {
    "influencer.import": ("Imported influencers", "インフルエンサーをインポート"),
    "deal.offer_countered": ("Sent a counter-offer on a deal", "取引の条件を再提案"),
    "outreach.stage_changed": (
        "Moved an influencer to another outreach stage",
        "インフルエンサーのアウトリーチのステージを変更",
    ),
}


def _log(owner: dict[str, Any]) -> None:
    from kizuna.accounts.audit import record

    with unit_of_work() as uow:
        for code in [*SHOWN, "legacy.bulk_retag"]:
            entry = record(
                uow.session,
                action=code,
                workspace_id=owner["workspace_id"],
                actor=None,
                object_type="influencers",
                actor_label="importer-bot",
            )
            entry.object_id = 4242


@pytest.mark.parametrize("path", ["/w/acme", "/w/acme/settings/audit"])
def test_actions_read_as_words_in_english_and_japanese(client: Any, owner: dict[str, Any], path: str) -> None:
    _log(owner)
    login(client, owner["email"])
    for lang, column in (("en", 0), ("ja", 1)):
        r = client.get(path, headers={"Accept-Language": lang})
        assert r.status_code == 200
        html = r.text
        for code, labels in SHOWN.items():
            assert labels[column] in html, (lang, code)
            assert code not in html, (lang, code)
        # a code this version has no label for still reads as words, not as a crash
        assert "Legacy: bulk retag" in html and "legacy.bulk_retag" not in html
        assert "importer-bot" in html
        # the target reads as its id, marked deleted: no influencer 4242 exists in this workspace
        assert ("#4242 (deleted)" if lang == "en" else "#4242（削除済み）") in html
        if path.endswith("/audit"):
            # the audit page also names the type
            shown = (
                ("Influencer", "#4242 (deleted)")
                if lang == "en"
                else ("インフルエンサー", "#4242（削除済み）")
            )
            assert all(text in html for text in shown), shown
            assert "influencers 4242" not in html


def test_dashboard_activity_names_the_object_with_a_link(client: Any, owner: dict[str, Any]) -> None:
    from kizuna.accounts.audit import record
    from kizuna.models.influencer import Influencer

    with unit_of_work() as uow:
        person = Influencer(workspace_id=owner["workspace_id"], display_name="<b>Aya</b> 佐藤")
        uow.session.add(person)
        uow.session.flush()
        entry = record(
            uow.session,
            action="influencer.update",
            workspace_id=owner["workspace_id"],
            actor=None,
            object_type="influencers",
            actor_label="Ken",
        )
        entry.object_id = person.id
        person_id = person.id
    login(client, owner["email"])
    html = client.get("/w/acme", headers={"Accept-Language": "ja"}).text
    assert f'<a href="/w/acme/influencers/{person_id}">&lt;b&gt;Aya&lt;/b&gt; 佐藤</a>' in html
    assert "<b>Aya</b>" not in html
