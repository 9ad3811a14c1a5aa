"""Rendering issued documents to PDF. Idempotent: a retried or duplicated task never renders twice.

A render claims its row first (→ "rendering", with the time and an attempt count); a second task for the
same document finds nothing to claim. A worker killed at the hard time limit leaves its claim behind: once
older than that limit the claim is abandoned and ``resume_rendering`` (beat, every 5 minutes) or the
document's page queues the render again, up to DOCUMENT_RENDER_MAX_ATTEMPTS tries.
"""

import hashlib
import logging
import time
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.documents.isolation import run_bounded
from enforcement.documents.models import IssuedDocument
from enforcement.documents.rendering import document_marks, html_to_pdf, render_html

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
    try:
        pdf, elapsed = _render(document)
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


def _render(document, voided=False):
    """The document's PDF from its stored context: the HTML here, the PDF in a child process under the memory
    ceiling, killed at the soft time limit (enforcement.documents.isolation) — in a worker and in-process alike.
    Returns (pdf, milliseconds)."""
    started = time.perf_counter()
    html = render_html(
        document.doc_type.template, {"doc": document, **document.context}, document_marks(document, voided)
    )
    pdf = run_bounded(
        html_to_pdf, (html,), settings.DOCUMENT_RENDER_SOFT_TIME_LIMIT, settings.DOCUMENT_RENDER_MEMORY_MB
    )
    return pdf, int((time.perf_counter() - started) * 1000)


@shared_task(
    name="documents.render_voided_copy",
    soft_time_limit=settings.DOCUMENT_RENDER_SOFT_TIME_LIMIT,
    time_limit=settings.DOCUMENT_RENDER_TIME_LIMIT,
)
def render_voided_copy(document_id):
    """Render the copy of a voided document that carries the 作废 mark. The original PDF is kept as issued.

    Idempotent: the copy is stored only if there is none yet (a duplicate task's result is dropped).
    """
    document = (
        IssuedDocument.objects.select_related("doc_type", "organisation")
        .filter(pk=document_id, status=IssuedDocument.Status.VOIDED, voided_pdf="")
        .first()
    )
    if document is None:
        return None
    pdf, _elapsed = _render(document, voided=True)
    name = document.voided_pdf.field.generate_filename(document, f"{document.pk}.pdf")
    stored = document.voided_pdf.storage.save(name, ContentFile(pdf))
    if not IssuedDocument.objects.filter(pk=document_id, voided_pdf="").update(voided_pdf=stored):
        document.voided_pdf.storage.delete(stored)
        return None
    return document.pk


def queue_voided_copy(document_id):
    """Queue the 作废 copy; a failure is logged and the PDF page queues it again."""
    try:
        render_voided_copy.delay(document_id)
    except Exception:
        logger.exception("The voided copy of document %s did not render; it will be tried again", document_id)


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
    """Queue every document whose render was lost, abandoned or failed with attempts left; record a last
    attempt whose worker was killed as failed, so that its page offers a retry instead of waiting for ever."""
    now = timezone.now()
    IssuedDocument.objects.filter(IssuedDocument.dead_last_attempt_q(now)).update(
        render_status=RS.FAILED, render_error=str(_("生成过程中断（进程被终止），已达最多尝试次数。"))
    )
    ids = needs_resuming(IssuedDocument.objects.all(), now).order_by("pk").values_list("pk", flat=True)
    ids = list(ids[:SWEEP_BATCH])
    for document_id in ids:
        queue_render(document_id)
    return len(ids)
