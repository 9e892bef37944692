"""The public redirect: 302 with UTM, allowed domains only, bots/HEAD not logged, IP hashed, codes random."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from kizuna.db import unit_of_work
from kizuna.errors import ValidationFailed
from kizuna.models.campaign import Campaign
from kizuna.models.click_daily import ClickDaily
from kizuna.models.click_event import ClickEvent
from kizuna.models.influencer import Influencer
from kizuna.tracking import buffer, links
from tests.campaigns.helpers import ctx_for, setup_campaign

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Instagram 300.0"


@pytest.fixture
def world(owner: dict[str, Any]) -> dict[str, Any]:
    info = setup_campaign(owner)
    with ctx_for(info) as ctx:
        campaign = ctx.get(Campaign, info["campaign_id"])
        aya = ctx.get(Influencer, info["aya"])
        link = links.create_link(
            ctx.session,
            workspace=ctx.workspace,
            campaign=campaign,
            influencer=aya,
            destination="https://shop.example.com/products/serum?ref=ig",
        )
        info["code"] = link.code
        info["link_id"] = link.id
    return info


def _clicks() -> int:
    with unit_of_work() as uow:
        return int(uow.session.execute(select(func.count(ClickEvent.id))).scalar_one())


def test_redirect_302_with_utm_and_click_id(client: Any, world: dict[str, Any]) -> None:
    r = client.get(
        f"/r/{world['code']}",
        headers={"user-agent": BROWSER, "referer": "https://l.instagram.com/x?u=1"},
        follow_redirects=False,
    )
    assert r.status_code == 302
    target = urlsplit(r.headers["location"])
    assert target.hostname == "shop.example.com" and target.path == "/products/serum"
    q = parse_qs(target.query)
    assert q["ref"] == ["ig"]
    assert q["utm_source"] == ["instagram"] and q["utm_medium"] == ["influencer"]
    assert q["utm_campaign"] == ["spring-launch"] and q["utm_content"] == ["aya_beauty"]
    assert len(q["kzcid"][0]) == 24
    assert r.headers["cache-control"].startswith("no-store")
    assert buffer.flush() == 1
    with unit_of_work() as uow:
        ev = uow.session.execute(select(ClickEvent)).scalar_one()
        assert ev.click_id == q["kzcid"][0]
        assert ev.device == "mobile" and ev.referrer_host == "l.instagram.com"
        assert ev.influencer_id == world["aya"] and ev.campaign_id == world["campaign_id"]
        daily = uow.session.execute(select(ClickDaily)).scalar_one()
        assert daily.clicks == 1 and daily.link_id == world["link_id"]


def test_ip_is_never_stored_raw(client: Any, world: dict[str, Any]) -> None:
    client.get(f"/r/{world['code']}", headers={"user-agent": BROWSER}, follow_redirects=False)
    buffer.flush()
    with unit_of_work() as uow:
        ev = uow.session.execute(select(ClickEvent)).scalar_one()
    # The test client connects from "testclient"; whatever the address, only a keyed hash is kept.
    assert ev.ip_hash and len(ev.ip_hash) == 32
    assert "testclient" not in ev.ip_hash and "127.0.0.1" not in ev.ip_hash
    from kizuna.tracking.clicks import hash_ip

    assert hash_ip("203.0.113.9") != hash_ip("203.0.113.10")
    assert "203.0.113" not in hash_ip("203.0.113.9")


@pytest.mark.parametrize(
    "ua",
    [
        "facebookexternalhit/1.1;line-poker/1.0",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "Twitterbot/1.0",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
        "TelegramBot (like TwitterBot)",
        "WhatsApp/2.23.20.0",
        "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "",
    ],
)
def test_bots_are_redirected_but_not_logged(client: Any, world: dict[str, Any], ua: str) -> None:
    r = client.get(f"/r/{world['code']}", headers={"user-agent": ua}, follow_redirects=False)
    assert r.status_code == 302
    assert "kzcid" not in r.headers["location"]
    buffer.flush()
    assert _clicks() == 0


def test_line_in_app_browser_is_a_person(client: Any, world: dict[str, Any]) -> None:
    ua = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari Line/13.20.0"
    client.get(f"/r/{world['code']}", headers={"user-agent": ua}, follow_redirects=False)
    assert buffer.flush() == 1


def test_head_and_prefetch_are_not_logged(client: Any, world: dict[str, Any]) -> None:
    r = client.head(f"/r/{world['code']}", headers={"user-agent": BROWSER}, follow_redirects=False)
    assert r.status_code == 302
    r = client.get(
        f"/r/{world['code']}",
        headers={"user-agent": BROWSER, "sec-purpose": "prefetch;prerender"},
        follow_redirects=False,
    )
    assert r.status_code == 302
    buffer.flush()
    assert _clicks() == 0


def test_unknown_and_inactive_codes_are_404(client: Any, world: dict[str, Any]) -> None:
    assert (
        client.get("/r/doesnotexist1", headers={"user-agent": BROWSER}, follow_redirects=False).status_code
        == 404
    )
    with ctx_for(world) as ctx:
        from kizuna.models.tracking_link import TrackingLink

        links.set_active(ctx.get(TrackingLink, world["link_id"]), False)
    assert (
        client.get(f"/r/{world['code']}", headers={"user-agent": BROWSER}, follow_redirects=False).status_code
        == 404
    )


@pytest.mark.parametrize(
    "destination",
    [
        "https://evil.example.net/phish",
        "https://shop.example.com.evil.net/",
        "https://shop.example.com@evil.net/",
        "javascript:alert(1)",
        "//evil.net/x",
        "https://evil.net\\@shop.example.com/",
        "ftp://shop.example.com/file",
    ],
)
def test_disallowed_destination_is_refused(world: dict[str, Any], destination: str) -> None:
    with ctx_for(world) as ctx:
        campaign = ctx.get(Campaign, world["campaign_id"])
        with pytest.raises(ValidationFailed):
            links.create_link(
                ctx.session, workspace=ctx.workspace, campaign=campaign, destination=destination
            )


def test_subdomain_allowed_and_removed_domain_stops_redirect(client: Any, world: dict[str, Any]) -> None:
    with ctx_for(world) as ctx:
        campaign = ctx.get(Campaign, world["campaign_id"])
        link = links.create_link(
            ctx.session,
            workspace=ctx.workspace,
            campaign=campaign,
            destination="https://jp.shop.example.com/",
        )
        code = link.code
    assert (
        client.get(f"/r/{code}", headers={"user-agent": BROWSER}, follow_redirects=False).status_code == 302
    )
    with ctx_for(world) as ctx:
        links.set_allowed_domains(ctx.workspace, ["other.example.org"])
    assert (
        client.get(f"/r/{code}", headers={"user-agent": BROWSER}, follow_redirects=False).status_code == 404
    )


def test_codes_are_unguessable() -> None:
    codes = {links.new_code() for _ in range(5000)}
    assert len(codes) == 5000
    assert all(len(c) == 12 for c in codes)
    # 72 random bits: URL-safe base64 alphabet, no sequential structure.
    alphabet = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert set("".join(codes)) <= alphabet
    assert len(set("".join(codes))) > 60


def test_flush_is_idempotent_after_a_crash(client: Any, world: dict[str, Any]) -> None:
    """Rows already ingested but not yet deleted from the buffer (crash between the two) are not counted twice."""
    for _ in range(3):
        client.get(f"/r/{world['code']}", headers={"user-agent": BROWSER}, follow_redirects=False)
    path = buffer.buffer_path()
    import sqlite3

    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT * FROM pending").fetchall()
    conn.close()
    assert buffer.flush() == 3
    conn = sqlite3.connect(path)
    conn.executemany("INSERT INTO pending VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
    conn.commit()
    conn.close()
    assert buffer.flush() == 0
    with unit_of_work() as uow:
        assert uow.session.execute(select(func.sum(ClickDaily.clicks))).scalar_one() == 3
    assert _clicks() == 3


def test_qr_svg_and_png(client: Any, world: dict[str, Any]) -> None:
    from tests.conftest import login

    login(client, world["email"])
    r = client.get(f"/w/{world['slug']}/campaigns/links/{world['link_id']}/qr.svg")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    import xml.etree.ElementTree as ET

    root = ET.fromstring(r.content)
    assert root.tag.endswith("svg")
    r = client.get(f"/w/{world['slug']}/campaigns/links/{world['link_id']}/qr.png")
    assert r.status_code == 200 and r.content.startswith(b"\x89PNG\r\n\x1a\n")
    import struct

    length, kind = struct.unpack(">I4s", r.content[8:16])
    width, height = struct.unpack(">II", r.content[16:24])
    assert kind == b"IHDR" and length == 13
    assert width == height and width > 100  # square QR with quiet zone
