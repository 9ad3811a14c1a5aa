"""The one scoping primitive: ``Model.objects.restrict(user, action)``.

Modelled on NetBox's ``RestrictedQuerySet``. A row is visible to a user when

* the user's roles grant the model-level permission for the action, and the row's owning
  organisation is inside the user's data scope (all / own subtree / own organisation), or
* the row was explicitly shared with the user through a django-guardian per-object grant.

Everything else is denied by default. Views turn "not in ``restrict()``" into 404, so callers cannot
tell a row outside their scope from a row that does not exist.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

ACTIONS = ("view", "add", "change", "delete")


class DataScope(models.TextChoices):
    """How far a role reaches in the organisation tree (RuoYi's 数据权限). Ordered narrow → wide."""

    SHARED = "shared", "仅限共享给本人的数据"
    OWN = "own", "本单位数据"
    SUBTREE = "subtree", "本单位及下级单位数据"
    ALL = "all", "全部数据"

    @classmethod
    def widest(cls, scopes):
        order = [cls.SHARED, cls.OWN, cls.SUBTREE, cls.ALL]
        return max((cls(s) for s in scopes), key=order.index, default=cls.SHARED)


def _perm_name(model, action):
    opts = model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


def org_scope_q(user, org_lookup):
    """Q selecting rows whose organisation (reached through ``org_lookup``) is in the user's scope.

    ``org_lookup`` is "" when the model *is* the organisation. Returns None for "nothing".
    """
    scope = user.data_scope
    if scope == DataScope.ALL:
        return Q()
    org = user.organisation
    if org is None or scope == DataScope.SHARED:
        return None
    if scope == DataScope.SUBTREE:
        # One indexed prefix filter on the materialised path, no recursive walk. For owned rows it is a
        # subquery of organisation ids rather than a join: the database then probes the rows' FK index per
        # organisation instead of testing the path of every row (a 200,000-row COUNT in ~10 ms, not ~150).
        subtree = Q(path__startswith=org.path)
        if not org_lookup:
            return subtree
        return Q(**{f"{org_lookup}__in": type(org).objects.filter(subtree).values("pk")})
    return Q(**{f"{org_lookup}__pk" if org_lookup else "pk": org.pk})


def shared_q(model, user, action):
    """Q selecting rows shared with the user for ``action`` through guardian's direct-FK tables."""
    perm_model = getattr(model, "user_object_permission_model", None)
    if perm_model is None:
        return None
    grants = perm_model.objects.filter(
        user=user,
        permission__codename=f"{action}_{model._meta.model_name}",
        permission__content_type__app_label=model._meta.app_label,
    )
    # Most users have no grants. An "OR id IN (grants)" costs a full scan even when the grant table is
    # empty for the user, so a small indexed query first decides whether the branch is needed at all.
    if not grants.exists():
        return None
    return Q(pk__in=grants.values("content_object_id"))


class RestrictedQuerySet(models.QuerySet):
    """QuerySet for every organisation-owned model. Models declare ``scope_org_lookup``."""

    def restrict(self, user, action="view"):
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        model = self.model
        conditions = []
        if user.has_role_perm(_perm_name(model, action)):
            scope = org_scope_q(user, model.scope_org_lookup)
            if scope is not None:
                if not scope:  # Q() — everything
                    return self
                conditions.append(scope)
        shared = shared_q(model, user, action)
        if shared is not None:
            conditions.append(shared)
        if not conditions:
            return self.none()
        combined = conditions[0]
        for condition in conditions[1:]:
            combined |= condition
        return self.filter(combined)


RestrictedManager = models.Manager.from_queryset(RestrictedQuerySet)


def ensure_in_scope(user, obj, action):
    """Raise PermissionDenied unless ``obj`` (already saved) is inside the user's scope for ``action``.

    Called inside the writing transaction after the save, so a write that would move a record out of
    the writer's reach is rolled back (NetBox ``_validate_objects``).
    """
    if not type(obj).objects.restrict(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied(_("该记录将超出您的数据权限范围，操作已撤销。"))


def choices_in_scope(model, action="view", order_by=()):
    """A django-filter ``queryset`` callable: the rows of ``model`` the request's user may ``action``.

    A row outside the scope is "not a valid choice", exactly like an id that does not exist, so a filter
    cannot be used to probe the tree.
    """

    def queryset(request):
        if request is None:
            return model.objects.none()
        rows = model.objects.restrict(request.user, action)
        return rows.order_by(*order_by) if order_by else rows

    return queryset
