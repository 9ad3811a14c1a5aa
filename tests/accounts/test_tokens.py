"""API tokens (django-rest-knox): hashed, expiring, revoked by the owner and administrators, dead after a
password change or deactivation; the token endpoint is throttled (issue 9 item 2)."""

import datetime

from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

PASSWORD = "pass-1234-word"


def obtain(username="county_a_officer"):
    answer = APIClient().post("/api/auth/token/", {"username": username, "password": PASSWORD}, format="json")
    assert answer.status_code == 200, answer.content
    return answer.json()["token"]


def using(token):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api


def test_a_token_is_stored_only_as_a_digest(world):
    token = obtain()
    stored = AuthToken.objects.get()
    assert token != stored.digest and token not in stored.digest
    assert len(stored.digest) == 128  # SHA-512


def test_a_token_expires(world, time_machine, settings):
    token = obtain()
    assert using(token).get("/api/me/").status_code == 200
    time_machine.move_to(timezone.now() + settings.REST_KNOX["TOKEN_TTL"] + datetime.timedelta(minutes=1))
    assert using(token).get("/api/me/").status_code == 401


def test_logout_revokes_this_token_and_logoutall_every_token(world):
    first, second, third = obtain(), obtain(), obtain()
    assert using(first).post("/api/auth/logout/").status_code == 204
    assert using(first).get("/api/me/").status_code == 401
    assert using(second).get("/api/me/").status_code == 200
    assert using(second).post("/api/auth/logoutall/").status_code == 204
    assert using(third).get("/api/me/").status_code == 401
    assert not AuthToken.objects.exists()


def test_a_password_change_kills_the_tokens(world):
    token = obtain()
    officer = world.people.county_a_officer
    officer.set_password("Xin-mi#ma2026")
    officer.save()
    assert using(token).get("/api/me/").status_code == 401
    assert not AuthToken.objects.filter(user=officer).exists()


def test_deactivation_kills_the_tokens(world):
    token = obtain()
    officer = world.people.county_a_officer
    officer.is_active = False
    officer.save()
    assert not AuthToken.objects.filter(user=officer).exists()
    assert using(token).get("/api/me/").status_code == 401


def test_other_saves_keep_the_tokens(world):
    token = obtain()
    officer = world.people.county_a_officer
    officer.phone = "13800000000"
    officer.save()
    assert using(token).get("/api/me/").status_code == 200


def test_the_owner_lists_and_revokes_tokens_on_a_page(client, world):
    token = obtain()
    obtain("county_b_officer")
    client.force_login(world.people.county_a_officer)
    page = client.get("/account/tokens/").content.decode()
    mine = AuthToken.objects.get(user=world.people.county_a_officer)
    theirs = AuthToken.objects.get(user=world.people.county_b_officer)
    assert mine.token_key[:8] in page and theirs.token_key[:8] not in page
    # Another user's token cannot be revoked from here.
    client.post("/account/tokens/revoke/", {"digest": theirs.digest})
    assert AuthToken.objects.filter(pk=theirs.pk).exists()
    answer = client.post("/account/tokens/revoke/", {"digest": mine.digest}, follow=True)
    assert "已作废 1 个 API 令牌" in answer.content.decode()
    assert using(token).get("/api/me/").status_code == 401


def test_an_administrator_revokes_a_users_tokens(client, world):
    token = obtain()
    admin = world.people.city_admin
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    officer = world.people.county_a_officer
    answer = client.post(
        "/admin/orgs/user/", {"action": "revoke_api_tokens", "_selected_action": [officer.pk]}, follow=True
    )
    assert "已作废 1 个 API 令牌" in answer.content.decode()
    assert using(token).get("/api/me/").status_code == 401


def _rate(settings, scope):
    return int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope].split("/")[0])


def test_the_token_endpoint_is_throttled_per_address(world, settings):
    """Even right passwords: an address asks for at most token_anon tokens a minute (across usernames)."""
    rate = _rate(settings, "token_anon")
    api = APIClient()
    people = ["county_a_officer", "county_b_officer", "township_a_user"]
    statuses = [
        api.post("/api/auth/token/", {"username": people[n % 3], "password": PASSWORD}, format="json").status_code
        for n in range(rate + 1)
    ]
    assert statuses[:rate] == [200] * rate
    assert statuses[rate] == 429
    assert "token" not in api.post("/api/auth/token/", {"username": "x", "password": "y"}, format="json").json()


def test_the_token_endpoint_is_throttled_per_username(world, settings):
    """One account asked for from many addresses is slowed as well."""
    rate = _rate(settings, "token_user")
    statuses = [
        APIClient()
        .post(
            "/api/auth/token/",
            {"username": "county_a_officer", "password": PASSWORD},
            format="json",
            REMOTE_ADDR=f"10.5.0.{n}",
        )
        .status_code
        for n in range(rate + 1)
    ]
    assert statuses[:rate] == [200] * rate
    assert statuses[rate] == 429
