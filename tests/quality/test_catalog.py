"""Every English string a person reads on the quality, overlap, brand-safety and connector pages has Japanese."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kizuna.audience import pages as quality_pages
from kizuna.audience.quality import CommentPoint, PostPoint, QualityInputs, SampleSummary, compute
from kizuna.connectors import pages as connector_pages
from kizuna.web.i18n import catalog

SRC = Path(__file__).resolve().parents[2] / "src" / "kizuna"
TEMPLATE_DIRS = ("quality", "safety", "connectors")
CALL = re.compile(r'_\("((?:[^"\\]|\\.)*)"\)')


def _strings() -> set[str]:
    found: set[str] = set()
    for folder in TEMPLATE_DIRS:
        for path in (SRC / "web" / "templates" / folder).glob("*.html"):
            found |= {m.replace('\\"', '"') for m in CALL.findall(path.read_text(encoding="utf-8"))}
    for module in ("audience/pages.py", "safety/pages.py", "connectors/pages.py"):
        found |= set(CALL.findall((SRC / module).read_text(encoding="utf-8")))
    found |= set(quality_pages.FACTOR_LABELS.values()) | set(quality_pages.DATA_LABELS.values())
    found |= set(quality_pages.CONFIDENCE_LABELS.values())
    found |= set(connector_pages.FIELD_LABELS.values()) | set(connector_pages.ERROR_LABELS.values())
    found |= {f.note for f in compute(QualityInputs("instagram", None)).factors}
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    rich = QualityInputs(
        "instagram",
        20_000,
        0.03,
        "follower:median_last_12_posts",
        SampleSummary(100, 10),
        [(t0 + timedelta(weeks=i), 20_000 + i) for i in range(5)],
        [PostPoint(t0, 100, 5)],
        [CommentPoint(f"p{i}", "a", t0, "generic") for i in range(4)],
    )
    notes = {f.note for f in compute(rich).factors}
    assert len(notes) == 6
    found |= notes
    found |= {"genuine", "generic", "emoji_only", "promo"}
    return found


def test_every_page_string_has_a_japanese_translation() -> None:
    ja = catalog("ja")
    missing = sorted(s for s in _strings() if not ja.get(s))
    assert not missing, missing


def test_service_errors_shown_on_pages_are_translated() -> None:
    ja = catalog("ja")
    messages: set[str] = set()
    for module in ("audience/quality_service.py", "safety/service.py", "connectors/service.py"):
        text = (SRC / module).read_text(encoding="utf-8")
        messages |= set(re.findall(r'(?:ValidationFailed|NotFound|PayloadTooLarge)\(\s*"([^"]+)"', text))
    assert messages and not sorted(m for m in messages if not ja.get(m))
