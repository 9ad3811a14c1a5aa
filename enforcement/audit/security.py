"""Logins, failed logins, logouts and lockouts in the audit log (等保2.0 8.1.4.3 a)/b): 审计记录应包括事件的日期和时间、
用户、事件类型、事件是否成功).

Connected in AuditConfig.ready(). django-axes is configured elsewhere; its lockout signal is connected only
when the package can be imported, so this module works whether or not axes is installed and enabled.
"""

import logging

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from enforcement.audit.client_address import client_address
from enforcement.audit.models import AuditEvent

logger = logging.getLogger(__name__)
USERNAME_MAX = 150


def _account(username):
    """The account a username names, if any (a failed login or a lockout names one, or a made-up name)."""
    if not username:
        return None
    return get_user_model()._default_manager.filter(username=username).first()


def _write(action, request, *, actor=None, username="", account=None, details=None):
    event = AuditEvent(
        actor=actor,
        actor_username=(actor.username if actor else username or "")[:USERNAME_MAX],
        actor_name=actor.full_name if actor else "",
        action=action,
        changes=details or {},
        ip_address=client_address(request) if request is not None else "",
    )
    if account is not None:
        from django.contrib.contenttypes.models import ContentType

        event.organisation_id = account.organisation_id
        event.target_type = ContentType.objects.get_for_model(account)
        event.target_id = str(account.pk)
        event.target_repr = str(account)[:200]
    event.save()


def on_login(sender, request, user, **kwargs):
    _write(AuditEvent.Action.LOGIN, request, actor=user, account=user)


def on_logout(sender, request, user, **kwargs):
    if user is not None and getattr(user, "pk", None):
        _write(AuditEvent.Action.LOGOUT, request, actor=user, account=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    # Django hands the credentials with the password already masked; only the username tried is kept.
    username = str(credentials.get("username") or "")[:USERNAME_MAX]
    _write(
        AuditEvent.Action.LOGIN_FAILED,
        request,
        username=username,
        account=_account(username),
        details={"username": username},
    )


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    username = str(username or "")[:USERNAME_MAX]
    details = {"username": username}
    if ip_address:
        details["locked_address"] = str(ip_address)
    _write(AuditEvent.Action.LOCKOUT, request, username=username, account=_account(username), details=details)


def connect():
    user_logged_in.connect(on_login, dispatch_uid="audit_login")
    user_logged_out.connect(on_logout, dispatch_uid="audit_logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit_login_failed")
    # Importing axes.signals loads axes' models and hooks its own login handlers: only when axes is an app.
    if not apps.is_installed("axes"):
        logger.debug("django-axes is not in INSTALLED_APPS; lockouts are not audited")
        return
    from axes.signals import user_locked_out

    user_locked_out.connect(on_locked_out, dispatch_uid="audit_locked_out")
