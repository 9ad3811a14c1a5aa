"""本月至今: the current month so far, computed live, labelled as not final, never stored (issue 8 item 1).

The clock stands on 20 July 2026 (the ``clock`` fixture); county A's plan is the one of
``execute_first_half``, and on 15 July its behind May item was inspected and completed.
"""

import datetime

import pytest

from cases.inspections import services as case_services
from supervision.models import MonthlyProgress
from supervision.progress import live
from supervision.progress.job import build_monthly_progress
from tests.factories import UserFactory
from tests.planning import complete_on
from tests.supervision.conftest import shanghai

D = datetime.date
URL = "/supervision/progress/"
JULY = D(2026, 7, 1)


@pytest.fixture
def july(executed, world):
    officer, officers = executed.officers[0], executed.officers
    item = executed.plan.items.get(enterprise=executed.general[1])
    done = case_services.record_inspection(
        officer, inspected_on=D(2026, 7, 15), officers=officers, plan_item_id=item.pk
    )
    complete_on(officer, done, done.inspected_on)
    # An inspection still 检查中 counts for nothing.
    case_services.record_inspection(
        officer, inspected_on=D(2026, 7, 20), officers=officers, enterprise_id=executed.general[2].pk
    )
    return executed


def get(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def test_the_city_sees_the_month_so_far(july, world, client):
    """GIVEN July under way WHEN the city legal section opens 本月至今
    THEN it reads July's figures up to today, labelled as not final, with nothing confirmable or exported,
    and nothing is stored as July's report."""
    response = get(client, world.people.city_legal, month="2026-07")
    assert response.status_code == 200
    ctx = response.context
    assert ctx["so_far"].as_of == D(2026, 7, 20)
    content = response.content.decode()
    assert "本月至今，截至7月20日，非正式报表" in content
    assert "不能确认上报，也不保存为本月报表" in content
    county_a = next(row.report for row in ctx["rows"] if row.report.organisation_id == world.orgs.county_a.pk)
    assert (county_a.planned, county_a.done, county_a.inspections_in_month) == (3, 3, 1)
    assert county_a.pk is None
    # County B, the park and the city have nothing planned: listed apart, not ranked.
    assert {row.report.organisation.name for row in ctx["unranked"]} >= {"西山县应急管理局", "东城工业园管委会"}
    assert "本月无计划检查任务的单位" in content
    for marker in ('id="btn-confirm"', 'id="link-export"', 'id="unconfirmed"', "/supervision/progress/None/"):
        assert marker not in content
    assert '<option value="2026-07" selected>2026年07月（本月至今）</option>' in content
    assert not MonthlyProgress.objects.filter(month=JULY).exists()


def test_a_county_sees_its_own_month_so_far_and_cannot_confirm_it(july, client):
    """GIVEN July under way WHEN county A's legal section opens 本月至今 THEN it reads its own figures so far
    (not another county's), marked 非正式, with no confirmation."""
    response = get(client, july.legal, month="2026-07")
    ctx = response.context
    assert ctx["show_own"] and ctx["own"]["row"].report.done == 3
    assert ctx["own"]["may_confirm"] is False
    content = response.content.decode()
    assert "本月至今 · 非正式" in content and 'id="btn-confirm"' not in content
    assert "西山" not in content


def test_another_county_sees_nothing_of_county_a(july, world, client):
    b_legal = UserFactory(username="county_b_legal", organisation=world.orgs.county_b, roles=["legal"])
    response = get(client, b_legal, month="2026-07")
    names = {report.organisation.name for report in response.context["reports"]}
    assert names and not any("东城" in name for name in names)


def test_without_the_permission_there_is_no_month_so_far(july, world):
    assert live.month_so_far(world.people.county_a_officer) is None


def test_the_month_so_far_is_cached_briefly(july, world, client, settings, monkeypatch):
    """GIVEN a 5-minute cache WHEN two city users open 本月至今 THEN the figures are computed once for the
    city's scope (county A's user gets its own, smaller computation), and the page says how fresh they are;
    with the cache switched off they are computed on every request."""
    calls = []
    real = live.compute
    monkeypatch.setattr(live, "compute", lambda *args, **kwargs: calls.append(args) or real(*args, **kwargs))
    settings.MONTHLY_PROGRESS_SO_FAR_CACHE_SECONDS = 300
    city_leader = UserFactory(username="city_leader", organisation=world.orgs.city, roles=["leader"])
    content = get(client, world.people.city_legal, month="2026-07").content.decode()
    get(client, city_leader, month="2026-07")
    assert len(calls) == 1 and calls[0] == (JULY,)
    assert "最多每5分钟更新一次" in content
    get(client, july.legal, month="2026-07")
    get(client, july.legal, month="2026-07")
    assert len(calls) == 2
    settings.MONTHLY_PROGRESS_SO_FAR_CACHE_SECONDS = 0
    get(client, july.legal, month="2026-07")
    get(client, july.legal, month="2026-07")
    assert len(calls) == 4


def test_the_job_still_builds_the_month_on_the_first(july, world, client, clock):
    """GIVEN the month so far viewed in July WHEN the job runs on 1 August THEN July's report is built as
    always, for the county to confirm; July's page then shows the report, no longer the live figures."""
    get(client, world.people.city_legal, month="2026-07")
    clock.move_to(shanghai(2026, 8, 1, 1))
    build_monthly_progress(JULY)
    report = MonthlyProgress.objects.get(organisation=world.orgs.county_a, month=JULY)
    assert (report.done, report.planned, report.confirmed_at) == (3, 3, None)
    response = get(client, july.legal, month="2026-07")
    assert response.context["so_far"] is None and response.context["own"]["may_confirm"]


def test_the_default_month_is_still_the_last_report(july, world, client):
    """GIVEN June's reports built WHEN the page opens without a month THEN it shows June (the latest report),
    with 本月至今 one click away."""
    build_monthly_progress(D(2026, 6, 1))
    response = get(client, world.people.city_legal)
    assert response.context["month"] == D(2026, 6, 1) and response.context["so_far"] is None
    assert 'id="link-so-far"' in response.content.decode()
