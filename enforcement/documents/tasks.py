"""Rendering issued documents to PDF. Idempotent: a retried or duplicated task never renders twice."""

import hashlib

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from enforcement.documents.models import IssuedDocument
from enforcement.documents.rendering import render_pdf

RS = IssuedDocument.RenderStatus


@shared_task(name="documents.render", soft_time_limit=60, time_limit=90)
def render_document(document_id):
    """Render one document's PDF. Claims the row (pending/failed → rendering) before doing the work."""
    claimed = IssuedDocument.objects.filter(pk=document_id, render_status__in=[RS.PENDING, RS.FAILED]).update(
        render_status=RS.RENDERING
    )
    if not claimed:
        return None  # gone, already rendered, or another worker has it
    document = IssuedDocument.objects.select_related("doc_type", "organisation").get(pk=document_id)
    try:
        pdf, elapsed = render_pdf(document.doc_type.template, {"doc": document, **document.context})
    except Exception as exc:
        IssuedDocument.objects.filter(pk=document_id).update(render_status=RS.FAILED, render_error=str(exc)[:2000])
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
