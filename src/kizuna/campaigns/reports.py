"""Campaign reports: XLSX (openpyxl), CSV and the data behind the print page, in English or Japanese.

Every report is built from one :class:`~kizuna.analytics.service.CampaignResults`, so the spreadsheet, the CSV,
the print page and the dashboard always agree. Labels go through the catalog in the report's language, not the
viewer's, so an agency can send a Japanese report from an English session.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font

from kizuna.analytics.kpis import KPI_COLUMNS, MONEY_KEYS, PERCENT_KEYS, Totals
from kizuna.analytics.pacing import Pace
from kizuna.analytics.service import CampaignResults
from kizuna.kit.money import minor_digits
from kizuna.kit.sheets import formula_safe
from kizuna.web.i18n import gettext


def _value(t: Totals, key: str) -> float | int | None:
    value = getattr(t, key)
    if value is None:
        return None
    if isinstance(value, float):
        return round(value, 6 if key in PERCENT_KEYS or key == "roas" else 2)
    return int(value)


def kpi_row(t: Totals) -> list[float | int | None]:
    return [_value(t, key) for key, _label in KPI_COLUMNS]


def header(locale: str) -> list[str]:
    return [gettext(label, locale) for _key, label in KPI_COLUMNS]


def influencer_rows(results: CampaignResults, locale: str) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [gettext("Influencer", locale), gettext("Tier", locale), gettext("Platform", locale), *header(locale)]
    ]
    for r in results.influencers:
        rows.append(
            [formula_safe(r.name), formula_safe(r.tier), formula_safe(r.platform), *kpi_row(r.totals)]
        )
    rows.append([gettext("Total", locale), "", "", *kpi_row(results.totals)])
    return rows


def report_csv(results: CampaignResults, locale: str = "en") -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([gettext("Campaign", locale), formula_safe(results.campaign.name)])
    writer.writerow([gettext("Currency", locale), results.campaign.currency])
    writer.writerow([])
    writer.writerows(influencer_rows(results, locale))
    return "\ufeff" + out.getvalue()  # BOM: Excel opens UTF-8 Japanese correctly only with it


def report_xlsx(results: CampaignResults, pacing: list[Pace], locale: str = "en") -> bytes:
    c = results.campaign
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = gettext("Summary", locale)[:31]
    bold = Font(bold=True)
    ws.append([gettext("Campaign", locale), formula_safe(c.name)])
    ws.append([gettext("Objective", locale), gettext(c.objective, locale)])
    ws.append([gettext("Dates", locale), f"{c.starts_on or ''} – {c.ends_on or ''}"])
    ws.append([gettext("Currency", locale), c.currency])
    ws.append([])
    ws.append([gettext("KPI", locale), gettext("Value", locale)])
    for cell in ws[ws.max_row]:
        cell.font = bold
    for (key, label), value in zip(KPI_COLUMNS, kpi_row(results.totals), strict=True):
        ws.append([gettext(label, locale), value])
        if key in PERCENT_KEYS:
            ws.cell(ws.max_row, 2).number_format = "0.00%"
        elif key in MONEY_KEYS:
            ws.cell(ws.max_row, 2).number_format = "#,##0" if minor_digits(c.currency) == 0 else "#,##0.00"
    ws.append([])
    ws.append(
        [
            gettext("Target", locale),
            gettext("Goal", locale),
            gettext("Actual", locale),
            gettext("Status", locale),
        ]
    )
    for cell in ws[ws.max_row]:
        cell.font = bold
    for p in pacing:
        ws.append([p.metric, p.target, p.actual, gettext(p.status, locale)])
    ws.column_dimensions["A"].width = 24

    sheet = wb.create_sheet(gettext("Influencers", locale)[:31])
    for row in influencer_rows(results, locale):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = bold

    posts = wb.create_sheet(gettext("Posts", locale)[:31])
    posts.append(
        [
            gettext("Influencer", locale),
            gettext("Platform", locale),
            "URL",
            gettext("Published", locale),
            gettext("Disclosure", locale),
            *header(locale),
        ]
    )
    for post in results.posts:
        posts.append(
            [
                formula_safe(post.influencer_name),
                formula_safe(post.platform),
                formula_safe(post.url or ""),
                post.published_at.replace(tzinfo=None) if post.published_at else None,
                gettext(post.disclosure, locale),
                *kpi_row(post.totals),
            ]
        )

    for title, groups in (("Tiers", results.by_tier), ("Platforms", results.by_platform)):
        s = wb.create_sheet(gettext(title, locale)[:31])
        s.append([gettext(title, locale), *header(locale)])
        for key, t in sorted(groups.items()):
            s.append([formula_safe(key), *kpi_row(t)])

    daily = wb.create_sheet(gettext("Daily", locale)[:31])
    daily.append(
        [
            gettext("Day", locale),
            gettext("Clicks", locale),
            gettext("Conversions", locale),
            gettext("Revenue", locale),
        ]
    )
    scale = 10 ** minor_digits(c.currency)
    for d in results.daily:
        day: date = d["day"]
        daily.append([day, d["clicks"], d["conversions"], d["revenue_minor"] / scale])
    if len(results.daily) > 1:
        chart = LineChart()
        chart.title = gettext("Clicks and conversions per day", locale)
        chart.add_data(
            Reference(daily, min_col=2, max_col=3, min_row=1, max_row=daily.max_row), titles_from_data=True
        )
        chart.set_categories(Reference(daily, min_col=1, min_row=2, max_row=daily.max_row))
        daily.add_chart(chart, "F2")
    if results.influencers:
        bar = BarChart()
        bar.title = gettext("Revenue by influencer", locale)
        col = 3 + [k for k, _l in KPI_COLUMNS].index("revenue") + 1
        n = len(results.influencers) + 1
        bar.add_data(Reference(sheet, min_col=col, max_col=col, min_row=1, max_row=n), titles_from_data=True)
        bar.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=n))
        sheet.add_chart(bar, f"A{n + 3}")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
