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
        if path.endswith("/audit"):
            # the target reads as its type and id: no influencer 4242 exists in this workspace
            shown = (
                ("Influencer", "#4242 (deleted)")
                if lang == "en"
                else ("インフルエンサー", "#4242（削除済み）")
            )
            assert all(text in html for text in shown), shown
            assert "influencers 4242" not in html
