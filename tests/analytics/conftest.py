"""Tracking tests' isolation (no background flusher, fresh click buffer and link cache) applies here too."""

from __future__ import annotations

from tests.tracking.conftest import _explicit_flush

__all__ = ["_explicit_flush"]
