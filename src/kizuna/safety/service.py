"""Brand-safety categories of a workspace and scans of influencers' bios and captions.

A workspace that never edited its categories uses :data:`~kizuna.safety.defaults.DEFAULT_CATEGORIES` without
storing them; the first edit stores the whole default set, so later edits of the defaults change nothing for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna.errors import NotFound, ValidationFailed
from kizuna.models.brand_safety_category import BrandSafetyCategory
from kizuna.models.influencer import Influencer
from kizuna.models.post import Post
from kizuna.models.social_account import SocialAccount
from kizuna.safety.defaults import DEFAULT_CATEGORIES
from kizuna.safety.scanner import Hit, Rule, Scanner
from kizuna.tenancy import Ctx

KEY_RE = re.compile(r"^[a-z0-9_]{1,40}$")
MAX_TERMS = 500
MAX_TERM_LEN = 80
#: Captions scanned per influencer (newest first).
POST_LIMIT = 200


@dataclass(frozen=True, slots=True)
class CategoryView:
    key: str
    name: str
    name_ja: str
    terms: tuple[str, ...]
    exceptions: tuple[str, ...]
    enabled: bool
    stored: bool

    def label(self, locale: str) -> str:
        return self.name_ja if locale == "ja" and self.name_ja else self.name

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "name_ja": self.name_ja,
            "terms": list(self.terms),
            "exceptions": list(self.exceptions),
            "enabled": self.enabled,
        }


def _rows(session: Session) -> list[BrandSafetyCategory]:
    return list(session.execute(select(BrandSafetyCategory).order_by(BrandSafetyCategory.id)).scalars())


def categories(session: Session) -> list[CategoryView]:
    """The workspace's categories (the defaults when it never edited them)."""
    rows = _rows(session)
    if rows:
        return [
            CategoryView(r.key, r.name, r.name_ja, tuple(r.terms), tuple(r.exceptions), r.enabled, True)
            for r in rows
        ]
    return [
        CategoryView(d.key, d.name, d.name_ja, d.terms, d.exceptions, True, False) for d in DEFAULT_CATEGORIES
    ]


def _materialise(ctx: Ctx) -> dict[str, BrandSafetyCategory]:
    rows = _rows(ctx.session)
    if not rows:
        for d in DEFAULT_CATEGORIES:
            row = BrandSafetyCategory(
                workspace_id=ctx.workspace_id,
                key=d.key,
                name=d.name,
                name_ja=d.name_ja,
                terms=list(d.terms),
                exceptions=list(d.exceptions),
                enabled=True,
            )
            ctx.session.add(row)
            rows.append(row)
        ctx.session.flush()
    return {r.key: r for r in rows}


def clean_terms(values: list[str] | str) -> list[str]:
    """One term per line or list item; trimmed, de-duplicated (case-insensitively), length-checked."""
    items = values.splitlines() if isinstance(values, str) else values
    out: list[str] = []
    seen: set[str] = set()
    for raw in items:
        term = " ".join(str(raw).split())
        if not term:
            continue
        if len(term) > MAX_TERM_LEN:
            raise ValidationFailed(
                "A term is too long.",
                code="safety_term_too_long",
                details={"term": term[:40], "max": MAX_TERM_LEN},
            )
        if term.casefold() in seen:
            continue
        seen.add(term.casefold())
        out.append(term)
    if len(out) > MAX_TERMS:
        raise ValidationFailed("Too many terms in one category.", code="safety_too_many_terms")
    return out


def save_category(
    ctx: Ctx,
    *,
    key: str,
    name: str,
    name_ja: str = "",
    terms: list[str] | str,
    exceptions: list[str] | str = "",
    enabled: bool = True,
) -> CategoryView:
    """Create or replace a category (admins and members; viewers are refused by the route)."""
    ctx.require("member")
    key = key.strip().lower()
    if not KEY_RE.match(key):
        raise ValidationFailed(
            "A category key is 1-40 lowercase letters, digits or underscores.", code="safety_bad_key"
        )
    if not name.strip():
        raise ValidationFailed("A category needs a name.", code="safety_name_required")
    rows = _materialise(ctx)
    row = rows.get(key)
    if row is None:
        row = BrandSafetyCategory(workspace_id=ctx.workspace_id, key=key)
        ctx.session.add(row)
    row.name = name.strip()[:120]
    row.name_ja = name_ja.strip()[:120]
    row.terms = clean_terms(terms)
    row.exceptions = clean_terms(exceptions)
    row.enabled = enabled
    ctx.session.flush()
    ctx.audit("brand_safety.category_saved", row, {"key": key, "terms": len(row.terms), "enabled": enabled})
    return CategoryView(
        row.key, row.name, row.name_ja, tuple(row.terms), tuple(row.exceptions), row.enabled, True
    )


def delete_category(ctx: Ctx, key: str) -> None:
    ctx.require("member")
    rows = _materialise(ctx)
    row = rows.get(key)
    if row is None:
        raise NotFound("No such category.", code="safety_category_not_found")
    ctx.audit("brand_safety.category_deleted", row, {"key": key})
    ctx.session.delete(row)
    ctx.session.flush()


def rules_of(views: list[CategoryView]) -> list[Rule]:
    return [Rule(v.key, v.terms, v.exceptions) for v in views if v.enabled and v.terms]


@dataclass
class SourceHits:
    """The hits in one text: the bio, or one post's caption."""

    kind: str
    hits: list[Hit]
    post_id: int | None = None
    url: str | None = None
    published_at: datetime | None = None
    platform: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "post_id": self.post_id,
            "url": self.url,
            "platform": self.platform,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "hits": [h.to_dict() for h in self.hits],
        }


@dataclass
class SafetyReport:
    influencer_id: int
    texts_scanned: int
    sources: list[SourceHits] = field(default_factory=list)

    @property
    def by_category(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for s in self.sources:
            for h in s.hits:
                out[h.category] = out.get(h.category, 0) + 1
        return dict(sorted(out.items()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "influencer_id": self.influencer_id,
            "texts_scanned": self.texts_scanned,
            "by_category": self.by_category,
            "sources": [s.to_dict() for s in self.sources],
        }


def scan_influencer(
    session: Session, influencer: Influencer, *, post_limit: int = POST_LIMIT
) -> SafetyReport:
    """Scan the bio and the newest captions of all the influencer's accounts with the workspace's categories."""
    scanner = Scanner(rules_of(categories(session)))
    report = SafetyReport(influencer.id, 0)
    if influencer.bio:
        report.texts_scanned += 1
        hits = scanner.scan(influencer.bio)
        if hits:
            report.sources.append(SourceHits("bio", hits))
    rows = session.execute(
        select(Post.id, Post.caption, Post.url, Post.published_at, SocialAccount.platform)
        .join(SocialAccount, SocialAccount.id == Post.social_account_id)
        .where(SocialAccount.influencer_id == influencer.id)
        .order_by(Post.published_at.desc())
        .limit(post_limit)
    ).all()
    for post_id, caption, url, published, platform in rows:
        if not caption:
            continue
        report.texts_scanned += 1
        hits = scanner.scan(caption)
        if hits:
            report.sources.append(SourceHits("caption", hits, post_id, url, published, platform))
    return report
