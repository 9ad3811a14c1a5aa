"""Bad requests answer 4xx in Chinese, never 5xx (issue 9 item 4), and API errors are JSON.

Each case here was a 500 found by schemathesis (tests/fuzz/) or by hand.
"""

import json

import pytest
from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from plans.annual import services as plan_services
from tests.planning import planning  # noqa: F401

BEYOND_BIGINT = 2**63  # one past the largest id a 64-bit column holds (SQLite's driver raised OverflowError)


def _post_json(client, url, text):
    return client.post(url, data=text, content_type="application/json")


def _nested(depth):
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("url", ["/api/guidance-visits/", "/api/guidance-letters/"])
@pytest.mark.parametrize("year", ["0", "10000", "99999999"])
def test_year_outside_the_calendar_is_a_chinese_400(world, api, url, year):
    """GIVEN the guidance visit and letter lists WHEN filtered by a year no date can have
    THEN 400 naming the year filter's bound in Chinese (the year lookup's date bounds raised ValueError)."""
    response = api.as_(world.people.city_legal).get(url, {"year": year})
    assert response.status_code == 400, response.content.decode()
    assert "year" in response.json()
    assert "确保该值" in response.json()["year"][0]


@pytest.mark.parametrize(
    "url, name",
    [
        ("/api/enterprises/", "organisation"),
        ("/api/guidance-visits/", "county"),
        ("/api/guidance-letters/", "county"),
        ("/api/users/", "organisation"),
        ("/api/organisations/", "parent"),
        ("/api/hazards/", "inspection"),
        ("/api/check-items/", "sector"),
    ],
)
@pytest.mark.parametrize("value", [str(BEYOND_BIGINT), str(-(2**63) - 1), "1e400"])
def test_foreign_key_filter_beyond_64_bits_is_a_400(world, api, url, name, value):
    response = api.as_(world.people.city_legal).get(url, {name: value})
    assert response.status_code == 400, response.content.decode()
    assert name in response.json()


def test_delete_of_a_referenced_enterprise_is_a_409_naming_what_references_it(world, api, planning):  # noqa: F811
    """GIVEN an enterprise in a plan WHEN the city legal section deletes it through the API
    THEN 409 in Chinese naming the plan items that keep it, and it is still there."""
    plan_services.add_item(planning.legal, planning.plan.pk, planning.key, 3, officers=planning.officers)
    response = api.as_(world.people.city_legal).delete(f"/api/enterprises/{planning.key.pk}/")
    assert response.status_code == 409, response.content.decode()
    assert response.json()["detail"] == "该记录仍被以下业务记录引用，不能删除：计划检查事项 1 条。"
    assert type(planning.key).objects.filter(pk=planning.key.pk).exists()


@pytest.mark.parametrize("raw", ["1e400", "-1e400", str(BEYOND_BIGINT), "1.5", "true", '"1e400"', '"abc"', "[1]"])
def test_related_id_that_is_no_id_is_a_400(world, api, raw):
    """GIVEN a related-id field WHEN it carries infinity, a fraction, a 65-bit number or another type
    THEN 400 on that field (int(inf) and SQLite's driver raised OverflowError)."""
    body = (
        '{"credit_code": "91419901MA0000001", "name": "东城新材料有限公司", "address": "工业路8号", '
        f'"organisation": {world.orgs.county_a.pk}, "sector": {raw}}}'
    )
    response = _post_json(api.as_(world.people.city_legal), "/api/enterprises/", body)
    assert response.status_code == 400, response.content.decode()


def test_infinite_number_in_any_field_is_refused_by_the_parser(world, api):
    response = _post_json(api.as_(world.people.city_legal), "/api/guidance-schedule/", '{"year": 1e400}')
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


@pytest.mark.parametrize("depth", [65, 950, 5000])
def test_deeply_nested_json_is_a_400_even_before_login(db, client, depth):
    """GIVEN nobody signed in WHEN the token endpoint gets JSON nested ``depth`` levels
    THEN 400 saying it nests too deep (950 levels exhausted Python's recursion after parsing: 500)."""
    response = _post_json(client, "/api/auth/token/", _nested(depth))
    assert response.status_code == 400, response.content.decode()[:300]
    assert "嵌套层数过多" in response.json()["detail"]


def test_deeply_nested_json_is_a_400_for_a_signed_in_user(world, api):
    body = json.dumps({"year": 2026, "county": world.orgs.county_a.pk, "planned_month": 5})[:-1]
    body += ', "note": ' + _nested(950) + "}"
    response = _post_json(api.as_(world.people.city_legal), "/api/guidance-schedule/", body)
    assert response.status_code == 400
    assert "嵌套层数过多" in response.json()["detail"]


def test_nesting_within_the_limit_is_parsed(world, api):
    from enforcement.api.parsers import MAX_JSON_DEPTH, json_depth_exceeds

    assert not json_depth_exceeds(json.loads(_nested(MAX_JSON_DEPTH)), MAX_JSON_DEPTH)
    assert json_depth_exceeds(json.loads(_nested(MAX_JSON_DEPTH + 1)), MAX_JSON_DEPTH)


# --- an unexpected error is JSON with an id, logged ------------------------------------------------


@api_view(["GET"])
@permission_classes([AllowAny])
def _failing_view(request):
    raise RuntimeError("boom")


def _failing_plain_view(request):
    raise RuntimeError("boom outside DRF")


urlpatterns = [
    path("api/boom/", _failing_view),
    path("api/plain-boom/", _failing_plain_view),
    path("plain-boom/", _failing_plain_view),
]
handler500 = "enforcement.api.errors.server_error"


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/api/boom/", "/api/plain-boom/"])
def test_unexpected_api_error_is_json_with_an_error_id_and_logged(db, client, caplog, url):
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert "服务器内部错误" in body["detail"]
    assert len(body["error_id"]) == 12
    assert any(body["error_id"] in record.getMessage() for record in caplog.records)
    assert "boom" not in response.content.decode()  # no internals for the caller


@pytest.mark.urls(__name__)
def test_unexpected_page_error_is_still_the_html_page(db, client):
    client.raise_request_exception = False
    response = client.get("/plain-boom/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


# --- so that the next filter, field or view cannot forget ------------------------------------------


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_filterset_is_bounded():
    import django_filters
    from django.urls import get_resolver

    from enforcement.api.filters import BoundedFilterSet

    get_resolver().url_patterns  # noqa: B018 (imports every app's views, and so their filters)
    project = ("enforcement.", "plans.", "cases.", "supervision.")
    filtersets = [c for c in _all_subclasses(django_filters.FilterSet) if c.__module__.startswith(project)]
    assert len(filtersets) > 10
    assert [c.__qualname__ for c in filtersets if not issubclass(c, BoundedFilterSet)] == []


def test_every_related_id_field_and_json_parser_of_the_api_is_bounded():
    from django.urls import URLPattern, URLResolver, get_resolver
    from rest_framework import parsers, relations

    from enforcement.api.fields import IdField
    from enforcement.api.parsers import BoundedJSONParser

    def views(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from views(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "cls"):
                yield pattern.callback

    problems, serializers_seen = [], set()
    for callback in views(get_resolver().url_patterns):
        view = callback.cls
        actions = getattr(callback, "actions", None) or {}
        for action in set(actions.values()) or {None}:
            handler = getattr(view, action, None) if action else None
            kwargs = getattr(handler, "kwargs", {}) if handler else {}
            for parser in kwargs.get("parser_classes", view.parser_classes):
                if issubclass(parser, parsers.JSONParser) and not issubclass(parser, BoundedJSONParser):
                    problems.append(f"{view.__name__}.{action}: {parser.__name__}")
            serializer_class = kwargs.get("serializer_class") or getattr(view, "serializer_class", None)
            if serializer_class is not None:
                serializers_seen.add(serializer_class)
    for serializer_class in serializers_seen:
        for name, field in serializer_class().fields.items():
            field = getattr(field, "child_relation", field)
            if isinstance(field, relations.RelatedField) and not field.read_only and not isinstance(field, IdField):
                problems.append(f"{serializer_class.__name__}.{name}: {type(field).__name__}")
    assert len(serializers_seen) > 10
    assert problems == []


def test_schema_admits_the_nulls_and_shapes_the_api_returns():
    from tests.fuzz.runner import api_schema

    schemas = api_schema()["components"]["schemas"]
    for component, name in [
        ("Organisation", "delegated_by_name"),
        ("Organisation", "parent_name"),
        ("CheckItem", "sector_name"),
        ("MonthlyProgress", "confirmed_by_name"),
        ("InspectionPlan", "item_count"),
    ]:
        assert schemas[component]["properties"][name].get("nullable") is True, (component, name)
    assert {"maxLength": 0} in schemas["User"]["properties"]["email"]["anyOf"]
    ledger = api_schema()["paths"]["/api/guidance-ledger/"]["get"]["responses"]["200"]
    assert ledger["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Ledger"}


def test_an_api_path_no_route_matches_is_a_json_404(db, client, settings):
    settings.DEBUG = False
    response = client.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "未找到。"}
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
