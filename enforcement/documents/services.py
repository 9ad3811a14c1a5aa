"""Issuing, re-issuing and voiding documents: each in one transaction, audited; rendering after commit.

Numbers are allocated only by ``issue_document`` (gap-free, see numbering). A new version keeps the number of
the version it replaces; a voided number is never allocated again, so the source's next document takes a new
one.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.audit.models import AuditEvent
from enforcement.audit.services import record
from enforcement.documents.models import DocumentType, IssuedDocument, content_hash
from enforcement.documents.numbering import allocate_serial

Status = IssuedDocument.Status


def issue_document(user, organisation, doc_type_key, title, context, source_key="", year=None):
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
            issued_by=user,
            source_key=source_key,
        )
        record(user, AuditEvent.Action.CREATE, document, {"number": [None, document.number]}, organisation.pk)
        transaction.on_commit(lambda: _schedule_render(document.pk))
    return document


def _schedule_render(document_id):
    from enforcement.documents.tasks import queue_render

    queue_render(document_id)


def _schedule_voided_copy(document_id):
    from enforcement.documents.tasks import queue_voided_copy

    queue_voided_copy(document_id)


def _locked_current(user, document_id):
    """The document row, locked, in the user's scope (else DoesNotExist → 404), which must be in force."""
    document = (
        IssuedDocument.objects.restrict(user, "view")
        .select_for_update(of=("self",))
        .select_related("doc_type", "organisation")
        .get(pk=document_id)
    )
    if document.status == Status.SUPERSEDED:
        latest = IssuedDocument.objects.filter(
            organisation_id=document.organisation_id,
            doc_type_id=document.doc_type_id,
            year=document.year,
            serial=document.serial,
        ).order_by("-version")[0]
        raise ValidationError(_("该文书已有第%(n)d版，请在最新版本上操作。") % {"n": latest.version})
    if document.status == Status.VOIDED:
        raise ValidationError(_("该文书已作废。"))
    return document


def _require_issuer(user, document):
    # A number belongs to the issuing bureau: only its own people re-issue or void it.
    if user.organisation_id != document.organisation_id and not user.is_superuser:
        raise PermissionDenied(_("只能由签发机关的人员处理本文书。"))


def _reason(text, message):
    text = (text or "").strip()
    if not text:
        raise ValidationError({"reason": message})
    return text


def issue_new_version(user, document_id, context, reason, title=None):
    """Re-issue a document in force as version n+1 under the same number, with the reason for it.

    The caller (``sources.reissue``) has built ``context`` from the source row it holds locked. The old version
    stays, marked superseded; no number is allocated.
    """
    reason = _reason(reason, _("请填写重新出具的原因。"))
    with transaction.atomic():
        current = _locked_current(user, document_id)
        _require_issuer(user, current)
        document = IssuedDocument.objects.create(
            organisation=current.organisation,
            doc_type=current.doc_type,
            year=current.year,
            serial=current.serial,
            number=current.number,
            version=current.version + 1,
            replaces=current,
            reason=reason,
            title=title or current.title,
            context=context,
            context_sha256=content_hash(context),
            issued_by=user,
            source_key=current.source_key,
        )
        current.status = Status.SUPERSEDED
        current.save(update_fields=["status"])
        record(
            user,
            AuditEvent.Action.CREATE,
            document,
            {
                "number": [None, document.number],
                "version": [current.version, document.version],
                "reason": [None, reason],
            },
            current.organisation_id,
        )
        record(
            user,
            AuditEvent.Action.UPDATE,
            current,
            {"status": [Status.ISSUED, Status.SUPERSEDED]},
            current.organisation_id,
        )
        transaction.on_commit(lambda: _schedule_render(document.pk))
    return document


def correct_document(user, document_id, context, title=None, reason=None):
    """For a caller that re-issues on its own when its record moved on (e.g. a plan approved after its 送审稿 was
    issued): now a new version under the same number, with ``reason`` (a default one if the caller has none)."""
    return issue_new_version(
        user, document_id, context, reason or _("业务记录已变化，按当前数据重新出具。"), title=title
    )


def may_void(user, document):
    """Whether ``user`` may void ``document`` (already fetched through restrict())."""
    return (
        document.status == Status.ISSUED
        and user.has_perm("documents.void_issueddocument")
        and (user.organisation_id == document.organisation_id or user.is_superuser)
    )


def void_document(user, document_id, reason):
    """作废: the document stays in the register with who, when and why; its PDF is then served with the 作废 mark.

    Only the issuing organisation's people holding the document permission void. The source may then issue a
    fresh document, which takes a new number.
    """
    reason = _reason(reason, _("请填写作废原因。"))
    with transaction.atomic():
        document = _locked_current(user, document_id)
        _require_issuer(user, document)
        if not user.has_perm("documents.void_issueddocument"):
            raise PermissionDenied(_("您没有作废文书的权限。"))
        document.status = Status.VOIDED
        document.voided_at = timezone.now()
        document.voided_by = user
        document.void_reason = reason
        document.save(update_fields=["status", "voided_at", "voided_by", "void_reason"])
        record(
            user,
            AuditEvent.Action.UPDATE,
            document,
            {"status": [Status.ISSUED, Status.VOIDED], "void_reason": [None, reason]},
            document.organisation_id,
        )
        transaction.on_commit(lambda: _schedule_voided_copy(document.pk))
    return document


def retry_render(user, document_id):
    """重新生成: a document whose every render attempt failed gets a fresh round of attempts. Same content, same
    number: only the PDF is produced again (after commit). Anyone who may see the document may ask for it, as
    opening its PDF already re-queues a failed render with attempts left."""
    with transaction.atomic():
        document = IssuedDocument.objects.restrict(user, "view").select_for_update().get(pk=document_id)
        if not document.render_given_up:
            raise ValidationError(_("该文书没有处于生成失败状态，无需重新生成。"))
        changes = {
            "render_attempts": [document.render_attempts, 0],
            "render_status": [document.render_status, "pending"],
        }
        IssuedDocument.objects.filter(pk=document.pk).update(
            render_status=IssuedDocument.RenderStatus.PENDING,
            render_attempts=0,
            render_error="",
            render_claimed_at=None,
        )
        record(user, AuditEvent.Action.UPDATE, document, changes, document.organisation_id)
        transaction.on_commit(lambda: _schedule_render(document.pk))
    return document
