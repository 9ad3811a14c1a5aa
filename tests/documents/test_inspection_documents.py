"""Inspection documents (issue 4): each renders to a PDF with its number and content; one number per source."""

import datetime
import os
import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cases.inspections import documents as case_documents
from cases.inspections import services as case_services
from enforcement.documents.models import IssuedDocument
from plans.annual import documents as plan_documents
from plans.annual import services as plan_services
from supervision.models import MonthlyProgress
from supervision.progress import documents as supervision_documents
from supervision.progress.job import build_monthly_progress
from tests.dates import CLOCK_2026
from tests.planning import planning  # noqa: F401

D = datetime.date
pytestmark = [
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed"),
    pytest.mark.clock(CLOCK_2026),  # the case is dated March 2026
]


def pdf_text(document):
    document.refresh_from_db()
    assert document.render_status == IssuedDocument.RenderStatus.RENDERED, document.render_error
    with document.pdf.open("rb") as fh:
        data = fh.read()
    assert data.startswith(b"%PDF")
    if os.environ.get("DOCUMENT_DUMP_DIR"):  # for looking at the layout: pdftoppm -png -r 60
        with open(os.path.join(os.environ["DOCUMENT_DUMP_DIR"], f"{document.doc_type.key}.pdf"), "wb") as out:
            out.write(data)
    out = subprocess.run(  # noqa: S603 - fixed argv, the PDF goes to stdin
        [shutil.which("pdftotext"), "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout
    # Layout mode pads table cells; the checks are about content, not spacing.
    return "".join(out.decode().split())


@pytest.fixture
def case(planning, settings, tmp_path):  # noqa: F811
    """County A inspects its key enterprise on 5 March 2026 and finds two hazards (one major)."""
    settings.MEDIA_ROOT = tmp_path
    p = planning
    p.key.address = "东城区工业路8号"
    p.key.principal_person = "钱主任"
    p.key.principal_phone = "0395-1234567"
    p.key.save()
    item = plan_services.add_item(p.legal, p.plan.pk, p.key, 3, officers=p.officers)
    item.onsite_notes = "重点检查储罐区"
    item.save()
    officer = p.officers[0]
    inspection = case_services.record_inspection(
        officer,
        inspected_on=D(2026, 3, 5),
        officers=p.officers,
        plan_item_id=item.pk,
        principal_present=True,
        safety_manager_present=True,
        operators_present="王五",
        launch_meeting_held=True,
        feedback_meeting_held=True,
        results=[
            {"text": "主要负责人履职情况", "compliant": True},
            {"text": "特种作业人员持证上岗", "compliant": False, "note": "1人无证"},
        ],
    )
    h1 = case_services.add_hazard(
        officer, inspection.pk, description="消防通道堵塞", location="仓库", rectification_deadline=D(2026, 3, 20)
    )
    h2 = case_services.add_hazard(
        officer,
        inspection.pk,
        description="储罐区可燃气体报警器失效",
        is_major=True,
        rectification_deadline=D(2026, 4, 5),
    )
    # The record and the order follow the completed inspection (issue 8: documents from a finished step).
    case_services.complete_inspection(officer, inspection.pk)
    p.item, p.inspection, p.hazards = item, inspection, [h1, h2]
    return p


def officer_names(p):
    return [u.full_name for u in p.officers]


def test_inspection_record_pdf(case, django_capture_on_commit_callbacks):
    officer = case.officers[0]
    with django_capture_on_commit_callbacks(execute=True):
        doc = case_documents.issue_inspection_record(officer, case.inspection.pk)
    # The number is allocated in the year of issue (today), not the inspection's.
    assert doc.number.startswith("（东）应急检记〔") and doc.number.endswith("〕1号")
    text = pdf_text(doc)
    assert doc.number in text
    assert "现场检查记录" in text and "东城危化储运公司" in text and "东城区工业路8号" in text
    assert "钱主任" in text and "0395-1234567" in text
    assert "2026年3月5日" in text
    for name in officer_names(case):
        assert name in text
    cert = case.officers[0].certificates.first().number
    assert cert in text
    assert "出示执法证件" in text and "拒绝签字" in text
    assert "特种作业人员持证上岗" in text and "不符合" in text and "1人无证" in text
    assert "消防通道堵塞" in text and "2026年3月20日" in text


def test_rectification_order_pdf_and_idempotent(case, django_capture_on_commit_callbacks):
    officer = case.officers[0]
    with django_capture_on_commit_callbacks(execute=True):
        doc = case_documents.issue_rectification_order(officer, case.inspection.pk)
    again = case_documents.issue_rectification_order(case.officers[1], case.inspection.pk)
    assert again.pk == doc.pk
    assert IssuedDocument.objects.filter(doc_type__key="rectification_order").count() == 1
    text = pdf_text(doc)
    assert doc.number in text and "责令限期整改指令书" in text
    assert "东城危化储运公司" in text
    assert "消防通道堵塞" in text and "储罐区可燃气体报警器失效" in text and "重大事故隐患" in text
    # The order's overall deadline is the latest hazard's.
    assert "于2026年4月5日前整改完毕" in text
    assert "第六十五条" in text
    assert "60日内申请行政复议" in text and "6个月内依法提起行政诉讼" in text
    for name in officer_names(case):
        assert name in text
    assert doc.context["deadline"] == "2026-04-05"


def test_reinspection_opinion_cites_order(case, django_capture_on_commit_callbacks):
    officer = case.officers[0]
    with django_capture_on_commit_callbacks(execute=True):
        order = case_documents.issue_rectification_order(officer, case.inspection.pk)
    case_services.record_reinspection(
        officer,
        case.hazards[0].pk,
        inspected_on=D(2026, 3, 21),
        officers=case.officers,
        result="passed",
        note="通道已清理",
    )
    with django_capture_on_commit_callbacks(execute=True):
        doc = case_documents.issue_reinspection_opinion(officer, case.hazards[0].reinspections.get().visit_id)
    text = pdf_text(doc)
    assert doc.number in text and "整改复查意见书" in text
    assert order.number in text
    assert "2026年3月21日" in text and "整改合格" in text and "消防通道堵塞" in text
    assert "东城危化储运公司" in text


def test_onsite_plan_pdf(case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        doc = plan_documents.issue_onsite_plan(case.legal, case.item.pk)
    assert plan_documents.issue_onsite_plan(case.legal, case.item.pk).pk == doc.pk
    text = pdf_text(doc)
    assert doc.number in text and "现场检查方案" in text
    assert "东城危化储运公司" in text and "钱主任" in text and "2026年3月" in text
    for name in officer_names(case):
        assert name in text
    assert case.officers[0].certificates.first().number in text
    assert "重点检查储罐区" in text


def test_monthly_report_pdf(case, django_capture_on_commit_callbacks):
    build_monthly_progress(D(2026, 3, 1))
    report = MonthlyProgress.objects.get(organisation=case.plan.organisation, month=D(2026, 3, 1))
    with django_capture_on_commit_callbacks(execute=True):
        doc = supervision_documents.issue_monthly_report(case.legal, report.pk)
    text = pdf_text(doc)
    assert doc.number in text and "2026年3月执法计划执行情况报告" in text
    assert "东城区应急管理局" in text
    assert "计划检查任务完成率" in text and "隐患整改复查率" in text


def test_out_of_scope_is_not_found(case, world):
    with pytest.raises(case.inspection.__class__.DoesNotExist):
        case_documents.issue_inspection_record(world.people.county_b_officer, case.inspection.pk)
    assert not IssuedDocument.objects.exists()


def test_city_may_see_but_not_issue_county_numbers(case, world):
    with pytest.raises(PermissionDenied):
        plan_documents.issue_onsite_plan(world.people.city_legal, case.item.pk)


def test_issue_buttons_and_listing(case, world, client, django_capture_on_commit_callbacks):
    officer = case.officers[0]
    client.force_login(officer)
    url = reverse("cases:inspection_document", args=[case.inspection.pk, "inspection_record"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    doc = IssuedDocument.objects.get(doc_type__key="inspection_record")
    page = client.get(reverse("cases:inspection_detail", args=[case.inspection.pk])).content.decode()
    assert doc.number in page and f"/documents/{doc.pk}/pdf/" in page
    pdf = client.get(f"/documents/{doc.pk}/pdf/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content if pdf.streaming else [pdf.content])[:4] == b"%PDF"
    client.post(url)
    assert IssuedDocument.objects.filter(doc_type__key="inspection_record").count() == 1
    client.force_login(world.people.county_b_officer)
    assert client.post(url).status_code == 404


def test_plan_item_and_progress_buttons(case, client, world, django_capture_on_commit_callbacks):
    client.force_login(case.legal)
    page = client.get(reverse("plans:item_detail", args=[case.item.pk])).content.decode()
    assert reverse("plans:item_document", args=[case.item.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("plans:item_document", args=[case.item.pk])).status_code == 302
    doc = IssuedDocument.objects.get(doc_type__key="onsite_plan")
    page = client.get(reverse("plans:item_detail", args=[case.item.pk])).content.decode()
    assert doc.number in page and f"/documents/{doc.pk}/pdf/" in page

    build_monthly_progress(D(2026, 3, 1))
    report = MonthlyProgress.objects.get(organisation=case.plan.organisation, month=D(2026, 3, 1))
    url = reverse("supervision:progress_document", args=[report.pk])
    assert url in client.get(reverse("supervision:progress_detail", args=[report.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    doc = IssuedDocument.objects.get(doc_type__key="monthly_progress")
    assert doc.number in client.get(reverse("supervision:progress_detail", args=[report.pk])).content.decode()
    # County B cannot even see county A's report: 404, and nothing is issued.
    client.force_login(world.people.county_b_officer)
    assert client.post(url).status_code == 404
    assert client.post(reverse("plans:item_document", args=[case.item.pk])).status_code == 404
    assert IssuedDocument.objects.count() == 2


def test_no_order_without_open_hazards(case):
    """GIVEN every hazard re-inspected and closed WHEN the order is asked for THEN a message, no number."""
    from django.core.exceptions import ValidationError

    for hazard in case.hazards:
        case_services.record_reinspection(
            case.officers[0], hazard.pk, inspected_on=D(2026, 4, 6), officers=case.officers, result="passed"
        )
    with pytest.raises(ValidationError):
        case_documents.issue_rectification_order(case.officers[0], case.inspection.pk)
    assert not IssuedDocument.objects.exists()
