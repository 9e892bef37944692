"""The checker from the API and the web page, through the real app (auth, CSRF, tenancy, templates)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import login


@pytest.fixture
def token(owner: dict[str, Any]) -> str:
    from kizuna.accounts import service
    from kizuna.db import unit_of_work
    from kizuna.models.user import User
    from kizuna.models.workspace import Workspace

    with unit_of_work() as uow:
        user = uow.session.get(User, owner["user_id"])
        ws = uow.session.get(Workspace, owner["workspace_id"])
        assert user is not None and ws is not None
        return service.create_api_token(uow.session, ws, user, name="compliance").token


def test_api_check_returns_the_documented_shape(client: Any, token: str) -> None:
    r = client.post(
        "/api/v1/w/acme/compliance/check",
        json={
            "text": "#PR 新作のリップ",
            "jurisdictions": ["jp", "us"],
            "platform": "instagram",
            "lang": "ja",
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["verdict"] == "non_compliant"
    assert [list(f) for f in body["findings"]] == [["code", "message", "position", "jurisdiction", "fix"]]
    assert body["findings"][0]["jurisdiction"] == "us"
    assert body["findings"][0]["message"].startswith("「#PR」だけでは")
    assert body["by_jurisdiction"]["jp"] == {"verdict": "compliant", "findings": []}


def test_api_rejects_unknown_jurisdiction_with_a_typed_422(client: Any, token: str) -> None:
    r = client.post(
        "/api/v1/w/acme/compliance/check",
        json={"text": "#ad", "jurisdictions": ["fr"]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 422
    assert "compliance_unknown_jurisdiction" in r.text


def test_api_lists_rule_packs(client: Any, token: str) -> None:
    r = client.get("/api/v1/w/acme/compliance/rules", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    packs = {p["code"]: p for p in r.json()["jurisdictions"]}
    assert set(packs) == {"in", "jp", "uk", "us"}
    assert "広告" in packs["jp"]["clear"] and "sp" in packs["us"]["ambiguous"]
    assert "instagram" in r.json()["platforms"]


def test_checker_page_marks_labels_and_the_fold(client: Any, owner: dict[str, Any]) -> None:
    csrf = login(client, owner["email"])
    page = client.get("/w/acme/compliance")
    assert page.status_code == 200 and "Disclosure check" in page.text
    text = "x" * 130 + " #ad <script>alert(1)</script> #sp"
    r = client.post(
        "/w/acme/compliance",
        data={"csrf_token": csrf, "text": text, "jurisdictions": ["us", "uk"], "platform": "instagram"},
    )
    assert r.status_code == 200, r.text
    assert "Non-compliant" in r.text
    assert "disclosure_below_fold" in r.text
    assert '<mark class="clear" title="clear">#ad</mark>' in r.text
    assert '<span class="cmp-fold">' in r.text
    assert r.text.index('<span class="cmp-fold">') < r.text.index('<mark class="clear"')
    assert "<script>alert(1)</script>" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text


def test_checker_page_reports_bad_input_inline(client: Any, owner: dict[str, Any]) -> None:
    csrf = login(client, owner["email"])
    r = client.post("/w/acme/compliance", data={"csrf_token": csrf, "text": "#ad"})
    assert r.status_code == 422
    assert "at least one jurisdiction is required" in r.text


def test_checker_page_in_japanese(client: Any, owner: dict[str, Any]) -> None:
    csrf = login(client, owner["email"])
    client.cookies.set("kizuna_lang", "ja")
    r = client.post(
        "/w/acme/compliance",
        data={
            "csrf_token": csrf,
            "text": "新作リップ💄 #コスメ",
            "jurisdictions": ["jp"],
            "platform": "instagram",
        },
    )
    assert r.status_code == 200, r.text
    assert "広告表示チェック" in r.text and "不適合" in r.text
    assert "広告である旨の表示が見つかりません" in r.text
    assert "例：「【PR】新作リップ💄 #コスメ」" in r.text
