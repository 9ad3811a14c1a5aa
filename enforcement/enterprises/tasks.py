"""Background work of the enterprise register."""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from enforcement import jobs
from enforcement.enterprises import export_jobs, importing
from enforcement.enterprises.models import ExportJob, ImportBatch

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def apply_enterprise_import(batch_id):
    """Write a previewed import batch. Takes the pk only; idempotent.

    The batch is claimed with a conditional UPDATE (previewed → applying), so a duplicated or retried
    delivery of this task never applies it twice. A batch left in "applying" by a worker that died is
    claimable again once the task time limit has passed: its transaction never committed, so nothing
    of it was written.
    """
    if not ImportBatch.objects.filter(pk=batch_id).exists():
        return None
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimed = (
        ImportBatch.objects.filter(pk=batch_id)
        .filter(Q(status=ImportBatch.Status.PREVIEWED) | Q(status=ImportBatch.Status.APPLYING, started_at__lt=stale))
        .update(status=ImportBatch.Status.APPLYING, started_at=now)
    )
    if not claimed:
        logger.info("import batch %s already claimed; skipping", batch_id)
        return None
    batch = ImportBatch.objects.select_related("owner").filter(pk=batch_id).first()
    if batch is None:
        return None
    try:
        importing.apply_batch(batch)
    except Exception as exc:
        logger.exception("import batch %s failed", batch_id)
        ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.APPLYING).update(
            status=ImportBatch.Status.FAILED, error_message=importing.failure_message(exc), finished_at=timezone.now()
        )
        return ImportBatch.Status.FAILED
    return ImportBatch.Status.APPLIED


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
