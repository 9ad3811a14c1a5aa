"""Users with audit history are deactivated, never deleted: the log must keep naming who acted
(等保2.0 8.1.4.3 c): 审计记录应进行保护，避免受到未预期的删除; the actor foreign key PROTECTs as well)."""

from django.contrib import admin, messages
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.audit.models import AuditEvent

KEEP_MESSAGE = gettext_lazy("用户“%(names)s”已有操作日志，不能删除；请停用该账号（取消勾选“有效”）。")


def audited(users):
    """The users of the queryset ``users`` that appear in the audit log as actors."""
    return users.filter(audit_events__isnull=False).distinct()


def refuse_if_audited(users):
    """Raise ProtectedError (Chinese message) when any of the ``users`` (a queryset) has audit history."""
    found = list(audited(users)[:5])
    if found:
        names = "、".join(user.username for user in found)
        raise ProtectedError(str(KEEP_MESSAGE % {"names": names}), set(found))


class KeepsAuditedUsersAdminMixin:
    """UserAdmin part: deleting an audited user is refused with the reason; 停用 takes its place."""

    actions = ["deactivate_users"]

    def get_deleted_objects(self, objs, request):
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        users = objs if hasattr(objs, "filter") else self.model._default_manager.filter(pk__in=[o.pk for o in objs])
        names = "、".join(user.username for user in audited(users))
        if names:
            # Replaces the list of each protected audit row with the one thing the administrator should do.
            # (The audit rows also show up as "needing delete permission", which nobody has: drop that.)
            protected = [str(KEEP_MESSAGE % {"names": names})]
            audit_label = str(AuditEvent._meta.verbose_name)
            perms_needed = {label for label in perms_needed if str(label) != audit_label}
        return to_delete, model_count, perms_needed, protected

    @admin.action(description=gettext_lazy("停用所选用户"), permissions=["change"])
    def deactivate_users(self, request, queryset):
        count = queryset.filter(is_active=True).update(is_active=False)
        self.message_user(request, _("已停用%(count)d个用户。") % {"count": count}, messages.SUCCESS)
