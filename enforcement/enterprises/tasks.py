"""Background work of the enterprise register."""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from enforcement.enterprises import importing
from enforcement.enterprises.models import ImportBatch

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
