"""The steps of a register import — upload, confirm, retry — shared by the web pages and the API.

Each step records what it did on the ImportBatch and queues the task that does the work (import_claims);
the caller only turns the outcome into a page message or an HTTP status. Permission to import and
ownership of the batch are checked by the caller before (the batch is found among the user's own).
"""

import enum

from django.utils import timezone

from enforcement import jobs
from enforcement.enterprises import import_claims, importing
from enforcement.enterprises.models import ImportBatch
from enforcement.enterprises.tasks import apply_enterprise_import, parse_enterprise_import

S = ImportBatch.Status


class Outcome(enum.Enum):
    QUEUED = "queued"  # the task was sent (without a broker it has already run)
    BROKER_DOWN = "broker_down"  # nothing was lost; the sweep or the user tries again later
    REJECTED = "rejected"  # the workbook was refused in-process; ``batch.error_message`` says why
    NOT_ALLOWED = "not_allowed"  # the batch is not in the state the step needs


def upload(user, uploaded):
    """Store the workbook and queue its parse. (batch, outcome); a batch refused in-process is deleted."""
    batch = importing.start_upload(user, uploaded)
    if not jobs.send(parse_enterprise_import, batch.pk):
        return batch, Outcome.BROKER_DOWN  # kept as 解析中: the sweep parses it once the broker is back
    batch.refresh_from_db()
    if batch.status == S.REJECTED:
        # Parsed in-process (no broker) and refused: the caller shows why on the upload itself.
        batch.file.delete(save=False)
        batch.delete()
        return batch, Outcome.REJECTED
    return batch, Outcome.QUEUED


def confirm(batch, key_reason=""):
    """Queue a previewed batch for writing, once. ``key_reason``: for key rows without a reason."""
    # Conditional update: a double click or a second tab cannot queue the batch twice.
    queued = ImportBatch.objects.filter(pk=batch.pk, status=S.PREVIEWED, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now(), key_reason=key_reason
    )
    if not queued:
        return Outcome.NOT_ALLOWED
    if not jobs.send(apply_enterprise_import, batch.pk):
        # The broker is down: un-queue so that the user can confirm again later.
        ImportBatch.objects.filter(pk=batch.pk, status=S.PREVIEWED).update(confirmed_at=None)
        return Outcome.BROKER_DOWN
    return Outcome.QUEUED


def retry(batch):
    """Try a failed batch again from where it failed (parse or write)."""
    if not import_claims.retry(batch):
        return Outcome.NOT_ALLOWED
    batch.refresh_from_db(fields=["status"])
    task = parse_enterprise_import if batch.status == S.PARSING else apply_enterprise_import
    if not jobs.send(task, batch.pk):
        return Outcome.BROKER_DOWN  # left waiting: the sweep queues it once the broker is back
    return Outcome.QUEUED
