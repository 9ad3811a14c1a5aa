"""/api/monthly-progress/ and /api/monthly-progress-runs/: scoped like the pages; confirm and re-run."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from supervision.models import MonthlyProgress, MonthlyProgressRun
from tests.api.helpers import refused
from tests.factories import OrganisationFactory
from tests.supervision.test_pages import JUNE, progress  # noqa: F401 - fixture

URL = "/api/monthly-progress/"
RUNS = "/api/monthly-progress-runs/"


@pytest.fixture
def api():
    client = APIClient()

    def as_(user):
        client.logout()
        client.force_login(user)
        return client

    client.as_ = as_
    return client


def ids(response):
    assert response.status_code == 200, response.content.decode()
    return {row["id"] for row in response.json()["results"]}


def test_each_persona_lists_exactly_its_scope(progress, api):  # noqa: F811
    r, people = progress.reports, progress.people
    assert ids(api.as_(people.city_legal).get(URL)) == {
        r.city.pk,
        r.county_a.pk,
        r.park_a.pk,
        r.county_b.pk,
        r.township_b.pk,
        r.a_may.pk,
    }
    assert ids(api.as_(people.a_legal).get(URL)) == {r.county_a.pk, r.park_a.pk, r.a_may.pk}
    assert ids(api.as_(people.b_legal).get(URL)) == {r.county_b.pk, r.township_b.pk}
    assert refused(api.as_(people.a_officer).get(URL))  # no permission to view reports


def test_filters(progress, api):  # noqa: F811
    r, client = progress.reports, api.as_(progress.people.a_legal)
    assert ids(client.get(URL, {"month": "2026-06"})) == {r.county_a.pk, r.park_a.pk}
    assert ids(client.get(URL, {"month": "2026-06-01"})) == {r.county_a.pk, r.park_a.pk}
    assert ids(client.get(URL, {"organisation": progress.orgs.county_a.pk})) == {r.county_a.pk, r.a_may.pk}
    assert ids(client.get(URL, {"within": progress.orgs.county_a.pk, "month": "2026-05"})) == {r.a_may.pk}
    assert ids(client.get(URL, {"confirmed": "false", "month": "2026-06"})) == {r.county_a.pk, r.park_a.pk}
    assert ids(client.get(URL, {"confirmed": "true"})) == set()
    bad = client.get(URL, {"month": "June"})
    assert bad.status_code == 400 and "月份格式应为" in bad.json()["month"][0]
    # Another county's organisation is not a valid choice (it cannot be used to probe the tree).
    assert client.get(URL, {"organisation": progress.orgs.county_b.pk}).status_code == 400


def test_retrieve_in_scope_has_figures_and_rates(progress, api):  # noqa: F811
    body = api.as_(progress.people.a_legal).get(f"{URL}{progress.reports.county_a.pk}/").json()
    assert body["organisation_name"] == "东城区应急管理局"
    assert (body["month"], body["month_label"]) == ("2026-06-01", "2026年06月")
    assert (body["planned"], body["done"], body["completion_rate"]) == (10, 8, 80.0)
    assert (body["hazards_due"], body["hazards_reinspected"], body["reinspection_rate"]) == (4, 4, 100.0)
    assert body["behind"][0] == {"item": 101, "enterprise": "东城一般企业1", "month": 5}
    assert body["confirmed_at"] is None and body["confirmed_by_name"] is None


@pytest.mark.parametrize(
    ("persona", "report"), [("b_legal", "county_a"), ("a_legal", "county_b"), ("a_officer", "county_a")]
)
def test_retrieve_out_of_scope_is_404(progress, api, persona, report):  # noqa: F811
    client = api.as_(getattr(progress.people, persona))
    assert client.get(f"{URL}{getattr(progress.reports, report).pk}/").status_code == 404


def test_list_query_count_is_flat(progress, api, django_assert_max_num_queries):  # noqa: F811
    client = api.as_(progress.people.city_legal)
    client.get(URL)
    for i in range(20):
        org = OrganisationFactory(name=f"测试县{i}", level="county", parent=progress.orgs.city)
        MonthlyProgress.objects.create(organisation=org, month=JUNE, generated_at=timezone.now())
    with django_assert_max_num_queries(9):
        assert len(client.get(URL).json()["results"]) == 26


def test_reports_are_read_only(progress, api):  # noqa: F811
    client = api.as_(progress.people.city_legal)
    url = f"{URL}{progress.reports.county_a.pk}/"
    assert client.patch(url, {"done": 10}, format="json").status_code == 405
    assert client.delete(url).status_code == 405
    assert client.post(URL, {}, format="json").status_code == 405


# --- confirm ---------------------------------------------------------------------------------------


def test_county_confirms_its_own_report(progress, api):  # noqa: F811
    client = api.as_(progress.people.a_legal)
    response = client.post(f"{URL}{progress.reports.county_a.pk}/confirm/")
    assert response.status_code == 200, response.content.decode()
    assert response.json()["confirmed_by_name"] == "东城法规科"
    assert MonthlyProgress.objects.get(pk=progress.reports.county_a.pk).confirmed_by == progress.people.a_legal
    again = client.post(f"{URL}{progress.reports.county_a.pk}/confirm/")
    assert again.status_code == 400 and again.json()["non_field_errors"] == ["该月度调度已确认。"]


def test_confirm_refused_for_the_city_and_hidden_from_another_county(progress, api):  # noqa: F811
    url = f"{URL}{progress.reports.county_a.pk}/confirm/"
    refused = api.as_(progress.people.city_legal).post(url)
    assert refused.status_code == 403 and refused.json()["detail"] == "只能由本单位确认本单位的月度调度。"
    assert api.as_(progress.people.b_legal).post(url).status_code == 404
    assert api.as_(progress.people.a_officer).post(url).status_code == 404
    assert MonthlyProgress.objects.get(pk=progress.reports.county_a.pk).confirmed_at is None


# --- runs and rebuild ------------------------------------------------------------------------------


def test_runs_are_listed_read_only(progress, api):  # noqa: F811
    now = timezone.now()
    MonthlyProgressRun.objects.create(
        month=JUNE, status="failed", started_at=now, finished_at=now, error="boom: connection lost"
    )
    rows = api.as_(progress.people.city_legal).get(RUNS).json()["results"]
    assert [(r["month"], r["status"], r["status_label"], r["error"]) for r in rows] == [
        ("2026-06-01", "failed", "失败", "boom: connection lost")
    ]
    # A county sees that the run failed, not the internals of why.
    assert api.as_(progress.people.a_legal).get(RUNS).json()["results"][0]["error"] == ""
    assert api.as_(progress.people.a_officer).get(RUNS).status_code == 403
    assert api.as_(progress.people.city_legal).post(RUNS, {}, format="json").status_code == 405


@pytest.fixture
def queued(monkeypatch):
    from supervision.progress.tasks import build_monthly_progress_task

    sent = []
    monkeypatch.setattr(build_monthly_progress_task, "delay", lambda month=None, queued=False: sent.append(month))
    return sent


def test_city_rebuilds_a_past_month(progress, api, queued, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_(progress.people.city_legal).post(f"{RUNS}rebuild/", {"month": "2026-05"}, format="json")
    assert response.status_code == 202, response.content.decode()
    assert response.json() == {
        "month": "2026-05",
        "queued": True,
        "detail": "已提交重新生成2026年05月月度调度的任务。",
    }
    assert queued == ["2026-05"]


@pytest.mark.parametrize(("persona", "status"), [("a_legal", 403), ("b_legal", 403), ("a_officer", 403)])
def test_rebuild_needs_the_city_permission(progress, api, queued, persona, status):  # noqa: F811
    response = api.as_(getattr(progress.people, persona)).post(f"{RUNS}rebuild/", {"month": "2026-05"}, format="json")
    assert response.status_code == status
    assert queued == []


def test_rebuild_validates_the_month(progress, api, queued):  # noqa: F811
    client = api.as_(progress.people.city_legal)
    bad = client.post(f"{RUNS}rebuild/", {"month": "2026/05"}, format="json")
    assert bad.status_code == 400 and bad.json()["month"] == ["月份格式应为“年-月”，如 2026-06。"]
    this_month = timezone.localdate().replace(day=1)
    early = client.post(f"{RUNS}rebuild/", {"month": f"{this_month:%Y-%m}"}, format="json")
    assert early.status_code == 400 and early.json()["month"] == ["只能重新生成已经结束的月份。"]
    assert queued == []
