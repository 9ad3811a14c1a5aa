"""Re-inspection visits (issue 8, items 4–5): one visit re-inspects every open hazard of an order at once, a failed
re-inspection keeps the hazard's original deadline and records the new one beside it, and the API refuses what
the law refuses. Dates are relative to today, so the tests run on any day."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.inspections import services
from cases.models import Hazard, ReInspection
from tests.cases.helpers import completed_inspection_with_hazards

DAY = datetime.timedelta(days=1)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def found(planning, media):
    """County A inspected today and found three hazards due in 10, 10 and 20 days; the inspection is completed."""
    return completed_inspection_with_hazards(planning, days=(10, 10, 20))


def test_failed_reinspection_keeps_the_original_deadline(planning, found):
    """GIVEN a hazard due in 10 days WHEN its re-inspection fails with a new deadline THEN the original
    deadline stays (the order showed it), the new one is on the re-inspection and is the hazard's current one."""
    _inspection, hazards = found
    hazard = hazards[0]
    original = hazard.rectification_deadline
    today = timezone.localdate()
    new_deadline = today + 30 * DAY
    services.record_reinspection(
        planning.officers[0],
        hazard.pk,
        inspected_on=today,
        officers=planning.officers,
        result="failed",
        note="未整改",
        new_deadline=new_deadline,
    )
    hazard.refresh_from_db()
    assert hazard.rectification_deadline == original
    assert hazard.current_deadline == new_deadline
    assert hazard.reinspections.get().new_deadline == new_deadline
    assert hazard.status == Hazard.Status.OPEN


def test_overdue_follows_the_current_deadline(planning, found, client):
    """GIVEN a hazard whose original deadline has passed but which got a later deadline on re-inspection
    THEN it is not overdue; one whose current deadline has passed is, in the list and on the model."""
    _inspection, hazards = found
    today = timezone.localdate()
    late, extended = hazards[0], hazards[1]
    Hazard.objects.filter(pk__in=[late.pk, extended.pk]).update(
        found_on=today - 40 * DAY, rectification_deadline=today - 20 * DAY, current_deadline=today - 20 * DAY
    )
    Hazard.objects.filter(pk=extended.pk).update(current_deadline=today + 5 * DAY)
    late.refresh_from_db()
    extended.refresh_from_db()
    assert late.is_overdue and not extended.is_overdue
    client.force_login(planning.officers[0])
    body = client.get(reverse("cases:hazard_list"), {"state": "overdue"}).content.decode()
    assert f'data-hazard="{late.pk}"' in body and f'data-hazard="{extended.pk}"' not in body


def test_one_visit_per_inspection_date_and_team(planning, found):
    """GIVEN two hazards of one inspection re-inspected on the same day by the same officers (one at a time)
    THEN both belong to one visit."""
    from cases.models import ReInspectionVisit

    inspection, hazards = found
    today = timezone.localdate()
    officer = planning.officers[0]
    first = services.record_reinspection(
        officer, hazards[0].pk, inspected_on=today, officers=planning.officers, result="passed"
    )
    second = services.record_reinspection(
        officer, hazards[1].pk, inspected_on=today, officers=list(reversed(planning.officers)), result="passed"
    )
    assert first.visit_id == second.visit_id
    visit = first.visit
    assert visit.inspection_id == inspection.pk and visit.inspected_on == today
    assert sorted(visit.officers.values_list("pk", flat=True)) == sorted(o.pk for o in planning.officers)
    assert ReInspectionVisit.objects.count() == 1


def test_visit_records_every_hazard_in_one_transaction(planning, found):
    """GIVEN three open hazards WHEN one visit records two passed and one failed without a new deadline
    THEN nothing is saved (one transaction); with the deadline all three are recorded on one visit."""
    from cases.models import ReInspectionVisit

    inspection, hazards = found
    today = timezone.localdate()
    rows = [
        {"hazard": hazards[0].pk, "result": "passed", "note": "已清理"},
        {"hazard": hazards[1].pk, "result": "passed", "note": ""},
        {"hazard": hazards[2].pk, "result": "failed", "note": "报警器仍失效"},
    ]
    with pytest.raises(ValidationError):
        services.record_reinspection_visit(
            planning.officers[0], inspection.pk, inspected_on=today, officers=planning.officers, results=rows
        )
    assert not ReInspection.objects.exists() and not ReInspectionVisit.objects.exists()
    rows[2]["new_deadline"] = today + 15 * DAY
    visit = services.record_reinspection_visit(
        planning.officers[0], inspection.pk, inspected_on=today, officers=planning.officers, results=rows
    )
    assert visit.reinspections.count() == 3
    statuses = dict(Hazard.objects.filter(inspection=inspection).values_list("pk", "status"))
    assert statuses == {hazards[0].pk: "closed", hazards[1].pk: "closed", hazards[2].pk: "open"}


def test_visit_refuses_hazards_of_another_inspection_and_closed_ones(planning, found, media):
    inspection, hazards = found
    _other, other_hazards = completed_inspection_with_hazards(planning, days=(5,))
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.record_reinspection_visit(
            planning.officers[0],
            inspection.pk,
            inspected_on=today,
            officers=planning.officers,
            results=[{"hazard": other_hazards[0].pk, "result": "passed"}],
        )
    services.record_reinspection(
        planning.officers[0], hazards[0].pk, inspected_on=today, officers=planning.officers, result="passed"
    )
    with pytest.raises(ValidationError):
        services.record_reinspection_visit(
            planning.officers[0],
            inspection.pk,
            inspected_on=today,
            officers=planning.officers,
            results=[{"hazard": hazards[0].pk, "result": "passed"}],
        )


def test_reinspection_page_for_every_open_hazard(planning, found, client, world):
    """GIVEN three open hazards WHEN the officer opens the order's re-inspection page and records two
    (one passed, one failed with a new deadline) and leaves one for later THEN one visit with two results."""
    from cases.models import ReInspectionVisit

    inspection, hazards = found
    url = reverse("cases:inspection_reinspect", args=[inspection.pk])
    client.force_login(world.people.county_b_officer)
    assert client.get(url).status_code == 404
    client.force_login(planning.officers[0])
    page = client.get(url).content.decode()
    for hazard in hazards:
        assert f'data-hazard="{hazard.pk}"' in page and hazard.description in page
    # Both the inspection page and the hazard list lead here.
    assert url in client.get(reverse("cases:inspection_detail", args=[inspection.pk])).content.decode()
    assert url in client.get(reverse("cases:hazard_list")).content.decode()

    today = timezone.localdate()
    ordered = hazards[1].rectification_deadline
    officers = [o.pk for o in planning.officers]
    data = {
        "inspected_on": today.isoformat(),
        "officers": officers,
        "rows-TOTAL_FORMS": "3",
        "rows-INITIAL_FORMS": "3",
        "rows-0-hazard": hazards[0].pk,
        "rows-0-result": "passed",
        "rows-0-note": "通道已清理",
        "rows-1-hazard": hazards[1].pk,
        "rows-1-result": "failed",
        "rows-1-note": "接地线未更换",
        "rows-2-hazard": hazards[2].pk,
        "rows-2-result": "",
    }
    # A failed result without a new deadline comes back with everything typed and a Chinese message.
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "通道已清理" in body and "接地线未更换" in body and "重新整改期限" in body
    assert not ReInspection.objects.exists()

    new_deadline = today + 12 * DAY
    data["rows-1-new_deadline"] = new_deadline.isoformat()
    response = client.post(url, data)
    assert response.status_code == 302
    visit = ReInspectionVisit.objects.get()
    assert sorted(visit.reinspections.values_list("hazard_id", flat=True)) == [hazards[0].pk, hazards[1].pk]
    hazards[1].refresh_from_db()
    assert hazards[1].current_deadline == new_deadline
    assert hazards[1].rectification_deadline == ordered
    assert Hazard.objects.get(pk=hazards[2].pk).status == Hazard.Status.OPEN
    # The old per-hazard address leads to the same page.
    old = client.get(reverse("cases:hazard_reinspect", args=[hazards[2].pk]))
    assert old.status_code == 302 and old.url.startswith(url)


# --- API ---------------------------------------------------------------------------------------------


@pytest.fixture
def api(planning):
    client = APIClient()
    client.force_login(planning.officers[0])
    return client


def test_api_refuses_reinspecting_a_closed_hazard(planning, found, api):
    """GIVEN a hazard closed by a passed re-inspection WHEN the API re-inspects it again THEN 400, nothing saved."""
    _inspection, hazards = found
    today = timezone.localdate()
    body = {
        "hazard": hazards[0].pk,
        "inspected_on": today.isoformat(),
        "officers": [o.pk for o in planning.officers],
        "result": "passed",
    }
    assert api.post("/api/reinspections/", body, format="json").status_code == 201
    response = api.post("/api/reinspections/", body, format="json")
    assert response.status_code == 400
    assert "无需再次复查" in response.content.decode()
    assert ReInspection.objects.count() == 1


@pytest.mark.parametrize("offset", [-1, 0])
def test_api_refuses_a_new_deadline_not_after_the_reinspection(planning, found, api, offset):
    """A failed result's new deadline must be after the re-inspection date (the day itself is refused too)."""
    _inspection, hazards = found
    today = timezone.localdate()
    ordered = hazards[0].rectification_deadline
    response = api.post(
        "/api/reinspections/",
        {
            "hazard": hazards[0].pk,
            "inspected_on": today.isoformat(),
            "officers": [o.pk for o in planning.officers],
            "result": "failed",
            "new_deadline": (today + offset * DAY).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400 and "new_deadline" in response.json()
    assert not ReInspection.objects.exists()
    hazards[0].refresh_from_db()
    assert hazards[0].current_deadline == hazards[0].rectification_deadline == ordered


def test_api_shows_both_deadlines(planning, found, api):
    _inspection, hazards = found
    today = timezone.localdate()
    new_deadline = today + 25 * DAY
    response = api.post(
        "/api/reinspections/",
        {
            "hazard": hazards[0].pk,
            "inspected_on": today.isoformat(),
            "officers": [o.pk for o in planning.officers],
            "result": "failed",
            "new_deadline": new_deadline.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.content.decode()
    assert response.json()["visit"]
    row = api.get(f"/api/hazards/{hazards[0].pk}/").json()
    assert row["rectification_deadline"] == hazards[0].rectification_deadline.isoformat()
    assert row["current_deadline"] == new_deadline.isoformat()
