"""KPI math against hand-computed numbers, pacing, and the grouping by influencer, tier and platform."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from kizuna.analytics.kpis import Totals, emv_values
from kizuna.analytics.pacing import elapsed_fraction, pace_kpis


def test_kpi_math_by_hand() -> None:
    # One micro creator: fee ¥100,000; reach 20,000; impressions 25,000; 1,000 likes, 100 comments, 50 shares,
    # 50 saves; 500 clicks; 25 orders worth ¥250,000 net.
    t = Totals(
        currency="JPY",
        posts=1,
        reach=20_000,
        impressions=25_000,
        views=0,
        likes=1_000,
        comments=100,
        shares=50,
        saves=50,
        clicks=500,
        conversions=25,
        revenue_minor=250_000,
        spend_minor=100_000,
    )
    assert t.engagements == 1_200
    assert t.er == pytest.approx(1_200 / 20_000)  # 6%
    assert t.ctr == pytest.approx(500 / 25_000)  # 2%
    assert t.cvr == pytest.approx(25 / 500)  # 5%
    assert t.cpm == pytest.approx(100_000 / 25_000 * 1000)  # ¥4,000
    assert t.cpe == pytest.approx(100_000 / 1_200)  # ¥83.33
    assert t.cpc == pytest.approx(200.0)
    assert t.cpa == pytest.approx(4_000.0)
    assert t.roas == pytest.approx(2.5)
    assert t.roi == pytest.approx(1.5)
    assert t.aov == pytest.approx(10_000.0)


def test_usd_minor_units_and_zero_denominators() -> None:
    t = Totals(currency="USD", revenue_minor=12_345, spend_minor=10_000, conversions=3)
    assert t.revenue == pytest.approx(123.45) and t.spend == pytest.approx(100.0)
    assert t.roas == pytest.approx(1.2345)
    assert t.er is None and t.ctr is None and t.cpm is None and t.cpe is None and t.cpc is None
    assert Totals().roi is None


def test_emv_with_campaign_values() -> None:
    t = Totals(
        currency="JPY",
        impressions=10_000,
        likes=100,
        comments=10,
        shares=5,
        saves=5,
        clicks=20,
        emv_overrides={
            "impressions": 1,
            "likes": 10,
            "comments": 50,
            "shares": 100,
            "saves": 80,
            "clicks": 60,
            "views": 0,
        },
    )
    assert t.emv == pytest.approx(10_000 * 1 + 100 * 10 + 10 * 50 + 5 * 100 + 5 * 80 + 20 * 60)
    assert emv_values("USD")["likes"] == pytest.approx(0.10)
    assert emv_values("JPY")["likes"] == pytest.approx(15.0)


def test_pacing() -> None:
    t = Totals(currency="JPY", reach=30_000, conversions=2, revenue_minor=0, spend_minor=100, likes=10)
    kpis: list[dict[str, object]] = [
        {"metric": "reach", "target": 100_000},
        {"metric": "conversions", "target": 10},
        {"metric": "roi", "target": 0.5},
        {"metric": "clicks", "target": "n/a"},
    ]
    start, end = date(2026, 4, 1), date(2026, 4, 30)
    assert elapsed_fraction(start, end, date(2026, 4, 12)) == pytest.approx(12 / 30)
    paces = {p.metric: p for p in pace_kpis(kpis, t, starts_on=start, ends_on=end, today=date(2026, 4, 12))}
    assert set(paces) == {"reach", "conversions", "roi"}
    # 40% of the time elapsed: 40,000 reach expected; 30,000 is 75% of pace -> behind.
    assert paces["reach"].expected == pytest.approx(40_000)
    assert paces["reach"].pace == pytest.approx(0.75) and paces["reach"].status == "behind"
    assert paces["conversions"].pace == pytest.approx(0.5) and paces["conversions"].status == "behind"
    assert paces["roi"].status == "behind"
    early = {p.metric: p for p in pace_kpis(kpis, t, starts_on=start, ends_on=end, today=date(2026, 4, 2))}
    assert early["reach"].status == "ahead" or early["reach"].status == "on_track"
    before = {
        p.metric: p for p in pace_kpis(kpis, Totals(), starts_on=start, ends_on=end, today=date(2026, 3, 1))
    }
    assert before["reach"].status == "not_started"
    done = {
        p.metric: p
        for p in pace_kpis(kpis, Totals(reach=120_000), starts_on=start, ends_on=end, today=date(2026, 4, 12))
    }
    assert done["reach"].status == "ahead"


def test_campaign_results_grouping(owner: dict[str, Any]) -> None:
    """Two creators, posts with snapshots, clicks, orders and fees; totals checked by hand per group."""
    from kizuna.analytics.service import campaign_results
    from kizuna.campaigns import posts, service
    from kizuna.models.campaign import Campaign
    from kizuna.models.influencer import Influencer
    from kizuna.models.post import Post
    from kizuna.tracking import buffer
    from kizuna.tracking.buffer import Click
    from tests.campaigns.helpers import ctx_for, setup_campaign

    info = setup_campaign(owner)
    with ctx_for(info) as ctx:
        c = ctx.get(Campaign, info["campaign_id"])
        aya, ken = ctx.get(Influencer, info["aya"]), ctx.get(Influencer, info["ken"])
        service.add_to_shortlist(ctx, c, aya, fee=100_000)
        service.add_to_shortlist(ctx, c, ken, fee=900_000)
        cp1 = posts.register_post(ctx, c, aya, "https://www.instagram.com/p/AAA111/")
        cp2 = posts.register_post(ctx, c, aya, "https://www.instagram.com/reel/BBB222/")
        cp3 = posts.register_post(ctx, c, ken, "https://www.instagram.com/p/CCC333/")
        for cp, reach, likes in ((cp1, 10_000, 800), (cp2, 10_000, 400), (cp3, 200_000, 2_000)):
            post = ctx.get(Post, cp.post_id)
            posts.add_snapshot(
                ctx.session,
                post,
                {"reach": reach // 2, "likes": likes // 2},
                captured_at=datetime(2026, 4, 5, tzinfo=UTC),
            )
            posts.add_snapshot(
                ctx.session,
                post,
                {"reach": reach, "likes": likes, "comments": 0},
                captured_at=datetime(2026, 4, 10, tzinfo=UTC),
            )
        from kizuna.models.tracking_link import TrackingLink
        from kizuna.tracking import links

        link = links.create_link(
            ctx.session,
            workspace=ctx.workspace,
            campaign=c,
            influencer=aya,
            destination="https://shop.example.com/",
        )
        assert isinstance(link, TrackingLink)
        link_id, ws_id = link.id, ctx.workspace_id
    buf = buffer.get_buffer()
    for i in range(40):
        buf.append(
            Click(
                f"c{i:023d}",
                link_id,
                ws_id,
                info["campaign_id"],
                info["aya"],
                datetime(2026, 4, 10 + i % 2, tzinfo=UTC).timestamp(),
                "",
                "mobile",
                None,
                "h",
            )
        )
    assert buffer.flush() == 40
    from kizuna.integrations.shopify import OrderData
    from kizuna.tracking.conversions import record_order

    with ctx_for(info) as ctx:
        for n in range(4):
            record_order(
                ctx.session,
                OrderData(
                    f"o{n}",
                    f"#{n}",
                    datetime(2026, 4, 11, tzinfo=UTC),
                    "JPY",
                    10_000,
                    11_000,
                    2_000 if n == 0 else 0,
                    [],
                    "",
                    click_id=f"c{n:023d}",
                ),
                source="csv",
            )
        r = campaign_results(ctx.session, ctx.get(Campaign, info["campaign_id"]))
    aya_row = next(i for i in r.influencers if i.influencer_id == info["aya"])
    ken_row = next(i for i in r.influencers if i.influencer_id == info["ken"])
    assert (aya_row.totals.posts, aya_row.totals.reach, aya_row.totals.likes) == (2, 20_000, 1_200)
    assert aya_row.totals.clicks == 40 and aya_row.totals.conversions == 4
    assert aya_row.totals.revenue_minor == 38_000  # 4 x 10,000 - 2,000 refunded
    assert aya_row.totals.cpe == pytest.approx(100_000 / 1_200)
    assert ken_row.totals.cpe == pytest.approx(900_000 / 2_000)
    assert r.by_tier["micro"].cpe < r.by_tier["macro"].cpe  # micro beat macro on CPE
    assert r.totals.reach == 220_000 and r.totals.spend_minor == 1_000_000
    assert r.by_platform["instagram"].clicks == 40
    assert sum(d["clicks"] for d in r.daily) == 40 and len(r.daily) == 2
    per_post = {p.campaign_post_id: p.totals for p in r.posts}
    assert per_post[cp1.id].reach == 10_000 and per_post[cp1.id].spend_minor == 50_000
