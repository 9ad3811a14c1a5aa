"""The penalty-case pages: the list, a new case, the case page with its graph and action panel, the deadline board,
the to-do items. In scope: 200 with the content; another county: 404; the city: reads, acts on nothing (403)."""

import datetime
import re

import pytest
from django.urls import reverse

from cases.penalties.models import Deadline, PenaltyCase
from tests import dates
from tests import planning as planning_fixtures
from tests.cases.helpers import add_hazard, publish_plan_with_due_item, record
from tests.factories import CertificateFactory, UserFactory
from tests.penalties.factories import build_case, build_summary_case, penalty_people
from tests.penalties.step_data import step_data

# The shared planning fixture (county A's plan, certified officers, enterprises), made available here.
planning = planning_fixtures.planning


@pytest.fixture
def browse(client):
    def as_(user):
        client.logout()
        client.force_login(user)
        return client

    client.as_ = as_
    return client


@pytest.fixture
def people(world):
    """The personas plus county A's leader, legal reviewer (tests.penalties.factories) and legal section head."""
    people = penalty_people(world)
    people.county_a_legal = UserFactory(username="a_legal_section", organisation=world.orgs.county_a, roles=["legal"])
    CertificateFactory(holder=people.county_a_legal)
    return people


def make_case(world, organisation, officers=(), cause="未按规定开展安全生产教育培训案", state=None, **fields):
    """A case row as the services leave it after open_case (the page tests need no procedure)."""
    created_by = officers[0] if officers else world.people.city_admin
    case = PenaltyCase.objects.create(
        organisation=organisation,
        cause=cause,
        source=PenaltyCase.Source.INSPECTION,
        enterprise=fields.pop("enterprise", None),
        created_by=created_by,
        **fields,
    )
    if state:
        PenaltyCase.objects.filter(pk=case.pk).update(state=state)
        case = PenaltyCase.objects.get(pk=case.pk)  # the FSM field is protected: a fresh row, not refresh
    case.officers.set(officers)
    return case


def add_deadline(case, days_from_today, kind=Deadline.Kind.DECISION, **fields):
    today = dates.today()
    due = today + datetime.timedelta(days=days_from_today)
    return Deadline.objects.create(
        case=case,
        organisation=case.organisation,
        kind=kind,
        start_event=fields.pop("start_event", "立案"),
        started_on=due - datetime.timedelta(days=90),
        count=90,
        unit=Deadline.Unit.CALENDAR_DAYS,
        article="行政处罚法第60条",
        due_on=due,
        **fields,
    )


@pytest.fixture
def cases(world, people):
    a_officers = [people.county_a_officer, people.county_a_officer2]
    a = make_case(
        world, world.orgs.county_a, a_officers, cause="东城甲案：未按规定培训", enterprise=world.ent.a_general
    )
    b = make_case(world, world.orgs.county_b, [people.county_b_officer], cause="西山乙案：未设置警示标志")
    add_deadline(a, -3)
    add_deadline(b, 5)
    return {"a": a, "b": b}


def page(browse, user, url, status=200):
    response = browse.as_(user).get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode() if status == 200 else ""


# --- the list --------------------------------------------------------------------------------------


def test_county_officer_lists_own_cases_only(browse, people, cases):
    """GIVEN a case in county A and one in county B WHEN county A's officer opens the list THEN only A's shows."""
    body = page(browse, people.county_a_officer, reverse("cases:penalty_list"))
    assert "东城甲案" in body and "西山乙案" not in body
    assert 'data-nav="penalties"' in body and "行政处罚" in body
    assert 'id="link-new-case"' in body


def test_city_lists_every_county_but_opens_no_case(browse, people, cases):
    body = page(browse, people.city_legal, reverse("cases:penalty_list"))
    assert "东城甲案" in body and "西山乙案" in body
    assert 'id="link-new-case"' not in body


def test_list_filters(browse, people, cases):
    url = reverse("cases:penalty_list")
    body = page(browse, people.city_legal, url + "?overdue=on")
    assert "东城甲案" in body and "西山乙案" not in body
    body = page(browse, people.city_legal, url + "?enterprise=东城机械")
    assert "东城甲案" in body and "西山乙案" not in body
    body = page(browse, people.city_legal, url + f"?officer={people.county_b_officer.pk}")
    assert "东城甲案" not in body and "西山乙案" in body
    body = page(browse, people.city_legal, url + "?state=closed")
    assert "没有符合条件的案件" in body


@pytest.mark.parametrize("n", [3, 25])
def test_list_query_count_does_not_grow(browse, world, people, django_assert_max_num_queries, n):
    """The list runs the same queries for 3 cases as for a full page of them."""
    for i in range(n):
        case = make_case(world, world.orgs.county_a, [people.county_a_officer], cause=f"批量案{i}")
        add_deadline(case, i - 2)
    client = browse.as_(people.county_a_officer)
    client.get(reverse("cases:penalty_list"))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("cases:penalty_list")).status_code == 200


# --- the case page ---------------------------------------------------------------------------------


def test_case_page_shows_graph_deadlines_and_the_officers_actions(browse, people, cases):
    """GIVEN county A's case waiting for 立案审批 with an overdue decision deadline
    WHEN its officer opens it THEN the graph marks 立案审批 current, the deadline shows as overdue, and the panel
    offers the officer's acts (not the leader's approval)."""
    body = page(browse, people.county_a_officer, reverse("cases:penalty_detail", args=[cases["a"].pk]))
    assert "东城甲案" in body
    assert re.search(r'data-state="filing" data-status="current"', body)
    assert re.search(r'data-state="investigating" data-status="future"', body)
    # Every transition of the state machine is an edge of the graph.
    assert 'data-transition="approve_filing"' in body and 'data-transition="renotify"' in body
    assert "逾期 3 天" in body and "行政处罚法第60条" in body
    assert 'id="actions"' in body
    assert 'data-action="add_party"' in body and 'data-action="add_violation"' in body
    assert 'data-action="approve_filing"' not in body


def test_calendar_warning_shows_beside_the_deadline(browse, people, cases):
    """A deadline running into a year without holiday data says so on the case page and on the board."""
    warning = "2027年节假日安排尚未录入，届满日按周末推算，请核实。"
    Deadline.objects.filter(case=cases["a"]).update(calendar_warning=warning)
    body = page(browse, people.county_a_officer, reverse("cases:penalty_detail", args=[cases["a"].pk]))
    assert "data-calendar-warning" in body and warning in body
    board = page(browse, people.county_a_legal, reverse("cases:penalty_deadlines"))
    assert "日历待核" in board and warning in board


def test_leader_is_offered_the_filing_approval(browse, people, cases):
    body = page(browse, people.county_a_leader, reverse("cases:penalty_detail", args=[cases["a"].pk]))
    assert 'data-action="approve_filing"' in body
    assert 'data-action="add_party"' not in body  # the leader approves; the officers handle


def test_other_county_gets_404(browse, people, cases):
    url = reverse("cases:penalty_detail", args=[cases["a"].pk])
    page(browse, people.county_b_officer, url, status=404)
    action = reverse("cases:penalty_action", args=[cases["a"].pk, "add_violation"])
    assert browse.as_(people.county_b_officer).post(action, {}).status_code == 404


def test_city_reads_the_case_but_has_no_action_and_a_post_is_refused(browse, people, cases):
    url = reverse("cases:penalty_detail", args=[cases["a"].pk])
    body = page(browse, people.city_legal, url)
    assert "东城甲案" in body and 'id="read-only"' in body and "只能查阅" in body
    assert 'id="actions"' not in body and "data-action=" not in body
    action = reverse("cases:penalty_action", args=[cases["a"].pk, "add_violation"])
    assert browse.as_(people.city_legal).post(action, {}).status_code == 403


def test_action_not_offered_in_this_state_is_refused_with_a_message(browse, people, cases):
    action = reverse("cases:penalty_action", args=[cases["a"].pk, "issue_notices"])
    response = browse.as_(people.county_a_officer).post(action, {}, follow=True)
    assert "不能办理“出具行政处罚告知书”" in response.content.decode()


def test_unknown_action_is_404(browse, people, cases):
    action = reverse("cases:penalty_action", args=[cases["a"].pk, "no_such_thing"])
    assert browse.as_(people.county_a_officer).post(action, {}).status_code == 404


def test_a_form_refused_keeps_what_was_typed(browse, people, cases):
    """GIVEN the officer types the facts of a violation but forgets the articles WHEN they save
    THEN the case page comes back with the form open, the message beside it and the facts as typed."""
    action = reverse("cases:penalty_action", args=[cases["a"].pk, "add_violation"])
    party_less = {"add_violation-facts": "2026年10月未组织新员工三级安全培训（甲）"}
    body = browse.as_(people.county_a_officer).post(action, party_less).content.decode()
    assert re.search(r'<details class="pc-action" id="action-add_violation" data-action="add_violation" open>', body)
    assert "2026年10月未组织新员工三级安全培训（甲）" in body
    assert "保存未成功" in body


def test_archived_case_is_read_only_for_its_own_officer(browse, world, people):
    case = make_case(world, world.orgs.county_a, [people.county_a_officer], state=PenaltyCase.State.ARCHIVED)
    body = page(browse, people.county_a_officer, reverse("cases:penalty_detail", args=[case.pk]))
    assert "案件已归档" in body and "data-action=" not in body
    assert re.search(r'data-state="archived" data-status="current"', body)


# --- a new case ------------------------------------------------------------------------------------


def test_new_case_form_for_the_officer_and_refused_to_the_city(browse, people, cases, world):
    url = reverse("cases:penalty_create") + f"?enterprise={world.ent.a_general.pk}"
    body = page(browse, people.county_a_officer, url)
    assert world.ent.a_general.credit_code in body and 'id="case-form"' in body
    page(browse, people.city_legal, reverse("cases:penalty_create"), status=403)
    page(browse, people.county_b_officer, url, status=404)


def test_new_case_refused_keeps_input(browse, people, cases):
    """A cause typed without a source comes back with the cause kept and the message beside the field."""
    url = reverse("cases:penalty_create")
    body = browse.as_(people.county_a_officer).post(url, {"cause": "乙醇储罐区未设置警示标志案"}).content.decode()
    assert "乙醇储罐区未设置警示标志案" in body and "保存未成功" in body


# --- the deadline board ----------------------------------------------------------------------------


def test_deadline_board_for_the_city_overdue_first(browse, people, cases):
    body = page(browse, people.city_legal, reverse("cases:penalty_deadlines"))
    assert body.index("东城甲案") < body.index("西山乙案")
    assert "逾期 3 天" in body and "还剩 5 天" in body
    assert re.search(r'id="overdue-count">1<', body)


def test_deadline_board_of_a_county_and_filter(browse, people, cases, world):
    body = page(browse, people.county_a_legal, reverse("cases:penalty_deadlines"))
    assert "东城甲案" in body and "西山乙案" not in body
    url = reverse("cases:penalty_deadlines") + f"?organisation={world.orgs.county_b.pk}"
    body = page(browse, people.city_legal, url)
    assert "东城甲案" not in body and "西山乙案" in body


@pytest.mark.parametrize("n", [2, 30])
def test_deadline_board_query_count_is_constant(browse, world, people, django_assert_max_num_queries, n):
    for i in range(n):
        add_deadline(make_case(world, world.orgs.county_b, [people.county_b_officer], cause=f"批量{i}"), i - 5)
    client = browse.as_(people.city_legal)
    with django_assert_max_num_queries(11):
        assert client.get(reverse("cases:penalty_deadlines")).status_code == 200


# --- the to-do list --------------------------------------------------------------------------------


def test_officer_home_lists_the_overdue_deadline_of_their_case(browse, people, cases):
    body = page(browse, people.county_a_officer, "/")
    assert 'data-todo="penalties.my_deadlines"' in body and "东城甲案" in body
    assert 'data-todo="penalties.my_cases"' in body


def test_leader_home_lists_the_filing_approval(browse, people, cases):
    body = page(browse, people.county_a_leader, "/")
    assert 'data-todo="penalties.approvals"' in body and "东城甲案" in body


def test_reviewer_home_lists_the_review_queue(browse, world, people):
    make_case(
        world, world.orgs.county_a, [people.county_a_officer], cause="待审核案", state=PenaltyCase.State.REVIEWING
    )
    body = page(browse, people.county_a_reviewer, "/")
    assert 'data-todo="penalties.review_queue"' in body and "待审核案" in body


def test_city_legal_home_lists_overdue_deadlines_of_its_scope(browse, people, cases):
    body = page(browse, people.city_legal, "/")
    assert 'data-todo="penalties.scope_overdue"' in body and "东城甲案" in body
    assert 'data-todo="penalties.review_queue"' not in body


# --- through the services: every state, and the procedure driven from the page ------------------------------


@pytest.mark.parametrize(
    "state",
    ["filing", "investigating", "reported", "handling", "reviewing", "notified", "decided", "executing", "closed"],
)
def test_case_page_in_every_state(browse, world, people, state):
    """GIVEN a case taken through the services to ``state`` WHEN its officer and the city open it THEN both read
    it, the graph marks the state current and the states behind it passed, and only the officer has actions."""
    case = build_case(world, state)
    url = reverse("cases:penalty_detail", args=[case.pk])
    body = page(browse, people.county_a_officer, url)
    assert re.search(rf'data-state="{state}" data-status="current"', body)
    if state != "filing":
        assert re.search(r'data-state="filing" data-status="passed"', body)
        assert re.search(r'data-transition="approve_filing" data-from="filing" data-to="investigating" [^>]*', body)
        assert 'class="pc-graph__edge is-taken" data-transition="approve_filing"' in body
        assert "同意立案" in body  # the history: the leader's note on the filing
    city = page(browse, people.city_legal, url)
    assert case.cause in city and "data-action=" not in city and 'id="read-only"' in city


def test_two_parties_and_their_decisions_show(browse, world, people):
    """一案双罚: the unit and its principal person each with their own decision."""
    case = build_case(world, "decided", parties=("unit", "person"))
    body = page(browse, people.county_a_officer, reverse("cases:penalty_detail", args=[case.pk]))
    assert body.count('class="pc-party"') == 2
    assert body.count('data-field="decided"') == 2


def test_summary_case_page(browse, world, people):
    case = build_summary_case(world)
    body = page(browse, people.county_a_officer, reverse("cases:penalty_detail", args=[case.pk]))
    assert "简易程序" in body and re.search(r'data-state="decided" data-status="current"', body)
    assert 'data-action="record_delivery"' in body


def test_reviewer_sees_the_case_sent_for_review_only(browse, world, people):
    """案审分离: the legal reviewer reads the case in review and is offered the review; a case not sent is 404."""
    reviewing = build_case(world, "reviewing")
    filing = build_case(world, "filing")
    body = page(browse, people.county_a_reviewer, reverse("cases:penalty_detail", args=[reviewing.pk]))
    assert 'data-action="record_review"' in body
    page(browse, people.county_a_reviewer, reverse("cases:penalty_detail", args=[filing.pk]), status=404)
    listed = page(browse, people.county_a_reviewer, reverse("cases:penalty_list"))
    assert f'data-case="{reviewing.pk}"' in listed and f'data-case="{filing.pk}"' not in listed


def step_fields(kind, on):
    """Valid step data of ``kind`` (tests.penalties.step_data) as the step form's POST fields ("data-…")."""
    if not kind:
        return {}
    try:
        values = step_data(kind, on=on)
    except KeyError:
        return {}
    return {f"data-{name}": value for name, value in values.items()}


def act(browse, user, case, action, fields, kind=""):
    """POST one action of the panel with ``fields`` (names without the action's prefix); the page it lands on."""
    data = {f"{action}-{k}": v for k, v in fields.items()}
    data.update(step_fields(kind, dates.today() - datetime.timedelta(days=1)))
    url = reverse("cases:penalty_action", args=[case.pk, action])
    response = browse.as_(user).post(url, data, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_the_procedure_driven_from_the_page(browse, world, people):
    """GIVEN a case opened from the page WHEN the officer, the leader and the reviewer each use their action panel
    up to the decision THEN each step is accepted, and the decision before the party's answer is refused with
    the article, the typed penalty kept."""
    officer, leader, reviewer = people.county_a_officer, people.county_a_leader, people.county_a_reviewer
    enterprise = world.ent.a_general
    yesterday = (dates.today() - datetime.timedelta(days=1)).isoformat()
    response = browse.as_(officer).post(
        reverse("cases:penalty_create") + f"?enterprise={enterprise.pk}",
        {
            "cause": "未如实记录安全生产教育培训情况案",
            "source": "inspection",
            "procedure": "general",
            "enterprise": enterprise.credit_code,
            "facts": "培训档案缺失",
            "officers": [officer.pk, people.county_a_officer2.pk],
            "unit_party": "on",
            "principal_name": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    case = PenaltyCase.objects.get(cause="未如实记录安全生产教育培训情况案")
    assert case.parties.get().name == enterprise.name
    party = case.parties.get()

    body = act(browse, leader, case, "approve_filing", {"approved": "yes", "opinion": "同意", "filed_on": yesterday})
    assert "已办理立案审批" in body
    team = {"officers": [officer.pk, people.county_a_officer2.pk], "occurred_on": yesterday, "party": party.pk}
    body = act(browse, officer, case, "step_interview", team, kind="interview")
    assert "已记录询问笔录" in body, body[body.find("保存未成功") :][:800]
    act(
        browse,
        officer,
        case,
        "add_violation",
        {
            "party": party.pk,
            "facts": "未建立培训档案",
            "article_breached": "《安全生产法》第二十八条",
            "article_punishing": "《安全生产法》第九十七条",
        },
    )
    act(browse, officer, case, "end_investigation", {"occurred_on": yesterday}, kind="report")
    body = act(
        browse,
        officer,
        case,
        "propose_penalty",
        {"party": party.pk, "kinds": ["fine"], "fine": "20000", "text": "罚款贰万元"},
    )
    assert "已保存拟处罚意见" in body
    act(browse, officer, case, "submit_handling", {}, kind="handling")
    act(browse, leader, case, "approve_handling", {"approved": "yes", "opinion": "同意"})
    assert PenaltyCase.objects.get(pk=case.pk).state == "reviewing"
    body = act(
        browse, reviewer, case, "record_review", {"passed": "yes", "opinion": "事实清楚，证据确凿"}, kind="review"
    )
    assert "已记录法制审核意见" in body
    body = act(browse, officer, case, "issue_notices", {})
    assert "已出具行政处罚告知书" in body
    case = PenaltyCase.objects.get(pk=case.pk)
    assert case.state == "notified"

    # Deciding before the party answered or the window ran out is refused, with the article; the fine stays typed.
    decide = {"party": party.pk, "kinds": ["fine"], "fine": "20000", "text": "罚款贰万元（甲）"}
    body = act(browse, officer, case, "decide", decide)
    assert "保存未成功" in body and "罚款贰万元（甲）" in body
    assert re.search(r"第\s*4[45]\s*条|第\s*6[23]\s*条", body)

    notice = case.parties.get().notice_id
    act(
        browse,
        officer,
        case,
        "record_delivery",
        {
            "party": party.pk,
            "document": notice,
            "method": "direct",
            "served_on": yesterday,
            "place": "企业办公室",
            "recipient": "张三",
            "server_names": "执法人员甲、乙",
        },
    )
    body = act(browse, officer, case, "record_waiver", {"party": party.pk, "statement": "on", "hearing": "on"})
    assert "已记录当事人放弃的权利" in body
    body = act(browse, officer, case, "decide", decide)
    assert "已出具行政处罚决定书" in body, body[body.find("保存未成功") :][:800]
    assert PenaltyCase.objects.get(pk=case.pk).state == "decided"


def test_new_case_from_an_inspection_is_prefilled(browse, people, planning, settings, tmp_path):
    """GIVEN an inspection of county A with a non-compliant item and a hazard WHEN the officer opens 立案 from the
    inspection page THEN the form carries the enterprise, the findings as facts and says where the case comes from."""
    settings.MEDIA_ROOT = tmp_path / "media"
    results = [{"text": "特种作业人员持证上岗", "compliant": False, "note": "焊工无证"}]
    inspection = record(planning, publish_plan_with_due_item(planning), results=results)
    hazard = add_hazard(planning, inspection, description="配电箱未接地")
    body = page(browse, people.county_a_officer, reverse("cases:inspection_detail", args=[inspection.pk]))
    assert f"/cases/penalties/new/?inspection={inspection.pk}" in body
    body = page(browse, people.county_a_officer, reverse("cases:penalty_create") + f"?inspection={inspection.pk}")
    assert inspection.enterprise.credit_code in body
    assert "焊工无证" in body and "配电箱未接地" in body and 'id="case-source"' in body
    body = page(browse, people.county_a_officer, reverse("cases:penalty_create") + f"?hazard={hazard.pk}")
    assert "来源隐患" in body and "配电箱未接地" in body
    # Another county's officer cannot open a case from county A's inspection.
    page(browse, people.county_b_officer, reverse("cases:penalty_create") + f"?inspection={inspection.pk}", 404)


def test_hearing_scheduled_from_the_page(browse, world, people):
    """GIVEN a case whose unit asked for a hearing WHEN the officer fills the 听证会通知 (day, place and chair are the
    notice's own fields) THEN the notice is recorded with that chair; a chair who investigated is refused (第64条)."""
    from cases.penalties import deadlines
    from enforcement.workdays.deadlines import Unit

    case = build_case(world, "hearing", hearing=True)
    hearing_on = deadlines.due(dates.today(), 8, Unit.WORKING_DAYS).day
    fields = step_fields("hearing_notice", dates.today())
    fields.update({"data-hearing_on": hearing_on.isoformat(), "data-place": "局二楼听证室"})
    url = reverse("cases:penalty_action", args=[case.pk, "schedule_hearing"])
    client = browse.as_(people.county_a_officer)
    refused = dict(fields, **{"data-chair_id": people.county_a_officer.pk})
    body = client.post(url, refused, follow=True).content.decode()
    assert "保存未成功" in body and "局二楼听证室" in body
    chair = dict(fields, **{"data-chair_id": people.county_a_reviewer.pk})
    body = client.post(url, chair, follow=True).content.decode()
    assert "已出具听证会通知书" in body, body[body.find("保存未成功") :][:600]
    notice = case.records.get(kind="hearing_notice")
    assert notice.data["chair_id"] == people.county_a_reviewer.pk and notice.data["place"] == "局二楼听证室"
