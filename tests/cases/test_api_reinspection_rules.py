"""/api/reinspections/ keeps the rules of 整改复查 (R-13) that the pages keep.

The pages refuse a closed hazard before the form is shown and check the form's dates, so only the API shows
whether the service itself refuses: re-inspecting a hazard already closed, a failed re-inspection whose new
deadline is not after the re-inspection, and a re-inspection dated before the hazard was found.
"""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cases.inspections import services
from cases.models import Hazard, ReInspection
from tests.cases.helpers import add_hazard, publish_plan_with_due_item, record

URL = "/api/reinspections/"
DAY = datetime.timedelta(days=1)


@pytest.fixture
def hazard(planning, settings, tmp_path):
    """County A's open hazard, found today on a planned inspection, to be rectified within ten days."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return add_hazard(planning, record(planning, publish_plan_with_due_item(planning)), days=10)


@pytest.fixture
def officer_api(world):
    client = APIClient()
    client.force_login(world.people.county_a_officer)
    return client


def payload(planning, hazard, **values):
    return {
        "hazard": hazard.pk,
        "inspected_on": timezone.localdate().isoformat(),
        "officers": [o.pk for o in planning.officers],
        **values,
    }


def test_a_closed_hazard_cannot_be_reinspected_through_the_api(planning, hazard, officer_api):
    """GIVEN a hazard closed by a passed re-inspection WHEN another re-inspection is posted, passed or
    failed THEN the API answers 400 with the reason, records nothing and the hazard stays closed."""
    closed_on = timezone.localdate()
    services.record_reinspection(
        planning.officers[0], hazard.pk, inspected_on=closed_on, officers=planning.officers, result="passed"
    )
    later = (timezone.localdate() + 7 * DAY).isoformat()
    for values in ({"result": "passed"}, {"result": "failed", "new_deadline": later}):
        response = officer_api.post(URL, payload(planning, hazard, **values), format="json")
        assert response.status_code == 400, response.content.decode()
        assert "该隐患已复查合格，无需再次复查。" in response.content.decode()
    assert ReInspection.objects.count() == 1
    hazard.refresh_from_db()
    assert hazard.status == Hazard.Status.CLOSED and hazard.closed_on == closed_on


@pytest.mark.parametrize("days_after", [0, -1], ids=["same-day", "day-before"])
def test_a_failed_reinspection_needs_a_new_deadline_after_its_date(planning, hazard, officer_api, days_after):
    """GIVEN an open hazard WHEN a failed re-inspection is posted with a new deadline on or before the
    re-inspection date THEN 400 on new_deadline, nothing recorded, the hazard's deadline untouched; a
    deadline one day later is accepted."""
    today = timezone.localdate()
    deadline = hazard.rectification_deadline
    too_early = today + days_after * DAY
    response = officer_api.post(
        URL, payload(planning, hazard, result="failed", new_deadline=too_early.isoformat()), format="json"
    )
    assert response.status_code == 400, response.content.decode()
    assert response.json()["new_deadline"] == ["复查不合格时须重新确定晚于复查日期的整改期限。"]
    assert not ReInspection.objects.exists()
    hazard.refresh_from_db()
    assert hazard.status == Hazard.Status.OPEN and hazard.rectification_deadline == deadline

    response = officer_api.post(
        URL, payload(planning, hazard, result="failed", new_deadline=(today + DAY).isoformat()), format="json"
    )
    assert response.status_code == 201, response.content.decode()
    assert ReInspection.objects.get().new_deadline == today + DAY


def test_a_reinspection_cannot_predate_the_hazard(planning, hazard, officer_api):
    before = (hazard.found_on - DAY).isoformat()
    response = officer_api.post(URL, payload(planning, hazard, inspected_on=before, result="passed"), format="json")
    assert response.status_code == 400, response.content.decode()
    assert response.json()["inspected_on"] == ["复查日期不能早于发现隐患的日期。"]
    assert not ReInspection.objects.exists()
