"""The annual plan as an official document (issue 8 item 2): the approval date is the 批复's own date, the
plan text is issued as a numbered PDF from a submitted or later plan, and its items export to Excel."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from enforcement.documents.models import DocumentType, IssuedDocument
from enforcement.documents.templatetags.documents import cn_date
from plans.annual import documents, services
from plans.models import InspectionPlan
from tests.documents.pdfcheck import pdf_text
from tests.planning import fill_valid_plan
from tests.plans import test_pages
from tests.plans.test_pages import body, login, pdf, step

media = test_pages.media  # fixture shared with the page tests

S = InspectionPlan.Status
DAY = datetime.timedelta(days=1)


def approve(p, approved_on, reference="东政文〔2026〕12号"):
    return services.approve_plan(p.legal, p.plan.pk, "document", reference, pdf(), approved_on=approved_on)


def rendered_text(document):
    document.refresh_from_db()
    assert document.render_status == IssuedDocument.RenderStatus.RENDERED, document.render_error
    with document.pdf.open("rb") as handle:
        return pdf_text(handle.read())


# --- the approval date ---------------------------------------------------------------------------


def test_approval_date_is_the_date_of_the_approval_document_not_of_typing(planning, media, time_machine):
    """GIVEN a plan submitted on day S, approved by a 批复 dated S+3
    WHEN the legal section records the approval on S+10
    THEN the plan says it was approved on S+3, and approved_at keeps when it was recorded."""
    submitted = timezone.localdate()
    time_machine.move_to(datetime.datetime.combine(submitted, datetime.time(10)), tick=False)
    fill_valid_plan(planning)
    services.submit_plan(planning.legal, planning.plan.pk)
    time_machine.move_to(datetime.datetime.combine(submitted + 10 * DAY, datetime.time(10)), tick=False)
    plan = approve(planning, submitted + 3 * DAY)
    plan.refresh_from_db()
    assert plan.approved_on == submitted + 3 * DAY
    assert timezone.localtime(plan.approved_at).date() == submitted + 10 * DAY


@pytest.mark.parametrize(
    ("offset", "message"),
    [(1, "批复日期不能晚于今天"), (-1, "批复日期不能早于报批日期")],
    ids=["future", "before-submission"],
)
def test_approval_date_in_the_future_or_before_submission_is_refused(planning, media, offset, message):
    fill_valid_plan(planning)
    services.submit_plan(planning.legal, planning.plan.pk)
    with pytest.raises(ValidationError) as exc:
        approve(planning, timezone.localdate() + offset * DAY)
    assert message in str(exc.value) and "approved_on" in exc.value.message_dict
    planning.plan.refresh_from_db()
    assert planning.plan.status == S.SUBMITTED and planning.plan.approved_on is None


def test_approval_date_is_required(planning, media):
    fill_valid_plan(planning)
    services.submit_plan(planning.legal, planning.plan.pk)
    with pytest.raises(ValidationError) as exc:
        approve(planning, None)
    assert "请填写批复文件或领导批示上的日期" in str(exc.value)


def test_approval_form_asks_for_the_date_and_keeps_what_was_typed(client, planning, media):
    """GIVEN a submitted plan WHEN the approval is posted with a date before the submission
    THEN the form comes back with the service's message on the date field and the reference typed kept."""
    fill_valid_plan(planning)
    services.submit_plan(planning.legal, planning.plan.pk)
    login(client, planning.legal)
    page = body(client.get(f"/plans/{planning.plan.pk}/"))
    assert 'name="approve-approved_on"' in page and "批复日期" in page
    early = (timezone.localdate() - DAY).isoformat()
    response = client.post(
        f"/plans/{planning.plan.pk}/steps/approve/",
        {
            "approve-approval_kind": "document",
            "approve-approval_reference": "东政文〔2026〕99号",
            "approve-approved_on": early,
            "approve-attachment": pdf(),
        },
    )
    page = body(response)
    assert response.status_code == 400
    assert "批复日期不能早于报批日期" in page and "东政文〔2026〕99号" in page and f'value="{early}"' in page
    tomorrow = (timezone.localdate() + DAY).isoformat()
    response = step(
        client, planning.plan, "approve", approval_kind="document", approval_reference="x", approved_on=tomorrow
    )
    assert response.status_code == 400 and "批复日期不能晚于今天" in body(response)


def test_approval_date_through_the_api(client, planning, media):
    from rest_framework.test import APIClient

    fill_valid_plan(planning)
    services.submit_plan(planning.legal, planning.plan.pk)
    api = APIClient()
    api.force_login(planning.legal)
    url = f"/api/plans/{planning.plan.pk}/approve/"
    data = {"approval_kind": "document", "approval_reference": "东政文〔2026〕3号", "attachment": pdf()}
    response = api.post(url, {**data, "approved_on": (timezone.localdate() + DAY).isoformat()}, format="multipart")
    assert response.status_code == 400 and "批复日期不能晚于今天" in str(response.json()["approved_on"])
    data["attachment"] = pdf()
    response = api.post(url, {**data, "approved_on": timezone.localdate().isoformat()}, format="multipart")
    assert response.status_code == 200 and response.json()["approved_on"] == timezone.localdate().isoformat()


# --- the plan text (PDF) -------------------------------------------------------------------------


@pytest.mark.django_db
def test_annual_plan_document_type_is_configured():
    doc_type = DocumentType.objects.get(key="annual_plan")
    assert (doc_type.type_code, doc_type.template, doc_type.is_active) == (
        "应急计划",
        "documents/annual_plan.html",
        True,
    )


def test_a_draft_plan_is_not_issued(planning, client):
    """GIVEN a draft WHEN its text is asked for THEN it is refused (only a finished step is issued)."""
    fill_valid_plan(planning)
    with pytest.raises(ValidationError) as exc:
        documents.issue_plan_document(planning.legal, planning.plan.pk)
    assert "报本级政府审批后才能出具" in str(exc.value)
    login(client, planning.legal)
    page = body(client.get(f"/plans/{planning.plan.pk}/"))
    assert 'data-issue="annual_plan"' not in page and 'id="document-hint"' in page
    assert not IssuedDocument.objects.exists()


def test_submitted_plan_text_then_approved_text(planning, media, django_capture_on_commit_callbacks):
    """GIVEN a submitted plan WHEN its text is issued THEN a numbered 送审稿 lists the enterprises by month
    with mode and team; WHEN it is issued again unchanged THEN the same document; WHEN the plan is approved
    and issued again THEN a new document replaces the 送审稿 and states the 批复 with the 批复's date."""
    fill_valid_plan(planning)
    services.submit_plan(planning.legal, planning.plan.pk)
    with django_capture_on_commit_callbacks(execute=True):
        draft = documents.issue_plan_document(planning.legal, planning.plan.pk)
    assert draft.number.startswith("（东）应急计划〔") and draft.newly_issued
    text = rendered_text(draft)
    assert draft.number in text and planning.plan.title in text and "（送审稿）" in text
    assert "第六十二条" in text  # 安全生产法 第62条: the basis of an annual supervision-inspection plan
    assert "重点生产经营单位共1家，列入本计划1家" in text
    assert "3月1家次，5月2家次，9月1家次" in text
    assert "附件" in text and planning.key.name in text and planning.general[0].name in text
    assert "重点检查" in text

    again = documents.issue_plan_document(planning.legal, planning.plan.pk)
    assert again.pk == draft.pk and not again.newly_issued

    approved_on = timezone.localdate()
    approve(planning, approved_on, reference="东政文〔2026〕12号")
    with django_capture_on_commit_callbacks(execute=True):
        final = documents.issue_plan_document(planning.legal, planning.plan.pk)
    assert final.pk != draft.pk and final.replaces_id == draft.pk
    text = rendered_text(final)
    assert "（送审稿）" not in text
    assert f"本计划已经本级人民政府批复同意（东政文〔2026〕12号，{cn_date(approved_on)}）" in text


def test_plan_text_is_issued_by_the_plan_owner_only(planning, world, media):
    fill_valid_plan(planning)
    services.submit_plan(planning.legal, planning.plan.pk)
    with pytest.raises(PermissionDenied):
        documents.issue_plan_document(world.people.county_a_officer, planning.plan.pk)  # no workflow rights
    with pytest.raises(PermissionDenied):
        documents.issue_plan_document(world.people.city_legal, planning.plan.pk)  # sees it, not its issuer
    with pytest.raises(InspectionPlan.DoesNotExist):
        documents.issue_plan_document(world.people.county_b_officer, planning.plan.pk)
    assert not IssuedDocument.objects.exists()


def test_superseded_version_is_not_issued(planning, media):
    fill_valid_plan(planning)
    services.submit_plan(planning.legal, planning.plan.pk)
    approve(planning, timezone.localdate())
    v2 = services.revise_plan(planning.legal, planning.plan.pk, "新增专项检查")
    services.submit_plan(planning.legal, v2.pk)
    services.approve_plan(
        planning.legal, v2.pk, "document", "东政文〔2026〕30号", pdf(), approved_on=timezone.localdate()
    )
    with pytest.raises(ValidationError) as exc:
        documents.issue_plan_document(planning.legal, planning.plan.pk)
    assert "已被新版本替代" in str(exc.value)


def test_plan_page_issues_the_text_and_lists_it(client, planning, world, media, django_capture_on_commit_callbacks):
    fill_valid_plan(planning)
    services.submit_plan(planning.legal, planning.plan.pk)
    login(client, planning.legal)
    page = body(client.get(f"/plans/{planning.plan.pk}/"))
    assert 'data-issue="annual_plan"' in page and 'id="link-export"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/plans/{planning.plan.pk}/document/")
    assert response.status_code == 302 and response["Location"].endswith("#documents")
    document = IssuedDocument.objects.get(doc_type__key="annual_plan")
    page = body(client.get(f"/plans/{planning.plan.pk}/"))
    assert document.number in page and f"/documents/{document.pk}/pdf/" in page
    login(client, world.people.county_b_officer)
    assert client.post(f"/plans/{planning.plan.pk}/document/").status_code == 404
    login(client, world.people.county_a_officer)
    assert client.post(f"/plans/{planning.plan.pk}/document/").status_code == 403
    assert IssuedDocument.objects.count() == 1


# --- the Excel list ------------------------------------------------------------------------------


def test_excel_list_of_the_plan_items(client, planning, world):
    """GIVEN a plan with items WHEN its list is exported THEN one row per item by month, with mode, team
    and officers, credit codes as text; another county gets 404."""
    fill_valid_plan(planning)
    login(client, world.people.city_legal)
    response = client.get(f"/plans/{planning.plan.pk}/items.xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert planning.plan.title in rows[0][0]
    assert rows[1][:3] == ("序号", "计划月份", "生产经营单位")
    items = rows[2:]
    assert [(r[0], r[1]) for r in items] == [(1, 3), (2, 5), (3, 5), (4, 9)]
    key_row = items[0]
    assert key_row[2] == planning.key.name and key_row[3] == planning.key.credit_code and key_row[7] == "重点检查"
    officer_names = {o.full_name for o in planning.officers}
    assert set(key_row[9].split("、")) == officer_names
    assert sheet.cell(row=3, column=4).number_format == "@"
    login(client, world.people.county_b_officer)
    assert client.get(f"/plans/{planning.plan.pk}/items.xlsx").status_code == 404
