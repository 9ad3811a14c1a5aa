"""The case file (案卷, R-22): cover, 卷内目录 whose 页号 are the stamped page numbers, every document in force in
the legal order, the evidence list and the 备考表; numbers at the bottom right of every page with text, none on
the cover, the 卷内目录 and the 备考表 (archive practice, domain.md §11)."""

import hashlib
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.penalties import casefile
from cases.penalties import evidence as evidence_store
from cases.penalties.models import Evidence, PenaltyCase, StepRecord
from enforcement.audit.models import AuditEvent
from enforcement.documents.models import DocumentType, IssuedDocument
from enforcement.documents.services import issue_document, issue_new_version, void_document
from tests.penalties.evidence_helpers import add_party, make_case
from tests.penalties.factories import penalty_people

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")

TEMPLATES = Path(__file__).parent / "templates"
# Documents of the case issued in this (wrong) order on purpose, with their lengths in paragraphs.
ISSUED = [
    ("case_closing", "结案审批表", 2),
    ("penalty_decision", "行政处罚决定书", 30),
    ("interview_record", "询问笔录", 45),
    ("case_filing", "立案审批表", 3),
    ("penalty_notice", "行政处罚告知书", 12),
    ("delivery_receipt", "文书送达回执", 2),
    ("legal_review", "法制审核意见书", 8),
]
PARAGRAPH = "经查，该公司未按规定对从业人员进行安全生产教育和培训，未如实记录安全生产教育和培训情况。" * 2


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEMPLATES]}]


def _type(key, name):
    doc_type, _created = DocumentType.objects.update_or_create(
        key=key, defaults={"name": name, "type_code": f"应急{name[:1]}", "template": "tests/casefile_sample.html"}
    )
    return doc_type


def _source(case, key, party, officer):
    if key in ("penalty_notice", "penalty_decision"):
        return f"cases.caseparty:{party.pk}"
    if key == "delivery_receipt":
        return f"cases.penaltycase:{case.pk}"
    step = StepRecord.objects.create(
        case=case, kind="filing", occurred_on=timezone.localdate(), recorded_by=officer, data={}
    )
    return f"cases.steprecord:{step.pk}"


def _issue(case, party, officer, key, name, paragraphs):
    _type(key, name)
    context = {"heading": name, "paragraphs": [f"{n}. {PARAGRAPH}" for n in range(paragraphs)]}
    return issue_document(officer, case.organisation, key, name, context, source_key=_source(case, key, party, officer))


def _pages(pdf: bytes):
    """The text of every page (pdftotext -layout), and of each page's bottom-right corner where the stamp sits."""
    from pypdf import PdfReader

    count = len(PdfReader(io.BytesIO(pdf)).pages)
    run = lambda *args: subprocess.run(  # noqa: E731, S603 - poppler's own binary on our own bytes
        [shutil.which("pdftotext"), *args, "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    # Titles are letter-spaced (行 政 处 罚 案 卷): spaces inside a line of CJK text are dropped.
    texts = [
        re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", run("-layout", "-f", str(n), "-l", str(n)))
        for n in range(1, count + 1)
    ]
    # A4 is 595 × 842 pt; the stamp is 14 mm from the right and 9 mm from the bottom edge (page_numbers.html).
    corners = [
        run("-f", str(n), "-l", str(n), "-x", "480", "-y", "800", "-W", "115", "-H", "42").strip()
        for n in range(1, count + 1)
    ]
    return texts, corners


def _check_pages_match_toc(document, pdf):
    """The file is cover + 卷内目录 + numbered pages + 备考表; each 卷内目录 row names its stamped page, where the
    document's number (or, unnumbered, its name) stands; pages 1…N are stamped at the bottom right, the cover,
    卷内目录 and 备考表 are not. Returns (page texts, corner texts, pages before page 1, the 卷内目录's text)."""
    texts, corners = _pages(pdf)
    numbered = document.context["pages"]
    notes_start = max(i for i, t in enumerate(texts) if "备考表" in t)
    front = notes_start - numbered
    notes_pages = len(texts) - notes_start
    assert "卷内目录" in texts[1] and front >= 2
    assert "行政处罚案卷" in texts[0] and document.number in texts[0] and f"共{numbered}页" in texts[0]
    toc = "\n".join(texts[1:front])
    for row in document.context["toc"]:
        page = texts[front + row["page"] - 1]
        assert (row["number"] or row["name"]) in page, (row, page[:300])
        assert re.search(rf"{re.escape(row['title'][:6])}.*?日\s+{row['page']}\b", toc, re.S), row
    assert corners[front : front + numbered] == [str(n) for n in range(1, numbered + 1)]
    assert corners[:front] == [""] * front and corners[front + numbered :] == [""] * notes_pages
    return texts, corners, front, toc


@pytest.fixture
def closed_case(world):
    officer = world.people.county_a_officer
    case = make_case(world.orgs.county_a, officer, state=PenaltyCase.State.CLOSED)
    party = add_party(case, decided_text="警告", decided_fine=20000)
    documents = {key: _issue(case, party, officer, key, name, n) for key, name, n in ISSUED}
    # The notice was corrected (version 2 is in the file, marked), and a scene record was voided (备考表 only).
    issue_new_version(
        officer, documents["penalty_notice"].pk, {"heading": "行政处罚告知书", "paragraphs": ["更正"] * 12}, "更正笔误"
    )
    voided = _issue(case, party, officer, "scene_record", "勘验笔录", 2)
    officer.user_permissions.add(*Permission.objects.filter(codename="void_issueddocument"))
    void_document(type(officer).objects.get(pk=officer.pk), voided.pk, "现场人员签名缺失，重新勘验")
    Evidence.objects.create(
        case=case,
        step=PenaltyCase.State.INVESTIGATING,
        kind="photo",
        title="配电箱现场照片",
        collected_on=timezone.localdate(),
        file="evidence/x.png",
        original_name="现场.png",
        content_type="image/png",
        size=10,
        sha256=hashlib.sha256(b"x").hexdigest(),
        uploaded_by=officer,
    )
    return case


def test_case_file_pages_match_the_table_of_contents(world, closed_case):
    """GIVEN a closed case whose documents were issued out of order, in several lengths, one corrected and one voided
    WHEN its case file is built
    THEN it is cover + 卷内目录 + the documents in force in the legal order + 证据目录 + 备考表; each row's 页号 is the
         stamped page where that document's title stands; the cover, 卷内目录 and 备考表 carry no number; the
         voided document is not in the file but listed in the 备考表."""
    document = casefile.build_case_file(closed_case, penalty_people(world).county_a_leader)
    assert document.doc_type.key == "case_file_cover" and document.render_status == "rendered"
    with document.pdf.open("rb") as handle:
        pdf = handle.read()
    assert hashlib.sha256(pdf).hexdigest() == document.pdf_sha256
    rows = document.context["toc"]
    keys = [row["key"] for row in rows if row["key"]]
    assert keys == [
        "case_filing",
        "interview_record",
        "legal_review",
        "penalty_notice",
        "penalty_decision",
        "delivery_receipt",
        "case_closing",
    ]
    assert rows[-1]["title"] == "证据目录"
    texts, _corners, front, _toc = _check_pages_match_toc(document, pdf)
    assert "备考表" in texts[-1] and "勘验笔录" in texts[-1] and "现场人员签名缺失" in texts[-1]
    lengths = set()
    for row in rows:
        assert row["title"] in texts[front + row["page"] - 1], row
        lengths.add(row["pages"])
    assert len(lengths) >= 3  # documents of several lengths
    # The corrected notice is in the file as its second version; the voided record is not.
    notice = next(row for row in rows if row["key"] == "penalty_notice")
    assert notice["note"] == "第2版"
    assert "scene_record" not in keys
    assert "配电箱现场" in texts[front + rows[-1]["page"] - 1]


def test_case_file_download_is_scoped_and_audited(client, world, closed_case):
    """GIVEN county A's archived case with its case file
    WHEN county B's officer asks for it THEN 404; WHEN the city's legal section does THEN the PDF, audited."""
    document = casefile.build_case_file(closed_case, penalty_people(world).county_a_leader)
    url = reverse("cases:penalty_case_file", args=[closed_case.pk])
    client.force_login(world.people.county_b_officer)
    assert client.get(url).status_code == 404
    client.force_login(world.people.city_legal)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content)[:4] == b"%PDF"
    assert AuditEvent.objects.filter(action="download", actor=world.people.city_legal, target_id=str(document.pk))
    # Built once: a second call returns the same document, no second number.
    assert casefile.build_case_file(closed_case, penalty_people(world).county_a_leader).pk == document.pk
    assert IssuedDocument.objects.filter(doc_type__key="case_file_cover").count() == 1


def test_legal_order_covers_every_document_key_of_the_contract():
    """Every document key of the contract table has its place in the file (the case file itself excepted)."""
    contract = {
        "case_filing", "interview_notice", "interview_record", "scene_record", "sampling_voucher",
        "preservation_notice", "preservation_disposal", "investigation_report", "handling_approval", "legal_review",
        "collective_discussion", "case_extension", "case_closing", "penalty_notice", "hearing_rights_notice",
        "statement_record", "hearing_notice", "hearing_record", "hearing_report", "penalty_decision",
        "no_penalty_decision", "summary_decision", "address_confirmation", "delivery_receipt", "payment_plan",
        "payment_reminder", "surcharge_decision", "court_application",
    }  # fmt: skip
    keys = [key for key, _stage in casefile.LEGAL_ORDER]
    assert set(keys) == contract and len(keys) == len(contract)
    stages = [stage for _key, stage in casefile.LEGAL_ORDER]
    order = ["立案", "调查取证", "审查", "决定", "送达", "执行", "结案"]
    assert [order.index(s) for s in stages] == sorted(order.index(s) for s in stages)


def test_archiving_a_case_through_the_services_builds_its_file_and_locks_the_case(world, client, settings):
    """GIVEN a 一案双罚 case taken through the whole procedure by the services, with its real documents
    WHEN the leader archives it (services.archive_case)
    THEN its case file holds every document in force in the legal order, each on the page its 卷内目录 row names;
         and the archived case takes nothing any more: no step, no evidence, no deletion (R-22)."""
    from cases.penalties import services
    from tests.penalties.factories import build_case

    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": settings.TEMPLATES[0]["DIRS"][:1]}]
    case = build_case(world, PenaltyCase.State.ARCHIVED, parties=("unit", "person"))
    document = casefile.current_case_file(case)
    assert document is not None and case.archived_at is not None
    with document.pdf.open("rb") as handle:
        pdf = handle.read()
    if os.environ.get("DOCUMENT_DUMP_DIR"):  # for looking at the file: pdftoppm -png -r 60
        Path(os.environ["DOCUMENT_DUMP_DIR"], "case_file.pdf").write_bytes(pdf)
    _check_pages_match_toc(document, pdf)
    keys = [row["key"] for row in document.context["toc"] if row["key"]]
    assert keys == sorted(keys, key=lambda k: [key for key, _s in casefile.LEGAL_ORDER].index(k))
    assert keys.count("penalty_decision") == 2 and "case_filing" in keys and "case_closing" in keys

    officer = world.people.county_a_officer
    with pytest.raises(ValidationError, match="已归档"):
        services.record_step(officer, case.pk, "interview", data={}, occurred_on=timezone.localdate())
    with pytest.raises(ValidationError, match="已归档"):
        evidence_store.start_upload(
            officer, case.pk, kind="photo", filename="a.png", size=10, title="补充", collected_on=timezone.localdate()
        )
