"""The quality panel, overlap matrix and JSON API through the real app (auth, CSRF, tenancy, templates)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kizuna.db import unit_of_work
from kizuna.models.audit_log import AuditLog
from kizuna.models.campaign import Campaign
from kizuna.models.campaign_influencer import CampaignInfluencer
from kizuna.models.social_account import SocialAccount
from kizuna.tenancy import bind_workspace
from tests.conftest import login
from tests.quality.conftest import load_synthetic


def _token(owner: dict[str, Any]) -> str:
    from kizuna.accounts import service
    from kizuna.models.user import User
    from kizuna.models.workspace import Workspace

    with unit_of_work() as uow:
        user = uow.session.get(User, owner["user_id"])
        ws = uow.session.get(Workspace, owner["workspace_id"])
        assert user is not None and ws is not None
        return service.create_api_token(uow.session, ws, user, name="quality").token


def _accounts(ws_id: int) -> list[tuple[int, int, str]]:
    with unit_of_work() as uow:
        bind_workspace(uow.session, ws_id)
        rows = uow.session.execute(
            select(SocialAccount.id, SocialAccount.influencer_id, SocialAccount.handle).order_by(
                SocialAccount.followers.desc()
            )
        ).all()
        return [(a, b, c) for a, b, c in rows]


SAMPLE = "username,followers,following,posts,has_profile_picture\n" + "".join(
    f"fan_{i},{200 + i},{180 + i},{30 + i},1\n" for i in range(60)
)


def test_panel_upload_override_and_history_in_japanese(client: Any, owner: dict[str, Any]) -> None:
    load_synthetic(owner["workspace_id"], 2)
    account_id = _accounts(owner["workspace_id"])[0][0]
    csrf = login(client, owner["email"])
    url = f"/w/acme/audience/accounts/{account_id}"
    r = client.get(url)
    assert r.status_code == 200 and "Audience Quality Score" in r.text and "Not scored yet" in r.text
    r = client.post(
        f"{url}/sample",
        data={"csrf_token": csrf},
        files={"file": ("followers.csv", SAMPLE.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    comments = (
        "post,author,commented_at,text\np1,a,2026-01-05T10:00:00+09:00,素敵です！\np1,b,,Which shade?\n"
    )
    r = client.post(
        f"{url}/comments",
        data={"csrf_token": csrf},
        files={"file": ("comments.csv", comments.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    r = client.post(f"{url}/override", data={"csrf_token": csrf, "score": "91", "reason": ""})
    assert r.status_code == 422 and "An override needs a reason." in r.text
    r = client.post(
        f"{url}/override",
        data={"csrf_token": csrf, "score": "91", "reason": "met them"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    client.cookies.set("kizuna_lang", "ja")
    page = client.get(url).text
    assert "オーディエンス品質スコア" in page
    assert "フォロワーサンプル" in page and "60" in page
    assert "met them" in page and "91" in page
    client.cookies.delete("kizuna_lang")
    with unit_of_work() as uow:
        assert (
            uow.session.execute(select(AuditLog).where(AuditLog.action == "audience_quality.override"))
            .scalar_one()
            .data["reason"]
            == "met them"
        )


def test_api_score_override_history_and_errors(client: Any, owner: dict[str, Any]) -> None:
    load_synthetic(owner["workspace_id"], 2)
    account_id = _accounts(owner["workspace_id"])[0][0]
    h = {"Authorization": f"Bearer {_token(owner)}"}
    base = f"/api/v1/w/acme/audience/accounts/{account_id}"
    r = client.get(f"{base}/quality", headers=h)
    assert r.status_code == 200 and r.json()["score"] is None
    r = client.post(f"{base}/quality/recompute", headers=h)
    body = r.json()
    assert r.status_code == 200 and body["score"] is not None
    assert {f["key"] for f in body["factors"]} >= {
        "engagement_vs_tier",
        "follower_spikes",
        "likes_to_comments",
    }
    assert all({"contribution", "confidence", "data", "sample_size"} <= set(f) for f in body["factors"])
    r = client.post(
        f"{base}/comments",
        headers=h,
        json={
            "comments": [{"text": "🔥🔥", "author": "x", "commented_at": "2026-01-05T01:00:00Z", "post": "p"}]
        },
    )
    assert r.status_code == 200 and r.json()["labels"] == {"emoji_only": 1}
    r = client.post(
        f"{base}/follower-sample", headers=h, files={"file": ("f.csv", SAMPLE.encode(), "text/csv")}
    )
    assert r.status_code == 200 and r.json()["sample"]["rows"] == 60
    r = client.post(f"{base}/quality/override", headers=h, json={"score": 120, "reason": "x"})
    assert r.status_code == 422
    r = client.post(
        f"{base}/quality/override", headers=h, json={"score": 40, "reason": "bought followers in May"}
    )
    assert r.json()["score"] == 40 and r.json()["override"]["reason"] == "bought followers in May"
    r = client.post(f"{base}/quality/override/clear", headers=h, json={"reason": "resolved"})
    assert r.json()["override"] is None
    r = client.post(f"{base}/quality/override/clear", headers=h, json={})
    assert r.status_code == 404 and r.json()["error"]["code"] == "quality_override_not_found"
    hist = client.get(f"{base}/quality/history", headers=h).json()
    assert (
        len(hist["scores"]) == 3
    )  # recompute, comments, sample and hist["overrides"][0]["cleared_reason"] == "resolved"
    r = client.post(f"{base}/follower-sample", headers=h, files={"file": ("f.csv", b"", "text/csv")})
    assert r.status_code == 422 and r.json()["error"]["code"] == "quality_upload_empty"


def test_overlap_matrix_page_and_api(client: Any, owner: dict[str, Any]) -> None:
    load_synthetic(owner["workspace_id"], 3)
    accounts = _accounts(owner["workspace_id"])
    h = {"Authorization": f"Bearer {_token(owner)}"}
    picked: list[tuple[int, int]] = []
    seen: set[int] = set()
    for acc_id, inf_id, _handle in accounts:
        if inf_id not in seen:
            seen.add(inf_id)
            picked.append((acc_id, inf_id))
    sets = [range(40), range(20, 60), range(100, 120)]
    for (acc_id, _), users in zip(picked, sets, strict=True):
        csv = "username,followers,following,posts\n" + "".join(f"u{i},100,100,10\n" for i in users)
        r = client.post(
            f"/api/v1/w/acme/audience/accounts/{acc_id}/follower-sample",
            headers=h,
            files={"file": ("f.csv", csv.encode(), "text/csv")},
        )
        assert r.status_code == 200, r.text
    with unit_of_work() as uow:
        bind_workspace(uow.session, owner["workspace_id"])
        campaign = Campaign(name="Spring skincare", workspace_id=owner["workspace_id"])
        uow.session.add(campaign)
        uow.session.flush()
        for pos, (_, inf_id) in enumerate(picked):
            uow.session.add(CampaignInfluencer(campaign_id=campaign.id, influencer_id=inf_id, position=pos))
        campaign_id = campaign.id
    r = client.post("/api/v1/w/acme/audience/overlap", headers=h, json={"campaign_id": campaign_id})
    body = r.json()
    assert r.status_code == 200 and body["method"] == "exact"
    assert body["jaccard"][0][1] == round(20 / 60, 4)
    assert body["sample_union"] == 80 and body["sample_total"] == 100
    login(client, owner["email"])
    page = client.get(f"/w/acme/audience/overlap?campaign_id={campaign_id}")
    assert page.status_code == 200 and 'data-testid="overlap-matrix"' in page.text and "50%" in page.text
    assert client.get("/w/acme/audience/overlap").status_code == 200
    assert client.get("/w/acme/audience/overlap?campaign_id=999999").status_code == 404


def test_viewers_see_the_breakdown_without_write_forms(client: Any, owner: dict[str, Any]) -> None:
    from tests.conftest import make_user_and_workspace

    load_synthetic(owner["workspace_id"], 1)
    account_id = _accounts(owner["workspace_id"])[0][0]
    make_user_and_workspace("viewer@example.com", "acme", role="viewer")
    csrf = login(client, "viewer@example.com")
    page = client.get(f"/w/acme/audience/accounts/{account_id}")
    assert page.status_code == 200 and "How the score is built" in page.text
    assert "Override the score" not in page.text and "Upload and score" not in page.text
    r = client.post(f"/w/acme/audience/accounts/{account_id}/recompute", data={"csrf_token": csrf})
    assert r.status_code == 403
