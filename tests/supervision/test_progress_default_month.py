"""The month the progress page (月调度) opens on when none is asked for, with the clock moved.

With reports in the user's scope it is the latest month that has one; without, the month before today —
today in Beijing, across a year's end, and whatever the length of the month.
"""

import datetime

import pytest
from django.utils import timezone

from supervision.models import MonthlyProgress
from tests import clock
from tests.factories import UserFactory

URL = "/supervision/progress/"
D = datetime.date


def open_page(world, client):
    """County A's legal section opens the page without asking for a month (logged in at the moved clock)."""
    client.force_login(UserFactory(username="county_a_legal", organisation=world.orgs.county_a, roles=["legal"]))
    response = client.get(URL)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    "now, expected",
    [
        ("2027-01-04T10:00:00+08:00", D(2026, 12, 1)),  # January: the previous month is last year's December
        ("2027-03-01T00:05:00+08:00", D(2027, 2, 1)),  # already 1 March in Beijing, still 28 February in UTC
        ("2027-03-31T23:50:00+08:00", D(2027, 2, 1)),  # 31 March: "30 days ago" would still be March
        ("2031-01-02T09:00:00+08:00", D(2030, 12, 1)),
    ],
)
def test_without_reports_the_page_opens_on_the_previous_month(world, client, time_machine, now, expected):
    """GIVEN no report in the user's scope WHEN the page is opened without a month at a moved clock
    THEN it shows the month before today (Asia/Shanghai)."""
    time_machine.move_to(clock.parse(now), tick=False)
    response = open_page(world, client)
    assert response.context["month"] == expected
    assert f"{expected.year}年{expected.month:02d}月" in response.content.decode()


def test_with_reports_the_page_opens_on_the_latest_reported_month(world, client, time_machine):
    """GIVEN county A's reports for two past months (and county B's for a later one, out of scope)
    WHEN the page is opened without a month THEN it shows county A's later month, not the previous month."""
    time_machine.move_to(clock.parse("2027-01-04T10:00:00+08:00"), tick=False)
    now = timezone.now()
    for org, month in ((world.orgs.county_a, D(2026, 9, 1)), (world.orgs.county_a, D(2026, 10, 1))):
        MonthlyProgress.objects.create(organisation=org, month=month, generated_at=now, planned=1, done=1)
    MonthlyProgress.objects.create(organisation=world.orgs.county_b, month=D(2026, 11, 1), generated_at=now)
    response = open_page(world, client)
    assert response.context["month"] == D(2026, 10, 1)
    assert response.context["own"]["row"].report.month == D(2026, 10, 1)
