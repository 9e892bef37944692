"""Discovery of the domain packages' modules by name (``kizuna.<domain>.cli``, ``.tasks``, ``.pages``...).

Kept apart from :mod:`kizuna.app` so that the command line and the job worker find their modules without
importing the web application.
"""

from __future__ import annotations

import pkgutil
from pathlib import Path

import kizuna


def domain_modules(name: str) -> list[str]:
    """``kizuna.<domain>.<name>`` for every domain package that has such a module, in a stable order.

    The packages' directories are listed, not imported: importing a package to ask for its submodule would run
    its ``__init__`` (the migrations package imports Alembic, about 0.1 s, for every command)."""
    found = []
    for root in kizuna.__path__:
        for mod in sorted(pkgutil.iter_modules([root]), key=lambda m: m.name):
            if not mod.ispkg:
                continue
            children = {m.name for m in pkgutil.iter_modules([str(Path(root) / mod.name)])}
            if name in children:
                found.append(f"kizuna.{mod.name}.{name}")
    return found
