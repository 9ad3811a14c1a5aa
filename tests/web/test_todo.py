"""The home page is each role's to-do list: what is due or overdue, counted through restrict(), each item
linking to where it is done; the key figures of the scope for those who answer for the plan."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcement.web.todo import todo_for
from plans.annual import services as plan_services
from plans.models import InspectionPlan
from tests.factories import UserFactory
from tests.planning import fill_valid_plan
from tests.web.scenes import at, build_june


@pytest.fixture
def june(request, db, time_machine):
    return build_june(request, time_machine)


def home(browse, user):
    response = browse.as_(user).get("/")
    assert response.status_code == 200
    return response.content.decode()


def todo_counts(body):
    """{item key: count} as the page shows them."""
    block = body[body.index('id="todo"') : body.index("</section>", body.index('id="todo"'))]
    return {
        key: int(count)
        for key, count in re.findall(
            r'data-todo="([\w.]+)".*?<span class="todo-item__count" data-count>(\d+)<', block, re.S
        )
    }


def todo_item(body, key):
    """The HTML of one to-do item, up to the next item or the end of the list."""
    start = body.index(f'data-todo="{key}"')
    following = body.find('data-todo="', start + 1)
    return body[start : following if following != -1 else body.index("</section>", start)]


def test_officer_sees_own_plan_items_open_inspection_and_hazard(browse, june):
    """GIVEN county A in mid-June with the officer's March and May items not inspected, the June item due,
    the May inspection left open and its hazard past its deadline
    WHEN the officer opens the home page
    THEN the to-do list shows exactly those, overdue first, each with the link that does it."""
    body = home(browse, june.people.officer)
    assert todo_counts(body) == {
        "cases.hazards_due": 1,
        "cases.plan_items_overdue": 2,
        "cases.inspections_open": 1,
        "cases.plan_items_due": 1,
    }
    # Overdue work first, the oldest deadline leading: March's item, then the hazard due 30 May.
    assert list(todo_counts(body))[:2] == ["cases.plan_items_overdue", "cases.hazards_due"]
    start = reverse("cases:inspection_create")
    assert f'href="{start}?plan_item={june.june_item.pk}"' in body
    assert f'href="{start}?plan_item={june.march_item.pk}"' in body
    assert f'href="{start}?plan_item={june.may_behind.pk}"' in body
    assert f'href="{start}?plan_item={june.may_item.pk}"' not in body  # already being inspected
    assert reverse("cases:inspection_detail", args=[june.inspection.pk]) in body
    assert june.hazard.reinspect_url() in body
    assert "东城一般企业2" in body and "开始检查" in body and "继续检查" in body and "复查" in body
    # An officer has no oversight figures and no letters to answer on the home page.
    assert 'id="figures"' not in body
    assert "guidance." not in body


def test_the_order_is_overdue_first_then_due(june):
    items = todo_for(june.people.officer)
    severities = [item.severity for item in items]
    assert severities == sorted(severities, key=["overdue", "due", "info"].index)
    assert [i.key for i in items if i.severity == "overdue"] == ["cases.plan_items_overdue", "cases.hazards_due"]


def test_another_countys_officer_has_nothing_to_do(browse, june):
    body = home(browse, june.people.officer_b)
    assert todo_counts(body) == {}
    assert 'id="todo-empty"' in body and "暂无待办事项" in body


def test_township_officer_sees_nothing_of_the_county(browse, june):
    assert todo_counts(home(browse, june.people.township)) == {}


# What a county's legal section and its leaders have to see to: the letter's report (overdue), the hazard
# past its deadline, April's and May's monthly reports to confirm.
COUNTY_OVERSIGHT = {"guidance.reports_owed": 1, "cases.hazards_overdue": 1, "progress.confirm": 2}
# The city: county A's filing, county B not visited, the lower units' May reports (counties A and B, the
# park), the overdue letter and hazard, its own April and May reports.
CITY_OVERSIGHT = {
    "guidance.letters_overdue": 1,
    "cases.hazards_overdue": 1,
    "plans.acknowledge": 1,
    "progress.confirm": 2,
    "progress.lower_unconfirmed": 3,
    "guidance.not_visited": 1,
}


def test_county_legal_section(browse, june):
    """GIVEN the scene WHEN county A's legal section opens the home page THEN it is told to confirm April's and
    May's monthly reports, that the guidance letter's report is overdue and that a hazard is overdue; it sees the
    plan completion figure (only completed inspections count)."""
    body = home(browse, june.people.county_legal)
    assert todo_counts(body) == COUNTY_OVERSIGHT
    assert reverse("supervision:guidance_letter", args=[june.letter.pk]) in body
    assert "报送整改报告" in body and june.letter.document.number in body
    assert 'data-figure="cases.plan_completion"' in body
    completion = re.search(r'data-figure="cases.plan_completion">\s*<span class="figure__value">([^<]+)<', body)
    assert completion.group(1) == "0%"  # four items due by June, the one inspection still open
    assert "应完成 4 项，已完成 0 项" in body


def test_county_leader(browse, june):
    body = home(browse, june.people.county_leader)
    assert todo_counts(body) == COUNTY_OVERSIGHT
    # The leader reads the letter; answering it is the legal section's step.
    assert "报送整改报告</a>" not in todo_item(body, "guidance.reports_owed")
    assert 'id="figures"' in body


def test_city_legal_section(browse, june):
    """The city: county A's filing to acknowledge, the lower units' unconfirmed May reports, the overdue
    letter, county B not visited yet, the overdue hazard, and its own plan not drawn up (past 31 March)."""
    body = home(browse, june.people.city_legal)
    # Drawing up the city's own plan is the legal section's; its leader only approves it.
    assert todo_counts(body) == {**CITY_OVERSIGHT, "plans.missing": 1}
    assert "西山县应急管理局" in body and "尚未安排" in body
    assert reverse("plans:detail", args=[june.planning.plan.pk]) + "#workflow" in body
    assert "确认报备" in body


def test_city_leader(browse, june):
    assert todo_counts(home(browse, june.people.city_leader)) == CITY_OVERSIGHT


def test_done_work_leaves_the_list(browse, june):
    """GIVEN the officer's list WHEN the hazard passes re-inspection and the inspection is completed THEN both
    items are gone and the May item no longer counts as open work."""
    from cases.inspections import services

    p = june.planning
    services.record_reinspection(
        june.people.officer,
        june.hazard.pk,
        inspected_on=june.hazard.found_on.replace(day=31),
        officers=p.officers,
        result="passed",
    )
    services.complete_inspection(
        june.people.officer, june.inspection.pk, launch_meeting_held=True, feedback_meeting_held=True
    )
    counts = todo_counts(home(browse, june.people.officer))
    assert counts == {"cases.plan_items_overdue": 2, "cases.plan_items_due": 1}
    legal = todo_counts(home(browse, june.people.county_legal))
    assert "cases.hazards_overdue" not in legal


@pytest.fixture
def april(request, db, time_machine):
    """County A's plan of the current year still a draft on 15 April, past the approval deadline (R-04)."""
    time_machine.move_to(at(timezone.localdate().year, 4, 15), tick=False)
    p = request.getfixturevalue("planning")
    InspectionPlan.objects.filter(pk=p.plan.pk).update(year=timezone.localdate().year)
    p.plan.refresh_from_db()
    fill_valid_plan(p)
    return p


def test_plan_steps_are_the_next_ones_the_user_may_take(browse, april, world):
    """GIVEN county A's draft plan on 15 April WHEN its legal section opens the home page THEN the plan is to
    be submitted, overdue since 31 March; the city sees it late. WHEN submitted THEN the county leader is
    to record the approval."""
    p = april
    leader = UserFactory(username="county_a_leader", organisation=world.orgs.county_a, roles=["leader"])
    body = home(browse, p.legal)
    steps = todo_item(body, "plans.own_steps")
    assert "报本级政府审批" in steps and "逾期" in steps and "期限 " + f"{p.plan.year}-03-31" in steps
    assert todo_counts(body)["plans.own_steps"] == 1
    assert "plans.own_steps" not in todo_counts(home(browse, leader))  # a draft is not the leader's yet
    city = todo_counts(home(browse, world.people.city_legal))
    assert city["plans.lower_overdue"] == 1

    plan_services.submit_plan(p.legal, p.plan.pk)
    body = home(browse, leader)
    assert todo_counts(body)["plans.own_steps"] == 1 and "登记批准" in body


@pytest.mark.parametrize("persona", ["officer", "county_legal", "county_leader", "city_legal", "city_leader"])
def test_every_link_opens(browse, june, persona):
    """Each item and each row links to a page the user may open."""
    user = getattr(june.people, persona)
    client = browse.as_(user)
    items = todo_for(user)
    assert items
    for item in items:
        for url in [item.url, *(row.url for row in item.rows)]:
            assert client.get(url).status_code == 200, (item.key, url)


@pytest.mark.parametrize(
    ("persona", "limit"),
    [
        ("officer", 19),
        ("county_legal", 31),
        ("county_leader", 26),
        ("city_legal", 38),
        ("city_leader", 30),
        ("township", 20),
    ],
)
def test_home_query_count_is_pinned(browse, june, django_assert_max_num_queries, persona, limit):
    """The home page's queries, pinned per persona (the page without a to-do list took 12). Penalty cases add 2–4:
    an officer's deadlines and cases, a reviewer's queue, a leader's approvals, the legal section's overdue items
    (cases.penalties.todo), each one query plus restrict()'s grants probe, whatever the number of cases."""
    client = browse.as_(getattr(june.people, persona))
    client.get("/")
    with django_assert_max_num_queries(limit):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("persona", ["officer", "city_legal"])
def test_home_query_count_does_not_grow_with_the_work(browse, june, persona):
    """GIVEN ten more open inspections with overdue hazards WHEN ten more again THEN the home page runs the same
    number of queries (each list shows five rows and links to the rest)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.inspections import services

    p = june.planning
    client = browse.as_(getattr(june.people, persona))

    def more_work(start):
        for n in range(start, start + 10):
            inspection = services.record_inspection(
                june.people.officer,
                inspected_on=june.inspection.inspected_on,
                officers=p.officers,
                enterprise_id=p.general[3 + n % 3].pk,
            )
            services.add_hazard(
                june.people.officer,
                inspection.pk,
                description=f"隐患{n}",
                rectification_deadline=june.hazard.rectification_deadline,
            )

    def queries():
        client.get("/")
        with CaptureQueriesContext(connection) as ctx:
            body = client.get("/").content.decode()
        return len(ctx.captured_queries), body

    more_work(0)
    ten, body = queries()
    assert "另有" in body  # more than the five rows shown: the rest are one link away
    more_work(10)
    assert queries()[0] == ten
