"""Brand-safety categories and influencer reports through the real app."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kizuna.db import unit_of_work
from kizuna.models.influencer import Influencer
from kizuna.models.post import Post
from kizuna.models.social_account import SocialAccount
from kizuna.tenancy import bind_workspace
from tests.conftest import login


def _creator(ws_id: int) -> int:
    with unit_of_work() as uow:
        s = uow.session
        bind_workspace(s, ws_id)
        inf = Influencer(
            display_name="Mika", bio="Beauty & travel. No casino deals please", workspace_id=ws_id
        )
        s.add(inf)
        s.flush()
        acc = SocialAccount(
            influencer_id=inf.id, platform="instagram", handle="mika", handle_key="mika", workspace_id=ws_id
        )
        s.add(acc)
        s.flush()
        s.add(
            Post(
                social_account_id=acc.id,
                platform_post_id="p1",
                caption="ドラッグストアで買った新作コスメ",
                workspace_id=ws_id,
            )
        )
        s.add(
            Post(
                social_account_id=acc.id,
                platform_post_id="p2",
                caption="SK-IIと比べてみた！危険ドラッグの話も少し",
                url="https://www.instagram.com/p/p2/",
                workspace_id=ws_id,
            )
        )
        return inf.id


def test_report_shows_hits_in_context_and_edited_categories_apply(client: Any, owner: dict[str, Any]) -> None:
    inf_id = _creator(owner["workspace_id"])
    csrf = login(client, owner["email"])
    page = client.get(f"/w/acme/safety/influencers/{inf_id}")
    assert page.status_code == 200
    assert page.text.count('data-testid="safety-hit"') == 2
    assert "<mark>casino</mark> deals please" in page.text
    assert "<mark>危険ドラッグ</mark>" in page.text and "<mark>ドラッグ</mark>ストア" not in page.text
    r = client.post(
        "/w/acme/safety/categories",
        data={
            "csrf_token": csrf,
            "key": "competitors",
            "name": "Competitor brands",
            "terms": "SK-II\nShiseido",
            "enabled": "on",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = client.get(f"/w/acme/safety/influencers/{inf_id}")
    assert "<mark>SK-II</mark>と比べてみた" in page.text
    assert client.get("/w/acme/safety").status_code == 200
    r = client.post("/w/acme/safety/categories", data={"csrf_token": csrf, "key": "Bad Key", "name": "x"})
    assert r.status_code == 422
    client.cookies.set("kizuna_lang", "ja")
    assert "ブランドセーフティ" in client.get(f"/w/acme/safety/influencers/{inf_id}").text


def test_api_categories_scan_and_report(client: Any, owner: dict[str, Any]) -> None:
    from kizuna.accounts import service
    from kizuna.models.user import User
    from kizuna.models.workspace import Workspace

    inf_id = _creator(owner["workspace_id"])
    with unit_of_work() as uow:
        user = uow.session.get(User, owner["user_id"])
        ws = uow.session.get(Workspace, owner["workspace_id"])
        assert user is not None and ws is not None
        h = {"Authorization": f"Bearer {service.create_api_token(uow.session, ws, user, name='s').token}"}
    cats = client.get("/api/v1/w/acme/safety/categories", headers=h).json()["categories"]
    assert {c["key"] for c in cats} == {"violence", "adult", "drugs", "gambling", "politics", "competitors"}
    assert all(c["stored"] is False for c in cats)
    r = client.post(
        "/api/v1/w/acme/safety/categories",
        headers=h,
        json={"key": "alcohol", "name": "Alcohol", "name_ja": "酒類", "terms": ["beer", "日本酒"]},
    )
    assert r.status_code == 200
    cats = client.get("/api/v1/w/acme/safety/categories", headers=h).json()["categories"]
    assert len(cats) == 7 and all(c["stored"] for c in cats)
    hits = client.post(
        "/api/v1/w/acme/safety/scan", headers=h, json={"text": "Beers and 日本酒 tonight"}
    ).json()["hits"]
    assert [(x["category"], x["match"]) for x in hits] == [("alcohol", "Beers"), ("alcohol", "日本酒")]
    report = client.get(f"/api/v1/w/acme/safety/influencers/{inf_id}", headers=h).json()
    assert report["by_category"] == {"drugs": 1, "gambling": 1}
    assert report["texts_scanned"] == 3
    r = client.post("/api/v1/w/acme/safety/categories/delete", headers=h, json={"key": "gambling"})
    assert r.status_code == 200
    report = client.get(f"/api/v1/w/acme/safety/influencers/{inf_id}", headers=h).json()
    assert report["by_category"] == {"drugs": 1}
    with unit_of_work() as uow:
        assert uow.session.execute(select(Post.id)).first() is not None
