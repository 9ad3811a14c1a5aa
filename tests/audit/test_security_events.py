"""Logins, failed logins, logouts and lockouts are audited with user, address, time and account
(issue 9 item 3; 等保2.0 8.1.4.3 b) 审计记录应包括事件的日期和时间、用户、事件类型、事件是否成功)."""

import pytest
from django.apps import apps
from django.test import RequestFactory
from django.utils import timezone

from enforcement.audit import security
from enforcement.audit.client_address import client_address
from enforcement.audit.models import AuditEvent
from tests.audit.helpers import last_event, verify_audit

PASSWORD = "pass-1234-word"  # tests/factories.py


def test_a_login_is_recorded_with_user_name_address_and_organisation(client, world):
    officer = world.people.county_a_officer
    before = timezone.now()
    response = client.post("/login/", {"username": officer.username, "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    event = last_event(action=AuditEvent.Action.LOGIN)
    assert (event.actor, event.actor_username, event.actor_name) == (officer, officer.username, officer.full_name)
    assert event.ip_address == "10.1.2.3"
    assert event.organisation == world.orgs.county_a
    assert event.target_id == str(officer.pk) and event.created_at >= before


def test_a_failed_login_keeps_the_username_tried_and_never_the_password(client, world):
    officer = world.people.county_a_officer
    client.post("/login/", {"username": officer.username, "password": "wrong-secret-9"}, REMOTE_ADDR="10.9.9.9")
    client.post("/login/", {"username": "no_such_user", "password": "wrong-secret-9"}, REMOTE_ADDR="10.9.9.8")
    known, unknown = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).order_by("pk")
    assert (known.actor, known.actor_username, known.ip_address) == (None, officer.username, "10.9.9.9")
    # The attacked account's bureau sees the attempt; a made-up name belongs to no organisation.
    assert known.organisation == world.orgs.county_a and known.target_id == str(officer.pk)
    assert (unknown.actor_username, unknown.organisation, unknown.target_type) == ("no_such_user", None, None)
    assert unknown.changes == {"username": "no_such_user"}
    assert not AuditEvent.objects.filter(changes__icontains="wrong-secret-9").exists()
    assert verify_audit()[0]


def test_a_logout_is_recorded(client, world):
    officer = world.people.county_a_officer
    client.force_login(officer)
    client.post("/logout/", REMOTE_ADDR="10.1.2.4")
    event = last_event(action=AuditEvent.Action.LOGOUT)
    assert (event.actor, event.ip_address) == (officer, "10.1.2.4")


def test_a_lockout_is_recorded_with_the_username_and_locked_address(world):
    """The receiver of django-axes' user_locked_out (connected when axes is an installed app)."""
    request = RequestFactory().post("/login/", REMOTE_ADDR="10.6.6.6")
    security.on_locked_out(None, request=request, username="county_a_officer", ip_address="10.6.6.6")
    event = last_event(action=AuditEvent.Action.LOCKOUT)
    assert (event.actor_username, event.ip_address, event.organisation) == (
        "county_a_officer",
        "10.6.6.6",
        world.orgs.county_a,
    )
    assert event.changes == {"username": "county_a_officer", "locked_address": "10.6.6.6"}


def test_axes_lockout_signal_reaches_the_audit_log(world):
    if not apps.is_installed("axes"):
        pytest.skip("django-axes is not in INSTALLED_APPS on this branch; the receiver is tested above")
    from axes.signals import user_locked_out

    request = RequestFactory().post("/login/", REMOTE_ADDR="10.6.6.7")
    user_locked_out.send("axes", request=request, username="county_a_officer", ip_address="10.6.6.7")
    assert last_event(action=AuditEvent.Action.LOCKOUT).ip_address == "10.6.6.7"


def test_the_actor_is_kept_as_they_were(client, world):
    """GIVEN a login recorded WHEN the account is renamed THEN the audit row still says who it was."""
    officer = world.people.county_a_officer
    client.force_login(officer)
    event = last_event(action=AuditEvent.Action.LOGIN)
    type(officer).objects.filter(pk=officer.pk).update(username="renamed", full_name="改名后")
    event = AuditEvent.objects.get(pk=event.pk)
    assert (event.actor_username, event.actor_name) == ("county_a_officer", officer.full_name)


def _request(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_x_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(_request("10.0.0.5", "1.2.3.4")) == "10.0.0.5"
    settings.TRUSTED_PROXIES = ["172.18.0.0/16"]
    assert client_address(_request("10.0.0.5", "1.2.3.4")) == "10.0.0.5"  # not from our proxy: spoofed


def test_behind_the_trusted_proxy_the_address_it_saw_is_taken(settings):
    """OWASP: the client may send its own X-Forwarded-For; the proxy appends the address it saw, so the
    rightmost untrusted entry is the client, and a forged leftmost entry is never believed."""
    settings.TRUSTED_PROXIES = ["172.18.0.0/16"]
    assert client_address(_request("172.18.0.2", "6.6.6.6, 203.0.113.7")) == "203.0.113.7"
    assert client_address(_request("172.18.0.2", "203.0.113.7, 172.18.0.9")) == "203.0.113.7"
    assert client_address(_request("172.18.0.2", "not-an-ip")) == "172.18.0.2"


def test_the_trusted_proxy_setting_reaches_login_rows(client, world, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    officer = world.people.county_a_officer
    client.post(
        "/login/",
        {"username": officer.username, "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert last_event(action=AuditEvent.Action.LOGIN).ip_address == "198.51.100.20"
