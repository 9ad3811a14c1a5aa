"""Admin of monthly progress: scoped like every other view, and read-only (the job writes the reports)."""

import pytest
from django.utils import timezone

from supervision.models import MonthlyProgress, MonthlyProgressRun
from tests.supervision.test_pages import JUNE, progress  # noqa: F401 - fixture

CHANGELIST = "/admin/supervision/monthlyprogress/"
RUNS = "/admin/supervision/monthlyprogressrun/"


@pytest.fixture
def staff(progress):  # noqa: F811
    for user in (progress.people.city_legal, progress.people.a_legal):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return progress


@pytest.fixture
def admin_as(client):
    def as_(user):
        client.logout()
        client.force_login(user)
        return client

    return as_


def rows(response):
    assert response.status_code == 200, response.status_code
    return set(response.context["cl"].result_list)


def test_city_sees_every_report_county_only_its_subtree(staff, admin_as):
    r = staff.reports
    assert rows(admin_as(staff.people.city_legal).get(CHANGELIST)) == {
        r.city,
        r.county_a,
        r.park_a,
        r.county_b,
        r.township_b,
        r.a_may,
    }
    response = admin_as(staff.people.a_legal).get(CHANGELIST)
    assert rows(response) == {r.county_a, r.park_a, r.a_may}
    assert "西山县应急管理局" not in response.content.decode()


def test_out_of_scope_report_does_not_exist_for_a_county(staff, admin_as):
    response = admin_as(staff.people.a_legal).get(f"{CHANGELIST}{staff.reports.county_b.pk}/change/")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_reports_are_read_only(staff, admin_as):
    client = admin_as(staff.people.city_legal)
    report = staff.reports.county_a
    page = client.get(f"{CHANGELIST}{report.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html  # a view page, no save button
    assert "东城区应急管理局" in html and "东城一般企业1" in html  # shown, as read-only text
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.post(f"{CHANGELIST}{report.pk}/change/", {"done": 10}).status_code == 403
    assert client.post(f"{CHANGELIST}{report.pk}/delete/", {"post": "yes"}).status_code == 403
    assert MonthlyProgress.objects.get(pk=report.pk).done == 8


def test_changelist_shows_the_rates(staff, admin_as):
    html = admin_as(staff.people.a_legal).get(CHANGELIST, {"month__exact": JUNE.isoformat()}).content.decode()
    assert "80%" in html and "100%" in html


def test_runs_are_read_only_and_need_their_permission(staff, admin_as, django_user_model):
    now = timezone.now()
    run = MonthlyProgressRun.objects.create(month=JUNE, status="done", started_at=now, finished_at=now)
    # No built-in role views runs in the admin; a superuser does (the page is for operators).
    assert admin_as(staff.people.city_legal).get(RUNS).status_code == 403
    root = django_user_model.objects.create_superuser("root", "root@example.com", "pass-1234-word")
    client = admin_as(root)
    assert client.get(RUNS).status_code == 200
    assert client.get(f"{RUNS}add/").status_code == 403
    assert client.post(f"{RUNS}{run.pk}/delete/", {"post": "yes"}).status_code == 403
    assert MonthlyProgressRun.objects.filter(pk=run.pk).exists()
