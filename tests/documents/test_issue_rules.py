"""Documents are issued only from a finished step, and say what their data says (issue 8, items 1, 4 and 6)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.inspections import documents as case_documents
from cases.inspections import services as case_services
from enforcement.documents.models import IssuedDocument
from supervision.guidance import services as guidance
from supervision.models import GuidanceLetter, MonthlyProgress
from supervision.progress import documents as progress_documents
from tests.cases.helpers import completed_inspection_with_hazards, record
from tests.documents.pdfcheck import PdfLayout
from tests.factories import UserFactory

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def rendered_text(document):
    """The PDF's text in reading order, a table cell as one run (a cell's text wraps inside its column)."""
    document.refresh_from_db()
    assert document.render_status == IssuedDocument.RenderStatus.RENDERED, document.render_error
    with document.pdf.open("rb") as handle:
        return PdfLayout(handle.read()).text


def cn(day):
    return f"{day.year}年{day.month}月{day.day}日"


# --- item 1: issue only from a finished step --------------------------------------------------------------


def test_inspection_record_only_from_a_completed_inspection(planning, client):
    """GIVEN an inspection still 检查中 WHEN the record is asked for THEN a Chinese refusal and no number; the page
    shows the button disabled with the reason. Once completed, it is issued."""
    officer = planning.officers[0]
    inspection = record(planning, enterprise_id=planning.key.pk, inspected_on=timezone.localdate())
    with pytest.raises(ValidationError) as refused:
        case_documents.issue_inspection_record(officer, inspection.pk)
    assert "完成检查后" in " ".join(refused.value.messages)
    assert not IssuedDocument.objects.exists()

    client.force_login(officer)
    page = client.get(reverse("cases:inspection_detail", args=[inspection.pk])).content.decode()
    assert 'data-issue="inspection_record" disabled' in page and "完成检查后方可出具" in page
    response = client.post(reverse("cases:inspection_document", args=[inspection.pk, "inspection_record"]), follow=True)
    assert "完成检查后" in response.content.decode() and not IssuedDocument.objects.exists()

    case_services.complete_inspection(officer, inspection.pk, feedback_meeting_held=True)
    assert case_documents.issue_inspection_record(officer, inspection.pk).version == 1


def test_rectification_order_only_from_a_completed_inspection_that_found_hazards(planning):
    officer = planning.officers[0]
    inspection = record(planning, enterprise_id=planning.key.pk, inspected_on=timezone.localdate())
    case_services.add_hazard(
        officer, inspection.pk, description="消防通道堵塞", rectification_deadline=timezone.localdate() + 10 * DAY
    )
    with pytest.raises(ValidationError):
        case_documents.issue_rectification_order(officer, inspection.pk)
    clean = record(planning, enterprise_id=planning.general[0].pk, inspected_on=timezone.localdate())
    case_services.complete_inspection(officer, clean.pk, feedback_meeting_held=True)
    with pytest.raises(ValidationError):
        case_documents.issue_rectification_order(officer, clean.pk)  # nothing found, nothing to order
    assert not IssuedDocument.objects.exists()
    case_services.complete_inspection(officer, inspection.pk, feedback_meeting_held=True)
    assert case_documents.issue_rectification_order(officer, inspection.pk).doc_type.key == "rectification_order"


def test_guidance_letter_only_from_a_completed_visit(world, planning):
    city = world.people.city_legal
    colleague = UserFactory(username="city_legal2", organisation=world.orgs.city, roles=["legal"])
    visit = guidance.create_visit(city, world.orgs.county_a, timezone.localdate(), [city, colleague])
    with pytest.raises(ValidationError) as refused:
        guidance.issue_letter(
            city, visit.pk, [{"problem": "计划未公示"}], timezone.localdate() + 30 * DAY, "张联络", "0395-1234567"
        )
    assert "指导完成后" in " ".join(refused.value.messages)
    assert not GuidanceLetter.objects.exists() and not IssuedDocument.objects.exists()


def test_monthly_report_only_from_a_month_that_has_ended(planning):
    """The month under way has no final figures: its report is not issued."""
    month = timezone.localdate().replace(day=1)
    report = MonthlyProgress.objects.create(
        organisation=planning.plan.organisation, month=month, planned=3, done=1, generated_at=timezone.now()
    )
    with pytest.raises(ValidationError) as refused:
        progress_documents.issue_monthly_report(planning.legal, report.pk)
    assert "结束" in " ".join(refused.value.messages)
    assert not IssuedDocument.objects.exists()


# --- item 6: the order's general deadline agrees with the items --------------------------------------------


def test_order_with_different_item_deadlines_names_each_and_the_latest_as_final(
    planning, django_capture_on_commit_callbacks
):
    """GIVEN hazards due in 10 and 20 days WHEN the order is issued THEN each item keeps its own date and the
    general sentence gives the latest as the final date, never one general date contradicting an item."""
    inspection, hazards = completed_inspection_with_hazards(planning, days=(10, 20))
    with django_capture_on_commit_callbacks(execute=True):
        order = case_documents.issue_rectification_order(planning.officers[0], inspection.pk)
    text = rendered_text(order)
    first, last = hazards[0].rectification_deadline, hazards[1].rectification_deadline
    assert f"限于{cn(first)}前整改完毕" in text and f"限于{cn(last)}前整改完毕" in text
    assert f"责令你单位于{cn(last)}前整改完毕" not in text
    assert "按上述各项所列期限整改完毕" in text and f"最迟于{cn(last)}前全部整改完毕" in text


def test_order_with_one_deadline_states_it_once(planning, django_capture_on_commit_callbacks):
    inspection, hazards = completed_inspection_with_hazards(planning, days=(15, 15))
    with django_capture_on_commit_callbacks(execute=True):
        order = case_documents.issue_rectification_order(planning.officers[0], inspection.pk)
    text = rendered_text(order)
    assert f"责令你单位于{cn(hazards[0].rectification_deadline)}前整改完毕" in text
    assert "按上述各项所列期限" not in text


def test_order_reissued_after_a_failed_reinspection_keeps_the_original_deadlines(planning):
    """A failed re-inspection changes nothing the order said: the order is not stale."""
    from enforcement.documents import sources

    inspection, hazards = completed_inspection_with_hazards(planning, days=(10,))
    order = case_documents.issue_rectification_order(planning.officers[0], inspection.pk)
    case_services.record_reinspection(
        planning.officers[0],
        hazards[0].pk,
        inspected_on=timezone.localdate(),
        officers=planning.officers,
        result="failed",
        new_deadline=timezone.localdate() + 30 * DAY,
    )
    assert sources.is_stale(planning.officers[0], order) is False
    assert order.context["hazards"][0]["deadline"] == hazards[0].rectification_deadline.isoformat()


# --- item 4: one re-inspection opinion per order and visit -------------------------------------------------


def test_one_opinion_per_visit_lists_every_hazard_reinspected(planning, django_capture_on_commit_callbacks):
    """GIVEN an order for three hazards WHEN one visit re-inspects all three (two passed, one failed with a new
    deadline) THEN one 整改复查意见书 lists the three with their results and the failed one's new deadline."""
    inspection, hazards = completed_inspection_with_hazards(planning, days=(10, 10, 20))
    officer = planning.officers[0]
    with django_capture_on_commit_callbacks(execute=True):
        order = case_documents.issue_rectification_order(officer, inspection.pk)
    today = timezone.localdate()
    new_deadline = today + 15 * DAY
    visit = case_services.record_reinspection_visit(
        officer,
        inspection.pk,
        inspected_on=today,
        officers=planning.officers,
        results=[
            {"hazard": hazards[0].pk, "result": "passed", "note": "通道已清理"},
            {"hazard": hazards[1].pk, "result": "passed"},
            {"hazard": hazards[2].pk, "result": "failed", "note": "报警器仍失效", "new_deadline": new_deadline},
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        opinion = case_documents.issue_reinspection_opinion(officer, visit.pk)
    assert case_documents.issue_reinspection_opinion(officer, visit.pk).pk == opinion.pk
    assert IssuedDocument.objects.filter(doc_type__key="reinspection_opinion").count() == 1
    text = rendered_text(opinion)
    assert order.number in text
    for hazard in hazards:
        assert hazard.description in text
    assert text.count("整改合格") >= 2 and "整改不合格" in text and "报警器仍失效" in text
    assert cn(new_deadline) in text
    # The visit page button and listing: one button for the visit, not one per hazard.
    assert len(opinion.context["results"]) == 3


def test_opinion_page_button_per_visit(planning, client, django_capture_on_commit_callbacks):
    inspection, hazards = completed_inspection_with_hazards(planning, days=(10, 10))
    officer = planning.officers[0]
    today = timezone.localdate()
    visit = case_services.record_reinspection_visit(
        officer,
        inspection.pk,
        inspected_on=today,
        officers=planning.officers,
        results=[{"hazard": h.pk, "result": "passed"} for h in hazards],
    )
    client.force_login(officer)
    page = client.get(reverse("cases:inspection_detail", args=[inspection.pk])).content.decode()
    url = reverse("cases:reinspection_document", args=[visit.pk])
    assert page.count(url) == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    opinion = IssuedDocument.objects.get(doc_type__key="reinspection_opinion")
    assert [r["description"] for r in opinion.context["results"]] == [h.description for h in hazards]


def test_order_continues_a_description_typed_as_a_sentence(planning, django_capture_on_commit_callbacks):
    """A hazard typed with a full stop reads “…未接地，限于…”, not “…未接地。，限于…”."""
    inspection = record(planning, enterprise_id=planning.key.pk, inspected_on=timezone.localdate())
    deadline = timezone.localdate() + 10 * DAY
    case_services.add_hazard(
        planning.officers[0], inspection.pk, description="配电箱未接地。", rectification_deadline=deadline
    )
    case_services.complete_inspection(planning.officers[0], inspection.pk, feedback_meeting_held=True)
    with django_capture_on_commit_callbacks(execute=True):
        order = case_documents.issue_rectification_order(planning.officers[0], inspection.pk)
    text = rendered_text(order)
    assert f"配电箱未接地，限于{cn(deadline)}前整改完毕" in text and "。，" not in text
