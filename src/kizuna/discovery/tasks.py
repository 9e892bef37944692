"""Background embedding of influencer profiles, incremental.

A profile is (re)considered when it has no embedding, its row changed after its embedding was checked, or it has
posts newer than that. Its text is rebuilt and hashed; only when the hash differs is the model run again
(embedding is the expensive step: tens of profiles per second per core). Each job embeds one batch in one
transaction and enqueues the next batch after it commits, so a large import is indexed in the background without
one giant transaction, and a crash loses at most one batch.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from huey import crontab
from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna.db import unit_of_work
from kizuna.discovery import repository as repo
from kizuna.discovery.embeddings import Embedder, content_hash, default_embedder, profile_text, to_bytes
from kizuna.kit.time import utcnow
from kizuna.models.influencer_embedding import InfluencerEmbedding
from kizuna.models.workspace import Workspace
from kizuna.tenancy import bind_workspace
from kizuna.worker.queue import huey

log = logging.getLogger(__name__)
BATCH = 128


@dataclass
class EmbedStats:
    checked: int = 0
    embedded: int = 0
    unchanged: int = 0
    more: bool = False

    def add(self, other: EmbedStats) -> None:
        self.checked += other.checked
        self.embedded += other.embedded
        self.unchanged += other.unchanged
        self.more = other.more


def embed_batch(
    session: Session, ws_id: int, *, embedder: Embedder | None = None, limit: int = BATCH
) -> EmbedStats:
    """Bring up to ``limit`` stale profiles of a workspace up to date. Flushes; the caller commits."""
    model = embedder or default_embedder()
    ids = repo.stale_influencer_ids(session, ws_id, limit + 1)
    more = len(ids) > limit
    ids = ids[:limit]
    stats = EmbedStats(checked=len(ids), more=more)
    if not ids:
        return stats
    sources = repo.profile_sources(session, ws_id, ids)
    existing = repo.embedding_rows(session, ids)
    now = utcnow()
    todo: list[tuple[int, str, str]] = []
    unchanged: list[int] = []
    for inf_id in ids:
        src = sources.get(inf_id)
        if src is None:
            continue
        text = profile_text(**src)
        digest = content_hash(text, model.name)
        row = existing.get(inf_id)
        if row is not None and row.content_hash == digest and row.model == model.name:
            unchanged.append(inf_id)
        else:
            todo.append((inf_id, text, digest))
    if todo:
        vectors = model.passages([t for _, t, _ in todo])
        for (inf_id, _text, digest), vec in zip(todo, vectors, strict=True):
            row = existing.get(inf_id)
            if row is None:
                session.add(
                    InfluencerEmbedding(
                        workspace_id=ws_id,
                        influencer_id=inf_id,
                        model=model.name,
                        dim=model.dim,
                        content_hash=digest,
                        vector=to_bytes(vec),
                        embedded_at=now,
                    )
                )
            else:
                row.model = model.name
                row.dim = model.dim
                row.content_hash = digest
                row.vector = to_bytes(vec)
                row.embedded_at = now
    repo.touch_embeddings(session, unchanged, now)
    session.flush()
    stats.embedded = len(todo)
    stats.unchanged = len(unchanged)
    return stats


def embed_workspace(
    ws_id: int, *, embedder: Embedder | None = None, limit: int = BATCH, max_batches: int | None = None
) -> EmbedStats:
    """Run batches (one transaction each) until the workspace is up to date or ``max_batches`` ran."""
    total = EmbedStats()
    done = 0
    while max_batches is None or done < max_batches:
        with unit_of_work() as uow:
            bind_workspace(uow.session, ws_id)
            stats = embed_batch(uow.session, ws_id, embedder=embedder, limit=limit)
        total.add(stats)
        done += 1
        if not stats.more:
            break
    return total


@huey.task(name="discovery.embed_batch")
def embed_batch_task(ws_id: int) -> dict[str, int | bool]:
    """One batch, then the next one is queued: long indexing never holds one long transaction."""
    with unit_of_work() as uow:
        bind_workspace(uow.session, ws_id)
        stats = embed_batch(uow.session, ws_id)
    if stats.more:
        embed_batch_task(ws_id)
    return {
        "checked": stats.checked,
        "embedded": stats.embedded,
        "unchanged": stats.unchanged,
        "more": stats.more,
    }


@huey.periodic_task(crontab(minute="*/10"), name="discovery.embed_all")
def embed_all_task() -> int:
    """Safety net for changes made outside the ORM (bulk imports): every 10 minutes, queue stale workspaces."""
    queued = 0
    with unit_of_work() as uow:
        ws_ids = [int(i) for i in uow.session.execute(select(Workspace.id)).scalars()]
        for ws_id in ws_ids:
            if repo.stale_influencer_ids(uow.session, ws_id, 1):
                embed_batch_task(ws_id)
                queued += 1
    return queued


_last_queued: dict[int, float] = {}
_queue_lock = threading.Lock()


def schedule(ws_id: int, *, min_interval: float = 5.0) -> bool:
    """Queue embedding for a workspace (at most once per ``min_interval`` seconds per process)."""
    now = time.monotonic()
    with _queue_lock:
        if now - _last_queued.get(ws_id, -1e9) < min_interval:
            return False
        _last_queued[ws_id] = now
    try:
        embed_batch_task(ws_id)
    except Exception:  # the queue being down must never fail the write that triggered this
        log.exception("could not queue discovery.embed_batch for workspace %s", ws_id)
        return False
    return True
