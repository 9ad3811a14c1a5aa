"""The annual plan's approval (issue 8 item 2): the approval date is the 批复's own date, not the day it was
typed in."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from enforcement.documents.models import IssuedDocument
from plans.annual import services
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
