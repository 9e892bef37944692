"""Periodic ingestion of buffered clicks by the worker.

Web processes flush their buffer every second themselves; this job is the safety net for clicks left behind by
a web process that stopped (the buffer file outlives it) and for deployments that run the redirect with
``KIZUNA_CLICK_FLUSH_SECONDS=0``. It runs on the worker's host, so it only sees that host's buffer: run the
worker where the web processes run (the default single-host setup).
"""

from __future__ import annotations

from huey import crontab

from kizuna.tracking.buffer import flush
from kizuna.worker.queue import huey


@huey.periodic_task(crontab(minute="*"), name="tracking.flush_clicks")
def flush_clicks_task() -> int:
    return flush()
