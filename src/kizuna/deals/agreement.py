"""Agreements: generated from the accepted offer, shown as HTML, downloaded as PDF, accepted once and frozen.

The text comes from a Jinja2 template rendered in a :class:`~jinja2.sandbox.SandboxedEnvironment`: a workspace
may store its own wording (``workspace.settings["agreement_templates"][lang]``), and a template written by a
workspace admin must not be able to reach Python objects. The rendered text (the ``body``) is canonical: the
HTML view and the PDF are both drawn from it, and its SHA-256 is what the creator accepts. Once accepted, a
``before_flush`` guard refuses any change to the row (see docs/adr/0401-agreement-pdf.md for the PDF route).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape
from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session

from kizuna.deals.actors import Actor
from kizuna.deals.terms import Terms
from kizuna.errors import Conflict, KizunaError, ValidationFailed
from kizuna.kit.money import format_money
from kizuna.kit.time import utcnow
from kizuna.models.campaign import Campaign
from kizuna.models.deal import Deal
from kizuna.models.deal_agreement import DealAgreement
from kizuna.models.deal_offer import DealOffer
from kizuna.models.influencer import Influencer
from kizuna.models.payee import Payee
from kizuna.models.workspace import Workspace

TEMPLATE_DIR = Path(__file__).parent / "agreement_templates"
LANGUAGES = ("en", "ja")
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKjp-Regular.otf",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/Library/Fonts/NotoSansCJKjp-Regular.otf",
)
FORMAT_LABELS = {
    "en": {
        "feed": "feed post",
        "reel": "reel",
        "story": "story",
        "video": "video",
        "short": "short video",
        "blog": "blog article",
        "live": "live stream",
    },
    "ja": {
        "feed": "フィード投稿",
        "reel": "リール",
        "story": "ストーリーズ",
        "video": "動画",
        "short": "ショート動画",
        "blog": "ブログ記事",
        "live": "ライブ配信",
    },
}
USAGE_LABELS = {
    "en": {
        "organic_brand_social": "the Brand's own social media accounts",
        "brand_website": "the Brand's website",
        "paid_ads": "paid advertising",
        "email": "e-mail newsletters",
        "print": "printed materials",
        "in_store": "in-store displays",
    },
    "ja": {
        "organic_brand_social": "委託者のSNSアカウント",
        "brand_website": "委託者のウェブサイト",
        "paid_ads": "有料広告",
        "email": "メールマガジン",
        "print": "印刷物",
        "in_store": "店頭掲示",
    },
}
PLATFORM_LABELS = {
    "instagram": "Instagram",
    "tiktok": "TikTok",
    "youtube": "YouTube",
    "x": "X",
    "threads": "Threads",
    "facebook": "Facebook",
    "line": "LINE",
    "twitch": "Twitch",
}
CLOCK_LABELS = {
    "en": {"approval": "approval", "publication": "publication"},
    "ja": {"approval": "承認", "publication": "投稿"},
}


class AgreementFontMissing(KizunaError):
    code = "agreement_font_missing"
    status = 503


@lru_cache(maxsize=1)
def _sandbox() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        autoescape=False, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )


def template_source(workspace: Workspace, language: str) -> str:
    custom = (workspace.settings or {}).get("agreement_templates", {})
    if isinstance(custom, dict) and isinstance(custom.get(language), str) and custom[language].strip():
        return str(custom[language])
    return (TEMPLATE_DIR / f"agreement.{language}.txt").read_text(encoding="utf-8")


def build_context(
    *,
    workspace: Workspace,
    campaign: Campaign,
    influencer: Influencer,
    payee: Payee | None,
    offer: DealOffer,
    terms: Terms,
    language: str,
    agreement_version: int,
) -> dict[str, Any]:
    loc = "ja" if language == "ja" else "en"
    cur = terms.currency

    def money(minor: int) -> str:
        return format_money(minor, cur, loc)

    deliverables = [
        {
            "platform": PLATFORM_LABELS.get(d.platform, d.platform),
            "format_label": FORMAT_LABELS[loc][d.format],
            "count": d.count,
            "due_dates": [x.isoformat() for x in d.due_dates],
            "fee": money(d.fee_minor) if d.fee_minor else "",
            "notes": d.notes,
        }
        for d in terms.deliverables
    ]
    c = terms.compensation
    jp_withholding = cur == "JPY" and (payee is None or payee.entity_type == "individual")
    withholding_note = ""
    if jp_withholding and c.fee_minor:
        withholding_note = "源泉徴収前の金額" if loc == "ja" else "before Japanese withholding tax"
    return {
        "agreement_version": agreement_version,
        "offer_version": offer.version,
        "issued_on": utcnow().date().isoformat(),
        "brand": {"name": workspace.name, "identity": workspace.sender_identity.strip()},
        "creator": {
            "name": influencer.display_name,
            "legal_name": payee.legal_name if payee is not None else "",
        },
        "campaign": {"name": campaign.name},
        "deliverables": deliverables,
        "fee": money(c.fee_minor) if c.fee_minor else "",
        "withholding_note": withholding_note,
        "jp_withholding": jp_withholding,
        "gifting": c.gifting_description,
        "gifting_value": money(c.gifting_value_minor) if c.gifting_value_minor else "",
        "commission_pct": (f"{c.commission_pct:g}" if c.commission_pct else ""),
        "affiliate_code": c.affiliate_code,
        "net_days": terms.payment.net_days,
        "clock_start_label": CLOCK_LABELS[loc][terms.payment.clock_start],
        "disclosure": terms.disclosure.model_dump(),
        "usage": {
            **terms.usage.model_dump(),
            "channels": [USAGE_LABELS[loc].get(c, c) for c in terms.usage.channels],
        },
        "exclusivity": terms.exclusivity.model_dump(),
        "cancellation_notice_days": terms.cancellation_notice_days,
        "kill_fee_pct": terms.kill_fee_pct,
    }


def render_body(source: str, context: dict[str, Any]) -> str:
    """Render an agreement template in the sandbox; template errors become a 422, never a 500."""
    try:
        text = _sandbox().from_string(source).render(context)
    except TemplateError as exc:
        raise ValidationFailed(
            "The agreement template cannot be rendered.",
            code="agreement_template_invalid",
            details={"reason": str(exc)},
        ) from exc
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    return "\n".join(out).strip() + "\n"


def sha256_of(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Block:
    kind: str  # "title", "heading", "bullet", "para"
    text: str


def blocks(body: str) -> list[Block]:
    """The agreement text as typed blocks (``# `` title, ``## `` heading, ``- `` bullet, else paragraph)."""
    out: list[Block] = []
    for line in body.split("\n"):
        if not line.strip():
            continue
        if line.startswith("## "):
            out.append(Block("heading", line[3:].strip()))
        elif line.startswith("# "):
            out.append(Block("title", line[2:].strip()))
        elif line.startswith("- "):
            out.append(Block("bullet", line[2:].strip()))
        else:
            out.append(Block("para", line.strip()))
    return out


def to_html(body: str) -> Markup:
    """Escaped HTML for the agreement view: every piece of text goes through :func:`markupsafe.escape`."""
    parts: list[str] = []
    in_list = False
    for b in blocks(body):
        if b.kind == "bullet" and not in_list:
            parts.append("<ul>")
            in_list = True
        elif b.kind != "bullet" and in_list:
            parts.append("</ul>")
            in_list = False
        tag = {"title": "h2", "heading": "h3", "bullet": "li", "para": "p"}[b.kind]
        parts.append(f"<{tag}>{escape(b.text)}</{tag}>")
    if in_list:
        parts.append("</ul>")
    return Markup("\n".join(parts))  # noqa: S704 - every fragment above is escaped


def find_font() -> str:
    """The Noto CJK font on disk (fonts-noto-cjk); ``KIZUNA_PDF_FONT`` overrides the search."""
    import os

    override = os.environ.get("KIZUNA_PDF_FONT")
    candidates = (override, *FONT_CANDIDATES) if override else FONT_CANDIDATES
    for path in candidates:
        if path and Path(path).is_file():
            return path
    raise AgreementFontMissing(
        "PDF agreements need a Japanese font: install the fonts-noto-cjk package "
        "(or set KIZUNA_PDF_FONT to a .ttc/.otf/.ttf file).",
    )


def to_pdf(body: str, *, sha256: str, footer: str) -> bytes:
    """A PDF of the agreement text with the Noto CJK font embedded (subset), built by fpdf2 (pure Python)."""
    from fpdf import FPDF

    font = find_font()
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(18, 18, 18)
    pdf.add_font("noto", "", font)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for b in blocks(body):
        if b.kind == "title":
            pdf.set_font("noto", size=16)
            pdf.multi_cell(width, 9, b.text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif b.kind == "heading":
            pdf.ln(2)
            pdf.set_font("noto", size=12)
            pdf.multi_cell(width, 7, b.text, new_x="LMARGIN", new_y="NEXT")
        elif b.kind == "bullet":
            pdf.set_font("noto", size=10)
            pdf.multi_cell(width, 5.5, "・" + b.text, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font("noto", size=10)
            pdf.multi_cell(width, 5.5, b.text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("noto", size=8)
    pdf.multi_cell(width, 4.5, f"{footer}\nSHA-256: {sha256}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def issue(actor: Actor, deal: Deal, offer: DealOffer, language: str | None = None) -> DealAgreement:
    """Generate the agreement for the accepted offer (a new version; an accepted one is never replaced)."""
    s = actor.session
    lang = language or deal.creator_locale
    if lang not in LANGUAGES:
        raise ValidationFailed("Agreements exist in English and Japanese.", code="agreement_language")
    if offer.status != "accepted" or deal.status != "accepted":
        raise Conflict("Only an accepted offer can become an agreement.", code="offer_not_accepted")
    accepted = current_agreement(s, deal)
    if accepted is not None and accepted.status == "accepted":
        raise Conflict("The creator has already accepted the agreement.", code="agreement_already_accepted")
    workspace = s.get(Workspace, deal.workspace_id)
    campaign = s.get(Campaign, deal.campaign_id)
    influencer = s.get(Influencer, deal.influencer_id)
    assert workspace is not None and campaign is not None and influencer is not None
    payee = s.execute(select(Payee).where(Payee.influencer_id == deal.influencer_id)).scalar_one_or_none()
    for old in s.execute(
        select(DealAgreement).where(DealAgreement.deal_id == deal.id, DealAgreement.status == "issued")
    ).scalars():
        old.status = "void"
    version = (
        s.execute(
            select(func.coalesce(func.max(DealAgreement.version), 0)).where(DealAgreement.deal_id == deal.id)
        ).scalar_one()
        + 1
    )
    terms = Terms.model_validate(offer.terms)
    context = build_context(
        workspace=workspace,
        campaign=campaign,
        influencer=influencer,
        payee=payee,
        offer=offer,
        terms=terms,
        language=lang,
        agreement_version=version,
    )
    body = render_body(template_source(workspace, lang), context)
    row = DealAgreement(
        workspace_id=deal.workspace_id,
        deal_id=deal.id,
        offer_id=offer.id,
        version=version,
        language=lang,
        body=body,
        sha256=sha256_of(body),
        status="issued",
    )
    s.add(row)
    s.flush()
    actor.audit("agreement.issued", row, {"deal_id": deal.id, "sha256": row.sha256, "language": lang})
    return row


def current_agreement(session: Session, deal: Deal) -> DealAgreement | None:
    """The accepted agreement if there is one, else the latest issued one."""
    rows = list(
        session.execute(
            select(DealAgreement)
            .where(DealAgreement.deal_id == deal.id, DealAgreement.status != "void")
            .order_by(DealAgreement.version.desc())
        ).scalars()
    )
    for row in rows:
        if row.status == "accepted":
            return row
    return rows[0] if rows else None


def accept(actor: Actor, agreement: DealAgreement, *, name: str, sha256: str) -> DealAgreement:
    """The creator accepts the exact text they were shown (``sha256`` must match): name, time and IP recorded."""
    name = name.strip()
    if not name:
        raise ValidationFailed("Type your name to accept the agreement.", code="acceptance_name_required")
    if agreement.status == "accepted":
        raise Conflict("This agreement has already been accepted.", code="agreement_already_accepted")
    if agreement.status != "issued":
        raise Conflict("This agreement was replaced by a newer version.", code="agreement_outdated")
    if sha256 != agreement.sha256 or sha256_of(agreement.body) != agreement.sha256:
        raise Conflict(
            "The agreement changed since you opened it. Reload and read it again.", code="agreement_changed"
        )
    agreement.status = "accepted"
    agreement.accepted_at = utcnow()
    agreement.accepted_name = name[:200]
    agreement.accepted_ip = actor.ip
    actor.audit(
        "agreement.accepted",
        agreement,
        {"name": name, "ip": actor.ip, "sha256": agreement.sha256, "at": agreement.accepted_at.isoformat()},
    )
    return agreement


@event.listens_for(Session, "before_flush")
def _freeze_accepted_agreements(session: Session, _ctx: Any, _instances: Any) -> None:
    """An accepted agreement is immutable: no column may change and the row may not be deleted."""
    for obj in list(session.dirty) + list(session.deleted):
        if not isinstance(obj, DealAgreement):
            continue
        state = inspect(obj)
        history = state.attrs.status.history
        was = history.deleted[0] if history.deleted else obj.status
        if was != "accepted":
            continue
        if obj in session.deleted:
            raise Conflict("An accepted agreement cannot be deleted.", code="agreement_immutable")
        changed = [a.key for a in state.attrs if a.history.has_changes()]
        if changed:
            raise Conflict(
                "An accepted agreement cannot be changed.",
                code="agreement_immutable",
                details={"fields": changed},
            )
