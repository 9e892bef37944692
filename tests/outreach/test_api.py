"""The outreach JSON API with a bearer token."""

from __future__ import annotations

from typing import Any

from kizuna.db import unit_of_work
from kizuna.models.campaign import Campaign
from tests.outreach.conftest import SmtpServer, make_influencer


def _token(ws: dict[str, Any]) -> str:
    from kizuna.accounts import service as accounts
    from kizuna.models.user import User
    from kizuna.models.workspace import Workspace

    with unit_of_work() as uow:
        s = uow.session
        user = s.get(User, ws["user_id"])
        w = s.get(Workspace, ws["workspace_id"])
        assert user is not None and w is not None
        return str(accounts.create_api_token(s, w, user, name="t").token)


def test_api_flow(client: Any, ws: Any, smtp_server: SmtpServer) -> None:
    h = {"Authorization": f"Bearer {_token(ws)}"}
    base = "/api/v1/w/acme/outreach"
    with unit_of_work() as uow:
        inf = make_influencer(uow.session, ws["workspace_id"], "Api Person", "api@creator.example")
        camp = Campaign(workspace_id=ws["workspace_id"], name="API camp")
        uow.session.add(camp)
        uow.session.flush()
        inf_id, camp_id = inf.id, camp.id
    r = client.post(
        f"{base}/mailboxes",
        json={
            "name": "m",
            "from_email": "s@brand.example",
            "smtp_host": smtp_server.host,
            "smtp_port": smtp_server.port,
            "smtp_security": "none",
            "smtp_password": "pw",
            "limits_enabled": False,
        },
        headers=h,
    )
    assert r.status_code == 201, r.text
    assert "smtp_password" not in r.json() and "smtp_password_enc" not in r.json()
    r = client.post(
        f"{base}/preview",
        json={"influencer_id": inf_id, "subject": "x", "body": "{{ ''.__class__ }}"},
        headers=h,
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "template_unsafe"
    r = client.post(
        f"{base}/preview", json={"influencer_id": inf_id, "subject": "x", "body": "{{ offer }}"}, headers=h
    )
    assert r.status_code == 422 and r.json()["error"]["details"]["missing"] == ["offer"]
    r = client.post(
        f"{base}/sequences",
        json={
            "name": "API",
            "offer": "o",
            "campaign_id": camp_id,
            "steps": [{"kind": "email", "subject": "{{ campaign.name }}", "body": "{{ influencer.name }}様"}],
        },
        headers=h,
    )
    assert r.status_code == 201, r.text
    seq_id = r.json()["id"]
    r = client.post(f"{base}/sequences/{seq_id}/enroll", json={"search": {"q": "Api"}}, headers=h)
    assert r.json()["enrolled"] == [inf_id]
    r = client.patch(
        f"{base}/sequences/{seq_id}",
        json={"steps": [{"kind": "email", "subject": "v2", "body": "v2 {{ influencer.name }}"}]},
        headers=h,
    )
    assert r.json()["current_version"] == 2
    from kizuna.outreach import engine

    engine.send_due(poll_first=False)
    assert "v2" not in smtp_server.messages[0].message.get_content()
    r = client.get(f"{base}/influencers/{inf_id}/messages", headers=h)
    assert [m["status"] for m in r.json()] == ["sent"]
    r = client.get(f"{base}/metrics?by=step", headers=h)
    assert r.json()[0]["sent"] == 1
    r = client.post(f"{base}/suppressions", json={"email": "API@creator.example"}, headers=h)
    assert r.status_code == 201
    r = client.post(f"{base}/influencers/{inf_id}/reply", json={"body": "hi", "nonce": "abcdef"}, headers=h)
    assert r.status_code == 409 and r.json()["error"]["code"] == "suppressed_recipient"
