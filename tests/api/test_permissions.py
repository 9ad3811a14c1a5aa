"""Every API view declares its permission, and that permission checks the model permission of each action.

The views come from Django's resolver (tests/access/routes.py), so a new viewset or action is checked the day
it is added. A view relying on DRF's default (only "signed in") let the guidance-schedule warnings answer
shared-only users with every county's name (issue 9 item 1): here it fails, naming the view.
"""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission
from rest_framework.permissions import IsAuthenticated

from enforcement.api import permissions as api_permissions
from enforcement.api.permissions import ModelActionPermission, ReferenceData, UndeclaredAction, required_permissions
from enforcement.api.views import DocsPageMixin
from enforcement.enterprises.import_api import CanImport
from tests.access.routes import project_routes
from tests.test_access_walk import PUBLIC

API_ROUTES = [route for route in project_routes() if route.is_api]
# Views every signed-in user reaches by design, each with the reason. Keep it small.
SIGNED_IN = {
    "api:me": "the caller's own account",
    "api:api-root": "the links to the API's lists: route names, no records",
    "api:schema": "the API's description: operations and fields, no records",
    "api:logout": "the caller's own token",
    "api:logoutall": "the caller's own tokens",
}
# HTML pages of the API docs: an anonymous browser is sent to the login page (DocsPageMixin), signed-in users
# read the same description as api:schema.
LOGIN_PAGES = {"api:docs", "api:redoc"}
# Views whose rule is not one model permission, with the project permission class that states the rule.
RULES = {
    "api:enterprise-import": (CanImport, "register administrators: add, change and delete enterprises"),
}
PROJECT_PACKAGES = ("enforcement.", "plans.", "cases.", "supervision.")
# Actions read without the model's "view": a reference table's rows are everyone's.
READ_ACTIONS = {"list", "retrieve"}


def _id(route):
    return route.pattern


def _declaring_class(view_class):
    """The class that sets ``permission_classes`` for ``view_class`` (DRF's APIView when nobody does)."""
    return next(klass for klass in view_class.__mro__ if "permission_classes" in vars(klass))


def _view(route, action):
    view = route.view_class(**getattr(route.callback, "initkwargs", {}))
    view.action, view.kwargs, view.detail = action, {}, False
    return view


def _checked_routes():
    return [route for route in API_ROUTES if route.name not in PUBLIC]


@pytest.mark.parametrize("route", _checked_routes(), ids=_id)
def test_every_api_view_declares_its_permission(route):
    """GIVEN an API route that is not public by design (tests/test_access_walk.py PUBLIC)
    THEN its view declares ``permission_classes`` in the project (not DRF's default), and they check the model
    permission of the action — or the route is one every signed-in user reads by design (SIGNED_IN), or a
    read-only reference table not owned by any organisation."""
    declaring = _declaring_class(route.view_class)
    assert declaring.__module__.startswith(PROJECT_PACKAGES), (
        f"{route}: permission_classes come from {declaring.__module__}.{declaring.__qualname__} (DRF's default "
        "'signed in'): declare them, normally by deriving from the base viewsets of enforcement.api.viewsets "
        "(IsAuthenticated + ModelActionPermission)"
    )
    declared = list(route.view_class.permission_classes)
    if route.name in LOGIN_PAGES:
        assert issubclass(route.view_class, DocsPageMixin), f"{route}: a docs page sends strangers to the login page"
        return
    rule = next((rule for prefix, rule in RULES.items() if route.name.startswith(prefix)), None)
    if rule is not None:
        assert rule[0] in declared and IsAuthenticated in declared, f"{route}: {rule[1]}; declare {rule[0]}"
        return
    if route.name in SIGNED_IN:
        assert declared == [IsAuthenticated], f"{route}: {SIGNED_IN[route.name]}; declare [IsAuthenticated]"
        return
    if ReferenceData in declared:
        model = route.view_class.queryset.model
        assert not hasattr(model._default_manager.all(), "restrict"), (
            f"{route}: {model._meta.label} is owned by organisations; ReferenceData would show it to all"
        )
        assert set(route.viewset_actions.values()) <= READ_ACTIONS, f"{route}: ReferenceData is for reading only"
        return
    assert ModelActionPermission in declared, (
        f"{route}: declare ModelActionPermission (enforcement/api/permissions.py), or list the route in SIGNED_IN "
        "here with the reason every signed-in user may use it"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route",
    [route for route in _checked_routes() if ModelActionPermission in route.view_class.permission_classes],
    ids=_id,
)
def test_every_action_needs_an_existing_model_permission(route, monkeypatch):
    """GIVEN each action the route maps
    THEN it needs permissions that exist; a user holding every other permission is refused it, and a user
    holding only one of those it needs is let through (to restrict() and the service)."""
    monkeypatch.setattr(api_permissions, "_shared_with", lambda user, model, perm: False)
    existing = {
        f"{app}.{codename}" for app, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }
    for method, action in route.viewset_actions.items():
        view = _view(route, action)
        try:
            needed = required_permissions(view, action)
        except UndeclaredAction as exc:
            pytest.fail(f"{route}: {exc}", pytrace=False)
        assert set(needed) <= existing, f"{route} {action}: no such permission {set(needed) - existing}"
        others = SimpleNamespace(
            is_authenticated=True, is_active=True, has_perm=lambda perm, needed=needed: perm not in needed
        )
        request = SimpleNamespace(user=others, method=method.upper())
        assert not ModelActionPermission().has_permission(request, view), f"{route} {action} without {needed}"
        for perm in needed:
            only = SimpleNamespace(is_authenticated=True, is_active=True, has_perm=lambda p, perm=perm: p == perm)
            request = SimpleNamespace(user=only, method=method.upper())
            assert ModelActionPermission().has_permission(request, view), f"{route} {action} with {perm}"


def test_declared_action_permissions_name_real_actions():
    """An ``action_permissions`` or ``action_refusals`` entry whose action was renamed would guard nothing."""
    actions = {}
    for route in API_ROUTES:
        actions.setdefault(route.view_class, set()).update(route.viewset_actions.values())
    for view_class, mapped in actions.items():
        for attribute in ("action_permissions", "action_refusals"):
            stale = set(getattr(view_class, attribute, {})) - mapped
            assert not stale, f"{view_class.__qualname__}.{attribute} names no action of its routes: {stale}"


def test_the_check_is_the_action_of_the_request(world):
    """GIVEN county A's officer, who may add and change enterprises but not delete them
    WHEN the permission of each enterprise action is asked
    THEN list, create and update pass, and destroy is refused for want of the delete permission."""
    from enforcement.api.views import EnterpriseViewSet

    officer = world.people.county_a_officer
    for action, allowed in (("list", True), ("create", True), ("partial_update", True), ("destroy", False)):
        view = EnterpriseViewSet(action=action, detail=False)
        view.kwargs = {}
        request = SimpleNamespace(user=officer, method="GET")
        assert ModelActionPermission().has_permission(request, view) is allowed, action


@pytest.mark.parametrize(
    "route",
    [
        route
        for route in _checked_routes()
        if not route.arguments
        and route.name not in SIGNED_IN
        and route.name not in LOGIN_PAGES
        and ReferenceData not in route.view_class.permission_classes
    ],
    ids=_id,
)
def test_a_user_without_any_permission_is_refused_every_list(route, world, client):
    """GIVEN a county A user with no role (signed in, no model permission)
    WHEN they ask any list or collection action of the API, by GET and by POST
    THEN each is refused (403) or not offered (405): never an answer built from unscoped helpers."""
    client.force_login(world.people.nobody)
    for method in ("GET", "POST"):
        response = client.generic(method, "/" + route.pattern.replace("^", "").replace("$", ""))
        assert response.status_code in (403, 405), f"{method} {route}: {response.status_code}"


def test_options_describes_a_route_without_an_error(world, client):
    """GIVEN a signed-in user WHEN they ask OPTIONS of an API list THEN it is described (DRF's "metadata"
    action needs no declaration), and its write fields only to those who may write."""
    client.force_login(world.people.county_a_officer)
    described = client.options("/api/enterprises/")
    assert described.status_code == 200 and "POST" in described.json()["actions"]
    client.force_login(world.people.technical)
    described = client.options("/api/enterprises/")
    assert described.status_code == 200 and "actions" not in described.json()
