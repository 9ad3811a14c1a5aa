"""Background work of the enterprise register."""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

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
    name="enterprises.export",
    acks_late=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def export_enterprises(job_id):
    """Write a queued register export. Takes the pk only; idempotent.

    Claimed like an import batch (queued → running, conditional UPDATE), so a duplicated delivery writes
    one file. A job left "running" by a worker killed at the hard limit is claimable again after it.
    The soft limit lets a slow export fail cleanly, with a message, before the hard one kills the child.
    """
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimed = (
        ExportJob.objects.filter(pk=job_id)
        .filter(Q(status=ExportJob.Status.QUEUED) | Q(status=ExportJob.Status.RUNNING, started_at__lt=stale))
        .update(status=ExportJob.Status.RUNNING, started_at=now)
    )
    if not claimed:
        logger.info("export job %s gone or already claimed; skipping", job_id)
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


@shared_task(name="enterprises.cleanup_files")
def cleanup_enterprise_files():
    """Beat, daily: delete week-old export jobs with their files, and month-old import uploads (not batches)."""
    jobs, files = export_jobs.cleanup(timezone.now())
    logger.info("deleted %s export jobs and %s import uploads", jobs, files)
    return jobs, files
