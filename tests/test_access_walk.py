"""Every route of the project, walked as everyone who must not see county A's records.

The routes come from Django's resolver (tests/access/routes.py), so a new page or API operation is walked
the day it is added; its URL arguments come from county A's records (tests/access/arguments.py, built in
tests/access/world.py), and a route the walk cannot fill in fails here with what to register.

For each route: anonymous gets a login redirect or 401/403; a county A user without a role, county B's
officer and legal head and the city's shared-only social supervisor get 404 (or 403) for county A's
record by every method, and no answer of any kind shows them county A's names, credit codes, people or
typed text (except what is their own or shared with them). The admin site is walked by its own test below.
"""

import pytest
from django.test import override_settings

from tests.access.arguments import ARGUMENTS, CannotBuild, admin_url, arguments_for
from tests.access.routes import admin_routes, project_routes
from tests.access.walk import Walk
from tests.access.world import build_walk_world

ROUTES = project_routes()
ADMIN_ROUTES = admin_routes()

# Routes that answer without a login, each with the reason. Keep it small. Walked as anonymous only.
PUBLIC = {
    "login": "the login page itself",
    "logout": "ends the session if there is one; shows nothing",
    "api:token": "the API's login: trades a username and password for a token",
}
# The schema and the docs pages need a login (issue 9 item 2): walked like every other route.


@pytest.fixture(scope="module")
def walk(django_db_setup, django_db_blocker, tmp_path_factory):
    """County A's world, built once for the module inside a transaction rolled back at its end."""
    from django.db import transaction

    media = tmp_path_factory.mktemp("access-media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield Walk(build_walk_world())
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _id(route):
    return route.pattern


@pytest.mark.parametrize("route", ROUTES, ids=_id)
def test_route_shows_outsiders_nothing_of_county_a(db, walk, route):
    """GIVEN county A's records and the route's arguments built from them
    WHEN anonymous and every outsider request the route (GET and POST; every method a router maps)
    THEN anonymous is sent to log in, outsiders are refused county A's record, and no answer shows county A."""
    try:
        url = walk.url(route)
    except CannotBuild as exc:
        pytest.fail(str(exc), pytrace=False)
    record = walk.owned_record(route)
    problems = walk.prove_reachable(route, url) if arguments_for(route) else []
    problems += walk.judge_anonymous(url, public=route.name in PUBLIC)
    if route.name not in PUBLIC:  # a public route answers everyone alike: anonymous has seen it
        for persona in walk.outsiders:
            problems += walk.judge_outsider(persona, route, url, record)
    assert not problems, f"route {route}:\n  " + "\n  ".join(problems)


# Admin routes that answer without staff status, each with the reason.
ADMIN_PUBLIC = {
    "admin:login": "the admin's login page itself",
    "admin:logout": "ends the session if there is one; shows nothing",
    "admin:jsi18n": "the translations of the admin's scripts, no records",
}


@pytest.mark.parametrize("route", ADMIN_ROUTES, ids=_id)
def test_admin_route_shows_other_counties_nothing_of_county_a(db, walk, route):
    """GIVEN county A's records
    WHEN anonymous, county B's officer (no staff status) and county B's administrator request an admin route
    THEN the first two are sent to the admin's login, and the administrator is refused county A's record
    (by GET and POST, which deletes nothing) and reads no county A fact on any admin page."""
    try:
        url = admin_url(route, walk.world)
    except KeyError as exc:
        pytest.fail(str(exc), pytrace=False)
    problems = []
    if route.name not in ADMIN_PUBLIC:
        for persona in (walk.anonymous, walk.outsider("county_b_officer")):
            problems += walk.judge_admin_stranger(persona, url)
    record = walk.admin_record(route, url)
    problems += walk.judge_admin_outsider(walk.county_b_admin, route, url, record)
    assert not problems, f"admin route {route}:\n  " + "\n  ".join(problems)


def test_the_walk_covers_pages_and_every_api_operation():
    """The resolver yields the web pages and the router's routes, the admin site being walked apart."""
    from enforcement.api.urls import router

    names = {route.name for route in ROUTES}
    assert {"home", "plans:detail", "api:guidance-schedule-warnings", "api:enterprise-history"} <= names
    assert not any(route.pattern.startswith("admin/") for route in ROUTES)
    api_patterns = [route.pattern for route in ROUTES if route.is_api]
    for prefix, _viewset, _basename in router.registry:
        assert any(pattern.startswith(f"api/^{prefix}/") for pattern in api_patterns), prefix


def test_the_filter_probe_names_every_api_filter(db, walk):
    """Every filter of every API list is walked with one of county A's values (or is listed, with a reason,
    as naming no county's record), so a filter added tomorrow cannot answer an outsider unwalked."""
    from tests.access.arguments import UNPROBED_FILTERS, filter_probe
    from tests.access.walk import api_filters

    probe = filter_probe(walk.world)
    unwalked = set()
    for route in ROUTES:
        filterset = getattr(route.view_class, "filterset_class", None)
        for name in api_filters(route):
            kind = type(filterset.base_filters[name]).__name__
            if kind in ("ChoiceFilter", "BooleanFilter", "DateFilter") or name in UNPROBED_FILTERS:
                continue  # a fixed choice, a flag or a date names no record
            if name not in probe:
                unwalked.add(f"{route.name} ?{name}= ({kind})")
    assert not unwalked, "add a county-A value to filter_probe() in tests/access/arguments.py: " + ", ".join(
        sorted(unwalked)
    )


def test_every_builder_names_a_route():
    """An entry of ARGUMENTS whose route was renamed or removed would silently stop guarding anything."""
    names = {route.name for route in ROUTES}
    assert set(ARGUMENTS) - names == set()


def test_a_route_without_a_builder_fails_with_instructions():
    """GIVEN a new route taking arguments nobody registered WHEN the walk builds its URL THEN it fails, naming the
    route and the file to register a builder in."""
    from tests.access.routes import Route

    route = Route("plans/<int:pk>/stamp/", "plans:stamp", test_every_builder_names_a_route, ("pk",))
    with pytest.raises(CannotBuild) as exc:
        arguments_for(route)
    message = str(exc.value)
    assert "plans/<int:pk>/stamp/" in message and "plans:stamp" in message
    assert "tests/access/arguments.py" in message and "add 'plans:stamp' to PK_OF" in message


def test_an_api_action_asked_with_a_format_suffix_is_no_server_error(db, walk):
    """GIVEN county A's plan, which its legal head may check
    WHEN the API is asked for the plan's check with the router's ".json" suffix
    THEN the answer is no 500 (each custom action's ".json" twin raised TypeError: unexpected 'format')."""
    from plans.models import InspectionPlan

    legal = next(persona for persona in walk.insiders if persona.key == "county_a_legal")
    answer = legal.request("GET", f"/api/plans/{walk.world.pk(InspectionPlan)}/check.json")
    assert not answer.error and answer.status < 500, answer


# --- the leaks the walk found (issue 9 item 1), each pinned on its own ------------------------------------


def test_guidance_schedule_warnings_need_the_guidance_permission(db, walk):
    """GIVEN the city's technical inspector, whose scope is "shared only" and who has no guidance rights
    WHEN they ask the API for the year's guidance schedule warnings
    THEN they are refused, as by the schedule's sibling viewsets, instead of reading every county's name."""
    technical = walk.outsider("technical")
    answer = technical.request("GET", "/api/guidance-schedule/warnings/")
    assert answer.status == 403, answer
    assert "东城区应急管理局" not in answer.text


def test_the_counties_a_city_guides_are_read_through_restrict(db, walk):
    """GIVEN a city user who may not see organisations (shared only) and one who may (the legal section)
    WHEN the pages and API list the counties their city guides
    THEN only the organisations restrict() lets each of them see are listed."""
    from supervision.guidance.queries import city_units

    people = walk.world.people
    assert city_units(people.technical) == []
    assert [unit.name for unit in city_units(people.city_legal)] == ["东城区应急管理局", "西山县应急管理局"]
