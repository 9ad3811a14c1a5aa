"""Background work of the enterprise register."""

import contextlib
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement import jobs
from enforcement.documents.limits import memory_ceiling
from enforcement.enterprises import export_jobs, import_claims, importing
from enforcement.enterprises.models import ExportJob, ImportBatch

logger = logging.getLogger(__name__)
SWEEP_BATCH = import_claims.SWEEP_BATCH


@shared_task(
    name="enterprises.parse_import",
    acks_late=True,
    soft_time_limit=settings.ENTERPRISE_IMPORT_PARSE_TIME_LIMIT - 30,
    time_limit=settings.ENTERPRISE_IMPORT_PARSE_TIME_LIMIT,
)
def parse_enterprise_import(batch_id):
    """Parse an uploaded workbook into its preview, never inside the web request. Takes the pk; idempotent.

    Claimed first (import_claims); in a worker child it runs under a memory ceiling, so a workbook that
    got past the zip checks and still grows fails with a message instead of taking the host down.
    """
    if not import_claims.claim_parse(batch_id):
        logger.info("import batch %s has nothing to parse or is claimed; skipping", batch_id)
        return None
    batch = ImportBatch.objects.select_related("owner").get(pk=batch_id)
    in_worker = not parse_enterprise_import.request.is_eager
    ceiling = memory_ceiling(settings.ENTERPRISE_IMPORT_PARSE_MEMORY_MB) if in_worker else contextlib.nullcontext()
    try:
        with ceiling:
            batch = importing.parse_batch(batch)
    except MemoryError:
        import_claims.fail(batch_id, _parse_memory_message(), ImportBatch.Status.PARSING, ImportBatch.Status.REJECTED)
        return ImportBatch.Status.REJECTED
    except Exception:  # includes SoftTimeLimitExceeded
        logger.exception("parsing import batch %s failed", batch_id)
        import_claims.fail(
            batch_id,
            _("解析工作簿时发生错误或超时，请稍后重试；如仍失败，请删除无关内容或拆分后分批导入。"),
            ImportBatch.Status.PARSING,
        )
        return ImportBatch.Status.FAILED
    return batch.status


def _parse_memory_message():
    return _("解析工作簿所需内存超过%(mb)s MB的限制，已拒绝。请删除无关内容或拆分后分批导入。") % {
        "mb": settings.ENTERPRISE_IMPORT_PARSE_MEMORY_MB
    }


@shared_task(
    acks_late=True,
    soft_time_limit=settings.ENTERPRISE_IMPORT_APPLY_TIME_LIMIT - 30,
    time_limit=settings.ENTERPRISE_IMPORT_APPLY_TIME_LIMIT,
)
def apply_enterprise_import(batch_id):
    """Write a confirmed import batch. Takes the pk only; idempotent.

    The batch is claimed with a conditional UPDATE (confirmed → applying, with time, worker and attempt
    count), so a duplicated or re-queued delivery never applies it twice. A batch left "applying" by a
    worker that died is claimable again once the hard time limit has passed: its transaction never
    committed, so nothing of it was written (import_claims.resume queues it).
    """
    if not import_claims.claim_apply(batch_id):
        logger.info("import batch %s already claimed or not confirmed; skipping", batch_id)
        return None
    batch = ImportBatch.objects.select_related("owner").get(pk=batch_id)
    try:
        importing.apply_batch(batch)
    except Exception as exc:
        logger.exception("import batch %s failed", batch_id)
        import_claims.fail(batch_id, importing.failure_message(exc), ImportBatch.Status.APPLYING)
        return ImportBatch.Status.FAILED
    return ImportBatch.Status.APPLIED


@shared_task(name="enterprises.resume_imports")
def resume_enterprise_imports():
    """Beat, every minute: fail batches out of attempts, queue those whose task was lost or killed."""
    now = timezone.now()
    given_up = import_claims.give_up_abandoned(now)
    parse_ids = list(import_claims.needing_parse(now).order_by("pk").values_list("pk", flat=True)[:SWEEP_BATCH])
    apply_ids = list(import_claims.needing_apply(now).order_by("pk").values_list("pk", flat=True)[:SWEEP_BATCH])
    for batch_id in parse_ids:
        jobs.send(parse_enterprise_import, batch_id)
    for batch_id in apply_ids:
        jobs.send(apply_enterprise_import, batch_id)
    return {"given_up": given_up, "parse": len(parse_ids), "apply": len(apply_ids)}


@shared_task(
    bind=True,
    name="enterprises.export",
    acks_late=True,
    soft_time_limit=settings.ENTERPRISE_EXPORT_TIME_LIMIT - 30,
    time_limit=settings.ENTERPRISE_EXPORT_TIME_LIMIT,
)
def export_enterprises(self, job_id):
    """Write a queued register export. Takes the pk only; idempotent.

    The job's claim decides (enforcement/jobs.py): a duplicated delivery writes one file; the redelivery of
    a message whose worker child was killed takes its job up again at once; a job left "running" by a
    killed worker is queued again by ``resume_exports`` (beat) and failed after JOB_MAX_ATTEMPTS claims.
    The soft limit lets a slow export fail cleanly, with a message, before the hard one kills the child.
    """
    if not jobs.claim(export_jobs.EXPORTS, job_id, self.request.id or jobs.new_token()):
        logger.info("export job %s gone, already claimed or out of attempts; skipping", job_id)
        return None
    job = ExportJob.objects.select_related("owner").filter(pk=job_id).first()
    if job is None:
        return None
    try:
        export_jobs.write_job(job)
    except Exception as exc:  # includes SoftTimeLimitExceeded
        logger.exception("export job %s failed", job_id)
        export_jobs.fail_job(job_id, export_jobs.failure_message(exc))
        return ExportJob.Status.FAILED
    return ExportJob.Status.DONE


@shared_task(name="enterprises.resume_exports")
def resume_exports():
    """Beat, every minute: queue again exports whose worker was killed or whose message was lost."""
    sent, given_up = export_jobs.sweep()
    return {"sent": sent, "given_up": given_up}


@shared_task(name="enterprises.cleanup_files")
def cleanup_enterprise_files():
    """Beat, daily: delete week-old export jobs with their files, and month-old import uploads (not batches)."""
    jobs, files = export_jobs.cleanup(timezone.now())
    logger.info("deleted %s export jobs and %s import uploads", jobs, files)
    return jobs, files
