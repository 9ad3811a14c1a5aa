"""Token and session authentication, /api/me/, and the OpenAPI schema and docs (local assets only)."""

import re

import pytest
import yaml
from drf_spectacular.validation import validate_schema
from knox.models import AuthToken
from rest_framework.test import APIClient


@pytest.mark.parametrize("url", ["/api/enterprises/", "/api/organisations/", "/api/users/", "/api/me/"])
def test_unauthenticated_requests_are_refused(world, url):
    response = APIClient().get(url)
    assert response.status_code in (401, 403)
    assert "results" not in response.json()


def test_obtain_token_and_use_it(world):
    client = APIClient()
    response = client.post(
        "/api/auth/token/", {"username": "county_a_officer", "password": "pass-1234-word"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    stored = AuthToken.objects.get(user=world.people.county_a_officer)
    assert token.startswith(stored.token_key)
    assert token not in stored.digest  # only a digest of the token is kept
    assert response.json()["expiry"]

    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "county_a_officer"
    assert client.get("/api/enterprises/").json()["count"] == 4


def test_wrong_password_gets_no_token(world):
    response = APIClient().post(
        "/api/auth/token/", {"username": "county_a_officer", "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert "token" not in response.json()
    assert not AuthToken.objects.exists()


def test_bad_token_is_refused(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = client.get("/api/me/")
    assert response.status_code in (401, 403)
    assert "username" not in response.json()


def test_me_describes_the_user(world, api):
    body = api.as_(world.people.township_a_user).get("/api/me/").json()
    assert body["username"] == "township_a_user"
    assert body["organisation"] == {
        "id": world.orgs.township_a.pk,
        "name": "城关镇人民政府",
        "short_name": "城关",
        "level": "township",
        "level_label": "乡镇（街道）",
    }
    assert [role["code"] for role in body["roles"]] == ["officer"]
    assert body["roles"][0]["name"] == "执法人员"
    assert (body["data_scope"], body["data_scope_label"]) == ("subtree", "本单位及下级单位数据")
    assert "enterprises.change_enterprise" in body["permissions"]
    assert "enterprises.delete_enterprise" not in body["permissions"]
    assert body["can_enforce"] is True
    assert "password" not in body


def test_me_for_a_social_supervisor(world, api):
    body = api.as_(world.people.social_supervisor).get("/api/me/").json()
    assert (body["data_scope"], body["data_scope_label"]) == ("shared", "仅限共享给本人的数据")
    assert body["permissions"] == ["enterprises.view_enterprise"]
    assert body["can_enforce"] is False


def test_schema_is_valid_openapi(world, api):
    response = api.as_(world.people.city_legal).get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)  # raises on an invalid OpenAPI 3 document
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/enterprises/",
        "/api/enterprises/{id}/",
        "/api/enterprises/{id}/history/",
        "/api/organisations/",
        "/api/users/",
        "/api/sectors/",
        "/api/me/",
        "/api/auth/token/",
        "/api/auth/logout/",
        "/api/auth/logoutall/",
    ):
        assert path in schema["paths"], path
    params = {p["name"] for p in schema["paths"]["/api/enterprises/"]["get"]["parameters"]}
    assert {"q", "organisation", "sector", "supervision_class", "ordering", "page", "page_size"} <= params
    user_fields = schema["components"]["schemas"]["User"]["properties"]
    assert "password" not in user_fields
    # The knox token is documented as what it is; the docs pages are no operations.
    token_scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert token_scheme["in"] == "header" and token_scheme["name"] == "Authorization"
    assert {"tokenAuth": []} in schema["paths"]["/api/enterprises/"]["get"]["security"]
    assert schema["paths"]["/api/auth/token/"]["post"].get("security") in (None, [], [{}])
    assert "/api/docs/" not in schema["paths"] and "/api/redoc/" not in schema["paths"]


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_docs_use_local_assets_only(world, api, url):
    response = api.as_(world.people.city_legal).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("/static/drf_spectacular_sidecar/" in asset for asset in assets), assets
    assert not re.search(r"https?://", html), "the docs page must not load anything from another host"
    # No inline script (Content-Security-Policy script-src 'self'): the schema URL is in the page's own
    # script (Swagger UI's set-up, served by the same view) or on Redoc's element.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert "script-src 'self';" in response["Content-Security-Policy"]
    scripts = [asset for asset in assets if "script" in asset and asset.startswith(url)]
    setup = html + "".join(api.get(src).content.decode() for src in scripts)
    assert "/api/schema/" in setup


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/", "/api/redoc/", "/api/docs/?script="])
def test_schema_and_docs_need_a_login(db, url):
    """Issue 9 item 2: the API's description is for signed-in users; a browser is sent to the login page."""
    answer = APIClient().get(url)
    if url == "/api/schema/":
        assert answer.status_code == 401
    else:
        assert answer.status_code == 302 and answer["Location"].startswith("/login/?next=")
    assert b"/api/enterprises/" not in answer.content


def test_api_root_lists_the_endpoints(world, api):
    body = api.as_(world.people.county_a_officer).get("/api/").json()
    # The core's endpoints; domain apps (settings.API_MODULES) add their own next to them.
    assert {"organisations", "users", "sectors", "enterprises"} <= set(body)
    assert body["enterprises"].endswith("/api/enterprises/")


def test_browsable_api_is_scoped_and_local(world, api):
    response = api.as_(world.people.county_a_officer).get("/api/enterprises/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    html = response.content.decode()
    assert "东城机械厂" in html
    assert "西山矿业有限公司" not in html
    # The create form offers only reachable organisations.
    assert "城关镇人民政府" in html
    assert "西山县应急管理局" not in html
    assert not re.search(r'(?:src|href)="https?://', html)
