"""Password complexity on every path that sets one, and the first-login change of an administrator's password
(issue 9 item 2, 等保2.0 8.1.4.1 a))."""

import io

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from knox.models import AuthToken
from rest_framework.test import APIClient

from enforcement.orgs.models import User

PASSWORD = "pass-1234-word"
# The user admin's certificate inline, empty.
NO_CERTIFICATES = {"certificates-TOTAL_FORMS": "0", "certificates-INITIAL_FORMS": "0"}


@pytest.mark.parametrize(
    ("password", "missing"),
    [("abcdefgh12", "符号"), ("abcdefgh!!", "数字"), ("12345678!!", "字母"), ("Short1!", None)],
)
def test_simple_passwords_are_refused_in_chinese(db, password, missing):
    with pytest.raises(ValidationError) as exc:
        validate_password(password)
    text = " ".join(exc.value.messages)
    if missing:
        assert "必须同时包含字母、数字和符号" in text and missing in text
    else:
        assert "8" in text  # too short


def test_a_password_like_the_username_is_refused(db):
    user = User(username="zhangsan_officer", full_name="张三")
    with pytest.raises(ValidationError) as exc:
        validate_password("zhangsan_officer1!", user)
    assert "相似" in " ".join(exc.value.messages)


def test_a_complex_password_passes(db):
    validate_password("Ying-ji#2026", User(username="county_a_officer"))


def test_the_web_password_change_refuses_a_simple_password(client, world):
    officer = world.people.county_a_officer
    client.force_login(officer)
    answer = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": "abcdefgh1", "new_password2": "abcdefgh1"},
    )
    assert answer.status_code == 200
    assert "必须同时包含字母、数字和符号" in answer.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


def test_the_admin_add_form_refuses_a_simple_password(client, world):
    root = User.objects.create_superuser("root", password="Root-pass#2026")
    client.force_login(root)
    answer = client.post(
        "/admin/orgs/user/add/",
        {
            "username": "new_officer",
            "usable_password": "true",
            "password1": "12345678",
            "password2": "12345678",
            "full_name": "新人",
            "organisation": world.orgs.county_a.pk,
            **NO_CERTIFICATES,
        },
    )
    assert answer.status_code == 200
    assert "必须同时包含字母、数字和符号" in answer.content.decode()
    assert not User.objects.filter(username="new_officer").exists()


def test_the_admin_password_reset_refuses_a_simple_password(client, world):
    root = User.objects.create_superuser("root", password="Root-pass#2026")
    client.force_login(root)
    officer = world.people.county_a_officer
    answer = client.post(
        f"/admin/orgs/user/{officer.pk}/password/",
        {"password1": "password", "password2": "password", "usable_password": "true"},
    )
    assert answer.status_code == 200
    assert "必须同时包含字母、数字和符号" in answer.content.decode()


def test_createsuperuser_without_input_validates_the_password(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "12345678")
    with pytest.raises(CommandError) as exc:
        call_command("createsuperuser", "--noinput", "--username", "boss", "--email", "", stdout=io.StringIO())
    assert "必须同时包含字母、数字和符号" in str(exc.value)
    assert not User.objects.filter(username="boss").exists()
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Boss-pass#2026")
    call_command("createsuperuser", "--noinput", "--username", "boss", "--email", "", stdout=io.StringIO())
    assert User.objects.get(username="boss").is_superuser


# --- the first-login change -----------------------------------------------------------------------------------


def _admin_client(client):
    root = User.objects.create_superuser("root", password="Root-pass#2026")
    client.force_login(root)
    return client


def test_an_account_an_administrator_creates_must_change_its_password(client, world):
    _admin_client(client).post(
        "/admin/orgs/user/add/",
        {
            "username": "new_officer",
            "usable_password": "true",
            "password1": "Chu-shi#2026",
            "password2": "Chu-shi#2026",
            "full_name": "新人",
            "organisation": world.orgs.county_a.pk,
            **NO_CERTIFICATES,
        },
    )
    assert User.objects.get(username="new_officer").must_change_password is True


def test_a_password_an_administrator_resets_must_be_changed(client, world):
    officer = world.people.county_a_officer
    answer = _admin_client(client).post(
        f"/admin/orgs/user/{officer.pk}/password/",
        {"password1": "Chong-zhi#2026", "password2": "Chong-zhi#2026", "usable_password": "true"},
    )
    assert answer.status_code == 302
    officer.refresh_from_db()
    assert officer.must_change_password is True


def test_until_changed_pages_redirect_to_the_password_change(client, world):
    officer = world.people.county_a_officer
    User.objects.filter(pk=officer.pk).update(must_change_password=True)
    client.post("/login/", {"username": officer.username, "password": PASSWORD})
    for url in ("/", "/enterprises/", "/account/tokens/"):
        answer = client.get(url)
        assert answer.status_code == 302 and answer["Location"] == "/account/password/", url
    page = client.get("/account/password/").content.decode()
    assert "必须先修改密码" in page

    api = client.get("/api/enterprises/")
    assert api.status_code == 403
    assert api.json()["code"] == "password_change_required"
    assert "修改密码" in api.json()["detail"]

    changed = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": "Xin-mi#ma2026", "new_password2": "Xin-mi#ma2026"},
    )
    assert changed.status_code == 302
    officer.refresh_from_db()
    assert officer.must_change_password is False
    assert client.get("/").status_code == 200  # the session survived the change


def test_until_changed_the_api_refuses_tokens(world):
    officer = world.people.county_a_officer
    api = APIClient()
    token = api.post("/api/auth/token/", {"username": officer.username, "password": PASSWORD}, format="json")
    User.objects.filter(pk=officer.pk).update(must_change_password=True)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    answer = api.get("/api/me/")
    assert answer.status_code == 403
    assert answer.json()["detail"].startswith("您的密码由管理员设置")
    refused = APIClient().post("/api/auth/token/", {"username": officer.username, "password": PASSWORD}, format="json")
    assert refused.status_code == 403
    assert AuthToken.objects.filter(user=officer).count() == 1  # only the one obtained before
