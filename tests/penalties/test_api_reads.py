"""/api/penalty-cases/, /api/penalty-deadlines/, /api/penalty-evidence/: what they show, filtered and scoped.

The rows are stored directly (reading needs no procedure); the state changes are tested through the services in
tests/penalties/test_api_steps.py.
"""

import datetime

import pytest
from django.core.files.base import ContentFile

from cases.penalties.models import CaseParty, Deadline, Evidence, PenaltyCase, Violation
from tests.api.helpers import results
from tests.dates import today


def stored_case(organisation, user, cause, *, state=PenaltyCase.State.FILING, enterprise=None, **fields):
    case = PenaltyCase.objects.create(
        organisation=organisation,
        cause=cause,
        source=PenaltyCase.Source.INSPECTION,
        enterprise=enterprise,
        created_by=user,
        state=state,
        **fields,
    )
    party = CaseParty.objects.create(case=case, kind="unit", role="unit", name=f"{cause}当事单位")
    Violation.objects.create(
        party=party, facts="未按规定培训", article_breached="《安全生产法》第二十八条", article_punishing="第九十七条"
    )
    return case


def stored_deadline(case, kind, due_on, **fields):
    return Deadline.objects.create(
        case=case,
        organisation=case.organisation,
        kind=kind,
        start_event="立案",
        started_on=due_on - datetime.timedelta(days=90),
        count=90,
        unit=Deadline.Unit.CALENDAR_DAYS,
        article="行政处罚法 第60条",
        due_on=due_on,
        **fields,
    )


@pytest.fixture
def cases(world):
    people, orgs = world.people, world.orgs
    a = stored_case(orgs.county_a, people.county_a_officer, "东城未培训案", enterprise=world.ent.a_general)
    a.officers.set([people.county_a_officer, people.county_a_officer2])
    a_late = stored_case(orgs.county_a, people.county_a_officer, "东城逾期案", state=PenaltyCase.State.INVESTIGATING)
    b = stored_case(orgs.county_b, people.county_b_officer, "西山无证案", enterprise=world.ent.b_general)
    stored_deadline(a, Deadline.Kind.DECISION, today() + datetime.timedelta(days=30))
    stored_deadline(a_late, Deadline.Kind.DECISION, today() - datetime.timedelta(days=2))
    stored_deadline(b, Deadline.Kind.DECISION, today() - datetime.timedelta(days=5))
    return a, a_late, b


def ids(response):
    return {row["id"] for row in results(response)}


def test_the_case_list_is_scoped(world, cases, api):
    """GIVEN cases of county A and county B
    WHEN each county's officer and the city's legal section list cases
    THEN each county sees its own, the city both."""
    a, a_late, b = cases
    assert ids(api.as_(world.people.county_a_officer).get("/api/penalty-cases/")) == {a.pk, a_late.pk}
    assert ids(api.as_(world.people.county_b_officer).get("/api/penalty-cases/")) == {b.pk}
    assert ids(api.as_(world.people.city_legal).get("/api/penalty-cases/")) == {a.pk, a_late.pk, b.pk}


def test_the_case_list_filters(world, cases, api):
    """GIVEN county A's two cases, one investigating with an overdue deadline
    WHEN the city filters by state, organisation, enterprise, overdue and text
    THEN each filter keeps the matching cases only."""
    a, a_late, b = cases
    client = api.as_(world.people.city_legal)
    url = "/api/penalty-cases/"
    assert ids(client.get(url, {"state": "investigating"})) == {a_late.pk}
    assert ids(client.get(url, {"organisation": world.orgs.county_b.pk})) == {b.pk}
    assert ids(client.get(url, {"enterprise": world.ent.a_general.pk})) == {a.pk}
    assert ids(client.get(url, {"overdue": "true"})) == {a_late.pk, b.pk}
    assert ids(client.get(url, {"overdue": "false"})) == {a.pk}
    assert ids(client.get(url, {"q": "无证"})) == {b.pk}
    assert ids(client.get(url, {"procedure": "summary"})) == set()


def test_an_enterprise_of_another_county_is_no_valid_filter(world, cases, api):
    """GIVEN county B's enterprise WHEN county A's officer filters by it THEN 400 (not a valid choice), as for an id
    that does not exist: the filter cannot probe another county's register."""
    response = api.as_(world.people.county_a_officer).get("/api/penalty-cases/", {"enterprise": world.ent.b_general.pk})
    assert response.status_code == 400


def test_the_case_list_runs_a_constant_number_of_queries(world, cases, api, django_assert_max_num_queries):
    """GIVEN many cases WHEN the city lists them THEN the number of queries does not grow with the page."""
    for n in range(12):
        stored_case(world.orgs.county_a, world.people.county_a_officer, f"批量案{n}")
    client = api.as_(world.people.city_legal)
    with django_assert_max_num_queries(12):
        assert len(results(client.get("/api/penalty-cases/"))) == 15


def test_the_case_detail_shows_the_whole_case(world, cases, api):
    """GIVEN county A's case with a party, a violation and a deadline
    WHEN county A's officer reads it
    THEN parties with violations, officers, deadlines and the available transitions are shown."""
    a, _late, _b = cases
    response = api.as_(world.people.county_a_officer).get(f"/api/penalty-cases/{a.pk}/")
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert body["cause"] == "东城未培训案" and body["state"] == "filing" and body["state_label"] == "立案审批"
    [party] = body["parties"]
    assert party["name"] == "东城未培训案当事单位" and party["violations"][0]["article_breached"].startswith(
        "《安全生产法》"
    )
    assert {officer["username"] for officer in body["officers"]} == {"county_a_officer", "county_a_officer2"}
    assert [d["kind"] for d in body["deadlines"]] == ["decision"] and body["deadlines"][0]["days_left"] == 30
    assert "approve_filing" in body["available_transitions"]
    assert body["documents"] == [] and body["events"] == [] and body["is_locked"] is False


def test_another_countys_case_is_not_found(world, cases, api):
    """GIVEN county B's case WHEN county A's officer reads it THEN 404, as for a case that does not exist."""
    _a, _late, b = cases
    assert api.as_(world.people.county_a_officer).get(f"/api/penalty-cases/{b.pk}/").status_code == 404


def test_the_deadline_board_shows_open_deadlines_overdue_first(world, cases, api):
    """GIVEN open deadlines of both counties, one met
    WHEN the city reads the deadline board
    THEN the open ones are listed, the most overdue first, with days left and whether overdue."""
    a, a_late, b = cases
    stored_deadline(a, Deadline.Kind.PAYMENT, today() - datetime.timedelta(days=9), met_on=today())
    rows = results(api.as_(world.people.city_legal).get("/api/penalty-deadlines/"))
    assert [(row["case"], row["days_left"], row["is_overdue"]) for row in rows] == [
        (b.pk, -5, True),
        (a_late.pk, -2, True),
        (a.pk, 30, False),
    ]
    assert rows[0]["article"] == "行政处罚法 第60条" and rows[0]["organisation_name"] == "西山县应急管理局"
    county_a = results(api.as_(world.people.county_a_officer).get("/api/penalty-deadlines/", {"open": "false"}))
    assert {row["case"] for row in county_a} == {a.pk, a_late.pk} and len(county_a) == 3
    overdue = results(api.as_(world.people.county_a_officer).get("/api/penalty-deadlines/", {"overdue": "true"}))
    assert [row["case"] for row in overdue] == [a_late.pk]


def test_evidence_is_listed_in_scope(world, cases, api, settings, tmp_path):
    """GIVEN a photo of county A's case WHEN county A's officer and county B's officer list evidence
    THEN the first sees it (with its hash), the second nothing, and reading it is 404 for them."""
    settings.MEDIA_ROOT = tmp_path
    a, _late, _b = cases
    evidence = Evidence(
        case=a,
        step=PenaltyCase.State.INVESTIGATING,
        kind=Evidence.Kind.PHOTO,
        title="现场照片",
        collected_on=today(),
        original_name="现场.jpg",
        content_type="image/jpeg",
        size=3,
        sha256="a" * 64,
        uploaded_by=world.people.county_a_officer,
    )
    evidence.file.save("x.jpg", ContentFile(b"abc"), save=True)
    [row] = results(api.as_(world.people.county_a_officer).get("/api/penalty-evidence/", {"case": a.pk}))
    assert row["title"] == "现场照片" and row["sha256"] == "a" * 64
    client = api.as_(world.people.county_b_officer)
    assert results(client.get("/api/penalty-evidence/")) == []
    assert client.get(f"/api/penalty-evidence/{evidence.pk}/").status_code == 404


def test_the_deadline_board_runs_a_constant_number_of_queries(world, cases, api, django_assert_max_num_queries):
    """GIVEN many open deadlines WHEN the city reads the board THEN the number of queries does not grow with it."""
    a, _late, _b = cases
    for n in range(20):
        stored_deadline(a, Deadline.Kind.PAYMENT, today() + datetime.timedelta(days=n))
    client = api.as_(world.people.city_legal)
    with django_assert_max_num_queries(12):
        assert len(results(client.get("/api/penalty-deadlines/"))) == 23
