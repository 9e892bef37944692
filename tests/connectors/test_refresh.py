"""Credentials at rest, refreshing accounts from the local platform server, the scheduled job and the page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from kizuna.connectors import service, tasks
from kizuna.db import unit_of_work
from kizuna.integrations.http import ConnectorAuthFailed
from kizuna.models.audience_quality_score import AudienceQualityScore
from kizuna.models.connector_credential import ConnectorCredential
from kizuna.models.influencer import Influencer
from kizuna.models.metric_snapshot import MetricSnapshot
from kizuna.models.post import Post
from kizuna.models.social_account import SocialAccount
from kizuna.models.user import User
from kizuna.models.workspace import Workspace
from kizuna.tenancy import Ctx, bind_workspace
from tests.conftest import login
from tests.connectors.conftest import GOOD_KEY, GOOD_TOKEN, IG_USER, FakePlatforms

NOW = datetime(2026, 5, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def env(platforms: FakePlatforms, monkeypatch: pytest.MonkeyPatch) -> FakePlatforms:
    for provider in ("youtube", "instagram", "tiktok"):
        monkeypatch.setenv(f"KIZUNA_{provider.upper()}_BASE_URL", platforms.url)
    return platforms


def _ctx(s: Any, owner: dict[str, Any], role: str = "owner") -> Ctx:
    bind_workspace(s, owner["workspace_id"])
    user = s.get(User, owner["user_id"])
    ws = s.get(Workspace, owner["workspace_id"])
    return Ctx(session=s, user=user, workspace=ws, role=role)


def _accounts(owner: dict[str, Any]) -> dict[str, int]:
    with unit_of_work() as uow:
        s = uow.session
        ctx = _ctx(s, owner)
        inf = Influencer(display_name="Example Creator", workspace_id=ctx.workspace_id)
        s.add(inf)
        s.flush()
        out = {}
        for platform, handle in (
            ("instagram", "example_creator"),
            ("youtube", "examplechannel"),
            ("tiktok", "example_creator"),
        ):
            acc = SocialAccount(
                influencer_id=inf.id,
                platform=platform,
                handle=handle,
                handle_key=handle,
                workspace_id=ctx.workspace_id,
            )
            s.add(acc)
            s.flush()
            out[platform] = acc.id
        service.save_credentials(ctx, "instagram", {"access_token": GOOD_TOKEN, "ig_user_id": IG_USER})
        service.save_credentials(ctx, "youtube", {"api_key": GOOD_KEY})
        service.save_credentials(ctx, "tiktok", {"access_token": GOOD_TOKEN})
        return out


def test_credentials_are_encrypted_and_admin_only(db: Any, owner: dict[str, Any]) -> None:
    _accounts(owner)
    with unit_of_work() as uow:
        s = uow.session
        bind_workspace(s, owner["workspace_id"])
        row = s.execute(
            select(ConnectorCredential).where(ConnectorCredential.provider == "youtube")
        ).scalar_one()
        assert GOOD_KEY not in row.secret and row.hint == "…1234"
        assert service.secrets_of(row) == {"api_key": GOOD_KEY}
        member = _ctx(s, owner, role="member")
        with pytest.raises(Exception) as denied:
            service.save_credentials(member, "youtube", {"api_key": "x" * 20})
        assert getattr(denied.value, "code", "") == "role_required"


def test_instagram_refresh_keeps_hidden_likes_out_of_engagement(
    env: FakePlatforms, owner: dict[str, Any]
) -> None:
    ids = _accounts(owner)
    with unit_of_work() as uow:
        s = uow.session
        bind_workspace(s, owner["workspace_id"])
        account = s.get(SocialAccount, ids["instagram"])
        assert account is not None
        result = service.refresh_account(s, account, now=NOW, client_kwargs={"sleep": lambda _s: None})
        assert (result.followers, result.posts_added, result.posts_updated) == (48_210, 2, 0)
        posts = {p.platform_post_id: p for p in s.execute(select(Post)).scalars()}
        assert posts["17900000000000001"].likes is None and posts["17900000000000001"].comments == 57
        assert posts["17900000000000001"].post_type == "reel" and posts["17900000000000001"].hashtags == [
            "ad"
        ]
        # engagement from the post with public likes only, not (0 + 57) dragging the median down
        assert account.engagement_rate == pytest.approx((1_893 + 44) / 48_210, rel=1e-4)
        assert account.following == 612 and account.posts_count == 845 and account.last_refreshed_at == NOW
        snap = s.execute(select(MetricSnapshot)).scalar_one()
        assert (snap.followers, snap.source, snap.captured_at) == (48_210, "instagram_api", NOW)
        score = s.execute(select(AudienceQualityScore)).scalar_one()
        assert score.trigger == "refresh" and account.audience_quality == score.score
        likes = next(f for f in score.factors if f["key"] == "likes_to_comments")
        assert likes["data"]["posts_with_hidden_likes"] == 1 and likes["data"]["posts"] == 1
        # a second refresh updates the same posts and adds a second snapshot
        again = service.refresh_account(
            s, account, now=NOW + timedelta(days=1), client_kwargs={"sleep": lambda _s: None}
        )
        assert (again.posts_added, again.posts_updated) == (0, 2)
        assert len(s.execute(select(MetricSnapshot)).scalars().all()) == 2
        inf = s.get(Influencer, account.influencer_id)
        assert inf is not None and inf.max_followers == 48_210


def test_youtube_and_tiktok_refresh(env: FakePlatforms, owner: dict[str, Any]) -> None:
    ids = _accounts(owner)
    with unit_of_work() as uow:
        s = uow.session
        bind_workspace(s, owner["workspace_id"])
        yt = s.get(SocialAccount, ids["youtube"])
        tt = s.get(SocialAccount, ids["tiktok"])
        assert yt is not None and tt is not None
        service.refresh_account(s, yt, now=NOW, client_kwargs={"sleep": lambda _s: None})
        assert (
            yt.followers == 45_600 and yt.external_id == "UCxxxxxxxxxxxxxxxxxxxxxx" and yt.posts_count == 321
        )
        video = s.execute(select(Post).where(Post.social_account_id == yt.id)).scalar_one()
        assert (video.views, video.likes, video.comments) == (98_765, 4_321, 210)
        assert yt.engagement_definition is not None and yt.engagement_definition.startswith("view:")
        service.refresh_account(s, tt, now=NOW, client_kwargs={"sleep": lambda _s: None})
        assert tt.followers == 120_345 and tt.following == 310
        clip = s.execute(select(Post).where(Post.social_account_id == tt.id)).scalar_one()
        assert clip.platform_post_id == "7300000000000000001" and clip.saves == 1_900


def test_refresh_errors_are_typed(env: FakePlatforms, owner: dict[str, Any]) -> None:
    ids = _accounts(owner)
    with unit_of_work() as uow:
        s = uow.session
        ctx = _ctx(s, owner)
        service.save_credentials(ctx, "instagram", {"access_token": "revoked-token", "ig_user_id": IG_USER})
        account = s.get(SocialAccount, ids["instagram"])
        assert account is not None
        with pytest.raises(ConnectorAuthFailed):
            service.refresh_account(s, account, client_kwargs={"sleep": lambda _s: None})
        other = SocialAccount(
            influencer_id=account.influencer_id,
            platform="line",
            handle="h",
            handle_key="h",
            workspace_id=ctx.workspace_id,
        )
        s.add(other)
        s.flush()
        with pytest.raises(Exception) as unsupported:
            service.refresh_account(s, other)
        assert getattr(unsupported.value, "code", "") == "connector_unsupported_platform"


def test_scheduled_refresh_snapshots_due_accounts_and_stops_on_bad_credentials(
    env: FakePlatforms, owner: dict[str, Any]
) -> None:
    _accounts(owner)
    counts = tasks.refresh_workspace(owner["workspace_id"], now=NOW, client_kwargs={"sleep": lambda _s: None})
    assert counts == {"refreshed": 3, "failed": 0, "stopped": 0}
    assert tasks.refresh_workspace(owner["workspace_id"], now=NOW + timedelta(hours=2)) == {
        "refreshed": 0,
        "failed": 0,
        "stopped": 0,
    }
    with unit_of_work() as uow:
        ctx = _ctx(uow.session, owner)
        service.save_credentials(ctx, "tiktok", {"access_token": "expired-token"})
    later = NOW + timedelta(days=2)
    counts = tasks.refresh_workspace(
        owner["workspace_id"], now=later, client_kwargs={"sleep": lambda _s: None}
    )
    assert counts == {"refreshed": 2, "failed": 0, "stopped": 1}
    with unit_of_work() as uow:
        bind_workspace(uow.session, owner["workspace_id"])
        row = uow.session.execute(
            select(ConnectorCredential).where(ConnectorCredential.provider == "tiktok")
        ).scalar_one()
        assert row.last_error == "connector_auth_failed"
        assert len(uow.session.execute(select(MetricSnapshot)).scalars().all()) == 5
    assert owner["workspace_id"] in tasks.workspaces_with_credentials()


def test_settings_page_never_shows_secrets(env: FakePlatforms, client: Any, owner: dict[str, Any]) -> None:
    csrf = login(client, owner["email"])
    assert client.get("/w/acme/connectors").status_code == 200
    r = client.post(
        "/w/acme/connectors",
        data={"csrf_token": csrf, "provider": "youtube", "api_key": GOOD_KEY},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = client.get("/w/acme/connectors").text
    assert GOOD_KEY not in page and "…1234" in page
    r = client.post(
        "/w/acme/connectors", data={"csrf_token": csrf, "provider": "instagram", "access_token": "t"}
    )
    assert r.status_code == 422
    client.cookies.set("kizuna_lang", "ja")
    assert "データ連携" in client.get("/w/acme/connectors").text


def test_cli_refresh_account_and_workspace(env: FakePlatforms, owner: dict[str, Any]) -> None:
    import json

    from typer.testing import CliRunner

    from kizuna.cli.main import app

    ids = _accounts(owner)
    runner = CliRunner()
    r = runner.invoke(
        app, ["connectors", "refresh", "--workspace", "acme", "--account", str(ids["youtube"]), "--json"]
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["followers"] == 45_600
    r = runner.invoke(app, ["connectors", "refresh", "--workspace", "acme", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output) == {"refreshed": 2, "failed": 0, "stopped": 0}
    r = runner.invoke(app, ["connectors", "refresh", "--workspace", "nope"])
    assert r.exit_code == 2 and "workspace_not_found" in r.output
