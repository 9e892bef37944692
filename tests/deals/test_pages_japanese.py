"""What a Japanese marketer (and an English one) reads on the deal, payment, content and portal pages: platform
and format names in words, not the lowercase keys stored in the database."""

from __future__ import annotations

from typing import Any

from tests.conftest import login
from tests.deals.conftest import accepted_deal


def test_deliverables_read_in_japanese(client: Any, creator: Any, api: dict[str, Any]) -> None:
    ctx = accepted_deal(client, creator, api)
    deal_id = ctx["deal"]["id"]
    login(client, api["email"])
    ws = api["ws"]
    client.cookies.set("kizuna_lang", "ja")

    payments = client.get(f"/w/{ws}/deals/payments").text
    assert "リール #1 · Instagram" in payments and "ストーリーズ #2 · Instagram" in payments
    assert "instagram reel #1" not in payments

    detail = client.get(f"/w/{ws}/deals/{deal_id}").text
    assert "リール #1 · Instagram" in detail and "instagram reel" not in detail
    assert "(日本語)" in detail and "(ja)" not in detail  # the agreement's language

    new = client.get(f"/w/{ws}/deals/new").text
    assert '<option value="blog" >ブログ</option>' in new and ">blog<" not in new
    assert ">TikTok</option>" in new and ">tiktok<" not in new

    portal = creator.get(ctx["link"]["path"]).text
    assert "instagram reel #1" not in portal


def test_statuses_read_as_words_in_english(client: Any, creator: Any, api: dict[str, Any]) -> None:
    ctx = accepted_deal(client, creator, api)
    login(client, api["email"])
    client.cookies.set("kizuna_lang", "en")
    payments = client.get(f"/w/{api['ws']}/deals/payments").text
    assert "awaiting clock" in payments and ">awaiting_clock<" not in payments
    assert "reel #1 · Instagram" in payments
    detail = client.get(f"/w/{api['ws']}/deals/{ctx['deal']['id']}").text
    # the agreement's language, in the reader's words
    assert "(Japanese)" in detail and "(日本語)" not in detail
    content = client.get(f"/w/{api['ws']}/content").text
    assert ">in review<" in content and ">in_review<" not in content and ">changes_requested<" not in content
