"""The procedure of a penalty case through the REST API: every state change is a POST calling its service.

GIVEN/WHEN/THEN; cases are built with tests/penalties/factories.py, then moved on through the API.
"""

import datetime

from django.contrib.auth.models import Permission

from cases.penalties.models import CaseParty, PenaltyCase, StepRecord
from tests.dates import today
from tests.penalties.factories import build_case, penalty_people
from tests.penalties.step_data import step_data

State = PenaltyCase.State
DAY = datetime.timedelta(days=1)


def act(api, user, case, path, body=None, expect=200):
    response = api.as_(user).post(f"/api/penalty-cases/{case.pk}/{path}/", body or {}, format="json")
    assert response.status_code == expect, f"{path}: {response.status_code} {response.content.decode()}"
    return response.json()


def iso(day):
    return day.isoformat()


def test_a_case_goes_from_filing_to_archive_through_the_api(world, api):
    """GIVEN county A's officers, leader and legal reviewer
    WHEN a case is registered, filed, investigated, reviewed, notified, decided, served, paid, closed and archived
    through the API, each by the person whose role it is
    THEN every answer is the case in its next state, with the step's record, history and documents."""
    people = penalty_people(world)
    officer, leader, reviewer = people.county_a_officer, people.county_a_leader, people.county_a_reviewer
    team = [people.county_a_officer.pk, people.county_a_officer2.pk]
    start = today() - 30 * DAY
    response = api.as_(officer).post(
        "/api/penalty-cases/",
        {
            "cause": "未按规定对从业人员进行安全生产教育和培训",
            "source": "inspection",
            "enterprise": world.ent.a_general.pk,
            "facts": "3名新员工未经培训上岗。",
            "officers": team,
            "parties": [{"kind": "unit", "role": "unit", "name": world.ent.a_general.name}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content.decode()
    case = PenaltyCase.objects.get(pk=response.json()["id"])
    [unit] = response.json()["parties"]
    assert response.json()["state"] == State.FILING and response.json()["organisation"] == world.orgs.county_a.pk

    person = api.as_(officer).post(
        f"/api/penalty-cases/{case.pk}/parties/",
        {"kind": "person", "role": "principal", "name": "张三", "id_number": "410101198001011234"},
        format="json",
    )
    assert person.status_code == 201 and person.json()["name"] == "张三"  # 一案双罚: the principal person too
    violation = {"facts": "未培训", "article_breached": "《安全生产法》第二十八条", "article_punishing": "第九十七条"}
    for party in (unit["id"], person.json()["id"]):
        assert (
            api.as_(officer)
            .post(f"/api/penalty-cases/{case.pk}/violations/", {"party": party, **violation}, format="json")
            .status_code
            == 201
        )

    body = act(api, leader, case, "approve-filing", {"approved": True, "opinion": "同意立案", "filed_on": iso(start)})
    assert body["state"] == State.INVESTIGATING and body["filed_on"] == iso(start)
    record = api.as_(officer).post(
        f"/api/penalty-cases/{case.pk}/record-step/",
        {
            "kind": "interview",
            "data": step_data("interview", on=start + DAY, person=officer),
            "occurred_on": iso(start + DAY),
            "officers": team,
        },
        format="json",
    )
    assert record.status_code == 201, record.content.decode()
    assert record.json()["kind"] == StepRecord.Kind.INTERVIEW
    assert (
        act(
            api, officer, case, "end-investigation", {"data": step_data("report"), "occurred_on": iso(start + 2 * DAY)}
        )["state"]
        == State.REPORTED
    )
    for party in CaseParty.objects.filter(case=case):
        fine = "30000" if party.kind == "unit" else "10000"
        act(api, officer, case, "propose-penalty", {"party": party.pk, "kinds": ["fine"], "fine": fine, "text": "罚款"})
    assert act(api, officer, case, "submit-handling", {"data": step_data("handling")})["state"] == State.HANDLING
    assert act(api, leader, case, "approve-handling", {"approved": True})["state"] == State.REVIEWING
    body = act(
        api, reviewer, case, "review", {"passed": True, "opinion": "事实清楚，证据确凿", "data": step_data("review")}
    )
    assert body["state"] in (State.NOTIFYING, State.DISCUSSING)
    if body["state"] == State.DISCUSSING:
        act(
            api,
            officer,
            case,
            "discussion",
            {"data": step_data("discussion", on=start + 3 * DAY, person=officer), "occurred_on": iso(start + 3 * DAY)},
        )
    body = act(api, officer, case, "issue-notices")
    assert body["state"] == State.NOTIFIED
    for party in body["parties"]:
        act(api, officer, case, "delivery", _served(party, party["notice"], start + 4 * DAY))
        waiver = {"party": party["id"], "statement": True, "hearing": True, "waived_on": iso(start + 5 * DAY)}
        act(api, officer, case, "waiver", waiver)
    for party in body["parties"]:
        decision = {"party": party["id"], "kinds": ["fine"], "fine": party["proposed_fine"]}
        body = act(api, officer, case, "decide", {**decision, "decided_on": iso(start + 6 * DAY)})
    assert body["state"] == State.DECIDED
    decisions = [party["decision"] for party in body["parties"]]
    assert all(decisions) and len(set(decisions)) == 2  # one numbered decision per party
    assert [party["decided_on"] for party in body["parties"]] == [iso(start + 6 * DAY)] * 2, body["parties"]
    for party in body["parties"]:
        body = act(api, officer, case, "delivery", _served(party, party["decision"], start + 7 * DAY))
    assert body["state"] == State.EXECUTING
    for n, party in enumerate(body["parties"]):
        paid = {"party": party["id"], "paid_on": iso(start + 9 * DAY), "amount": party["decided_fine"]}
        payment = api.as_(officer).post(
            f"/api/penalty-cases/{case.pk}/payment/", {**paid, "receipt_number": f"PJ{n}"}, format="json"
        )
        assert payment.status_code == 201, payment.content.decode()
    assert act(api, officer, case, "submit-closing", {"data": step_data("closing")})["state"] == State.CLOSING
    assert act(api, leader, case, "approve-closing", {"approved": True})["state"] == State.CLOSED
    body = act(api, leader, case, "archive")
    assert body["state"] == State.ARCHIVED and body["is_locked"] is True
    assert [event["target_state"] for event in body["events"]][-1] == State.ARCHIVED
    kinds = {document["doc_type"] for document in body["documents"]}
    assert {"case_filing", "penalty_notice", "penalty_decision"} <= kinds
    refused = act(api, officer, case, "submit-closing", {"data": step_data("closing")}, expect=400)
    assert "案件已归档" in str(refused)


def _served(party, document, day):
    return {
        "party": party["id"],
        "document": document,
        "method": "direct",
        "served_on": iso(day),
        "place": "当事人住所",
        "recipient": party["name"],
        "server_names": "执法人员甲、执法人员乙",
    }


def test_a_gate_refusal_is_a_400_naming_the_article(world, api):
    """GIVEN a case whose notice was served today, the party having waived nothing
    WHEN the officer asks for the decision through the API
    THEN 400 with the Chinese reason naming the article, and the case stays notified."""
    people = penalty_people(world)
    case = build_case(world, State.NOTIFYING)
    act(api, people.county_a_officer, case, "issue-notices")
    party = CaseParty.objects.get(case=case)
    act(
        api,
        people.county_a_officer,
        case,
        "delivery",
        _served({"id": party.pk, "name": party.name}, party.notice_id, today()),
    )
    body = act(
        api, people.county_a_officer, case, "decide", {"party": party.pk, "kinds": ["fine"], "fine": "30000"}, 400
    )
    message = " ".join(str(value) for value in body.values())
    assert "第" in message and "条" in message, message
    assert PenaltyCase.objects.get(pk=case.pk).state == State.NOTIFIED


def test_a_hearing_through_the_api(world, api):
    """GIVEN a notified case whose unit was told of its right to a hearing
    WHEN the unit's request, the hearing notice (chaired by the legal reviewer), the record and the report are posted
    THEN the case is in the hearing and its records hold each step."""
    people = penalty_people(world)
    case = build_case(world, State.NOTIFIED, hearing=True)
    unit = CaseParty.objects.get(case=case, kind="unit")
    notified = unit.notice_served_on
    assert (
        act(
            api,
            people.county_a_officer,
            case,
            "hearing-request",
            {"party": unit.pk, "requested_on": iso(notified + DAY)},
        )["state"]
        == State.HEARING
    )
    hearing_on = today() + 20 * DAY
    panel = {"chair": people.county_a_reviewer.pk, "chair_position": "法制审核员", "clerk": people.nobody.pk}
    notice = {**panel, "hearing_on": iso(hearing_on), "hearing_time": "14:30", "place": "听证室", "public": "1"}
    body = act(
        api,
        people.county_a_officer,
        case,
        "hearing-schedule",
        {
            "hearing_on": iso(hearing_on),
            "place": "听证室",
            "chair": people.county_a_reviewer.pk,
            "data": {**notice, "applicant": unit.name},
            "notified_on": iso(today()),
        },
    )
    assert StepRecord.Kind.HEARING_NOTICE in [record["kind"] for record in body["records"]]


def test_a_summary_case_is_decided_on_the_spot(world, api):
    """GIVEN a summary-procedure case (简易程序) of a person
    WHEN two officers fine them 200 yuan on the spot through the API
    THEN the case is decided with a 当场处罚决定书; 201 yuan is refused (行政处罚法 第51条)."""
    from tests.penalties.factories import open_case

    people = penalty_people(world)
    team = [people.county_a_officer.pk, people.county_a_officer2.pk]
    case = open_case(world, parties=("person",), procedure=PenaltyCase.Procedure.SUMMARY)
    party = case.parties.get()
    violation = {
        "party": party.pk,
        "facts": "未戴安全帽进入作业区",
        "article_breached": "第五十七条",
        "article_punishing": "第一百零七条",
    }
    assert (
        api.as_(people.county_a_officer)
        .post(f"/api/penalty-cases/{case.pk}/violations/", violation, format="json")
        .status_code
        == 201
    )
    spot = {"party": party.pk, "kinds": ["fine"], "text": "当场罚款", "officers": team}
    act(api, people.county_a_officer, case, "decide-on-the-spot", {**spot, "fine": "201"}, 400)
    body = act(api, people.county_a_officer, case, "decide-on-the-spot", {**spot, "fine": "200"})
    assert body["state"] == State.DECIDED and body["parties"][0]["decided_fine"] == "200.00"


def test_no_penalty_is_decided_with_its_reason(world, api):
    """GIVEN a notified case WHEN the officer decides not to punish the party (行政处罚法 第33条) with a reason
    THEN the party carries the reason and its no-penalty decision."""
    people = penalty_people(world)
    case = build_case(world, State.NOTIFIED)
    party = CaseParty.objects.get(case=case)
    act(api, people.county_a_officer, case, "decide-no-penalty", {"party": party.pk, "reason": ""}, 400)
    body = act(
        api, people.county_a_officer, case, "decide-no-penalty", {"party": party.pk, "reason": "违法行为轻微并及时改正"}
    )
    [shown] = body["parties"]
    assert shown["no_penalty"] is True and shown["no_penalty_reason"] == "违法行为轻微并及时改正"


def test_withdrawal_extension_and_sharing(world, api):
    """GIVEN an investigating case
    WHEN the leader extends it and shares it with a city reviewer, and another case is withdrawn
    THEN a new decision deadline supersedes the old one, the reviewer reads the case, and the other is terminated."""
    from tests.factories import UserFactory

    people = penalty_people(world)
    case = build_case(world, State.INVESTIGATING)
    before = case.deadlines.get(kind="decision", superseded_by=None).due_on
    body = act(
        api, people.county_a_leader, case, "extend", {"days": 90, "reason": "案情复杂", "approver_level": "head"}
    )
    open_decision = [d for d in body["deadlines"] if d["kind"] == "decision" and d["is_open"]]
    assert [d["due_on"] for d in open_decision] != [iso(before)] and len(open_decision) == 1
    city_reviewer = UserFactory(username="city_case_reviewer", organisation=world.orgs.city, roles=["technical"])
    assert api.as_(city_reviewer).get(f"/api/penalty-cases/{case.pk}/").status_code == 404
    act(api, people.county_a_officer, case, "share", {"with_user": city_reviewer.pk})
    assert api.as_(city_reviewer).get(f"/api/penalty-cases/{case.pk}/").status_code == 200
    other = build_case(world, State.INVESTIGATING)
    assert (
        act(api, people.county_a_leader, other, "withdraw", {"reason": "违法事实不能成立"})["state"] == State.TERMINATED
    )


def test_the_city_reads_but_is_refused_every_step(world, api):
    """GIVEN county A's case and the city's legal section and leader, who may read it
    WHEN they post any step to it (even with an empty body)
    THEN 403 — only the case's own organisation acts — and the case is unchanged."""
    from cases.penalties.api import STEPS
    from tests.factories import UserFactory

    case = build_case(world, State.INVESTIGATING)
    city_leader = UserFactory(username="city_leader", organisation=world.orgs.city, roles=["leader"])
    assert Permission.objects.filter(codename="approve_penaltycase").exists()
    for user in (world.people.city_legal, city_leader):
        assert api.as_(user).get(f"/api/penalty-cases/{case.pk}/").status_code == 200
        for step in STEPS:
            response = api.as_(user).post(f"/api/penalty-cases/{case.pk}/{step.path}/", {}, format="json")
            assert response.status_code == 403, (user.username, step.path, response.status_code)
    assert PenaltyCase.objects.get(pk=case.pk).state == State.INVESTIGATING
