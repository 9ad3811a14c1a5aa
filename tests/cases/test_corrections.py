"""Corrections of a saved inspection: who, when, what (old → new) and why; never a silent overwrite."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.inspections import services
from cases.models import Inspection
from enforcement.audit.models import AuditEvent
from tests.cases.helpers import add_hazard, publish_plan_with_due_item, record


@pytest.fixture
def inspection(planning, media):
    started = timezone.localtime().replace(second=0, microsecond=0) - datetime.timedelta(minutes=5)
    if started.date() != timezone.localdate():  # just after midnight: start at 00:00 today instead
        started = started + datetime.timedelta(minutes=5)
    return record(
        planning,
        publish_plan_with_due_item(planning),
        summary="检查了仓库。",
        started_at=started,
        inspected_on=started.date(),
    )


def correct_inspection(*args, **kwargs):
    from cases.inspections.corrections import correct_inspection

    return correct_inspection(*args, **kwargs)


def corrections_count():
    from cases.models import InspectionCorrection

    return InspectionCorrection.objects.count()


def inspection_events(inspection):
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(Inspection), target_id=str(inspection.pk)
    ).order_by("id")


def test_correction_records_who_when_what_and_why(planning, inspection, world):
    """GIVEN a saved inspection WHEN an officer corrects the summary and a check result
    THEN the inspection holds the new values and the correction keeps the old ones, the reason and who."""
    officer = world.people.county_a_officer2
    result = inspection.results.get()
    correction = correct_inspection(
        officer,
        inspection.pk,
        reason="录入时漏记了二号仓库",
        summary="检查了一号、二号仓库。",
        results={result.pk: {"compliant": True, "note": "已当场补证"}},
        principal_present=True,  # unchanged: not listed
    )
    inspection.refresh_from_db()
    result.refresh_from_db()
    assert inspection.summary == "检查了一号、二号仓库。"
    assert (result.compliant, result.note) == (True, "已当场补证")
    assert correction.corrected_by == officer and correction.reason == "录入时漏记了二号仓库"
    assert correction.corrected_at is not None and correction.was_completed is False
    assert correction.changes == [
        {"field": "summary", "label": "检查情况", "old": "检查了仓库。", "new": "检查了一号、二号仓库。"},
        {
            "field": f"results.{result.pk}",
            "label": "检查事项：特种作业持证",
            "old": "不符合；1人无证",
            "new": "符合；已当场补证",
        },
    ]
    event = inspection_events(inspection).last()
    assert event.actor == officer and event.action == AuditEvent.Action.UPDATE
    assert event.changes["summary"] == ["检查了仓库。", "检查了一号、二号仓库。"]
    assert event.changes[f"results.{result.pk}"] == [
        {"compliant": False, "note": "1人无证"},
        {"compliant": True, "note": "已当场补证"},
    ]
    assert event.changes["reason"] == [None, "录入时漏记了二号仓库"]


def test_correction_needs_a_reason_and_a_change(planning, inspection, world):
    officer = world.people.county_a_officer
    with pytest.raises(ValidationError) as exc:
        correct_inspection(officer, inspection.pk, reason="  ", summary="改了")
    assert exc.value.message_dict["reason"] == ["请说明更正原因。"]
    with pytest.raises(ValidationError) as exc:
        correct_inspection(officer, inspection.pk, reason="核对", summary=inspection.summary)
    assert "没有需要更正的内容" in exc.value.messages[0]
    assert corrections_count() == 0
    assert inspection_events(inspection).count() == 1  # only the creation


def test_completed_inspection_can_be_corrected_and_stays_completed(planning, inspection, world):
    officer = world.people.county_a_officer
    services.complete_inspection(officer, inspection.pk, launch_meeting_held=True, feedback_meeting_held=True)
    correction = correct_inspection(officer, inspection.pk, reason="专家姓名写错", experts="王工（省安科院）")
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.COMPLETED and inspection.experts == "王工（省安科院）"
    assert correction.was_completed is True
    assert inspection_events(inspection).last().changes["experts"] == ["", "王工（省安科院）"]


def test_correcting_the_team_checks_it_again_and_updates_the_partners(planning, inspection, world):
    officer = world.people.county_a_officer
    with pytest.raises(ValidationError) as exc:
        correct_inspection(officer, inspection.pk, reason="误选", officers=[officer])
    assert "执法人员不得少于2人" in exc.value.messages[0]
    correction = correct_inspection(
        officer, inspection.pk, reason="西山县人员参加了检查", officers=[officer, world.people.county_b_officer]
    )
    inspection.refresh_from_db()
    assert list(inspection.partner_organisations.all()) == [world.orgs.county_b]
    (change,) = correction.changes
    assert change["label"] == "执法人员"
    assert str(world.people.county_a_officer2) in change["old"] and str(world.people.county_b_officer) in change["new"]
    event = inspection_events(inspection).last()
    assert event.changes["partner_organisations"] == [[], [world.orgs.county_b.pk]]


def test_moving_the_start_to_another_day_moves_the_date_and_the_hazards(planning, inspection, world):
    """GIVEN an inspection with a hazard WHEN its start is corrected to five days earlier THEN the inspection
    date and the day the hazard was found follow; a date after the hazard's re-inspection is refused."""
    officer = world.people.county_a_officer
    hazard = add_hazard(planning, inspection, days=10, photos=[])
    earlier = inspection.started_at - datetime.timedelta(days=5)
    correct_inspection(officer, inspection.pk, reason="日期录错", started_at=earlier)
    inspection.refresh_from_db()
    hazard.refresh_from_db()
    assert inspection.inspected_on == timezone.localdate(earlier) == hazard.found_on
    reinspected = timezone.localdate(earlier) + datetime.timedelta(days=2)
    services.record_reinspection(
        officer, hazard.pk, inspected_on=reinspected, officers=planning.officers, result="passed"
    )
    with pytest.raises(ValidationError) as exc:
        correct_inspection(officer, inspection.pk, reason="又改回", started_at=earlier + datetime.timedelta(days=3))
    assert "早于更正后的检查日期" in exc.value.messages[0]
    inspection.refresh_from_db()
    assert inspection.inspected_on == timezone.localdate(earlier)
    assert corrections_count() == 1


def test_correction_page_prefills_and_the_detail_shows_the_history(planning, inspection, world, as_):
    client = as_(world.people.county_a_officer)
    url = reverse("cases:inspection_correct", args=[inspection.pk])
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    result = inspection.results.get()
    assert form["summary"].value() == "检查了仓库。"
    assert form[f"check_{result.pk}"].value() == "no" and form[f"note_{result.pk}"].value() == "1人无证"
    assert sorted(form["officers"].value()) == sorted(o.pk for o in planning.officers)

    data = {
        "started_at": timezone.localtime(inspection.started_at).strftime("%Y-%m-%dT%H:%M"),
        "officers": [o.pk for o in planning.officers],
        "principal_present": "on",
        "launch_meeting_held": "on",
        "summary": "检查了一号、二号仓库。",
        f"check_{result.pk}": "no",
        f"note_{result.pk}": "1人无证",
    }
    response = client.post(url, data)  # no reason: back with everything typed
    assert response.status_code == 200
    body = response.content.decode()
    assert "请说明更正原因" in body
    assert "检查了一号、二号仓库。" in body
    inspection.refresh_from_db()
    assert inspection.summary == "检查了仓库。"

    response = client.post(url, {**data, "reason": "漏记二号仓库"})
    assert response.status_code == 302
    assert response["Location"].endswith("#corrections")
    body = client.get(response["Location"]).content.decode()
    assert 'id="corrections"' in body and "更正历史" in body and "漏记二号仓库" in body
    assert "<del>检查了仓库。</del>" in body and "检查了一号、二号仓库。" in body
    assert str(world.people.county_a_officer) in body


def test_correction_is_scoped(planning, inspection, world, as_):
    url = reverse("cases:inspection_correct", args=[inspection.pk])
    assert as_(world.people.county_b_officer).get(url).status_code == 404
    assert as_(world.people.nobody).get(url).status_code == 404
    # The city legal section reads the inspection, and its link to correct it is shown only with the right.
    detail = reverse("cases:inspection_detail", args=[inspection.pk])
    assert 'id="btn-correct"' in as_(world.people.county_a_officer).get(detail).content.decode()


def test_correction_through_the_api(planning, inspection, world):
    api = APIClient()
    api.force_login(world.people.county_a_officer)
    url = f"/api/inspections/{inspection.pk}/correct/"
    assert api.post(url, {"summary": "x"}, format="json").status_code == 400  # no reason
    result = inspection.results.get()
    response = api.post(
        url,
        {
            "reason": "补记反馈会",
            "feedback_meeting_held": True,
            "feedback_attendees": "张三（总经理）",
            "results": [{"id": result.pk, "compliant": True, "note": ""}],
        },
        format="json",
    )
    assert response.status_code == 200, response.content.decode()
    data = response.json()
    assert data["feedback_meeting_held"] is True and data["feedback_attendees"] == "张三（总经理）"
    (correction,) = data["corrections"]
    assert correction["reason"] == "补记反馈会"
    assert {c["field"] for c in correction["changes"]} == {
        "feedback_meeting_held",
        "feedback_attendees",
        f"results.{result.pk}",
    }
    other = APIClient()
    other.force_login(world.people.county_b_officer)
    assert other.post(url, {"reason": "x", "summary": "y"}, format="json").status_code == 404
