"""Evidence uploads in the background: assembling the chunks of a finished upload, and the sweep of lost and
abandoned ones. The claim is enforcement/jobs.py's: a duplicate delivery or a sweep racing it does nothing."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from cases.penalties.models import EvidenceUpload
from enforcement import chunked_uploads, jobs

logger = logging.getLogger(__name__)
Status = EvidenceUpload.Status
KIND = jobs.JobKind(
    model=EvidenceUpload,
    time_limit=lambda: settings.EVIDENCE_ASSEMBLE_TIME_LIMIT,
    max_attempts=lambda: settings.EVIDENCE_ASSEMBLE_MAX_ATTEMPTS,
)


@shared_task(
    bind=True,
    name="cases.assemble_evidence_upload",
    soft_time_limit=settings.EVIDENCE_ASSEMBLE_TIME_LIMIT - 30,
    time_limit=settings.EVIDENCE_ASSEMBLE_TIME_LIMIT,
)
def assemble_upload(self, upload_id):
    """Assemble one finished upload into its Evidence, if this delivery claims it."""
    from cases.penalties.evidence import assemble

    token = self.request.id or jobs.new_token()
    if not jobs.claim(KIND, upload_id, token):
        return None
    upload = EvidenceUpload.objects.select_related("case", "owner", "record").get(pk=upload_id)
    try:
        evidence = assemble(upload)
    except ValidationError as exc:
        EvidenceUpload.objects.filter(pk=upload_id).update(
            status=Status.FAILED, error=" ".join(exc.messages), finished_at=timezone.now()
        )
        return None
    except Exception as exc:
        EvidenceUpload.objects.filter(pk=upload_id).update(
            status=Status.FAILED, error=str(exc)[:2000] or type(exc).__name__, finished_at=timezone.now()
        )
        raise
    return evidence.pk


def _resend(pk):
    return int(jobs.send(assemble_upload, pk))


@shared_task(name="cases.sweep_evidence_uploads", time_limit=300, soft_time_limit=270)
def sweep_evidence_uploads():
    """Re-queue lost assemblies; delete expired uploads (never finished, or failed) with their chunks."""
    sent, given_up = jobs.sweep(KIND, _resend)
    expired = EvidenceUpload.objects.filter(
        status__in=[Status.RECEIVING, Status.FAILED], expires_at__lt=timezone.now()
    ).order_by("pk")[: jobs.SWEEP_BATCH]
    removed = 0
    for upload in expired:
        chunked_uploads.delete_chunks(default_storage, upload.chunk_prefix, upload.chunks)
        removed += EvidenceUpload.objects.filter(pk=upload.pk, status=upload.status).delete()[0]
    # Finished uploads keep no chunks; their rows are dropped after the same time.
    EvidenceUpload.objects.filter(status=Status.COMPLETE, expires_at__lt=timezone.now()).delete()
    if sent or given_up or removed:
        logger.info("evidence uploads: %d re-queued, %d given up, %d expired removed", sent, given_up, removed)
    return {"sent": sent, "given_up": given_up, "removed": removed}
