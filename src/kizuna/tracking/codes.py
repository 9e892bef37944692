"""Promo codes: one readable code per influencer, batches of single-use codes, and imported existing codes.

Readable codes come from the creator's handle (``AYAKA10``) because people type what they heard in a video;
single-use codes use an alphabet without look-alikes (no 0/O, 1/I/L) so they survive being read aloud, and stop
leakage to coupon sites. Codes are unique per workspace case-insensitively (``code_key``), as shops compare
them without case.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
import unicodedata

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kizuna.errors import ValidationFailed
from kizuna.models.campaign import Campaign
from kizuna.models.influencer import Influencer
from kizuna.models.promo_code import PromoCode
from kizuna.models.social_account import SocialAccount

READABLE = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{3,64}$")
MAX_BATCH = 10_000


def code_key(code: str) -> str:
    return unicodedata.normalize("NFKC", code).strip().upper()


def _taken(session: Session, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(keys), 900):
        found.update(
            session.execute(
                select(PromoCode.code_key).where(PromoCode.code_key.in_(keys[i : i + 900]))
            ).scalars()
        )
    return found


def _stem(session: Session, influencer: Influencer) -> str:
    handle = session.execute(
        select(SocialAccount.handle)
        .where(SocialAccount.influencer_id == influencer.id)
        .order_by(SocialAccount.followers.desc().nulls_last())
        .limit(1)
    ).scalar_one_or_none()
    for source in (handle or "", influencer.display_name):
        ascii_only = unicodedata.normalize("NFKD", source).encode("ascii", "ignore").decode("ascii")
        letters = re.sub(r"[^A-Za-z0-9]", "", ascii_only).upper()
        if len(letters) >= 3:
            return letters[:10]
    return "KZ" + "".join(secrets.choice(READABLE) for _ in range(4))


def influencer_code(
    session: Session, *, campaign: Campaign, influencer: Influencer, suffix: str = ""
) -> PromoCode:
    """The influencer's readable code for this campaign (``STEM`` + ``suffix``, e.g. ``AYAKA10``), made unique."""
    existing = session.execute(
        select(PromoCode).where(
            PromoCode.campaign_id == campaign.id,
            PromoCode.influencer_id == influencer.id,
            PromoCode.kind == "influencer",
        )
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    clean_suffix = re.sub(r"[^A-Za-z0-9]", "", suffix).upper()[:6]
    base = _stem(session, influencer) + clean_suffix
    candidates = [base] + [f"{base}{n}" for n in range(2, 50)]
    taken = _taken(session, candidates)
    chosen = next((c for c in candidates if c not in taken), None)
    while chosen is None or chosen in _taken(session, [chosen]):
        chosen = base + "".join(secrets.choice(READABLE) for _ in range(3))
    row = PromoCode(
        campaign_id=campaign.id,
        influencer_id=influencer.id,
        code=chosen,
        code_key=code_key(chosen),
        kind="influencer",
        single_use=False,
    )
    session.add(row)
    session.flush()
    return row


def single_use_batch(
    session: Session,
    *,
    campaign: Campaign,
    count: int,
    influencer: Influencer | None = None,
    prefix: str = "",
    length: int = 8,
    batch: str = "",
) -> list[PromoCode]:
    """``count`` single-use codes ``PREFIX-XXXXXXXX`` (31^8 space), none equal to an existing code."""
    if not 1 <= count <= MAX_BATCH:
        raise ValidationFailed(f"A batch holds 1 to {MAX_BATCH} codes.", code="promo_batch_size")
    clean_prefix = re.sub(r"[^A-Za-z0-9]", "", prefix).upper()[:10]
    length = max(6, min(length, 16))
    label = batch.strip()[:100] or f"batch-{secrets.token_hex(3)}"
    made: dict[str, str] = {}
    while len(made) < count:
        need = count - len(made)
        fresh: dict[str, str] = {}
        for _ in range(need):
            body = "".join(secrets.choice(READABLE) for _ in range(length))
            code = f"{clean_prefix}-{body}" if clean_prefix else body
            fresh[code_key(code)] = code
        taken = _taken(session, list(fresh))
        for key, code in fresh.items():
            if key not in taken and key not in made:
                made[key] = code
    rows = [
        PromoCode(
            campaign_id=campaign.id,
            influencer_id=influencer.id if influencer else None,
            code=code,
            code_key=key,
            kind="single_use",
            single_use=True,
            batch=label,
        )
        for key, code in list(made.items())[:count]
    ]
    session.add_all(rows)
    session.flush()
    return rows


def import_codes(
    session: Session, *, campaign: Campaign, text: str, influencers_by_handle: dict[str, Influencer]
) -> tuple[int, list[str]]:
    """Import existing codes, one per line: ``CODE[,handle or influencer id][,single_use]``.

    Returns (created, problems). A code already in the workspace is reported, never re-assigned.
    """
    created = 0
    problems: list[str] = []
    rows = list(csv.reader(io.StringIO(text)))
    wanted = [code_key(r[0]) for r in rows if r and r[0].strip()]
    taken = _taken(session, wanted)
    seen: set[str] = set()
    for lineno, row in enumerate(rows, start=1):
        if not row or not row[0].strip() or row[0].strip().lower() == "code":
            continue
        code = row[0].strip()
        key = code_key(code)
        if not _CODE_RE.match(code):
            problems.append(f"line {lineno}: invalid code {code!r}")
            continue
        if key in taken or key in seen:
            problems.append(f"line {lineno}: {code} already exists")
            continue
        influencer = None
        if len(row) > 1 and row[1].strip():
            ref = row[1].strip().lstrip("@").lower()
            influencer = influencers_by_handle.get(ref)
            if influencer is None:
                problems.append(f"line {lineno}: unknown influencer {row[1].strip()!r}")
                continue
        single = len(row) > 2 and row[2].strip().lower() in ("1", "true", "yes", "single_use")
        session.add(
            PromoCode(
                campaign_id=campaign.id,
                influencer_id=influencer.id if influencer else None,
                code=code,
                code_key=key,
                kind="imported",
                single_use=single,
            )
        )
        seen.add(key)
        created += 1
    session.flush()
    return created, problems


def count_codes(session: Session, campaign_id: int) -> int:
    return int(
        session.execute(
            select(func.count(PromoCode.id)).where(PromoCode.campaign_id == campaign_id)
        ).scalar_one()
    )
