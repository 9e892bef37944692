"""Any text, however odd, gives a verdict, and every position points into the text as written."""

from __future__ import annotations

import random

import pytest

from kizuna.compliance.engine import check
from kizuna.compliance.packs import DEFAULT_REGISTRY

ALPHABET = list(
    "aAdDpPrR #＃@_-:|/.!?、。「」【】[]()（）\n\r\t 　ＰＲａｄ広告宣伝提供タイアップﾌﾟﾛﾓｰｼｮﾝ"
    "\u200b\u200d\ufeff\u0301\u3099é👍🏽🇯🇵✨㍿ि्विज्ञापन"
)
PIECES = [
    "#ad",
    "#PR",
    "【PR】",
    "Ad:",
    "not sponsored",
    "PRではありません",
    "#sp",
    "から商品提供を受けて",
    "\n",
]


def _random_text(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(0, 40)):
        parts.append(rng.choice(PIECES) if rng.random() < 0.2 else rng.choice(ALPHABET))
    return "".join(parts)


@pytest.mark.parametrize("seed", range(40))
def test_random_text_never_breaks_the_engine(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(25):
        text = _random_text(rng)
        jurisdiction = rng.choice(DEFAULT_REGISTRY.jurisdictions)
        platform = rng.choice([None, "instagram", "tiktok", "x", "website"])
        result = check(
            text, jurisdiction=jurisdiction, platform=platform, context=rng.choice(["draft", "brand_reuse"])
        )
        assert result.verdict in ("compliant", "needs_review", "non_compliant")
        assert (result.verdict == "compliant") == (not result.findings)
        for f in result.findings:
            assert f.position is None or 0 <= f.position <= len(text)
            assert f.message.en and f.message.ja and f.fix.en and f.fix.ja
        for d in result.detections:
            assert 0 <= d.position < d.position_end <= len(text)
            assert d.text == text[d.position : d.position_end]
