"""Synthetic influencers for the demo, the tests and the benchmarks (issue 2, item 10).

``generate(seed, count)`` streams :class:`SyntheticInfluencer` records (deterministic per seed and index);
``write_to_db`` bulk-inserts them into the registry tables of a workspace; ``write_csv`` writes the flat
"export from another tool" file used by the import benchmark.
"""

from __future__ import annotations

from kizuna.synthetic.generator import (
    ENGAGEMENT_DEFINITION,
    REFERENCE_TIME,
    TIER_WEIGHTS,
    generate,
    median_engagement,
)
from kizuna.synthetic.model import (
    GroundTruth,
    SyntheticAccount,
    SyntheticAudience,
    SyntheticInfluencer,
    SyntheticManager,
    SyntheticPost,
    SyntheticSnapshot,
)
from kizuna.synthetic.writers import CSV_HEADERS, WriteCounts, write_csv, write_to_db

__all__ = [
    "CSV_HEADERS",
    "ENGAGEMENT_DEFINITION",
    "REFERENCE_TIME",
    "TIER_WEIGHTS",
    "GroundTruth",
    "SyntheticAccount",
    "SyntheticAudience",
    "SyntheticInfluencer",
    "SyntheticManager",
    "SyntheticPost",
    "SyntheticSnapshot",
    "WriteCounts",
    "generate",
    "median_engagement",
    "write_csv",
    "write_to_db",
]
