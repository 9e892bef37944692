"""Error pages speak the language the reader chose, including the page's own link back."""

from __future__ import annotations

from typing import Any


def test_not_found_page_follows_the_chosen_language(client: Any) -> None:
    client.cookies.set("kizuna_lang", "ja")
    r = client.get("/no/such/page", headers={"Accept-Language": "en-US"})
    assert r.status_code == 404
    assert "Kizunaに戻る" in r.text and "Back to Kizuna" not in r.text
    assert '<html lang="ja">' in r.text


def test_not_found_page_in_english(client: Any) -> None:
    client.cookies.set("kizuna_lang", "en")
    r = client.get("/no/such/page", headers={"Accept-Language": "ja"})
    assert r.status_code == 404 and "Back to Kizuna" in r.text
