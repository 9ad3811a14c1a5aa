"""Passwords an administrator chose must be replaced by their owner at first login.

等保2.0 8.1.4.1 a) asks that identification be unique and passwords unknown to others; an initial or
reset password was typed by an administrator, so until the owner changes it the account may only reach
the password-change page (web) and is refused with a clear JSON 403 (API). The demo city's accounts are
seeded without the flag, and never in production mode (enforcement.web.management.commands.seed_demo).
"""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied

PASSWORD_CHANGE_URL_NAME = "password_change"  # noqa: S105 - a URL name, not a password
CODE = "password_change_required"


def message():
    return _("您的密码由管理员设置，必须先修改密码才能继续使用系统。请在网页端“修改密码”页面设置新密码。")


class PasswordChangeRequired(PermissionDenied):
    default_code = CODE


def refuse_api(user):
    """Raise the API's 403 for a token whose owner still has an administrator's password."""
    if getattr(user, "must_change_password", False):
        raise PasswordChangeRequired(message())


def _always_open():
    # The pages such a user still needs: change the password, leave, and the static files they load.
    return (reverse(PASSWORD_CHANGE_URL_NAME), reverse("logout"), reverse("admin:logout"))


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not getattr(user, "must_change_password", False):
            return self.get_response(request)
        path = request.path_info
        if path in _always_open() or path.startswith("/static/"):
            return self.get_response(request)
        if path.startswith("/api/"):
            return JsonResponse({"detail": message(), "code": CODE}, status=403)
        return redirect(PASSWORD_CHANGE_URL_NAME)
