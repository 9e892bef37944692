"""Campaign writes: create and edit (with audit), shortlist membership and fees."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from kizuna.analytics.pacing import KPI_METRICS
from kizuna.errors import ValidationFailed
from kizuna.kit.money import CURRENCIES, from_minor, to_minor
from kizuna.models.campaign import CAMPAIGN_STATUSES, OBJECTIVES, Campaign
from kizuna.models.campaign_influencer import CampaignInfluencer
from kizuna.models.influencer import Influencer
from kizuna.tenancy import Ctx

PLATFORMS = ("instagram", "tiktok", "youtube", "x", "blog", "podcast", "line", "xiaohongshu", "naver_blog")
# The KPIs a campaign can target are exactly the ones pacing can measure.
KPI_KEYS = KPI_METRICS
EMV_KEYS = ("impressions", "views", "likes", "comments", "shares", "saves", "clicks")
#: The audience the campaign form offers by name: the genders audience data records (what matching scores) and
#: the languages a Japanese team targets most (codes as :func:`_target` stores them). Interests are the known
#: categories (:data:`kizuna.kit.labels.CATEGORIES`). The API takes any value, as before.
TARGET_GENDERS = ("female", "male")
TARGET_LANGUAGES = ("ja", "en", "ko", "zh", "zh-tw", "th", "vi", "id", "es", "fr", "de", "pt")


def _check(
    objective: str | None,
    status: str | None,
    platforms: list[str] | None,
    kpis: list[dict[str, Any]] | None,
    starts_on: date | None,
    ends_on: date | None,
) -> None:
    if objective is not None and objective not in OBJECTIVES:
        raise ValidationFailed(f"Unknown objective {objective!r}.", code="campaign_objective_invalid")
    if status is not None and status not in CAMPAIGN_STATUSES:
        raise ValidationFailed(f"Unknown status {status!r}.", code="campaign_status_invalid")
    for p in platforms or []:
        if p not in PLATFORMS:
            raise ValidationFailed(f"Unknown platform {p!r}.", code="campaign_platform_invalid")
    for k in kpis or []:
        if k.get("metric") not in KPI_KEYS:
            raise ValidationFailed(f"Unknown KPI {k.get('metric')!r}.", code="campaign_kpi_invalid")
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationFailed("The campaign ends before it starts.", code="campaign_dates_invalid")


def _target(target: dict[str, Any]) -> dict[str, Any]:
    """Audience: age_min/age_max, genders, countries (ISO-2), languages, interests, jurisdictions."""
    out: dict[str, Any] = {}
    for key in ("age_min", "age_max"):
        if target.get(key) not in (None, ""):
            try:
                out[key] = int(target[key])
            except (TypeError, ValueError) as exc:
                raise ValidationFailed("Ages must be whole numbers.", code="campaign_target_invalid") from exc
    for key in ("genders", "countries", "languages", "interests", "jurisdictions"):
        value = target.get(key) or []
        if isinstance(value, str):
            value = [v for v in (x.strip() for x in value.split(",")) if v]
        cleaned = [str(v).strip() for v in value if str(v).strip()]
        if key in ("countries",):
            cleaned = [c.upper()[:2] for c in cleaned]
        if key in ("languages", "jurisdictions", "genders"):
            cleaned = [c.lower() for c in cleaned]
        if cleaned:
            out[key] = cleaned
    return out


def create_campaign(ctx: Ctx, data: dict[str, Any]) -> Campaign:
    currency = (data.get("currency") or ctx.workspace.currency).upper()
    if currency not in CURRENCIES:
        raise ValidationFailed(f"Unsupported currency {currency}.", code="currency_invalid")
    kpis = [dict(k) for k in data.get("kpis") or []]
    _check(
        data.get("objective", "awareness"),
        data.get("status", "draft"),
        data.get("platforms"),
        kpis,
        data.get("starts_on"),
        data.get("ends_on"),
    )
    name = str(data.get("name") or "").strip()
    if not name:
        raise ValidationFailed("A campaign needs a name.", code="campaign_name_required")
    budget = data.get("budget")
    campaign = Campaign(
        name=name[:200],
        objective=data.get("objective") or "awareness",
        status=data.get("status") or "draft",
        description=str(data.get("description") or ""),
        target=_target(dict(data.get("target") or {})),
        kpis=kpis,
        platforms=list(data.get("platforms") or []),
        budget_minor=to_minor(budget, currency) if budget not in (None, "") else None,
        currency=currency,
        starts_on=data.get("starts_on"),
        ends_on=data.get("ends_on"),
        attribution_window_days=int(data.get("attribution_window_days") or 30),
        emv_values={k: float(v) for k, v in (data.get("emv_values") or {}).items() if k in EMV_KEYS},
        owner_user_id=ctx.user.id,
    )
    ctx.add(campaign)
    ctx.session.flush()
    ctx.audit("campaign.create", campaign, {"name": campaign.name})
    return campaign


def update_campaign(ctx: Ctx, campaign: Campaign, data: dict[str, Any]) -> Campaign:
    kpis = [dict(k) for k in data["kpis"]] if data.get("kpis") is not None else None
    _check(
        data.get("objective"),
        data.get("status"),
        data.get("platforms"),
        kpis,
        data.get("starts_on", campaign.starts_on),
        data.get("ends_on", campaign.ends_on),
    )
    changed: list[str] = []
    for key in (
        "name",
        "objective",
        "status",
        "description",
        "platforms",
        "starts_on",
        "ends_on",
        "attribution_window_days",
    ):
        if key in data and data[key] is not None:
            setattr(campaign, key, data[key])
            changed.append(key)
    if kpis is not None:
        campaign.kpis = kpis
        changed.append("kpis")
    if data.get("target") is not None:
        campaign.target = _target(dict(data["target"]))
        changed.append("target")
    if "budget" in data:
        campaign.budget_minor = (
            to_minor(data["budget"], campaign.currency) if data["budget"] not in (None, "") else None
        )
        changed.append("budget")
    if data.get("emv_values") is not None:
        campaign.emv_values = {k: float(v) for k, v in data["emv_values"].items() if k in EMV_KEYS}
        changed.append("emv_values")
    ctx.session.flush()
    ctx.audit("campaign.update", campaign, {"fields": changed})
    return campaign


def budget_major(campaign: Campaign) -> float | None:
    return (
        float(from_minor(campaign.budget_minor, campaign.currency))
        if campaign.budget_minor is not None
        else None
    )


def add_to_shortlist(
    ctx: Ctx, campaign: Campaign, influencer: Influencer, fee: float | None = None
) -> CampaignInfluencer:
    row = ctx.session.execute(
        select(CampaignInfluencer).where(
            CampaignInfluencer.campaign_id == campaign.id, CampaignInfluencer.influencer_id == influencer.id
        )
    ).scalar_one_or_none()
    if row is None:
        row = CampaignInfluencer(
            campaign_id=campaign.id, influencer_id=influencer.id, added_by_id=ctx.user.id
        )
        ctx.add(row)
    if fee is not None:
        row.fee_minor = to_minor(fee, campaign.currency)
    ctx.session.flush()
    ctx.audit("campaign.shortlist", campaign, {"influencer_id": influencer.id, "fee": fee})
    return row
