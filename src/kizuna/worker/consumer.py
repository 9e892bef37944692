"""Running the consumer: embedded in ``kizuna serve`` (threads) or standalone with ``kizuna worker``."""

from __future__ import annotations

import logging

from huey.consumer import Consumer

from kizuna.worker.queue import huey, load_all_tasks

log = logging.getLogger(__name__)


class EmbeddedConsumer(Consumer):  # type: ignore[misc]
    """A consumer living inside the web server: uvicorn owns the process signals, the app lifespan stops us."""

    def _set_signal_handlers(self) -> None:
        return None


def make_consumer(workers: int = 2, *, periodic: bool = True, embedded: bool = False) -> Consumer:
    load_all_tasks()
    cls = EmbeddedConsumer if embedded else Consumer
    return cls(huey, workers=workers, worker_type="thread", periodic=periodic, check_worker_health=True)


def start_embedded(workers: int = 2) -> Consumer:
    """Start worker threads inside the web process; stopped gracefully at shutdown."""
    consumer = make_consumer(workers, embedded=True)
    consumer.start()
    log.info("embedded job consumer started with %s workers", workers)
    return consumer


def run_forever(workers: int = 2) -> None:
    """Block running the consumer, with huey's signal handling (SIGTERM/SIGINT stop it cleanly)."""
    make_consumer(workers).run()
