#!/usr/bin/env python
"""Benchmark: how many password guesses a minute one client gets checked, without and with the lock.

Issue 9 item 2 asks for login protection after 5 failures (django-axes lockout by username and by address,
DRF throttling on the token endpoint). This script builds a throwaway SQLite database ``bench_login`` with one
user (PBKDF2, the production hasher), then hammers the web login and the API token endpoint with a wrong
password from one address for ``--seconds`` each, twice: with the protection switched off (AXES_ENABLED=False,
no throttles: the state before issue 9) and on. It prints, per case, the requests sent, how many were answered
"wrong password" (a guess the server checked), how many were refused as locked/throttled (429), and the checked
guesses per minute.

    .venv/bin/python bench/bench_login.py               # 15 s per case
    .venv/bin/python bench/bench_login.py --seconds 5   # quicker
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _db import throwaway_database

BENCH_DB = "bench_login"
USERNAME = "bench_officer"
RIGHT = "Bench-pass#2026"


def hammer(client, url, seconds, body):
    """Wrong passwords as fast as one client can send them: (sent, checked, refused)."""
    sent = checked = refused = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = client.post(url, body, **({"format": "json"} if url.startswith("/api/") else {}))
        sent += 1
        if answer.status_code == 429:
            refused += 1
        elif answer.status_code in (200, 400):
            checked += 1
        else:
            raise SystemExit(f"unexpected answer {answer.status_code} from {url}")
    return sent, checked, refused


def run_case(label, url, seconds, protected):
    from axes.models import AccessAttempt
    from django.core.cache import cache
    from django.test import Client, override_settings
    from rest_framework.test import APIClient

    from enforcement.accounts.tokens import TokenView

    AccessAttempt.objects.all().delete()
    cache.clear()
    saved = TokenView.throttle_classes
    if not protected:
        TokenView.throttle_classes = []
    try:
        with override_settings(AXES_ENABLED=protected):
            client = APIClient() if url.startswith("/api/") else Client()
            body = {"username": USERNAME, "password": "wrong-guess-1!"}
            started = time.monotonic()
            sent, checked, refused = hammer(client, url, seconds, body)
            elapsed = time.monotonic() - started
    finally:
        TokenView.throttle_classes = saved
    per_minute = checked / elapsed * 60
    state = "with lock   " if protected else "without lock"
    print(
        f"{label:<18} {state}  {sent:>6} sent  {checked:>6} checked  {refused:>6} refused (429)  "
        f"{per_minute:>9.1f} checked guesses/min"
    )
    return per_minute


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=15.0, help="seconds of guessing per case")
    args = parser.parse_args()
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    label, drop = throwaway_database(BENCH_DB, sqlite=True)
    try:
        import logging

        logging.disable(logging.WARNING)  # axes logs every attempt; the figures are what matters here
        from django.conf import settings

        from enforcement.orgs.models import User

        User.objects.create_user(USERNAME, password=RIGHT)
        print(
            f"{label}, one user, hasher {settings.PASSWORD_HASHERS[0].rsplit('.', 1)[-1]}, "
            f"lock after {settings.AXES_FAILURE_LIMIT} failures for {settings.AXES_COOLOFF_TIME}, "
            f"{args.seconds:g} s per case, one client address"
        )
        for name, url in (("web /login/", "/login/"), ("api /auth/token/", "/api/auth/token/")):
            before = run_case(name, url, args.seconds, protected=False)
            after = run_case(name, url, args.seconds, protected=True)
            sustained = settings.AXES_FAILURE_LIMIT / (settings.AXES_COOLOFF_TIME.total_seconds() / 60)
            print(
                f"{'':<18} → {before:.0f}/min before, {after:.1f}/min in this window, "
                f"{sustained:.2f}/min sustained ({settings.AXES_FAILURE_LIMIT} per cool-off)"
            )
    finally:
        drop()


if __name__ == "__main__":
    main()
