"""The stand-alone redirect app serves the same redirect and logs into the same buffer."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from kizuna.models.campaign import Campaign
from kizuna.tracking import buffer, links
from kizuna.tracking.asgi import app as redirect_app
from kizuna.web.i18n import gettext
from tests.campaigns.helpers import ctx_for, setup_campaign

UA = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Mobile Safari/537.36"


def test_standalone_redirect_app(owner: dict[str, Any]) -> None:
    info = setup_campaign(owner)
    with ctx_for(info) as ctx:
        link = links.create_link(
            ctx.session,
            workspace=ctx.workspace,
            campaign=ctx.get(Campaign, info["campaign_id"]),
            destination="https://shop.example.com/sale#top",
        )
        code = link.code
    with TestClient(redirect_app) as client:
        r = client.get(f"/r/{code}", headers={"user-agent": UA}, follow_redirects=False)
        assert r.status_code == 302
        location = r.headers["location"]
        assert location.startswith(
            "https://shop.example.com/sale?utm_source=influencer&utm_medium=influencer"
        )
        assert "&kzcid=" in location and location.endswith("#top")
        assert client.get("/r/unknowncode1", headers={"user-agent": UA}).status_code == 404
        assert client.get("/other").status_code == 404
        assert client.post(f"/r/{code}").status_code == 404
        bot = client.get(
            f"/r/{code}", headers={"user-agent": "Slackbot-LinkExpanding 1.0"}, follow_redirects=False
        )
        assert bot.status_code == 302 and "kzcid" not in bot.headers["location"]
    assert buffer.flush() == 1


def test_link_errors_speak_the_visitors_language(owner: dict[str, Any], app: Any) -> None:
    """A person who followed a dead link reads why in their language, from the stand-alone app and the web app."""
    for asgi in (redirect_app, app):
        with TestClient(asgi) as client:
            ja = client.get("/r/unknowncode1", headers={"user-agent": UA, "accept-language": "ja,en;q=0.5"})
            assert ja.status_code == 404
            assert ja.json()["error"]["code"] == "link_not_found"
            assert ja.json()["error"]["message"] == "このリンクは存在しないか、無効になっています。"
            en = client.get("/r/unknowncode1", headers={"user-agent": UA, "accept-language": "en-US"})
            assert en.json()["error"]["message"] == "This link does not exist or is no longer active."
    with TestClient(redirect_app) as client:
        other = client.get("/other", headers={"accept-language": "ja"})
        assert other.status_code == 404 and other.json()["error"]["message"] == gettext("Not found.", "ja")
        assert other.json()["error"]["message"] != "Not found."


def test_periodic_flush_task_and_cli(owner: dict[str, Any]) -> None:
    from typer.testing import CliRunner

    from kizuna.cli.main import app as cli
    from kizuna.tracking.tasks import flush_clicks_task

    assert flush_clicks_task.call_local() == 0
    result = CliRunner().invoke(cli, ["tracking", "flush"])
    assert result.exit_code == 0 and "0 clicks ingested" in result.output
