"""Login lockout (issue 9 item 2, 等保2.0 8.1.4.1 b)): the 5th failure locks the username and the address on
the web login, the admin login and the API token endpoint; an administrator lifts a user's lock."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.signals import user_login_failed
from rest_framework.test import APIClient

from tests.factories import UserFactory

PASSWORD = "pass-1234-word"


def fail(client, url, username, times, **extra):
    return [client.post(url, {"username": username, "password": "wrong-pass-1!"}, **extra) for _ in range(times)]


def test_the_sixth_web_login_is_locked_even_with_the_right_password(client, world):
    """GIVEN five wrong passwords for one account WHEN the right one comes sixth THEN it is refused (429) with the
    Chinese lockout page and no session."""
    answers = fail(client, "/login/", "county_a_officer", 5)
    assert [a.status_code for a in answers[:4]] == [200] * 4
    assert answers[4].status_code == 429  # the 5th failure reaches the limit
    sixth = client.post("/login/", {"username": "county_a_officer", "password": PASSWORD})
    assert sixth.status_code == 429
    body = sixth.content.decode()
    assert "登录失败次数过多" in body and "已被锁定" in body
    assert "_auth_user_id" not in client.session


def test_the_lock_covers_the_address_for_other_accounts_too(client, world):
    """GIVEN one address that failed five times for one account WHEN it tries another account THEN locked too;
    from another address the other account still logs in."""
    fail(client, "/login/", "county_a_officer", 5, REMOTE_ADDR="10.0.0.7")
    other = client.post("/login/", {"username": "county_b_officer", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7")
    assert other.status_code == 429
    elsewhere = client.post("/login/", {"username": "county_b_officer", "password": PASSWORD}, REMOTE_ADDR="10.0.0.8")
    assert elsewhere.status_code == 302


def test_behind_the_proxy_the_client_address_is_locked_not_the_proxys(client, world, settings):
    """GIVEN nginx (a trusted proxy) in front WHEN one client fails five times THEN that client's address is
    locked, and another client coming through the same proxy still logs in (locking the proxy's address would
    lock out everybody); an X-Forwarded-For sent by a client that is not the proxy changes nothing."""
    settings.TRUSTED_PROXIES = ["172.28.0.10"]
    proxy = {"REMOTE_ADDR": "172.28.0.10"}
    fail(client, "/login/", "county_a_officer", 5, HTTP_X_FORWARDED_FOR="10.9.0.1", **proxy)
    other = {"username": "county_b_officer", "password": PASSWORD}
    assert client.post("/login/", other, HTTP_X_FORWARDED_FOR="10.9.0.1", **proxy).status_code == 429
    assert client.post("/login/", other, HTTP_X_FORWARDED_FOR="10.9.0.2", **proxy).status_code == 302
    assert AccessAttempt.objects.filter(ip_address="10.9.0.1").exists()
    assert not AccessAttempt.objects.filter(ip_address="172.28.0.10").exists()
    # Not through the proxy: the forged header is ignored and the peer's own address is what counts.
    client.logout()
    forged = client.post("/login/", other, HTTP_X_FORWARDED_FOR="10.9.0.1", REMOTE_ADDR="10.9.0.3")
    assert forged.status_code == 302


def test_the_lock_covers_the_account_from_every_address(client, world):
    for n in range(5):
        fail(client, "/login/", "county_a_officer", 1, REMOTE_ADDR=f"10.0.1.{n}")
    answer = client.post("/login/", {"username": "county_a_officer", "password": PASSWORD}, REMOTE_ADDR="10.0.2.1")
    assert answer.status_code == 429


def test_the_admin_login_locks_too(client, world):
    answers = fail(client, "/admin/login/", "city_admin", 5)
    assert answers[-1].status_code == 429
    assert "登录失败次数过多" in answers[-1].content.decode()


def test_the_token_endpoint_locks_with_a_json_answer(world):
    api = APIClient()
    url = "/api/auth/token/"
    for _n in range(4):
        assert api.post(url, {"username": "county_a_officer", "password": "wrong-1!"}, format="json").status_code == 400
    fifth = api.post(url, {"username": "county_a_officer", "password": "wrong-1!"}, format="json")
    assert fifth.status_code == 429
    sixth = api.post(url, {"username": "county_a_officer", "password": PASSWORD}, format="json")
    assert sixth.status_code == 429
    assert sixth["Content-Type"].startswith("application/json")
    assert "已被锁定" in sixth.json()["detail"] and sixth.json()["code"] == "locked_out"
    assert "token" not in sixth.json()


def test_failed_logins_still_fire_the_signals_the_audit_listens_to(client, world):
    """The audit (another part of issue 9) listens to Django's user_login_failed and axes' user_locked_out."""
    from axes.signals import user_locked_out

    failed, locked = [], []

    def on_failed(**kwargs):
        failed.append(kwargs)

    def on_locked(**kwargs):
        locked.append(kwargs)

    user_login_failed.connect(on_failed)
    user_locked_out.connect(on_locked)
    try:
        fail(client, "/login/", "county_a_officer", 5)
    finally:
        user_login_failed.disconnect(on_failed)
        user_locked_out.disconnect(on_locked)
    assert len(failed) == 5
    assert len(locked) >= 1 and locked[0]["username"] == "county_a_officer"


def test_the_lock_ends_after_the_cool_off(client, world, time_machine, settings):
    import datetime

    from django.utils import timezone

    fail(client, "/login/", "county_a_officer", 5)
    time_machine.move_to(timezone.now() + settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1))
    answer = client.post("/login/", {"username": "county_a_officer", "password": PASSWORD})
    assert answer.status_code == 302


def test_an_administrator_sees_the_lock_and_lifts_it(client, world):
    """GIVEN a locked county A officer WHEN the city administrator lists users THEN the lock shows; WHEN they run
    the unlock action THEN the officer logs in again (from another address: the address lock is the
    superuser's to lift in django-axes' own admin)."""
    officer = world.people.county_a_officer
    fail(client, "/login/", officer.username, 5, REMOTE_ADDR="10.9.9.9")
    assert AccessAttempt.objects.filter(username=officer.username).exists()

    admin = world.people.city_admin
    admin.is_staff = True
    admin.save()
    staff = type(client)()
    staff.force_login(admin)
    listing = staff.get("/admin/orgs/user/", {"q": officer.username}).content.decode()
    assert "登录锁定" in listing
    assert 'alt="True"' in listing  # the locked column of the officer's row

    answer = staff.post("/admin/orgs/user/", {"action": "unlock_logins", "_selected_action": [officer.pk]}, follow=True)
    assert "已解除 1 个用户的登录锁定" in answer.content.decode()
    assert not AccessAttempt.objects.filter(username=officer.username).exists()
    again = client.post("/login/", {"username": officer.username, "password": PASSWORD}, REMOTE_ADDR="10.9.9.8")
    assert again.status_code == 302


def test_a_superuser_lifts_an_address_lock_in_the_axes_admin(client, world):
    fail(client, "/login/", "county_a_officer", 5, REMOTE_ADDR="10.3.3.3")
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    staff = type(client)()
    staff.force_login(root)
    listing = staff.get("/admin/axes/accessattempt/").content.decode()
    assert "10.3.3.3" in listing
    attempt = AccessAttempt.objects.get(ip_address="10.3.3.3")
    staff.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert not AccessAttempt.objects.exists()
    answer = client.post("/login/", {"username": "county_b_officer", "password": PASSWORD}, REMOTE_ADDR="10.3.3.3")
    assert answer.status_code == 302


@pytest.mark.parametrize("url", ["/admin/axes/accessattempt/", "/admin/knox/authtoken/"])
def test_a_county_administrator_cannot_read_every_lock_or_token(client, world, url):
    admin = world.people.city_admin
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    assert client.get(url).status_code == 403
