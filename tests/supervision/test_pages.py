"""Monthly progress pages (月调度): a county's own report, the city's roll-up and ranking, confirm, re-run.

The reports here are constructed directly (the job that builds them is tested in test_monthly_progress.py),
so the figures and hence the ranking are known exactly.
"""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.utils import timezone

from enforcement.orgs.models import Organisation, Role
from supervision.models import MonthlyProgress, MonthlyProgressRun
from supervision.progress import services
from supervision.progress.job import previous_month
from tests.factories import OrganisationFactory, UserFactory

JUNE = datetime.date(2026, 6, 1)
MAY = datetime.date(2026, 5, 1)
URL = "/supervision/progress/"


def detail_url(report):
    return f"{URL}{report.pk}/"


def confirm_url(report):
    return f"{URL}{report.pk}/confirm/"


@pytest.fixture
def progress(world):
    """June 2026 reports for the city, both counties, county A's park and county B's township, plus
    county A's May report. Ranking in June (completion, then re-inspection; "—" last):

    1 东城工业园 100%/50%   2 河川市 100%/—   3 东城区 80%/100%   4 西山县 80%/50%   4 西山镇 80%/50%
    """
    o = world.orgs
    now = timezone.now()

    def report(org, month=JUNE, **figures):
        return MonthlyProgress.objects.create(organisation=org, month=month, generated_at=now, **figures)

    behind = [
        {"item": 101, "enterprise": "东城一般企业1", "month": 5},
        {"item": 102, "enterprise": "东城一般企业2", "month": 6},
    ]
    reports = SimpleNamespace(
        city=report(o.city, planned=4, done=4, hazards_found=1, key_total=1, key_covered=1),
        county_a=report(
            o.county_a,
            planned=10,
            done=8,
            planned_in_month=3,
            inspections_in_month=2,
            hazards_found=6,
            hazards_found_in_month=2,
            hazards_closed=3,
            hazards_due=4,
            hazards_reinspected=4,
            key_total=2,
            key_covered=1,
            general_total=9,
            general_covered=3,
            behind_count=2,
            behind=behind,
        ),
        park_a=report(o.park_a, planned=2, done=2, hazards_due=2, hazards_reinspected=1, general_total=1),
        county_b=report(o.county_b, planned=10, done=8, hazards_due=4, hazards_reinspected=2, behind_count=2),
        township_b=report(o.township_b, planned=5, done=4, hazards_due=2, hazards_reinspected=1, behind_count=1),
        a_may=report(o.county_a, month=MAY, planned=6, done=6),
    )
    people = SimpleNamespace(
        city_legal=world.people.city_legal,
        a_legal=UserFactory(
            username="county_a_legal", full_name="东城法规科", organisation=o.county_a, roles=["legal"]
        ),
        b_legal=UserFactory(username="county_b_legal", organisation=o.county_b, roles=["legal"]),
        a_officer=world.people.county_a_officer,
    )
    return SimpleNamespace(reports=reports, people=people, orgs=o)


@pytest.fixture
def browse(client):
    def as_(user):
        client.logout()
        client.force_login(user)
        return client

    client.as_ = as_
    return client


def text_messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def row_html(content, organisation):
    match = re.search(rf'<tr data-organisation="{organisation.pk}">(.*?)</tr>', content, re.S)
    assert match, f"no roll-up row for {organisation}"
    return match.group(1)


# --- a county's own report ------------------------------------------------------------------------


def test_county_sees_its_own_report_of_the_latest_month(progress, browse):
    p = progress
    response = browse.as_(p.people.a_legal).get(URL)
    assert response.status_code == 200
    ctx = response.context
    assert ctx["month"] == JUNE  # the latest month with reports, by default
    assert ctx["show_own"] and ctx["own"]["row"].report == p.reports.county_a
    content = response.content.decode()
    assert '<span class="kpi__num">80%</span>' in content  # 8 of 10 planned inspections done
    assert "已完成 8 / 计划 10" in content
    assert '<span class="kpi__num">100%</span>' in content  # 4 of 4 due hazards re-inspected
    assert 'id="btn-confirm"' in content
    # The sampled behind-schedule items, and the history of past months.
    assert "东城一般企业1" in content and "东城一般企业2" in content
    assert [h.report for h in ctx["own"]["history"]] == [p.reports.county_a, p.reports.a_may]
    # Its scope is its own subtree: its park reports too; nothing of county B or the city.
    assert {row.report for row in ctx["rows"]} == {p.reports.county_a, p.reports.park_a}
    assert "西山" not in content
    assert "河川市应急管理局" not in content


def test_a_county_without_reporting_subordinates_sees_only_its_own_report(progress, browse):
    p = progress
    response = browse.as_(p.people.b_legal).get(URL)
    # 西山镇 is below 西山县, so the roll-up holds exactly those two.
    assert {row.report for row in response.context["rows"]} == {p.reports.county_b, p.reports.township_b}
    p.reports.township_b.delete()
    response = browse.as_(p.people.b_legal).get(URL)
    assert response.context["own"]["row"].report == p.reports.county_b
    assert response.context["rows"] == []
    content = response.content.decode()
    assert 'id="rollup-table"' not in content
    assert "东城" not in content


def test_picking_a_month(progress, browse):
    p = progress
    response = browse.as_(p.people.a_legal).get(URL, {"month": "2026-05"})
    assert response.context["own"]["row"].report == p.reports.a_may
    assert response.context["months"] == [("2026-06", "2026年06月"), ("2026-05", "2026年05月")]
    assert '<option value="2026-05" selected>' in response.content.decode()


def test_a_month_without_reports_says_so(progress, browse):
    response = browse.as_(progress.people.a_legal).get(URL, {"month": "2026-02"})
    assert response.status_code == 200
    assert response.context["reports"] == []
    assert "2026年02月暂无您可查看的月度调度报表" in response.content.decode()


def test_a_malformed_month_falls_back_to_the_latest(progress, browse):
    response = browse.as_(progress.people.a_legal).get(URL, {"month": "2026-13"})
    assert response.context["month"] == JUNE
    assert "月份格式应为“年-月”，如 2026-06。" in text_messages(response)


def test_users_without_the_permission_are_refused(progress, browse, world):
    # Officers carry out inspections; the monthly report is the legal section's and the leaders'.
    for user in (progress.people.a_officer, world.people.social_supervisor):
        assert browse.as_(user).get(URL).status_code == 403
        assert browse.as_(user).get(detail_url(progress.reports.county_a)).status_code == 403


def test_anonymous_users_are_sent_to_the_login_page(progress, client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- detail pages and scope ------------------------------------------------------------------------


def test_detail_in_scope(progress, browse):
    p = progress
    response = browse.as_(p.people.a_legal).get(detail_url(p.reports.park_a))
    assert response.status_code == 200
    content = response.content.decode()
    assert "东城工业园管委会" in content
    assert 'id="btn-confirm"' not in content  # another organisation's report: no confirm button
    assert browse.as_(p.people.city_legal).get(detail_url(p.reports.county_b)).status_code == 200


@pytest.mark.parametrize(
    ("persona", "report"),
    [("b_legal", "county_a"), ("b_legal", "city"), ("a_legal", "county_b"), ("a_legal", "township_b")],
)
def test_detail_out_of_scope_is_404(progress, browse, persona, report):
    user = getattr(progress.people, persona)
    assert browse.as_(user).get(detail_url(getattr(progress.reports, report))).status_code == 404


def test_detail_of_a_missing_report_is_404(progress, browse):
    assert browse.as_(progress.people.city_legal).get(f"{URL}999999/").status_code == 404


# --- the city's roll-up ----------------------------------------------------------------------------


def test_city_sees_all_its_organisations_ranked(progress, browse):
    p = progress
    response = browse.as_(p.people.city_legal).get(URL, {"month": "2026-06"})
    assert response.status_code == 200
    ctx = response.context
    assert not ctx["show_own"]  # the city leads with the roll-up; its own report is one row of it
    ranking = [(row.rank, row.report.organisation.name) for row in ctx["rows"]]
    assert ranking == [
        (1, "东城工业园管委会"),  # 100%, re-inspection 50%
        (2, "河川市应急管理局"),  # 100%, nothing due to re-inspect ranks after any figure
        (3, "东城区应急管理局"),  # 80%, 100%
        (4, "西山县应急管理局"),  # 80%, 50%
        (4, "西山镇人民政府"),  # the same rates share the rank
    ]
    total = ctx["total"].report
    assert (total.planned, total.done, total.hazards_due, total.hazards_reinspected) == (31, 26, 12, 8)
    assert (str(ctx["total"].completion), str(ctx["total"].reinspection)) == ("83.9%", "66.7%")
    content = response.content.decode()
    # The rows appear in ranking order in the page too.
    order = [content.index(f'<tr data-organisation="{row.report.organisation_id}">') for row in ctx["rows"]]
    assert order == sorted(order)


def test_rates_below_target_are_highlighted(progress, browse):
    p = progress
    content = browse.as_(p.people.city_legal).get(URL).content.decode()
    county_a = row_html(content, p.orgs.county_a)
    assert re.search(r'class="num rate rate-low" data-rate="completion">80%<', county_a)
    assert re.search(r'class="num rate" data-rate="reinspection">100%<', county_a)
    park = row_html(content, p.orgs.park_a)
    assert re.search(r'class="num rate" data-rate="completion">100%<', park)
    assert re.search(r'class="num rate rate-low" data-rate="reinspection">50%<', park)
    city = row_html(content, p.orgs.city)
    assert re.search(r'class="num rate" data-rate="reinspection">—<', city)


def test_city_sees_who_has_not_confirmed(progress, browse):
    p = progress
    services.confirm_progress(p.people.a_legal, p.reports.county_a.pk)
    response = browse.as_(p.people.city_legal).get(URL)
    assert [r.organisation.name for r in response.context["unconfirmed"]] == [
        "河川市应急管理局",
        "东城工业园管委会",
        "西山县应急管理局",
        "西山镇人民政府",
    ]
    content = response.content.decode()
    unconfirmed = content[content.index('id="unconfirmed"') : content.index('id="rollup"')]
    assert "东城区应急管理局" not in unconfirmed and "西山县应急管理局" in unconfirmed
    assert "已确认 1 / 5" in content


def test_roll_up_query_count_does_not_grow_with_the_rows(progress, browse, django_assert_max_num_queries):
    p = progress
    client = browse.as_(p.people.city_legal)
    client.get(URL)  # warm caches that are not per-request
    with django_assert_max_num_queries(11):
        small = client.get(URL)
    now = timezone.now()
    for i in range(25):
        county = OrganisationFactory(name=f"测试县{i}", level=Organisation.Level.COUNTY, parent=p.orgs.city)
        MonthlyProgress.objects.create(organisation=county, month=JUNE, generated_at=now, planned=i, done=i // 2)
    with django_assert_max_num_queries(11):
        large = client.get(URL)
    listed = len(large.context["rows"]) + len(large.context["unranked"])
    assert listed == len(small.context["rows"]) + 25
    assert len(large.context["unranked"]) == 1  # 测试县0 has nothing planned


def test_detail_query_count(progress, browse, django_assert_max_num_queries):
    client = browse.as_(progress.people.a_legal)
    with django_assert_max_num_queries(9):
        assert client.get(detail_url(progress.reports.county_a)).status_code == 200


def test_run_status_is_shown(progress, browse):
    now = timezone.now()
    MonthlyProgressRun.objects.create(
        month=JUNE, status="done", started_at=now, finished_at=now, organisations=5, changed=2
    )
    content = browse.as_(progress.people.city_legal).get(URL).content.decode()
    assert "共 5 个单位，其中 2 份报表新建或有变化" in content
    # A county learns when the month was built, not how many organisations the whole system has.
    content = browse.as_(progress.people.a_legal).get(URL).content.decode()
    assert "最近一次生成于" in content and "共 5 个单位" not in content
    content = browse.as_(progress.people.city_legal).get(URL, {"month": "2026-05"}).content.decode()
    assert "该月份尚未运行月度调度生成任务" in content


# --- confirming ------------------------------------------------------------------------------------


def test_county_confirms_its_own_report_through_the_page(progress, browse):
    p = progress
    client = browse.as_(p.people.a_legal)
    response = client.post(confirm_url(p.reports.county_a))
    assert response.status_code == 302 and response["Location"] == detail_url(p.reports.county_a)
    report = MonthlyProgress.objects.get(pk=p.reports.county_a.pk)
    assert report.confirmed_by == p.people.a_legal and report.confirmed_at is not None
    page = client.get(detail_url(report))
    content = page.content.decode()
    assert "已确认上报" in content and "已由东城法规科于" in content
    assert 'id="btn-confirm"' not in content
    assert "已确认上报东城区应急管理局 2026年06月的月度调度。" in text_messages(page)


def test_confirming_from_the_month_page_returns_there(progress, browse):
    p = progress
    response = browse.as_(p.people.a_legal).post(confirm_url(p.reports.county_a), {"next": "list"})
    assert response["Location"] == f"{URL}?month=2026-06"


def test_confirming_twice_is_refused_politely(progress, browse):
    p = progress
    client = browse.as_(p.people.a_legal)
    client.post(confirm_url(p.reports.county_a))
    first = MonthlyProgress.objects.get(pk=p.reports.county_a.pk).confirmed_at
    response = client.post(confirm_url(p.reports.county_a), follow=True)
    assert "该月度调度已确认。" in text_messages(response)
    assert MonthlyProgress.objects.get(pk=p.reports.county_a.pk).confirmed_at == first


def test_the_city_cannot_confirm_for_a_county(progress, browse):
    p = progress
    client = browse.as_(p.people.city_legal)
    assert 'id="btn-confirm"' not in client.get(detail_url(p.reports.county_a)).content.decode()
    assert client.post(confirm_url(p.reports.county_a)).status_code == 403
    assert MonthlyProgress.objects.get(pk=p.reports.county_a.pk).confirmed_at is None


def test_another_county_cannot_confirm_and_cannot_even_see(progress, browse):
    p = progress
    assert browse.as_(p.people.b_legal).post(confirm_url(p.reports.county_a)).status_code == 404
    assert browse.as_(p.people.a_officer).post(confirm_url(p.reports.county_a)).status_code == 403
    assert MonthlyProgress.objects.get(pk=p.reports.county_a.pk).confirmed_at is None


def test_a_county_cannot_confirm_its_park(progress, browse):
    p = progress
    assert browse.as_(p.people.a_legal).post(confirm_url(p.reports.park_a)).status_code == 403
    assert MonthlyProgress.objects.get(pk=p.reports.park_a.pk).confirmed_at is None


def test_confirm_needs_post(progress, browse):
    assert browse.as_(progress.people.a_legal).get(confirm_url(progress.reports.county_a)).status_code == 405


# --- re-running a month ----------------------------------------------------------------------------


def test_rebuild_permission_belongs_to_the_legal_role(db):
    perm = Permission.objects.get(codename="rebuild_monthlyprogress")
    assert perm.name == "重新生成月度调度"
    holders = set(Role.objects.filter(permissions=perm).values_list("code", flat=True))
    assert holders == {"legal"}


def test_only_the_city_legal_section_sees_the_rebuild_form(progress, browse):
    p = progress
    content = browse.as_(p.people.city_legal).get(URL).content.decode()
    assert 'id="rebuild-form"' in content and "重复生成是安全的" in content
    assert 'id="rebuild-month" value="2026-06"' in content  # the month on screen is offered
    # County A's legal section holds the same role, but a re-run resets every county's reports.
    assert browse.as_(p.people.a_legal).get(URL).context["can_rebuild"] is False
    assert 'id="rebuild-form"' not in browse.as_(p.people.a_legal).get(URL).content.decode()


@pytest.fixture
def queued(monkeypatch):
    """The months sent to the monthly job (the job itself is not run)."""
    from supervision.progress.tasks import build_monthly_progress_task

    sent = []
    monkeypatch.setattr(build_monthly_progress_task, "delay", lambda month=None, queued=False: sent.append(month))
    return sent


def test_rebuild_queues_the_job(progress, browse, queued, django_capture_on_commit_callbacks):
    client = browse.as_(progress.people.city_legal)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{URL}rebuild/", {"month": "2026-05"})
    assert response.status_code == 302 and response["Location"] == f"{URL}?month=2026-05"
    assert queued == ["2026-05"]
    [message] = text_messages(response)
    assert message.startswith("已提交重新生成2026年05月月度调度的任务")
    assert "重复生成不会产生重复报表" in message


@pytest.mark.parametrize("persona", ["a_legal", "b_legal", "a_officer"])
def test_rebuild_refused_without_city_permission(progress, browse, queued, persona):
    response = browse.as_(getattr(progress.people, persona)).post(f"{URL}rebuild/", {"month": "2026-05"})
    assert response.status_code == 403
    assert queued == []


def test_rebuild_refuses_a_month_not_yet_over(progress, browse, queued):
    this_month = timezone.localdate().replace(day=1)
    response = browse.as_(progress.people.city_legal).post(f"{URL}rebuild/", {"month": f"{this_month:%Y-%m}"})
    assert "只能重新生成已经结束的月份。" in text_messages(response)
    assert queued == []


def test_rebuild_refuses_a_malformed_month(progress, browse, queued):
    response = browse.as_(progress.people.city_legal).post(f"{URL}rebuild/", {"month": "六月"})
    assert response["Location"] == URL
    assert "月份格式应为“年-月”，如 2026-06。" in text_messages(response)
    assert queued == []


def test_rebuild_waits_for_a_run_in_progress(progress, browse, queued):
    MonthlyProgressRun.objects.create(month=MAY, status="running", started_at=timezone.now())
    response = browse.as_(progress.people.city_legal).post(f"{URL}rebuild/", {"month": "2026-05"})
    assert "该月份的月度调度正在生成中，请稍后刷新查看。" in text_messages(response)
    assert queued == []


def test_rebuild_runs_the_job_and_twice_changes_nothing(world, browse, django_capture_on_commit_callbacks):
    """GIVEN no reports for April WHEN the city re-runs April twice (tasks run in-process here)
    THEN the first run creates the reports and the second leaves every one untouched."""
    april = datetime.date(2026, 4, 1)
    client = browse.as_(world.people.city_legal)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{URL}rebuild/", {"month": "2026-04"})
    first = {r.pk: (r.generated_at, r.general_total) for r in MonthlyProgress.objects.filter(month=april)}
    # The world's register: county A is responsible for two general enterprises.
    assert MonthlyProgress.objects.get(month=april, organisation=world.orgs.county_a).general_total == 2
    assert MonthlyProgressRun.objects.get(month=april).status == "done"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{URL}rebuild/", {"month": "2026-04"})
    assert {r.pk: (r.generated_at, r.general_total) for r in MonthlyProgress.objects.filter(month=april)} == first
    assert MonthlyProgressRun.objects.get(month=april).changed == 0


def test_previous_month_is_the_latest_allowed(progress, browse):
    response = browse.as_(progress.people.city_legal).get(URL)
    assert response.context["rebuild_max"] == f"{previous_month():%Y-%m}"


# --- units with nothing planned are not ranked (issue 8 item 1) -------------------------------------


def test_units_with_nothing_planned_are_listed_apart_unranked(progress, browse):
    """GIVEN in June a new county with nothing planned (its hazards still counted)
    WHEN the city reads the roll-up THEN it is not ranked — the real units keep their ranks — and it is
    listed apart under 本月无计划检查任务的单位, with its figures in the totals."""
    p = progress
    idle = OrganisationFactory(name="北湖区应急管理局", level=Organisation.Level.COUNTY, parent=p.orgs.city)
    MonthlyProgress.objects.create(
        organisation=idle, month=JUNE, generated_at=timezone.now(), hazards_due=2, hazards_reinspected=2
    )
    response = browse.as_(p.people.city_legal).get(URL, {"month": "2026-06"})
    ctx = response.context
    assert [(row.rank, row.report.organisation.name) for row in ctx["rows"]] == [
        (1, "东城工业园管委会"),
        (2, "河川市应急管理局"),
        (3, "东城区应急管理局"),
        (4, "西山县应急管理局"),
        (4, "西山镇人民政府"),
    ]
    assert [(row.rank, row.report.organisation.name) for row in ctx["unranked"]] == [(None, "北湖区应急管理局")]
    assert (ctx["total"].report.hazards_due, ctx["total"].report.hazards_reinspected) == (14, 10)
    content = response.content.decode()
    ranking = content[content.index('id="rollup-table"') : content.index('id="unranked"')]
    assert "北湖区应急管理局" not in ranking
    apart = content[content.index('id="unranked"') :]
    assert "本月无计划检查任务的单位" in apart and "不参加排名" in apart
    assert re.search(r'<td class="num rank">—</td>\s*<td class="col-unit"><a [^>]*>北湖区应急管理局</a>', apart)
    assert "合计（6 个单位）" in content and "已确认 0 / 6" in content


def test_the_export_lists_units_with_nothing_planned_apart(progress, browse):
    """GIVEN the same idle county WHEN the city exports June THEN it follows the ranked units under its own
    heading, with "—" for a rank, before the totals; the note says what counts."""
    import io

    import openpyxl

    p = progress
    idle = OrganisationFactory(name="北湖区应急管理局", level=Organisation.Level.COUNTY, parent=p.orgs.city)
    MonthlyProgress.objects.create(organisation=idle, month=JUNE, generated_at=timezone.now())
    response = browse.as_(p.people.city_legal).get(f"{URL}export/", {"month": "2026-06"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))[2:]
    firsts = [(row[0], row[1]) for row in rows if any(value is not None for value in row)]
    note = firsts.pop()[0]
    assert firsts[4:] == [
        (4, "西山镇人民政府"),
        ("本月无计划检查任务的单位（不参加排名）", None),
        ("—", "北湖区应急管理局"),
        (None, "合计"),
    ]
    assert note.startswith("说明：已完成 = 检查已办结（检查中的不计）")


def test_the_report_pages_say_what_counts_as_done(progress, browse):
    p = progress
    note = "已完成 = 检查已办结（检查中的不计）"
    assert note in browse.as_(p.people.city_legal).get(URL).content.decode()
    assert note in browse.as_(p.people.a_legal).get(detail_url(p.reports.county_a)).content.decode()
