"""Campaign reports (CSV and XLSX) never let a campaign's or influencer's name start a spreadsheet formula."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import load_workbook

from kizuna.campaigns import posts, service
from kizuna.models.campaign import Campaign
from kizuna.models.influencer import Influencer
from kizuna.models.post import Post
from tests.campaigns.helpers import add_influencer, ctx_for, setup_campaign
from tests.conftest import login

EVIL_CAMPAIGN = '=HYPERLINK("http://evil","x")'
EVIL_INFLUENCER = "@SUM(A1)"
EVIL_TIER = "-2+3"


def _world(owner: dict[str, Any]) -> dict[str, Any]:
    """A campaign and an influencer with formula-like names; the creator was paid but sold nothing (ROI -100%)."""
    info = setup_campaign(owner)
    with ctx_for(info) as ctx:
        c = ctx.get(Campaign, info["campaign_id"])
        c.name = EVIL_CAMPAIGN
        evil = ctx.get(Influencer, add_influencer(ctx, EVIL_INFLUENCER, "evil_sum", 20_000, EVIL_TIER))
        service.add_to_shortlist(ctx, c, evil, fee=50_000)
        cp = posts.register_post(ctx, c, evil, "https://www.instagram.com/p/EVIL1/", caption="#PR")
        posts.add_snapshot(
            ctx.session, ctx.get(Post, cp.post_id), {"reach": 1_000, "likes": 10, "comments": 1}
        )
    return info


def test_csv_report_neutralises_formulas_and_keeps_negative_numbers(
    client: Any, owner: dict[str, Any]
) -> None:
    info = _world(owner)
    login(client, info["email"])
    r = client.get(f"/w/{info['slug']}/campaigns/{info['campaign_id']}/report.csv?lang=en")
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == ["Campaign", "'" + EVIL_CAMPAIGN]
    header = rows[3]
    evil = next(row for row in rows[4:] if row[0] == "'" + EVIL_INFLUENCER)
    assert evil[1] == "'" + EVIL_TIER
    assert float(evil[header.index("ROI")]) == -1.0  # a number, not "'-1.0"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row[:3])


def test_xlsx_report_neutralises_formulas_and_keeps_negative_numbers(
    client: Any, owner: dict[str, Any]
) -> None:
    info = _world(owner)
    login(client, info["email"])
    r = client.get(f"/w/{info['slug']}/campaigns/{info['campaign_id']}/report.xlsx?lang=en")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@")), (ws.title, cell.coordinate)

    summary = wb["Summary"]
    assert summary["B1"].value == "'" + EVIL_CAMPAIGN and summary["B1"].data_type == "s"

    sheet = wb["Influencers"]
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    evil = next(row for row in rows[1:] if row[0].value == "'" + EVIL_INFLUENCER)
    assert evil[0].data_type == "s" and evil[1].value == "'" + EVIL_TIER
    roi = evil[header.index("ROI")]
    assert roi.value == -1.0 and roi.data_type == "n"

    post_rows = list(wb["Posts"].iter_rows(min_row=2, values_only=True))
    assert ("'" + EVIL_INFLUENCER) in [row[0] for row in post_rows]
    tiers = [row[0] for row in wb["Tiers"].iter_rows(min_row=2, values_only=True)]
    assert "'" + EVIL_TIER in tiers
