"""Login lockout (django-axes): the answer a locked-out client gets, and lifting a user's lock.

等保2.0 8.1.4.1 b) 应具有登录失败处理功能，应配置并启用结束会话、限制非法登录次数和当登录连接超时自动退出等相关措施.
After settings.AXES_FAILURE_LIMIT failures the username and the address are refused for
AXES_COOLOFF_TIME (env LOGIN_LOCKOUT_MINUTES); an administrator lifts a user's lock from the user admin,
a superuser any lock (addresses included) from django-axes' own admin (访问尝试).
"""

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

STATUS = 429  # Too Many Requests: the client may try again after the cool-off


def cooloff_minutes():
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def message():
    return _(
        "登录失败次数过多（连续 %(limit)d 次），该账号或来源地址已被锁定 %(minutes)d 分钟。"
        "请稍后再试，或联系系统管理员解除锁定。"
    ) % {
        "limit": settings.AXES_FAILURE_LIMIT,
        "minutes": cooloff_minutes(),
    }


def lockout_response(request, original_response=None, credentials=None):
    """settings.AXES_LOCKOUT_CALLABLE: JSON for the API, a Chinese page for the web and admin logins."""
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"detail": message(), "code": "locked_out", "cooloff_minutes": cooloff_minutes()}, status=STATUS
        )
    return render(request, "registration/locked_out.html", {"message": message()}, status=STATUS)


def locked_out_expression(username_field="username"):
    """Exists(): the user's username failed AXES_FAILURE_LIMIT times within the cool-off (locked now)."""
    return Exists(
        AccessAttempt.objects.filter(
            username=OuterRef(username_field),
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
        )
    )


def unlock(username):
    """Forget the failed attempts of ``username``: its lock is lifted. Returns how many records went."""
    return reset(username=username)
