"""Background imports: a large file runs as a job, committing after each batch so its progress is visible.

The job commits batch by batch (each batch all-or-nothing) rather than holding one transaction for the whole
file: SQLite has a single writer, so a progress row written from another connection would wait for the whole
import. If the job dies half-way, the committed batches stay and re-running the same file is idempotent (upsert on
platform + handle), which the job page says (docs/adr/0100-import-pipeline.md).
"""

from __future__ import annotations

import logging
from typing import Any

from kizuna.db import unit_of_work
from kizuna.errors import KizunaError
from kizuna.influencers import importer, service
from kizuna.influencers.tiers import scheme_of
from kizuna.kit.time import utcnow
from kizuna.models.import_job import ImportJob
from kizuna.models.workspace import Workspace
from kizuna.tenancy import bind_workspace
from kizuna.worker.queue import huey

log = logging.getLogger(__name__)


def run_import_job_now(job_id: int, workspace_id: int) -> dict[str, Any]:
    """Run one queued import job to the end; returns its counts."""
    with unit_of_work() as uow:
        s = uow.session
        bind_workspace(s, workspace_id)
        found = s.get(ImportJob, job_id)
        ws = s.get(Workspace, workspace_id)
        if found is None or ws is None or found.workspace_id != workspace_id:
            return {"error": "not_found"}
        job: ImportJob = found
        dry_run = job.dry_run
        job.status = "running"
        s.commit()
        try:
            source = importer.open_source(
                service.job_path(job),
                file_format=job.file_format,
                mapping=service.job_mapping(job) if job.file_format in ("csv", "xlsx", "json") else None,
                platform=job.platform,
                filename=job.filename,
            )
            scheme, custom = scheme_of(ws)

            def on_batch(result: importer.ImportResult) -> None:
                service.record_result(job, result, dry_run=dry_run, done=False)
                s.commit()

            result = importer.run_import(
                s,
                source,
                workspace_id=workspace_id,
                scheme=scheme,
                custom=custom,
                dry_run=dry_run,
                source_name=f"import:{job.filename[:30]}",
                on_batch=on_batch,
            )
            service.record_result(job, result, dry_run=dry_run)
            if not dry_run:
                from kizuna.accounts.audit import record

                record(
                    s,
                    action="influencer.import",
                    workspace_id=workspace_id,
                    actor=None,
                    object_type="influencers",
                    actor_label="import job",
                    data={
                        "file": job.filename,
                        "rows": result.rows,
                        "imported": result.imported,
                        "updated": result.updated,
                        "rejected": result.rejected,
                    },
                )
        except KizunaError as exc:
            s.rollback()
            job = s.get(ImportJob, job_id) or job
            job.status = "failed"
            job.message = exc.message
            job.finished_at = utcnow()
        except Exception as exc:  # the job must end in a visible state whatever happened
            log.exception("import job %s failed", job_id)
            s.rollback()
            job = s.get(ImportJob, job_id) or job
            job.status = "failed"
            job.message = (
                f"Unexpected error: {type(exc).__name__}. Rows committed so far stay; re-running is safe."
            )
            job.finished_at = utcnow()
        return {
            "status": job.status,
            "rows": job.processed_rows,
            "imported": job.imported,
            "updated": job.updated,
            "rejected": job.rejected,
        }


@huey.task(name="influencers.run_import")
def run_import_job(job_id: int, workspace_id: int) -> dict[str, Any]:
    return run_import_job_now(job_id, workspace_id)
