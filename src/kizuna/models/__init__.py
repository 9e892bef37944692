"""Every ORM table, one module per table. Importing this package registers them all.

Modules are discovered automatically so that each domain can add its tables without editing this file.
"""

from __future__ import annotations

import importlib
import pkgutil

from kizuna.models.base import Base, Timestamped, UTCDateTime, WorkspaceOwned, utcnow

for _mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _mod.name != "base":
        importlib.import_module(f"{__name__}.{_mod.name}")

__all__ = ["Base", "Timestamped", "UTCDateTime", "WorkspaceOwned", "utcnow"]
