"""Queue-level tasks. ``worker.ping`` lets an operator (or a test) prove a consumer is processing jobs."""

from __future__ import annotations

import os
import socket

from kizuna.kit.time import utcnow
from kizuna.worker.queue import huey


@huey.task(name="worker.ping")
def ping(label: str = "") -> dict[str, object]:
    return {"label": label, "pid": os.getpid(), "host": socket.gethostname(), "at": utcnow().isoformat()}
