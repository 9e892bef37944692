"""Run every benchmark in bench/ and rebuild docs/benchmarks.md from the section files they write.

Each ``bench_*.py`` writes its own ``docs/benchmarks/<topic>.md`` with every number next to a floor or peer
measured in the same run. ``python bench/run_all.py --only foundation,registry`` runs a subset;
``--index-only`` just rebuilds the index from the existing section files.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ROOT / "docs" / "benchmarks"
INDEX = ROOT / "docs" / "benchmarks.md"

HEADER = """# Benchmarks

Measured on the project's own 2-core machine (shared and noisy). Every number stands next to a floor or a peer
measured in the same run, because a lone absolute time means little there. Run them with `make bench`
(all) or `.venv/bin/python bench/run_all.py --only NAME`. Each section below is written by its script.

"""


#: Scripts that take subcommands: the steps ``make bench`` runs (a quick pass at 100,000 creators; the reported
#: 1M numbers come from the commands in the section file).
STEPS: dict[str, list[list[str]]] = {
    "search": [
        ["build", "--count", "100000", "--db", "/tmp/kizuna-bench/search-100k.db"],
        ["run", "--db", "/tmp/kizuna-bench/search-100k.db", "--repeats", "10", "--embed-count", "16"],
    ],
}


def rebuild_index() -> None:
    parts = [HEADER]
    for section in sorted(SECTIONS.glob("*.md")):
        parts.append(f"\n---\n\n<!-- from docs/benchmarks/{section.name} -->\n")
        parts.append(section.read_text(encoding="utf-8"))
    INDEX.write_text("".join(parts), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", default="", help="comma-separated names (bench_<name>.py)")
    parser.add_argument("--index-only", action="store_true")
    args = parser.parse_args()
    if not args.index_only:
        wanted = {n.strip() for n in args.only.split(",") if n.strip()}
        scripts = sorted(Path(__file__).parent.glob("bench_*.py"))
        failed = []
        for script in scripts:
            name = script.stem.removeprefix("bench_")
            if wanted and name not in wanted:
                continue
            print(f"== {script.name}", flush=True)
            started = time.monotonic()
            rc = 0
            for step in STEPS.get(name, [[]]):
                rc = subprocess.call([sys.executable, str(script), *step], cwd=ROOT)
                if rc != 0:
                    break
            print(f"== {script.name}: exit {rc} in {time.monotonic() - started:.0f}s", flush=True)
            if rc != 0:
                failed.append(script.name)
        if failed:
            print("failed:", ", ".join(failed))
    rebuild_index()
    print(f"wrote {INDEX.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
