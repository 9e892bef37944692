"""A counter-offer's changed terms read as words on the deal page ("Fee: ¥200,000 → ¥240,000"), in the reader's
language, never as the dotted paths the audit log and the API keep (``compensation.fee_minor``)."""

from __future__ import annotations

import copy
from typing import Any

from kizuna.deals.changes import term_changes, term_label
from kizuna.deals.terms import Terms
from tests.conftest import login
from tests.deals.conftest import TERMS, create_deal_api


def _countered() -> dict[str, Any]:
    terms = copy.deepcopy(TERMS)
    terms["compensation"]["fee_minor"] = 240000
    terms["deliverables"][0]["platform"] = "tiktok"
    terms["usage"]["duration_days"] = 180
    terms["usage"]["channels"] = ["brand_website", "paid_ads"]
    return terms


def test_changed_terms_read_as_words_on_the_deal_page(client: Any, api: dict[str, Any]) -> None:
    deal = create_deal_api(client, api, api["h"])
    r = client.post(
        f"/api/v1/w/{api['ws']}/deals/{deal['id']}/offers",
        json={"terms": _countered(), "expected_version": 1},
        headers=api["h"],
    )
    assert r.status_code == 201, r.text
    login(client, api["email"])
    page = f"/w/{api['ws']}/deals/{deal['id']}"

    client.cookies.set("kizuna_lang", "en")
    html = client.get(page).text
    changed = html.split('data-testid="changed-terms"', 1)[1].split("</div>", 1)[0]
    assert "Fee: ¥200,000 → ¥240,000" in changed
    assert "Deliverable 1 · platform: Instagram → TikTok" in changed
    assert "Usage rights period: 90 days → 180 days" in changed
    assert "Usage channels: brand website → brand website, paid ads" in changed
    assert (
        "compensation.fee_minor" not in html
        and "deliverables[0]" not in html
        and "usage.duration" not in html
    )

    client.cookies.set("kizuna_lang", "ja")
    html = client.get(page).text
    changed = html.split('data-testid="changed-terms"', 1)[1].split("</div>", 1)[0]
    assert "報酬: ￥200,000 → ￥240,000" in changed
    assert "成果物1・プラットフォーム: Instagram → TikTok" in changed
    assert "二次利用期間: 90日 → 180日" in changed
    assert "compensation.fee_minor" not in html and "Usage rights period" not in html


def test_term_labels_and_values() -> None:
    old = Terms.model_validate(TERMS)
    terms = _countered()
    terms["currency"] = "USD"
    terms["deliverables"].append({"platform": "youtube", "format": "video", "count": 1})
    terms["kill_fee_pct"] = 30
    terms["usage"]["paid_ads_whitelisting"] = False
    new = Terms.model_validate(terms)
    en = {c.path: (c.label, c.old, c.new) for c in term_changes(old, new, "en")}
    assert en["compensation.fee_minor"] == ("Fee", "¥200,000", "$2,400.00")  # each side in its own currency
    assert en["deliverables[2]"] == ("Deliverable 3", "—", "1 × video (YouTube)")
    assert en["kill_fee_pct"] == ("Kill fee", "50%", "30%")
    assert en["usage.paid_ads_whitelisting"] == ("Paid-ads whitelisting", "Yes", "No")
    ja = {c.path: (c.label, c.old, c.new) for c in term_changes(old, new, "ja")}
    assert ja["deliverables[0].platform"] == ("成果物1・プラットフォーム", "Instagram", "TikTok")
    assert ja["deliverables[2]"] == ("成果物3", "—", "1 × 動画 (YouTube)")
    assert ja["usage.paid_ads_whitelisting"][1:] == ("あり", "なし")
    assert term_changes(None, new, "en") == []
    # a path nobody labelled still reads as words
    assert term_label("compensation.bonus_minor") == "Compensation · bonus"
    assert term_label("deliverables[1].mystery_field") == "Deliverable 2 · mystery field"
