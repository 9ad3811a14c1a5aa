"""The penalty-case API refuses malformed requests with a 400 in Chinese before any service runs, and refuses
people who may not act: another county (404), a user without the step's permission (403)."""

import pytest

from cases.penalties.api import STEPS
from cases.penalties.models import CaseParty, PenaltyCase
from tests.penalties.test_api_reads import stored_case


@pytest.fixture
def case(world):
    return stored_case(world.orgs.county_a, world.people.county_a_officer, "东城未培训案")


@pytest.fixture
def other_case(world):
    return stored_case(world.orgs.county_a, world.people.county_a_officer, "东城另一案")


def post(api, user, case, path, body):
    return api.as_(user).post(f"/api/penalty-cases/{case.pk}/{path}/", body, format="json")


def test_every_step_has_its_route_and_declared_permission():
    """Every service of the procedure is a route, and each route names the permission it needs."""
    from cases.penalties.api import PenaltyCaseViewSet

    paths = {step.path for step in STEPS}
    assert len(paths) == len(STEPS)
    for step in STEPS:
        assert PenaltyCaseViewSet.action_permissions[step.service] == step.permission
        assert getattr(PenaltyCaseViewSet, step.service).url_path == step.path


def test_a_party_of_another_case_is_refused(world, case, other_case, api):
    """GIVEN two cases of county A WHEN a violation is added to the first naming the second case's party
    THEN 400 on the party field: a party is looked up in the case the URL names only."""
    stranger = CaseParty.objects.get(case=other_case)
    body = {
        "party": stranger.pk,
        "facts": "未培训",
        "article_breached": "第二十八条",
        "article_punishing": "第九十七条",
    }
    response = post(api, world.people.county_a_officer, case, "violations", body)
    assert response.status_code == 400 and "party" in response.json()


@pytest.mark.parametrize(
    "body,field",
    [
        ({"data": {"a": {"nested": 1}}, "occurred_on": "2026-01-05"}, "data"),
        ({"data": {}, "occurred_on": "9999-12-31"}, "occurred_on"),
        ({"data": {}, "occurred_on": "1900-01-01"}, "occurred_on"),
        ({"data": [], "occurred_on": "2026-01-05"}, "data"),
    ],
)
def test_step_bodies_are_checked_for_shape(world, case, api, body, field):
    """GIVEN a step body with nested data, an implausible date or data that is no object
    WHEN it is posted THEN 400 naming the field, with a Chinese message, before the service runs."""
    response = post(api, world.people.county_a_officer, case, "end-investigation", body)
    assert response.status_code == 400, response.content.decode()
    messages = response.json()[field]
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in str(message)) for message in messages), messages


def test_another_county_is_not_found_for_every_step(world, case, api):
    """GIVEN county A's case WHEN county B's officer posts any step to it THEN 404 (whether it exists is not told)."""
    for step in STEPS:
        response = post(api, world.people.county_b_officer, case, step.path, {})
        assert response.status_code == 404, (step.path, response.status_code)


def test_a_step_without_its_permission_is_refused(world, case, api):
    """GIVEN county A's officer, who handles cases but does not approve or review them
    WHEN they post the filing approval and the legal review THEN 403 naming no record."""
    for path in ("approve-filing", "review", "archive"):
        response = post(api, world.people.county_a_officer, case, path, {"approved": True})
        assert response.status_code == 403, (path, response.status_code)
        assert response.json()["detail"].startswith("您没有")
    assert PenaltyCase.objects.get(pk=case.pk).state == PenaltyCase.State.FILING
