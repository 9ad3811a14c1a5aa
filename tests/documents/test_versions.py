"""Issued documents agree with their data and can be corrected (issue 8, item 2).

A document whose source data changed is re-issued as a new version under the same number; any document can be
voided (作废) with a reason and its source then issues a fresh number (重开). Everything stays in the register.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases.inspections import documents as case_documents
from enforcement.documents import sources
from enforcement.documents.models import IssuedDocument, NumberSequence
from enforcement.documents.services import void_document
from enforcement.enterprises.models import Enterprise
from supervision.models import GuidanceLetter, MonthlyProgress
from supervision.progress import documents as progress_documents
from supervision.progress.job import previous_month
from tests.cases.helpers import completed_inspection_with_hazards
from tests.documents.pdfcheck import pdf_text

S = IssuedDocument.Status


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def record(planning, django_capture_on_commit_callbacks):
    """County A's completed inspection with two hazards and its 现场检查记录, rendered."""
    inspection, _hazards = completed_inspection_with_hazards(planning, days=(10, 20))
    with django_capture_on_commit_callbacks(execute=True):
        document = case_documents.issue_inspection_record(planning.officers[0], inspection.pk)
    document.refresh_from_db()
    document.inspection = inspection
    return document


def served_pdf(client, document):
    response = client.get(reverse("documents:pdf", args=[document.pk]))
    assert response.status_code == 200, response.content[:400]
    return b"".join(response.streaming_content)


def assert_next_number(fresh, voided):
    """A fresh number after a void: the next one of the year (the first of a new year if the clock passed it)."""
    assert fresh.number != voided.number and fresh.version == 1
    assert fresh.serial == (voided.serial + 1 if fresh.year == voided.year else 1)


def inspection_page(client, document):
    return client.get(reverse("cases:inspection_detail", args=[document.inspection.pk])).content.decode()


def move_enterprise(planning, address="东城区工业路18号"):
    """The enterprise's address was wrong in the register and is corrected after the record was issued."""
    Enterprise.objects.filter(pk=planning.key.pk).update(address=address)


# --- re-issue as a new version -------------------------------------------------------------------------


def test_changed_data_shows_the_banner_and_reissue_keeps_the_number(
    planning, record, client, django_capture_on_commit_callbacks
):
    """GIVEN an issued record WHEN the data it was issued from changes THEN the source page says so and offers
    “重新出具（第2版）”; re-issuing (with a reason) keeps number, year and serial, adds version 2 referencing
    version 1, which stays in the register as superseded; no number is consumed."""
    client.force_login(planning.officers[0])
    assert "文书内容与当前数据不一致" not in inspection_page(client, record)
    move_enterprise(planning)
    page = inspection_page(client, record)
    assert "文书内容与当前数据不一致" in page and "重新出具（第2版）" in page
    assert "出具后有变化：被检查单位信息" in page  # says what changed

    url = reverse("documents:reissue", args=[record.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "被检查单位地址登记有误，已更正", "next": "/cases/"})
    assert response.status_code == 302
    v2 = IssuedDocument.objects.get(replaces=record)
    record.refresh_from_db()
    assert (v2.number, v2.year, v2.serial, v2.version) == (record.number, record.year, record.serial, 2)
    assert v2.reason == "被检查单位地址登记有误，已更正"
    assert v2.context["enterprise"]["address"] == "东城区工业路18号"
    assert record.status == S.SUPERSEDED and v2.status == S.ISSUED
    assert record.context["enterprise"]["address"] != "东城区工业路18号"  # the old version is untouched
    assert NumberSequence.objects.get(doc_type__key="inspection_record").last_serial == 1
    assert sources.current_document(record.source_key, "inspection_record") == v2

    page = inspection_page(client, record)
    assert "文书内容与当前数据不一致" not in page
    assert "第2版" in page and "已被新版本替代" in page and "被检查单位地址登记有误" in page
    register = client.get(reverse("documents:list")).content.decode()
    assert register.count(record.number) >= 2 and "已被新版本替代" in register and "被检查单位地址登记有误" in register
    # The new version's PDF says which version it is.
    text = pdf_text(served_pdf(client, v2))
    assert record.number in text and "第2版" in text and "东城区工业路18号" in text


def test_reissue_needs_a_reason_and_changed_data(planning, record, client):
    """No reason → refused, the page keeps the form; unchanged data → refused; nothing is issued either way."""
    with pytest.raises(ValidationError):
        sources.reissue(planning.officers[0], record.pk, "   ")
    with pytest.raises(ValidationError):
        sources.reissue(planning.officers[0], record.pk, "重新打印")
    move_enterprise(planning)
    client.force_login(planning.officers[0])
    response = client.post(reverse("documents:reissue", args=[record.pk]), {"reason": ""})
    assert response.status_code == 400 and "请填写重新出具的原因" in response.content.decode()
    assert IssuedDocument.objects.count() == 1
    # A superseded version cannot be re-issued again: the latest one is worked on.
    v2 = sources.reissue(planning.officers[0], record.pk, "地址更正")
    move_enterprise(planning, "东城区工业路28号")
    with pytest.raises(ValidationError):
        sources.reissue(planning.officers[0], record.pk, "再次更正")
    assert sources.reissue(planning.officers[0], v2.pk, "再次更正").version == 3


def test_reissue_is_for_the_issuing_organisation_only(planning, record, world):
    move_enterprise(planning)
    with pytest.raises(PermissionDenied):
        sources.reissue(world.people.city_legal, record.pk, "地址更正")  # sees it, but it is not the city's number
    with pytest.raises(IssuedDocument.DoesNotExist):
        sources.reissue(world.people.county_b_officer, record.pk, "地址更正")
    assert IssuedDocument.objects.count() == 1


def test_number_and_version_are_unique(planning, record):
    fields = {
        f.name: getattr(record, f.name)
        for f in IssuedDocument._meta.fields
        if f.name not in ("id", "replaces", "issued_at", "pdf")
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        IssuedDocument.objects.create(**fields)
    IssuedDocument.objects.create(**{**fields, "version": 2, "status": S.ISSUED})


# --- void and re-open -----------------------------------------------------------------------------------


def test_void_keeps_the_document_in_the_register_with_who_when_why(planning, record, client):
    officer = planning.officers[1]
    client.force_login(officer)
    response = client.post(reverse("documents:void", args=[record.pk]), {"reason": "被检查单位名称填写错误"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == S.VOIDED and record.void_reason == "被检查单位名称填写错误"
    assert record.voided_by == officer and record.voided_at is not None
    register = client.get(reverse("documents:list")).content.decode()
    assert record.number in register and "已作废" in register and "被检查单位名称填写错误" in register
    page = inspection_page(client, record)
    assert "已作废" in page and "被检查单位名称填写错误" in page
    detail = client.get(reverse("documents:detail", args=[record.pk])).content.decode()
    assert "已作废" in detail and (officer.full_name or officer.username) in detail
    # Voiding twice, or without a reason, is refused.
    with pytest.raises(ValidationError):
        void_document(officer, record.pk, "再次作废")


def test_void_needs_a_reason(planning, record, client):
    client.force_login(planning.officers[0])
    response = client.post(reverse("documents:void", args=[record.pk]), {"reason": " "})
    assert response.status_code == 400 and "请填写作废原因" in response.content.decode()
    record.refresh_from_db()
    assert record.status == S.ISSUED


def test_after_void_the_source_issues_a_new_number(planning, record, client, django_capture_on_commit_callbacks):
    """GIVEN a voided record WHEN the inspection page issues again (重开) THEN a new number; the voided one is
    never reused and stays in the register."""
    officer = planning.officers[0]
    void_document(officer, record.pk, "误将检查情况记入其他单位")
    client.force_login(officer)
    page = inspection_page(client, record)
    assert 'data-issue="inspection_record"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cases:inspection_document", args=[record.inspection.pk, "inspection_record"]))
    fresh = sources.current_document(record.source_key, "inspection_record")
    assert_next_number(fresh, record)
    assert IssuedDocument.objects.get(pk=record.pk).status == S.VOIDED


def test_void_and_reopen_in_one_step(planning, record, client, django_capture_on_commit_callbacks):
    client.force_login(planning.officers[0])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("documents:void", args=[record.pk]), {"reason": "执法人员证号有误", "then": "reopen"})
    fresh = sources.current_document(record.source_key, "inspection_record")
    assert fresh is not None
    assert_next_number(fresh, record)


def test_voided_pdf_carries_the_mark_and_the_original_is_kept(planning, record, client):
    original_sha = record.pdf_sha256
    client.force_login(planning.officers[0])
    assert "作废" not in pdf_text(served_pdf(client, record))
    void_document(planning.officers[0], record.pk, "被检查单位名称填写错误")
    text = pdf_text(served_pdf(client, record))
    assert "作废" in text and "被检查单位名称填写错误" in text and record.number in text
    record.refresh_from_db()
    assert record.pdf_sha256 == original_sha and record.pdf
    with record.pdf.open("rb") as handle:
        assert "作废" not in pdf_text(handle.read())


def test_only_the_issuing_organisation_with_the_permission_voids(planning, record, world):
    """The city legal section sees county A's record but does not void county A's number; county B does not
    even find it; a county A user without the document permission is refused."""
    with pytest.raises(PermissionDenied):
        void_document(world.people.city_legal, record.pk, "越权")
    with pytest.raises(IssuedDocument.DoesNotExist):
        void_document(world.people.county_b_officer, record.pk, "越权")
    with pytest.raises((PermissionDenied, IssuedDocument.DoesNotExist)):
        void_document(world.people.nobody, record.pk, "越权")
    record.refresh_from_db()
    assert record.status == S.ISSUED
    assert world.people.county_a_officer.has_perm("documents.void_issueddocument")


def test_a_guidance_letter_is_voided_and_reopened_from_its_register_entry(
    world, planning, client, django_capture_on_commit_callbacks
):
    """Every issued document type can be voided and re-opened, also one issued without a source page button."""
    from supervision.guidance import services as guidance

    city = world.people.city_legal
    from tests.factories import UserFactory

    colleague = UserFactory(username="city_legal2", organisation=world.orgs.city, roles=["legal"])
    visit = guidance.create_visit(city, world.orgs.county_a, timezone.localdate(), [city, colleague])
    for check in visit.checks.all():
        guidance.record_check(city, check.pk, "" if check.item != "training" else "培训不足", check.item != "training")
    guidance.complete_visit(city, visit.pk)
    letter = guidance.issue_letter(
        city,
        visit.pk,
        guidance.default_findings(visit),
        timezone.localdate() + datetime.timedelta(days=30),
        "张联络",
        "0395-1234567",
    )
    first = letter.document
    client.force_login(city)
    detail = reverse("documents:detail", args=[first.pk])
    client.post(reverse("documents:void", args=[first.pk]), {"reason": "主送单位错误"})
    assert "重开" in client.get(detail).content.decode()
    # The letter's own PDF link serves the voided copy too.
    response = client.get(reverse("supervision:guidance_letter_pdf", args=[letter.pk]))
    assert response.status_code == 200
    assert "作废" in pdf_text(b"".join(response.streaming_content))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:reopen", args=[first.pk]))
    assert response.status_code == 302
    letter = GuidanceLetter.objects.get(pk=letter.pk)
    assert_next_number(letter.document, first)
    assert letter.document.context["findings"] == first.context["findings"]


# --- the register and other sources ----------------------------------------------------------------------


def test_monthly_report_is_stale_when_its_month_is_rebuilt(planning, client):
    """The same detection works for every registered source: a rebuilt month with other figures."""
    month = previous_month()
    report = MonthlyProgress.objects.create(
        organisation=planning.plan.organisation, month=month, planned=4, done=2, generated_at=timezone.now()
    )
    document = progress_documents.issue_monthly_report(planning.legal, report.pk)
    assert sources.is_stale(planning.legal, document) is False
    MonthlyProgress.objects.filter(pk=report.pk).update(done=3)
    assert sources.is_stale(planning.legal, document) is True
    v2 = sources.reissue(planning.legal, document.pk, "月度调度重新生成")
    assert (v2.number, v2.version, v2.context["figures"]["done"]) == (document.number, 2, 3)


@pytest.mark.parametrize("extra", [2, 8])
def test_register_query_count(planning, client, django_assert_max_num_queries, extra):
    """The register lists versions and voids without a query per row."""
    officer = planning.officers[0]
    for i in range(extra):
        inspection, _ = completed_inspection_with_hazards(planning, days=(5,))
        document = case_documents.issue_inspection_record(officer, inspection.pk)
        if i % 2:
            void_document(officer, document.pk, f"作废{i}")
    client.force_login(officer)
    client.get(reverse("documents:list"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("documents:list"))
    assert response.content.decode().count('data-document="') == extra
