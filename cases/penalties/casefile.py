"""The case file (案卷, R-22): one PDF of a penalty case in the legal order, assembled when the case is archived.

Archive practice (domain.md §11): one case, one file; order 立案 → 调查取证 → 审查 → 决定 → 送达 → 执行 → 结案; the
pages with text are numbered in Arabic numerals at the bottom right; the cover (案卷首页), the 卷内目录 and the
备考表 carry no page number. So the file is:

    cover · 卷内目录 (序号, 文件名称及编号, 日期, 页号, 备注) · every document in force, in LEGAL_ORDER ·
    证据目录 (the evidence list) · 备考表 (page counts, voided documents, 立卷人/检查人, date)

and pages 1…N are the documents and the evidence list. The documents are the stored PDFs of the issued
documents (a missing one is rendered first through the engine); their page counts give the 页号 of the
卷内目录, so the numbers printed there are the numbers stamped on the pages. The front and back matter are
rendered with WeasyPrint, merged with pypdf, and the page numbers stamped from one WeasyPrint-rendered overlay.

The assembled file is kept as an issued document of type ``case_file_cover`` (案卷（首页）, 应急案): its number is
the 案卷号 on the cover, its PDF is the whole file (hash and size stored, immutable like every issued document).
``archive_case`` (services) calls ``build_case_file(case, user)`` inside its transaction.
"""

import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.penalties.models import CaseParty, Evidence, PenaltyCase, StepRecord
from enforcement.documents import sources
from enforcement.documents.models import IssuedDocument, content_hash
from enforcement.documents.rendering import html_to_pdf, render_html
from enforcement.documents.sources import source_key

CASE_FILE_KEY = "case_file_cover"
Status = IssuedDocument.Status

# Every document key of the contract table (penalties_contract.md), in the legal order of the file; the stage
# each belongs to names the group on the 卷内目录.
LEGAL_ORDER = [
    ("case_filing", "立案"),
    ("interview_notice", "调查取证"),
    ("interview_record", "调查取证"),
    ("scene_record", "调查取证"),
    ("sampling_voucher", "调查取证"),
    ("preservation_notice", "调查取证"),
    ("preservation_disposal", "调查取证"),
    ("investigation_report", "调查取证"),
    ("case_extension", "审查"),
    ("handling_approval", "审查"),
    ("legal_review", "审查"),
    ("collective_discussion", "审查"),
    ("penalty_notice", "审查"),
    ("hearing_rights_notice", "审查"),
    ("statement_record", "审查"),
    ("hearing_notice", "审查"),
    ("hearing_record", "审查"),
    ("hearing_report", "审查"),
    ("penalty_decision", "决定"),
    ("no_penalty_decision", "决定"),
    ("summary_decision", "决定"),
    ("address_confirmation", "送达"),
    ("delivery_receipt", "送达"),
    ("payment_plan", "执行"),
    ("payment_reminder", "执行"),
    ("surcharge_decision", "执行"),
    ("court_application", "执行"),
    ("case_closing", "结案"),
]
_POSITION = {key: n for n, (key, _stage) in enumerate(LEGAL_ORDER)}
# A document type the table does not know (a later addition) goes just before the closing approval.
_UNKNOWN = _POSITION["case_closing"] - 0.5


def source_keys(case):
    """The source keys of every record of the case that documents are issued from (contract table)."""
    keys = [source_key(case)]
    keys += [f"cases.steprecord:{pk}" for pk in StepRecord.objects.filter(case=case).values_list("pk", flat=True)]
    keys += [f"cases.caseparty:{pk}" for pk in CaseParty.objects.filter(case=case).values_list("pk", flat=True)]
    return keys


def case_documents(case):
    """(in force, voided): the case's issued documents; in force in the legal order, the case file excluded."""
    documents = list(
        IssuedDocument.objects.filter(source_key__in=source_keys(case))
        .exclude(doc_type__key=CASE_FILE_KEY)
        .exclude(status=Status.SUPERSEDED)
        .select_related("doc_type")
        .order_by("issued_at", "pk")
    )
    in_force = [d for d in documents if d.status == Status.ISSUED]
    in_force.sort(key=lambda d: (_POSITION.get(d.doc_type.key, _UNKNOWN), d.issued_at, d.pk))
    return in_force, [d for d in documents if d.status == Status.VOIDED]


def current_case_file(case):
    """The case's case file in force (an IssuedDocument of type case_file_cover), or None."""
    return (
        IssuedDocument.objects.filter(source_key=source_key(case), doc_type__key=CASE_FILE_KEY, status=Status.ISSUED)
        .order_by("-pk")
        .first()
    )


# --- the documents' PDFs --------------------------------------------------------------------------------------


def stored_pdf(document) -> bytes:
    """The document's PDF as issued; rendered now through the engine if it is missing."""
    if document.render_status != IssuedDocument.RenderStatus.RENDERED or not document.pdf:
        from enforcement.documents.tasks import render_document

        render_document(document.pk)  # in-process; a render claimed elsewhere is left to it
        document.refresh_from_db()
    if document.render_status != IssuedDocument.RenderStatus.RENDERED or not document.pdf:
        raise ValidationError(
            _("文书《%(title)s》（%(number)s）的PDF尚未生成，请稍后再归档。")
            % {"title": document.title, "number": document.number}
        )
    with document.pdf.open("rb") as handle:
        return handle.read()


def page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


# --- assembling ------------------------------------------------------------------------------------------------


@dataclass
class TocRow:
    """One row of the 卷内目录."""

    n: int
    title: str
    number: str
    date: str
    page: int
    pages: int
    note: str = ""
    stage: str = ""
    key: str = ""
    name: str = ""  # the document type's name


@dataclass
class Parts:
    """The numbered part of the file (documents and evidence list) and what the front and back matter print."""

    pdfs: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    voided: list = field(default_factory=list)
    numbered_pages: int = 0
    evidence_count: int = 0


def _render(template, context) -> bytes:
    return html_to_pdf(render_html(template, context))


def _evidence_rows(case):
    rows = []
    for n, item in enumerate(
        Evidence.objects.filter(case=case).select_related("uploaded_by").order_by("collected_on", "id"), 1
    ):
        rows.append(
            {
                "n": n,
                "title": item.title,
                "kind": item.get_kind_display(),
                "date": item.collected_on.isoformat(),
                "sha": item.sha256[:16],
                "who": item.uploaded_by.full_name or item.uploaded_by.username,
                "description": item.description,
            }
        )
    return rows


def collect(case) -> Parts:
    """The documents in force with their page numbers, and the evidence list after them."""
    parts = Parts()
    in_force, voided = case_documents(case)
    page = 1
    for n, document in enumerate(in_force, 1):
        pdf = stored_pdf(document)
        count = page_count(pdf)
        stage = dict(LEGAL_ORDER).get(document.doc_type.key, "")
        note = document.version_label if document.version > 1 else ""
        parts.rows.append(
            TocRow(
                n=n,
                title=document.title,
                number=document.number,
                date=timezone.localdate(document.issued_at).isoformat(),
                page=page,
                pages=count,
                note=note,
                stage=stage,
                key=document.doc_type.key,
                name=document.doc_type.name,
            )
        )
        parts.pdfs.append(pdf)
        page += count
    evidence = _evidence_rows(case)
    parts.evidence_count = len(evidence)
    evidence_pdf = _render(
        "documents/penalties/casefile/evidence_list.html", {"case": case, "rows": evidence, "title": _("证据目录")}
    )
    evidence_pages = page_count(evidence_pdf)
    parts.rows.append(
        TocRow(
            n=len(parts.rows) + 1,
            title=_("证据目录"),
            name=_("证据目录"),
            number="",
            date=timezone.localdate().isoformat(),
            page=page,
            pages=evidence_pages,
            note=_("证据%(n)d件") % {"n": len(evidence)},
        )
    )
    parts.pdfs.append(evidence_pdf)
    parts.numbered_pages = page + evidence_pages - 1
    parts.voided = [
        {
            "title": d.title,
            "number": d.number,
            "voided_on": timezone.localdate(d.voided_at).isoformat(),
            "reason": d.void_reason,
        }
        for d in voided
    ]
    return parts


def cover_facts(case):
    """What the cover says of the case itself (cheap: the source's context, compared for staleness)."""
    parties = list(case.parties.order_by("id"))
    penalties = []
    for party in parties:
        if party.no_penalty:
            text = _("不予行政处罚")
        else:
            text = party.decided_text or "、".join(str(k) for k in party.decided_kinds or [])
            if party.decided_fine:
                text = (text + "；" if text else "") + _("罚款%(fine)s元") % {"fine": party.decided_fine}
        penalties.append({"party": party.name, "text": text})
    retention = settings.CASE_FILE_RETENTION_MAJOR if case.is_major else settings.CASE_FILE_RETENTION
    return {
        "organisation": case.organisation.name,
        "cause": case.cause,
        "parties": [p.name for p in parties],
        "penalties": penalties,
        "filed_on": case.filed_on.isoformat() if case.filed_on else "",
        "closed_on": case.closed_on.isoformat() if case.closed_on else "",
        "retention": retention,
    }


# The keys the assembly adds: what the file holds, which changes with every document, not with the case's facts.
ASSEMBLY_KEYS = ("documents", "pages", "evidence", "toc", "voided", "archived_on", "compiler")


def parts_context(parts):
    return {
        "documents": len(parts.rows),
        "pages": parts.numbered_pages,
        "evidence": parts.evidence_count,
        "toc": [vars(row) for row in parts.rows],
        "voided": parts.voided,
        "archived_on": timezone.localdate().isoformat(),
    }


def cover_context(case, parts, compiler):
    """The cover's, 卷内目录's and 备考表's content (stored as the case file document's context: JSON-plain)."""
    return {
        **cover_facts(case),
        **parts_context(parts),
        "compiler": compiler.full_name or compiler.username,
    }


# The page number's place: archive practice puts it at the bottom right; 14 mm from the right edge and 9 mm from
# the bottom, below the documents' own "共 N 页 第 N 页" or "— N —" (GB/T 9704) in their bottom margin.
STAMP_RIGHT, STAMP_BOTTOM, STAMP_SIZE = 40, 26, 14  # points
_STAMP_FONT = "/CaseFilePageNo"


def _stamp_font(writer):
    from pypdf.generic import DictionaryObject, NameObject

    # A standard PDF font (never embedded): the numbers are Arabic digits only.
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Times-Roman"),
        }
    )
    return writer._add_object(font)


def stamp(writer, page, number, font):
    """Print ``number`` at the bottom right of ``page`` (already in ``writer``), without parsing its content: the
    page's own content is wrapped in q … Q and one small content stream is added after it."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    def stream(data):
        obj = DecodedStreamObject()
        obj.set_data(data)
        return writer._add_object(obj)

    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else DictionaryObject()
    fonts = resources.get("/Font")
    fonts = fonts.get_object() if fonts is not None else DictionaryObject()
    fonts[NameObject(_STAMP_FONT)] = font
    resources[NameObject("/Font")] = fonts
    page[NameObject("/Resources")] = resources
    box = page.mediabox
    text = str(number)
    width = STAMP_SIZE * 0.5 * len(text)  # Times-Roman digits are half an em wide
    x = float(box.right) - STAMP_RIGHT - width
    y = float(box.bottom) + STAMP_BOTTOM
    mark = f"q BT {_STAMP_FONT} {STAMP_SIZE} Tf 1 0 0 1 {x:.2f} {y:.2f} Tm ({text}) Tj ET Q".encode()
    contents = page.get("/Contents")
    parts = []
    if contents is not None:
        contents = contents.get_object()
        parts = list(contents) if isinstance(contents, ArrayObject) else [page.raw_get("/Contents")]
    page[NameObject("/Contents")] = ArrayObject([stream(b"q\n"), *parts, stream(b"\nQ\n"), stream(mark)])


def _split(matter):
    """The cover, 卷内目录 and 备考表 pages of the rendered matter (where each starts: its named destination)."""
    starts = {name: matter.get_destination_page_number(dest) for name, dest in matter.named_destinations.items()}
    pages = list(matter.pages)
    return pages[: starts["toc"]], pages[starts["toc"] : starts["notes"]], pages[starts["notes"] :]


def merge(matter: bytes, numbered: list) -> bytes:
    """cover + 卷内目录 + the numbered parts (stamped 1…N at the bottom right) + 备考表, as one PDF."""
    from pypdf import PdfReader, PdfWriter

    cover, toc, notes = _split(PdfReader(io.BytesIO(matter)))
    writer = PdfWriter()
    for page in [*cover, *toc]:
        writer.add_page(page)
    font = _stamp_font(writer)
    number = 0
    for pdf in numbered:
        for page in PdfReader(io.BytesIO(pdf)).pages:
            number += 1
            stamp(writer, writer.add_page(page), number, font)
    for page in notes:
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def assemble(case, document, context, parts) -> bytes:
    """The whole file for ``document`` (its number is the 案卷号 on the cover)."""
    matter = _render("documents/penalties/casefile/matter.html", {"doc": document, **context})
    return merge(matter, parts.pdfs)


def build_case_file(case, user):
    """Issue the case file of ``case`` (its ``case_file_cover`` document, whose ``pdf`` is the whole file) and
    return it; the case file in force is returned as it is when there is one. ``archive_case`` issues it the same
    way (``sources.issue_for``) inside its transaction."""
    return sources.issue_for(user, CASE_FILE_KEY, case.pk)


def _check_ready(case):
    # R-22 / archive practice: the file is made up when the case has ended (core's gate refuses archiving earlier).
    ended = (PenaltyCase.State.CLOSED, PenaltyCase.State.NOT_FILED, PenaltyCase.State.TERMINATED)
    if case.state not in (*ended, PenaltyCase.State.ARCHIVED):
        raise ValidationError(_("案件尚未结案（或不予立案、撤销立案），不能立卷归档。"))


def _authorise(user, case, organisation):
    sources.same_organisation(user, case, organisation)
    if not user.has_perm("cases.archive_penaltycase"):
        raise PermissionDenied(_("您没有归档行政处罚案件的权限。"))


def _on_issued(case, document):
    """Assemble the file for the document just issued (same transaction): its context gains what the file holds
    (卷内目录, page counts, voided documents, 立卷人), its PDF is the whole file."""
    parts = collect(case)
    context = {**document.context, **parts_context(parts)}
    document.context = context
    document.context_sha256 = content_hash(context)
    document.save(update_fields=["context", "context_sha256"])  # inside the issuing transaction, before commit
    store(document, assemble(case, document, context, parts))


def _issuer(case, user):
    return {"compiler": user.full_name or user.username}


SOURCE = sources.DocumentSource(
    doc_type_key=CASE_FILE_KEY,
    model=PenaltyCase,
    queryset=lambda user, action: PenaltyCase.objects.restrict(user, action).select_related("organisation"),
    organisation_of=lambda case: case.organisation,
    title=lambda case: _("%(cause)s案卷") % {"cause": case.cause},
    build_context=cover_facts,
    check_ready=_check_ready,
    authorise=_authorise,
    issue_action="view",
    on_issued=_on_issued,
    volatile=(*sources.VOLATILE_KEYS, *ASSEMBLY_KEYS),
    issuer_context=_issuer,
    labels={
        "cause": _("案由"),
        "parties": _("当事人"),
        "penalties": _("处理结果"),
        "filed_on": _("立案日期"),
        "closed_on": _("结案日期"),
        "retention": _("保管期限"),
        "organisation": _("执法主体"),
    },
)


def register_source():
    sources.register_source(SOURCE)


def store(document, pdf: bytes):
    """Keep the assembled file as the document's PDF: rendered, hashed, never rendered again by the engine."""
    import hashlib

    document.pdf.save(f"{document.pk}.pdf", ContentFile(pdf), save=False)
    document.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    document.pdf_size = len(pdf)
    document.rendered_at = timezone.now()
    document.render_status = IssuedDocument.RenderStatus.RENDERED
    document.render_error = ""
    document.save(update_fields=["pdf", "pdf_sha256", "pdf_size", "rendered_at", "render_status", "render_error"])
