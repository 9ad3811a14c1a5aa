"""The permission every API operation declares: the model permission its action needs (等保2.0 8.1.4.2 访问控制).

Scope (which rows) is restrict()'s business; this decides whether the caller may perform the action at all,
before any handler runs. A user without the model permission is refused (403) instead of being answered
from helpers that read no scoped queryset (the guidance-schedule warnings listed every county's name to
shared-only users, issue 9 item 1).

Standard actions need the usual Django permission on the viewset's model (list/retrieve → view, create →
add, update → change, destroy → delete); a custom action names its own in the viewset's
``action_permissions`` — ``{"approve": "approve"}`` (a codename prefix on the viewset's model) or
``{"rebuild": "supervision.rebuild_monthlyprogress"}`` (a full permission), or a tuple of either, any of
which suffices. ``action_refusals`` may give an action the domain's own reason for a refusal ("只有市应急管理局
可以办理此事项。"). An action nobody declared is refused (deny by default), and tests/api/test_permissions.py
fails naming it.
"""

import logging

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, permissions

from enforcement.orgs.scoping import shared_q

logger = logging.getLogger(__name__)

STANDARD_ACTIONS = {
    "list": "view",
    "retrieve": "view",
    "create": "add",
    "update": "change",
    "partial_update": "change",
    "destroy": "delete",
}
VERBS = {
    "view": gettext_lazy("查看"),
    "add": gettext_lazy("新增"),
    "change": gettext_lazy("修改"),
    "delete": gettext_lazy("删除"),
}


class UndeclaredAction(ImproperlyConfigured):
    """A viewset action whose permission nobody declared."""


def _model(view):
    return getattr(getattr(view, "queryset", None), "model", None)


def _full_name(model, name):
    return name if "." in name else f"{model._meta.app_label}.{name}_{model._meta.model_name}"


def required_permissions(view, action):
    """The permissions (any of which suffices) that ``action`` of ``view`` needs."""
    model = _model(view)
    declared = getattr(view, "action_permissions", {}).get(action)
    if declared is None:
        declared = STANDARD_ACTIONS.get(action)
    if declared is None:
        raise UndeclaredAction(
            f"{type(view).__name__}.{action}: declare the permission of this action in action_permissions "
            "(enforcement/api/permissions.py says how)"
        )
    names = (declared,) if isinstance(declared, str) else tuple(declared)
    if model is None and any("." not in name for name in names):
        raise UndeclaredAction(f"{type(view).__name__}.{action}: no model, so name the full permission")
    return tuple(_full_name(model, name) for name in names)


def _shared_with(user, model, permission):
    """Rows of ``model`` explicitly shared with ``user`` for that permission (django-guardian grants)."""
    app_label, codename = permission.split(".")
    if model is None or app_label != model._meta.app_label or not codename.endswith(f"_{model._meta.model_name}"):
        return False
    action = codename.removesuffix(f"_{model._meta.model_name}")
    return action in ("view", "add", "change", "delete") and shared_q(model, user, action) is not None


class ModelActionPermission(permissions.BasePermission):
    """Signed in, active and holding the model permission of the request's action (or a row shared for it).

    Refused on a route naming a record the user may not read: 404, as for any record out of scope (whether
    it exists is not told). Refused elsewhere: 403 saying what is missing. A request that
    reaches no action (a method the route does not map) goes on to its 405, and OPTIONS to DRF's description
    of the route, which lists the write fields only to those this permission lets write.
    """

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        action = getattr(view, "action", None)
        if action == "metadata":
            # OPTIONS: DRF asks again as each write method to decide which write fields to describe.
            action = getattr(view, "action_map", {}).get(request.method.lower())
        if action is None:
            return True  # 405 for a method the route does not map; OPTIONS itself describes, shows no records
        model = _model(view)
        try:
            needed = required_permissions(view, action)
        except UndeclaredAction:
            # Deny by default; tests/api/test_permissions.py names the action to declare.
            logger.error("API action without a declared permission refused", exc_info=True)
            return False
        if any(user.has_perm(perm) or _shared_with(user, model, perm) for perm in needed):
            return True
        if getattr(view, "detail", False) and not _visible(user, model, view):
            raise exceptions.NotFound()
        self.message = getattr(view, "action_refusals", {}).get(action) or _refusal(model, needed)
        return False


def _visible(user, model, view):
    """Whether the record a detail route names is one the user may read (then a refusal may say so)."""
    if model is None or not hasattr(model._default_manager.all(), "restrict"):
        return True  # not organisation-owned: nothing to hide
    pk = view.kwargs.get(view.lookup_url_kwarg or view.lookup_field)
    try:
        return model._default_manager.restrict(user, "view").filter(pk=pk).exists()
    except (ValueError, TypeError, OverflowError, DjangoValidationError):
        return False  # no such id can exist


def _refusal(model, needed):
    """ "您没有新增生产经营单位的权限。" where the missing permission is a standard one of the view's model."""
    verb = None
    if model is not None:
        prefix = f"{model._meta.app_label}."
        suffix = f"_{model._meta.model_name}"
        codename = needed[0].removeprefix(prefix)
        if needed[0].startswith(prefix) and codename.endswith(suffix):
            verb = VERBS.get(codename.removesuffix(suffix))
    if verb is None:
        return _("您没有执行该操作的权限。")
    return _("您没有%(verb)s%(model)s的权限。") % {"verb": verb, "model": model._meta.verbose_name}


class ReferenceData(permissions.BasePermission):
    """Read-only reference tables every signed-in user reads alike (industry sectors, the check-item library):
    one list for the whole system, no organisation's records. Only on read-only viewsets (their writes answer
    405; the tables are edited in the admin), which tests/api/test_permissions.py checks."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated)


# What the base viewsets declare; concrete viewsets add ``action_permissions`` for their custom actions.
SCOPED = [permissions.IsAuthenticated, ModelActionPermission]
