"""Who reaches a penalty case (issue 10 item 9): every case page, API endpoint, document PDF, the case file and
the evidence downloads, asked by each kind of outsider and supervisor.

- another county: 404 for county A's case on every route and method (whether it exists is not told);
- the city: reads every page, endpoint and file (200) but acts on nothing (403);
- a case shared with a city reviewer (a guardian grant): visible to that person only, for reading;
- a legal reviewer: the cases sent for review in their organisation, no other.

The routes come from Django's resolver (tests/access/routes.py), so a route added tomorrow is asked here too; their
arguments are built as the access walk builds them (tests/access/arguments.py) from this module's case.
"""

import pytest
from django.test import override_settings
from django.urls import reverse

from cases.penalties import casefile, services
from cases.penalties.models import Deadline, Evidence, PenaltyCase
from cases.penalties.serializers import case_documents
from enforcement.documents.models import IssuedDocument
from enforcement.documents.tasks import render_document
from tests.access.arguments import CannotBuild, build_kwargs
from tests.access.routes import project_routes
from tests.access.world import WalkWorld
from tests.conftest import build_world
from tests.factories import UserFactory
from tests.penalties.factories import build_case, penalty_people, unit_party

State = PenaltyCase.State
PENALTY_ROUTES = [
    route
    for route in project_routes()
    if route.name and route.name.startswith(("api:penalty-", "cases:penalty_", "cases:penalties"))
]
REFUSED = {403, 404}
# Page forms that answer a refused write with the case's page and the reason as a message (nothing changed).
REDIRECTED_REFUSALS = {"cases:penalty_evidence_delete": "the evidence page says why the evidence was not deleted"}


def _id(route):
    return route.name


@pytest.fixture(scope="module")
def scene(django_db_setup, django_db_blocker, tmp_path_factory):
    """County A's 一案双罚 case decided and served (documents rendered, its case file assembled, a piece of
    evidence), a second county A case still investigating, and county B's case; built once for the module inside a
    transaction rolled back at its end."""
    from django.db import transaction

    media = tmp_path_factory.mktemp("penalty-access-media")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build_scene()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _build_scene():
    from django.core.files.base import ContentFile
    from django.utils import timezone

    base = build_world()
    people = penalty_people(base)
    case = build_case(base, State.EXECUTING, parties=("unit", "person"))
    other = build_case(base, State.INVESTIGATING)
    evidence = Evidence(
        case=case,
        step=State.INVESTIGATING,
        kind=Evidence.Kind.PHOTO,
        title="现场照片",
        collected_on=timezone.localdate(),
        original_name="现场.png",
        content_type="image/png",
        size=4,
        sha256="0" * 64,
        uploaded_by=people.county_a_officer,
    )
    evidence.file.save("scene.png", ContentFile(b"\x89PNG"), save=True)
    for document in case_documents(case):
        render_document(document.pk)  # in-process: the test's transaction is never committed
    archived = build_case(base, State.ARCHIVED)  # closed and archived: its case file (案卷) assembled
    b = people.county_b_officer
    services.open_case(
        b, b.organisation, cause="西山县案件", source="complaint", parties=[unit_party(base.ent.b_general)]
    )
    people.city_leader = UserFactory(username="city_leader", organisation=base.orgs.city, roles=["leader"])
    people.city_reviewer = UserFactory(username="city_case_reviewer", organisation=base.orgs.city, roles=["technical"])
    world = WalkWorld(base=base, people=people)
    world.add(case, case.deadlines.order_by("id").first(), evidence, IssuedDocument.objects.get(pk=_decision(case)))
    world.add(_upload(people.county_a_officer, case))
    world.other = other
    world.case_file_case = archived  # the case-file route's case (tests/access/arguments.py)
    return world


def _decision(case):
    return case.parties.exclude(decision=None).values_list("decision", flat=True).first()


def _upload(officer, case):
    """An evidence upload in progress (the uploads' routes name one): private to its officer."""
    from django.utils import timezone

    from cases.penalties import evidence as store

    return store.start_upload(
        officer,
        case.pk,
        kind="video",
        filename="执法记录仪.mp4",
        size=4096,
        title="现场录像",
        collected_on=timezone.localdate(),
    )


def _url(route, scene):
    try:
        return reverse(route.name, kwargs=build_kwargs(route, scene))
    except CannotBuild as exc:
        pytest.fail(str(exc), pytrace=False)


def _methods(route):
    mapped = [method.upper() for method in route.viewset_actions]
    return mapped or ["GET", "POST"]


def _ask(client, user, method, url):
    client.force_login(user)
    return client.generic(method, url)


@pytest.mark.parametrize("route", PENALTY_ROUTES, ids=_id)
def test_another_county_gets_404_for_county_as_case(db, scene, client, route):
    """GIVEN county A's case WHEN county B's officer asks any penalty route naming it, by every method it maps
    THEN 404 — and a list of county B's shows none of county A's rows."""
    url = _url(route, scene)
    outsider = scene.people.county_b_officer
    statuses = []
    for method in _methods(route):
        response = _ask(client, outsider, method, url)
        statuses.append(response.status_code)
        if route.arguments:
            # 405: the method is not served by the route at all (for any record), which tells nothing.
            assert response.status_code in (404, 405), (method, url, response.status_code)
        else:
            assert response.status_code < 500, (method, url, response.status_code)
            assert "东城机械厂" not in response.content.decode(errors="replace"), (method, url)
    assert not route.arguments or 404 in statuses, (url, statuses)


@pytest.mark.parametrize("route", PENALTY_ROUTES, ids=_id)
def test_the_city_reads_but_cannot_act(db, scene, client, route):
    """GIVEN county A's case WHEN the city's legal section and the city's leader ask any penalty route
    THEN reading answers 200 and every write is refused (403), the case unchanged."""
    url = _url(route, scene)
    case = scene.sample[PenaltyCase]
    before = PenaltyCase.objects.get(pk=case.pk).state
    uploads_route = route.name.startswith("api:penalty-evidence-upload")
    for user in (scene.people.city_legal, scene.people.city_leader):
        for method in _methods(route):
            response = _ask(client, user, method, url)
            if uploads_route and route.arguments:
                # An upload in progress is its officer's alone: nobody else may use it.
                assert response.status_code in REFUSED, (user.username, method, url, response.status_code)
            elif route.name in REDIRECTED_REFUSALS and response.status_code == 302:
                assert Evidence.objects.filter(pk=scene.sample[Evidence].pk).exists(), REDIRECTED_REFUSALS[route.name]
            elif method in ("GET", "HEAD"):
                expected = {200} if _reads(route) else REFUSED | {200, 302, 405}
                assert response.status_code in expected, (user.username, method, url, response.status_code)
            else:
                assert response.status_code in {403, 405}, (user.username, method, url, response.status_code)
    assert PenaltyCase.objects.get(pk=case.pk).state == before


def _reads(route):
    """Routes that show something on GET (not an action form, a deletion or a write-only endpoint)."""
    if route.viewset_actions:
        return "get" in route.viewset_actions
    return route.name in {
        "cases:penalty_list",
        "cases:penalty_detail",
        "cases:penalty_deadlines",
        "cases:penalty_evidence",
        "cases:penalty_case_file",
        "cases:penalty_evidence_file",
    }


def test_every_document_of_the_case_is_404_elsewhere_and_read_by_the_city(db, scene, client):
    """GIVEN county A's case with its documents (filing … decisions, the delivery receipt, the case file)
    WHEN county B's officer, the city's legal section and county A's officer download each PDF
    THEN county B gets 404 for every one, the city and county A the PDF."""
    case = scene.sample[PenaltyCase]
    in_force = case_documents(case).filter(status=IssuedDocument.Status.ISSUED)
    documents = [*in_force, casefile.current_case_file(scene.case_file_case)]
    keys = {document.doc_type.key for document in documents}
    assert {"case_filing", "penalty_notice", "penalty_decision", "delivery_receipt"} <= keys, keys
    for document in documents:
        url = reverse("documents:pdf", args=[document.pk])
        assert _ask(client, scene.people.county_b_officer, "GET", url).status_code == 404, document.title
        for reader in (scene.people.city_legal, scene.people.county_a_officer):
            response = _ask(client, reader, "GET", url)
            assert response.status_code == 200 and response["Content-Type"] == "application/pdf", document.title


def test_a_case_shared_with_a_city_reviewer_is_theirs_alone_to_read(db, scene, api):
    """GIVEN a city reviewer who sees only what is shared with them, and county A's case shared with them
    WHEN they and another city user without the grant ask for it
    THEN the reviewer reads it (and lists it alone), may not act on it, and the other user is refused."""
    case, other = scene.sample[PenaltyCase], scene.other
    reviewer = scene.people.city_reviewer
    services.share_case(scene.people.county_a_officer, case.pk, with_user=reviewer)
    client = api.as_(reviewer)
    assert client.get(f"/api/penalty-cases/{case.pk}/").status_code == 200
    assert [row["id"] for row in client.get("/api/penalty-cases/").json()["results"]] == [case.pk]
    assert client.get(f"/api/penalty-cases/{other.pk}/").status_code == 404
    assert client.get(reverse("cases:penalty_detail", args=[case.pk])).status_code == 200
    refused = client.post(f"/api/penalty-cases/{case.pk}/submit-closing/", {}, format="json")
    assert refused.status_code == 403, refused.content.decode()
    stranger = api.as_(scene.people.technical)
    assert stranger.get(f"/api/penalty-cases/{case.pk}/").status_code in REFUSED
    assert stranger.get(reverse("cases:penalty_detail", args=[case.pk])).status_code in REFUSED


def test_a_legal_reviewer_sees_the_cases_sent_for_review_in_their_organisation(db, scene, api):
    """GIVEN county A's legal reviewer, a case of county A in legal review and others that are not
    WHEN the reviewer lists and reads cases and deadlines
    THEN only the case in review is there; the others are 404."""
    reviewing = build_case(scene.base, State.REVIEWING)
    client = api.as_(scene.people.county_a_reviewer)
    listed = {row["id"] for row in client.get("/api/penalty-cases/").json()["results"]}
    assert reviewing.pk in listed and scene.other.pk not in listed
    assert client.get(f"/api/penalty-cases/{reviewing.pk}/").status_code == 200
    assert client.get(f"/api/penalty-cases/{scene.other.pk}/").status_code == 404
    deadline_cases = {row["case"] for row in client.get("/api/penalty-deadlines/").json()["results"]}
    assert (
        deadline_cases <= {reviewing.pk} | {pk for pk in listed if Deadline.objects.filter(case_id=pk).exists()}
        and scene.other.pk not in deadline_cases
    )
