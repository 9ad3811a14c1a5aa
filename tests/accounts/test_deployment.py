"""Production mode, HTTPS, sessions and the Content-Security-Policy (issue 9 item 2)."""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from enforcement.web import demo

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3y-" + "x7Qp9-Lm2Zt8Rw4Yb6" * 3


def settings_in(env, *names):
    """The named settings as a fresh process with ``env`` loads them, or the error it stops with."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: str(getattr(settings, n, None)) for n in {list(names)!r}}}))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "PRODUCTION", "REQUIRE_SECRET_KEY"}}
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "enforcement.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode:
        return result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "key", ["", "insecure-dev-key-change-me", "change-me", "changeme", "django-insecure-abc", "short-but-random-1"]
)
def test_production_mode_refuses_a_placeholder_or_weak_secret_key(key):
    answer = settings_in({"PRODUCTION": "true", "SECRET_KEY": key}, "SECRET_KEY")
    assert isinstance(answer, str), f"started with SECRET_KEY={key!r}"
    assert "ImproperlyConfigured" in answer and "SECRET_KEY" in answer


def test_production_mode_starts_with_a_real_key_and_a_laptop_without_one():
    assert settings_in({"PRODUCTION": "true", "SECRET_KEY": STRONG_KEY}, "PRODUCTION")["PRODUCTION"] == "True"
    assert settings_in({}, "SECRET_KEY")["SECRET_KEY"] == "insecure-dev-key-change-me"


def test_https_turns_on_hsts_and_secure_cookies():
    names = ("SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")
    on = settings_in({"HTTPS": "true"}, *names)
    assert int(on["SECURE_HSTS_SECONDS"]) >= 31536000
    assert on["SESSION_COOKIE_SECURE"] == on["CSRF_COOKIE_SECURE"] == "True"
    off = settings_in({}, *names)
    assert off["SECURE_HSTS_SECONDS"] == "0" and off["SESSION_COOKIE_SECURE"] == "False"


def test_hsts_header_is_sent_over_https(client, world, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    answer = client.get("/login/", secure=True)
    assert answer["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_the_demo_city_is_never_seeded_in_production_mode(db, settings):
    settings.PRODUCTION, settings.DEBUG = True, False
    with pytest.raises(RuntimeError) as exc:
        demo.seed_demo(enterprises=1)
    assert "生产模式" in str(exc.value)
    assert demo.find_demo_city() is None


def test_a_session_ends_after_the_idle_time(client, world, time_machine, settings):
    from enforcement import settings as configured

    assert configured.SESSION_COOKIE_AGE == 30 * 60 and configured.SESSION_EXPIRE_AT_BROWSER_CLOSE
    settings.SESSION_COOKIE_AGE = configured.SESSION_COOKIE_AGE  # tests/conftest.py lengthens it for the others
    client.force_login(world.people.county_a_officer)
    # Activity keeps it alive: each request moves the end.
    for _ in range(3):
        time_machine.move_to(timezone.now() + datetime.timedelta(minutes=20))
        assert client.get("/").status_code == 200
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=31))
    answer = client.get("/")
    assert answer.status_code == 302 and answer["Location"].startswith("/login/")


def test_the_session_cookie_dies_with_the_browser(client, world):
    answer = client.post("/login/", {"username": "county_a_officer", "password": "pass-1234-word"})
    cookie = answer.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert cookie["httponly"]


@pytest.mark.parametrize("url", ["/login/", "/", "/enterprises/", "/account/password/", "/admin/"])
def test_every_page_carries_a_content_security_policy_without_inline_script(client, world, url):
    admin = world.people.city_admin
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    answer = client.get(url, follow=True)
    policy = answer["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "object-src 'none'" in policy and "frame-ancestors 'self'" in policy


def test_no_template_holds_inline_script_or_event_handlers():
    """CSP script-src 'self' would silently break them: every script is a static file."""
    import re

    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if "documents" in path.parts:  # PDF layouts, rendered by WeasyPrint, never served as pages
            continue
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+=\"", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
