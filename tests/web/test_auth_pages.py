"""Login, logout and the login-required rule of every page."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    "url",
    ["/", "/enterprises/", "/enterprises/new/", "/enterprises/1/", "/enterprises/1/edit/", "/enterprises/1/delete/"],
)
def test_pages_redirect_anonymous_users_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_anonymous_post_does_not_write(client, world):
    from enforcement.enterprises.models import Enterprise

    before = Enterprise.objects.count()
    response = client.post(f"/enterprises/{world.ent.a_general.pk}/delete/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Enterprise.objects.count() == before


def test_login_page_is_chinese(client, db):
    response = client.get("/login/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "安全生产行政执法监督系统" in body
    assert "用户登录" in body
    assert 'name="username"' in body and 'name="password"' in body


def test_login_with_wrong_password_shows_chinese_error(client, world):
    response = client.post("/login/", {"username": "county_a_officer", "password": "wrong-password"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_through_the_form_lands_on_home(client, world):
    response = client.post("/login/", {"username": "county_a_officer", "password": "pass-1234-word"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "东城区应急管理局" in response.content.decode()


def test_login_honours_next(client, world):
    response = client.post(
        "/login/?next=/enterprises/",
        {"username": "county_a_officer", "password": "pass-1234-word", "next": "/enterprises/"},
    )
    assert response["Location"] == "/enterprises/"


def test_logout_is_a_post_and_ends_the_session(client, world):
    client.force_login(world.people.county_a_officer)
    page = client.get("/").content.decode()
    assert 'action="/logout/"' in page and 'method="post"' in page
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.get("/").status_code == 302
