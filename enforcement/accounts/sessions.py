"""Sessions end after SESSION_COOKIE_AGE without a request (env SESSION_IDLE_MINUTES, default 30) and when the
browser closes (SESSION_EXPIRE_AT_BROWSER_CLOSE). 等保2.0 8.1.4.1 b) 当登录连接超时自动退出.

Each save of the session moves its end to SESSION_COOKIE_AGE from now. Saving on every request
(SESSION_SAVE_EVERY_REQUEST) would write the session row on every page and API call; this middleware saves
it at most once a TOUCH_EVERY instead, so the idle limit holds to within that much.
"""

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

KEY = "_last_seen"


def touch_every():
    return min(60, settings.SESSION_COOKIE_AGE // 10)


def _touch(session):
    session[KEY] = int(time.time())


@receiver(user_logged_in, dispatch_uid="accounts.session_touch_on_login")
def touch_on_login(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None and hasattr(session, "__setitem__"):
        _touch(session)


class IdleTimeoutMiddleware:
    """Moves the end of an active session forward (listed after SessionMiddleware: runs before it saves)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty() and not session.modified:
            last_seen = session.get(KEY, 0)
            if int(time.time()) - last_seen >= touch_every():
                _touch(session)
        return response
