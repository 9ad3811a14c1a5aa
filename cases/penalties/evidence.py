"""The evidence store of penalty cases (R-20): photos, documents, audio and video, uploaded in chunks that resume.

The protocol (pages and API alike, see evidence_api.py; the reasons for not using tus are in
enforcement/chunked_uploads.py):

1. ``start_upload`` — case, kind, file name, total size, title…: refused at once when the name's extension, the
   size or the case does not allow it. Returns the upload (its id, ``received`` = 0, the chunk size).
2. ``receive_chunk(id, offset, data)`` — a chunk of at most EVIDENCE_CHUNK_MB that starts at ``received``;
   anything else is refused with the offset to resume from. The first chunk's bytes must be of the kind's type.
3. after a break, the client reads the upload (``upload_for``) and sends from ``received`` on.
4. ``complete_upload(id, sha256="")`` — every byte received: a worker assembles the chunks, takes the SHA-256
   (compared with the client's when given), checks the type again and stores the file as ``Evidence``.

Once the case's decision is issued, evidence is never deleted nor replaced (a correction is a new piece);
before that its uploader may delete it, giving a reason that the audit log keeps.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.penalties.models import CaseParty, Evidence, EvidenceUpload, PenaltyCase, evidence_upload_to
from cases.penalties.services import refuse_archived, refuse_other_organisation
from enforcement import chunked_uploads, jobs
from enforcement.audit.models import AuditEvent
from enforcement.audit.services import record
from enforcement.uploads import AUDIO, DOCUMENT, MB, PHOTO, VIDEO, UploadKind, matches_signature, validate_upload

Kind = Evidence.Kind
S = PenaltyCase.State
_TYPES = {Kind.PHOTO: PHOTO, Kind.DOCUMENT: DOCUMENT, Kind.AUDIO: AUDIO, Kind.VIDEO: VIDEO}
_LIMIT_SETTINGS = {
    Kind.PHOTO: "EVIDENCE_PHOTO_MAX_MB",
    Kind.DOCUMENT: "EVIDENCE_DOCUMENT_MAX_MB",
    Kind.AUDIO: "EVIDENCE_AUDIO_MAX_MB",
    Kind.VIDEO: "EVIDENCE_VIDEO_MAX_MB",
}
# States in which a decision has been issued: from here on evidence is kept as it is.
DECIDED_STATES = {S.DECIDED, S.EXECUTING, S.EXECUTED, S.CLOSING, S.CLOSED, S.ARCHIVED}


def upload_kind(kind) -> UploadKind:
    """The allowed extensions, content signatures and size limit (from settings) of an evidence kind."""
    try:
        base = _TYPES[kind]
    except KeyError:
        raise ValidationError({"kind": _("证据类型“%(kind)s”无效。") % {"kind": kind}}) from None
    limit = getattr(settings, _LIMIT_SETTINGS[kind]) * MB
    return UploadKind(base.label, base.extensions, limit, base.signatures)


def chunk_bytes():
    return settings.EVIDENCE_CHUNK_MB * MB


def _expiry():
    return timezone.now() + timedelta(hours=settings.EVIDENCE_UPLOAD_EXPIRY_HOURS)


# --- who may -----------------------------------------------------------------------------------------------


def decision_issued(case) -> bool:
    """Whether a decision of the case has been issued (the case's, or any party's in 一案双罚)."""
    if case.decided_on or case.state in DECIDED_STATES:
        return True
    return CaseParty.objects.filter(case=case, decision__isnull=False).exists()


def _case_for_upload(user, case_id):
    """The case, locked, if the user may add evidence to it: in scope (else DoesNotExist → 404), of the user's
    own organisation (the city reads only), not archived."""
    case = PenaltyCase.objects.restrict(user, "view").select_for_update(of=("self",)).get(pk=case_id)
    if not user.has_perm("cases.add_evidence"):
        raise PermissionDenied(_("您没有上传证据的权限。"))
    refuse_other_organisation(user, case)
    refuse_archived(case)
    return case


def uploads_of(user):
    """The user's own uploads in progress, on cases in their scope (another's upload is not found: 404)."""
    return EvidenceUpload.objects.filter(owner=user, case__in=PenaltyCase.objects.restrict(user, "view"))


def upload_for(user, upload_id):
    return uploads_of(user).select_related("case", "evidence").get(pk=upload_id)


# --- the protocol ------------------------------------------------------------------------------------------


def start_upload(
    user, case_id, *, kind, filename, size, title, collected_on, description="", record_id=None, sha256=""
):
    """Open a resumable upload of one piece of evidence; refused at once for a bad name, size or case."""
    allowed = upload_kind(kind)
    name = (filename or "").strip()[:200]
    if not name.lower().endswith(allowed.extensions):
        raise ValidationError(
            {
                "filename": _("“%(name)s”的格式不支持，%(label)s仅支持：%(ext)s。")
                % {"name": name, "label": allowed.label, "ext": "、".join(allowed.extensions)}
            }
        )
    if not isinstance(size, int) or size <= 0:
        raise ValidationError({"size": _("“%(name)s”是空文件。") % {"name": name}})
    if size > allowed.max_bytes:
        raise ValidationError(
            {
                "size": _("“%(name)s”大小为%(size).1fMB，超过%(label)s%(max)dMB的上限。")
                % {"name": name, "size": size / MB, "label": allowed.label, "max": allowed.max_bytes // MB}
            }
        )
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("请填写证据名称。")})
    with transaction.atomic():
        case = _case_for_upload(user, case_id)
        step_record = None
        if record_id:
            step_record = case.records.filter(pk=record_id).first()
            if step_record is None:
                raise ValidationError({"record": _("该环节记录不属于本案件。")})
        return EvidenceUpload.objects.create(
            case=case,
            record=step_record,
            owner=user,
            kind=kind,
            title=title[:200],
            description=(description or "")[:1000],
            collected_on=collected_on,
            original_name=name,
            size=size,
            expected_sha256=(sha256 or "").lower()[:64],
            expires_at=_expiry(),
        )


class OffsetMismatch(ValidationError):
    """A chunk that does not start where the upload stands: the client resumes from ``expected``."""

    def __init__(self, expected):
        self.expected = expected
        super().__init__(_("分片起点应为第%(offset)d字节，请从该位置继续上传。") % {"offset": expected})


def receive_chunk(user, upload_id, offset, data: bytes):
    """Store one chunk at ``offset`` (which must be the upload's ``received``); returns the upload."""
    with transaction.atomic():
        upload = uploads_of(user).select_for_update().select_related("case").get(pk=upload_id)
        if upload.status != EvidenceUpload.Status.RECEIVING:
            raise ValidationError(_("该上传已提交合并，不能再追加内容。"))
        refuse_archived(upload.case)
        if offset != upload.received:
            raise OffsetMismatch(upload.received)
        if not data:
            raise ValidationError(_("分片为空。"))
        if len(data) > chunk_bytes():
            raise ValidationError(_("分片过大（上限%(max)dMB）。") % {"max": settings.EVIDENCE_CHUNK_MB})
        if upload.received + len(data) > upload.size:
            raise ValidationError(_("上传内容超过了开始上传时声明的文件大小。"))
        if offset == 0 and not matches_signature(data[:16], upload_kind(upload.kind)):
            raise ValidationError(_("“%(name)s”的内容与文件类型不符，请重新选择。") % {"name": upload.original_name})
        chunked_uploads.store_chunk(default_storage, upload.chunk_prefix, offset, data)
        upload.chunks = [*upload.chunks, offset]
        upload.received += len(data)
        upload.expires_at = _expiry()
        upload.save(update_fields=["chunks", "received", "expires_at"])
    return upload


def complete_upload(user, upload_id, sha256=""):
    """Every byte is in: queue the assembly (in-process without a broker). Returns the upload, re-read."""
    with transaction.atomic():
        upload = uploads_of(user).select_for_update().get(pk=upload_id)
        if upload.status == EvidenceUpload.Status.COMPLETE:
            return upload
        if upload.status != EvidenceUpload.Status.RECEIVING:
            raise ValidationError(_("该上传正在合并或已失败，请刷新查看。"))
        if upload.received != upload.size:
            raise OffsetMismatch(upload.received)
        if sha256:
            upload.expected_sha256 = sha256.lower()[:64]
        upload.status = EvidenceUpload.Status.QUEUED
        upload.queued_at = timezone.now()
        upload.save(update_fields=["status", "queued_at", "expected_sha256"])
        transaction.on_commit(lambda: _send(upload.pk))
    upload.refresh_from_db()
    return upload


def _send(pk):
    from cases.penalties.evidence_tasks import assemble_upload

    jobs.send(assemble_upload, pk)


def cancel_upload(user, upload_id):
    """Give up an upload in progress: its chunks are deleted."""
    with transaction.atomic():
        upload = uploads_of(user).select_for_update().get(pk=upload_id)
        if upload.status in (EvidenceUpload.Status.QUEUED, EvidenceUpload.Status.RUNNING):
            raise ValidationError(_("该上传正在合并，不能取消。"))
        prefix, offsets = upload.chunk_prefix, list(upload.chunks)
        upload.delete()
        transaction.on_commit(lambda: chunked_uploads.delete_chunks(default_storage, prefix, offsets))


def assemble(upload):
    """Assemble a claimed upload into its Evidence (called by the task that claimed it).

    Raises ValidationError with the Chinese reason when the file is refused (hash or type); the caller records it.
    """
    storage = default_storage
    allowed = upload_kind(upload.kind)
    if not matches_signature(chunked_uploads.head(storage, upload.chunk_prefix), allowed):
        raise ValidationError(_("“%(name)s”的内容与文件类型不符，请重新选择。") % {"name": upload.original_name})
    placeholder = Evidence(case=upload.case)
    name = evidence_upload_to(placeholder, upload.original_name)
    stored, digest, length = chunked_uploads.assemble(storage, upload.chunk_prefix, upload.chunks, name)
    try:
        if length != upload.size:
            raise ValidationError(_("合并后的文件大小与声明不符，请重新上传。"))
        if upload.expected_sha256 and upload.expected_sha256 != digest:
            raise ValidationError(_("文件的SHA-256与客户端计算的不一致，传输中可能出错，请重新上传。"))
        with storage.open(stored, "rb") as handle:
            validate_upload(_Named(handle, upload.original_name, length), allowed)  # pixels of a photo, etc.
        with transaction.atomic():
            case = PenaltyCase.objects.select_for_update(of=("self",)).get(pk=upload.case_id)
            refuse_archived(case)
            evidence = Evidence.objects.create(
                case=case,
                record=upload.record,
                step=case.state,
                kind=upload.kind,
                title=upload.title,
                description=upload.description,
                collected_on=upload.collected_on,
                file=stored,
                original_name=upload.original_name,
                content_type=_content_type(upload.original_name),
                size=length,
                sha256=digest,
                uploaded_by=upload.owner,
            )
            record(
                upload.owner,
                AuditEvent.Action.CREATE,
                evidence,
                {"file": [None, upload.original_name], "sha256": [None, digest], "size": [None, length]},
                case.organisation_id,
            )
            EvidenceUpload.objects.filter(pk=upload.pk).update(
                status=EvidenceUpload.Status.COMPLETE, evidence=evidence, finished_at=timezone.now(), error=""
            )
    except BaseException:
        storage.delete(stored)
        raise
    chunked_uploads.delete_chunks(storage, upload.chunk_prefix, upload.chunks)
    return evidence


class _Named(File):
    """A stored file seen as an upload (name and size) for validate_upload."""

    def __init__(self, handle, name, size):
        super().__init__(handle, name=name)
        self._declared = size

    @property
    def size(self):
        return self._declared


def _content_type(name):
    import mimetypes

    return mimetypes.guess_type(name)[0] or "application/octet-stream"


# --- deleting ------------------------------------------------------------------------------------------------


def delete_evidence(user, evidence_id, reason):
    """删除证据: only by its uploader, with a reason, before any decision of the case is issued.

    # 行政处罚法 第47条: the whole procedure is recorded and archived; evidence a decision rests on is kept.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写删除原因。")})
    with transaction.atomic():
        evidence = (
            Evidence.objects.restrict(user, "view")
            .select_for_update(of=("self",))
            .select_related("case")
            .get(pk=evidence_id)
        )
        case = evidence.case
        refuse_archived(case)
        if decision_issued(case):
            raise ValidationError(
                _("处罚决定已作出，证据不得删除或替换（《行政处罚法》第四十七条：全过程记录、归档保存）。")
            )
        if evidence.uploaded_by_id != user.pk:
            raise PermissionDenied(_("只有上传人可以删除该证据。"))
        name = evidence.file.name
        record(
            user,
            AuditEvent.Action.DELETE,
            evidence,
            {
                "title": [evidence.title, None],
                "sha256": [evidence.sha256, None],
                "file": [evidence.original_name, None],
                "reason": [None, reason],
            },
            case.organisation_id,
        )
        EvidenceUpload.objects.filter(evidence=evidence).delete()
        evidence.delete()
        transaction.on_commit(lambda: default_storage.delete(name))


def evidence_of(user, case):
    """The case's evidence the user may see, in the order it was collected."""
    return (
        Evidence.objects.restrict(user, "view")
        .filter(case=case)
        .select_related("uploaded_by", "record")
        .order_by("collected_on", "id")
    )


def evidence_context(user, case):
    """What templates/cases/penalties/_evidence.html needs: the case's evidence (each with ``may_delete``), whether
    the user may upload, and the limits the uploader shows."""
    items = list(evidence_of(user, case))
    locked = decision_issued(case)
    may_upload = (
        user.has_perm("cases.add_evidence")
        and (case.organisation_id == user.organisation_id or user.is_superuser)
        and not case.is_locked
    )
    for item in items:
        item.may_delete = may_upload and not locked and item.uploaded_by_id == user.pk
    return {
        "evidence_items": items,
        "evidence_locked": locked,
        "may_upload_evidence": may_upload,
        "evidence_kinds": [
            {
                "value": kind.value,
                "label": kind.label,
                "max_mb": upload_kind(kind).max_bytes // MB,
                "accept": ",".join(upload_kind(kind).extensions),
            }
            for kind in Kind
        ],
        "evidence_chunk_bytes": chunk_bytes(),
    }
