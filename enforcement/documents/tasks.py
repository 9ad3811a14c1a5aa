"""Rendering issued documents to PDF. Idempotent: a retried or duplicated task never renders twice.

A render claims its row first (→ "rendering", with the time and an attempt count); a second task for the
same document finds nothing to claim. A worker killed at the hard time limit leaves its claim behind: once
older than that limit the claim is abandoned and ``resume_rendering`` (beat, every 5 minutes) or the
document's page queues the render again, up to DOCUMENT_RENDER_MAX_ATTEMPTS tries.
"""

import contextlib
import hashlib
import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.documents.limits import memory_ceiling
from enforcement.documents.models import IssuedDocument
from enforcement.documents.rendering import render_pdf

RS = IssuedDocument.RenderStatus
logger = logging.getLogger(__name__)
# A document issued this recently still has its own task on the way; the sweep leaves it alone.
FRESH = timedelta(minutes=1)
SWEEP_BATCH = 200


@shared_task(
    name="documents.render",
    soft_time_limit=settings.DOCUMENT_RENDER_SOFT_TIME_LIMIT,
    time_limit=settings.DOCUMENT_RENDER_TIME_LIMIT,
)
def render_document(document_id):
    """Render one document's PDF, if it is still waiting for one. Returns its id, or None if there was nothing to do."""
    now = timezone.now()
    claimed = IssuedDocument.objects.filter(IssuedDocument.renderable_q(now), pk=document_id).update(
        render_status=RS.RENDERING, render_claimed_at=now, render_attempts=F("render_attempts") + 1
    )
    if not claimed:
        return None  # gone, already rendered, being rendered, or out of attempts
    document = IssuedDocument.objects.select_related("doc_type", "organisation").get(pk=document_id)
    # In a worker child the render gets a memory ceiling; in-process (web threads share the process) not.
    in_worker = not render_document.request.is_eager
    ceiling = memory_ceiling(settings.DOCUMENT_RENDER_MEMORY_MB) if in_worker else contextlib.nullcontext()
    try:
        with ceiling:
            pdf, elapsed = render_pdf(document.doc_type.template, {"doc": document, **document.context})
    except BaseException as exc:  # includes Celery's SoftTimeLimitExceeded; re-raised
        if isinstance(exc, MemoryError):
            message = _("生成文书所需内存超过%(mb)s MB的限制。") % {"mb": settings.DOCUMENT_RENDER_MEMORY_MB}
        else:
            message = str(exc) or type(exc).__name__
        IssuedDocument.objects.filter(pk=document_id).update(render_status=RS.FAILED, render_error=message[:2000])
        raise
    with transaction.atomic():
        document.pdf.save(f"{document.pk}.pdf", ContentFile(pdf), save=False)
        document.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        document.pdf_size = len(pdf)
        document.render_ms = elapsed
        document.rendered_at = timezone.now()
        document.render_status = RS.RENDERED
        document.render_error = ""
        document.save(
            update_fields=["pdf", "pdf_sha256", "pdf_size", "render_ms", "rendered_at", "render_status", "render_error"]
        )
    return document.pk


def queue_render(document_id):
    """Queue a render without letting a failure reach the caller: the document is issued either way, and a
    lost or failed render is picked up again (``resume_rendering``, the document's page)."""
    try:
        render_document.delay(document_id)
    except Exception:  # broker down, or an in-process render failed (recorded on the row)
        logger.exception("Rendering document %s did not complete; it will be tried again", document_id)


def needs_resuming(queryset, now):
    """Documents whose render should be queued again now (not those issued a moment ago)."""
    return queryset.filter(IssuedDocument.renderable_q(now)).exclude(
        render_status=RS.PENDING, issued_at__gte=now - FRESH
    )


@shared_task(name="documents.resume_rendering")
def resume_rendering():
    """Queue every document whose render was lost, abandoned or failed with attempts left."""
    now = timezone.now()
    ids = needs_resuming(IssuedDocument.objects.all(), now).order_by("pk").values_list("pk", flat=True)
    ids = list(ids[:SWEEP_BATCH])
    for document_id in ids:
        queue_render(document_id)
    return len(ids)
