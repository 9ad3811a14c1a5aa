"""Issuing documents: number allocation and the immutable record in one transaction; rendering after commit."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.audit.models import AuditEvent
from enforcement.audit.services import record
from enforcement.documents.models import DocumentType, IssuedDocument, content_hash
from enforcement.documents.numbering import allocate_serial


def issue_document(user, organisation, doc_type_key, title, context, source_key="", replaces=None, year=None):
    """Allocate the next number and store the document; the PDF is rendered by a task after commit.

    Call inside the business transaction (e.g. issuing a guidance letter): if it rolls back, the number
    is released with it.
    """
    doc_type = DocumentType.objects.filter(key=doc_type_key, is_active=True).first()
    if doc_type is None:
        raise ValidationError(_("文书类型“%(key)s”未配置或已停用。") % {"key": doc_type_key})
    if not organisation.short_name:
        raise ValidationError(_("发文机关未设置简称，无法生成文号。"))
    year = year or timezone.localdate().year
    with transaction.atomic():
        serial = allocate_serial(organisation, doc_type, year)
        document = IssuedDocument.objects.create(
            organisation=organisation,
            doc_type=doc_type,
            year=year,
            serial=serial,
            number=doc_type.format_number(organisation.short_name, year, serial),
            title=title,
            context=context,
            context_sha256=content_hash(context),
            replaces=replaces,
            issued_by=user,
            source_key=source_key,
        )
        record(user, AuditEvent.Action.CREATE, document, {"number": [None, document.number]}, organisation.pk)
        transaction.on_commit(lambda: _schedule_render(document.pk))
    return document


def _schedule_render(document_id):
    from enforcement.documents.tasks import queue_render

    queue_render(document_id)


def correct_document(user, document_id, context, title=None):
    """A correction is a new document (new number) that references the one it replaces."""
    original = (
        IssuedDocument.objects.restrict(user, "view").select_related("doc_type", "organisation").get(pk=document_id)
    )
    if hasattr(original, "replaced_by"):
        raise ValidationError(_("该文书已被更正，请在最新版本上操作。"))
    return issue_document(
        user,
        original.organisation,
        original.doc_type.key,
        title or original.title,
        context,
        source_key=original.source_key,
        replaces=original,
        year=original.year,
    )
