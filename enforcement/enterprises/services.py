"""State changes of the enterprise register. Views and the API call these, never ``save()`` directly."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from enforcement.audit.models import AuditEvent
from enforcement.audit.services import diff, record, snapshot
from enforcement.enterprises.models import Enterprise
from enforcement.orgs.models import Organisation
from enforcement.orgs.scoping import ensure_in_scope

ORG_FIELDS = ("organisation_id", "responsible_org_id")


def manages_register(user) -> bool:
    """Register administrators (法规科, 业务科室, 系统管理员) hold full control of the register; officers and
    leaders may add or correct one enterprise but do not load county workbooks, so 导入 is not theirs.

    The one rule for the import pages, the import service and the navigation that offers them."""
    return user.is_authenticated and all(
        user.has_perm(f"enterprises.{action}_enterprise") for action in ("add", "change", "delete")
    )


def _check_org_in_scope(user, enterprise, fields=ORG_FIELDS):
    """The organisations a user assigns must be ones the user can reach."""
    reachable = Organisation.objects.restrict(user, "view")
    for field in fields:
        org_id = getattr(enterprise, field)
        if org_id and not reachable.filter(pk=org_id).exists():
            label = Enterprise._meta.get_field(field.removesuffix("_id")).verbose_name
            raise ValidationError({field.removesuffix("_id"): _("%(label)s不在您的管辖范围内。") % {"label": label}})


def create_enterprise(user, enterprise: Enterprise) -> Enterprise:
    """Register a new enterprise inside the user's scope."""
    if not user.has_perm("enterprises.add_enterprise"):
        raise PermissionDenied(_("您没有新增生产经营单位的权限。"))
    enterprise.full_clean()
    _check_org_in_scope(user, enterprise)
    with transaction.atomic():
        enterprise.save()
        ensure_in_scope(user, enterprise, "change")
        record(user, AuditEvent.Action.CREATE, enterprise, diff({}, snapshot(enterprise, Enterprise.TRACKED_FIELDS)))
    return enterprise


def update_enterprise(user, enterprise_id: int, changes: dict) -> Enterprise:
    """Apply ``changes`` (field → value) to an enterprise the user may change; keeps the history.

    Raises Enterprise.DoesNotExist when the row is outside the user's scope (callers answer 404).
    """
    with transaction.atomic():
        enterprise = Enterprise.objects.restrict(user, "change").select_for_update().get(pk=enterprise_id)
        before = snapshot(enterprise, Enterprise.TRACKED_FIELDS)
        for field, value in changes.items():
            setattr(enterprise, field, value)
        enterprise.full_clean()
        # Only re-assigned organisations are checked: a county may edit an enterprise for which the
        # city is the responsible body without being able to pick the city itself.
        _check_org_in_scope(
            user, enterprise, [f for f in ORG_FIELDS if before[f.removesuffix("_id")] != getattr(enterprise, f)]
        )
        enterprise.save()
        # A write that moves the record out of the writer's reach is refused and rolled back.
        ensure_in_scope(user, enterprise, "change")
        changed = diff(before, snapshot(enterprise, Enterprise.TRACKED_FIELDS))
        if changed:
            record(user, AuditEvent.Action.UPDATE, enterprise, changed)
    return enterprise


def delete_enterprise(user, enterprise_id: int) -> None:
    with transaction.atomic():
        enterprise = Enterprise.objects.restrict(user, "delete").select_for_update().get(pk=enterprise_id)
        record(user, AuditEvent.Action.DELETE, enterprise, diff(snapshot(enterprise, Enterprise.TRACKED_FIELDS), {}))
        enterprise.delete()
