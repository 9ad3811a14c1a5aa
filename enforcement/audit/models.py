"""Audit events: who did what, when, from where, to which record (R-20: traceable records; 等保2.0 8.1.4.3 安全审计).

One table holds both the record changes the services write and the security events (logins, failed logins,
logouts, lockouts, exports, downloads). It is append-only: the application refuses to update or delete a
row, a PostgreSQL trigger refuses it in the database, and a hash chain (enforcement/audit/chain.py) makes an
edit or removal done around both detectable by ``manage.py verify_audit``.
"""

import pgtrigger
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.audit import chain
from enforcement.audit.client_address import current_client_address
from enforcement.orgs.scoping import RestrictedQuerySet

APPEND_ONLY_REFUSAL = _("操作日志只能追加，不能修改或删除。")


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit row."""


class AuditEventQuerySet(RestrictedQuerySet):
    def record_changes(self):
        """The changes of records (a record's history), without the security events."""
        return self.filter(action__in=AuditEvent.RECORD_ACTIONS)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for event in objs:
            event.stamp()
        insert = super().bulk_create
        return chain.append(objs, self.model, lambda events: insert(events, *args, **kwargs))

    def update(self, **kwargs):
        raise AppendOnlyError(APPEND_ONLY_REFUSAL)

    def delete(self):
        raise AppendOnlyError(APPEND_ONLY_REFUSAL)


class AuditEvent(models.Model):
    """One state change of one record, or one security event, with the acting user as they were then."""

    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        IMPORT = "import", _("导入")
        SHARE = "share", _("共享")
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOGOUT = "logout", _("退出")
        LOCKOUT = "lockout", _("账号锁定")
        EXPORT = "export", _("导出")
        DOWNLOAD = "download", _("下载")

    # The record changes a record's history page shows; the security events are the auditors' business.
    RECORD_ACTIONS = (Action.CREATE, Action.UPDATE, Action.DELETE, Action.IMPORT, Action.SHARE)

    created_at = models.DateTimeField(_("时间"), default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        # A user with audit history is deactivated, never deleted (enforcement/audit/actors.py).
        on_delete=models.PROTECT,
        null=True,
        related_name="audit_events",
    )
    # Copied at write time: the row says who it was even after the account is renamed.
    actor_username = models.CharField(_("用户名"), max_length=150, blank=True, default="", db_default="", db_index=True)
    actor_name = models.CharField(_("姓名"), max_length=50, blank=True, default="", db_default="")
    ip_address = models.CharField(_("IP地址"), max_length=45, blank=True, default="", db_default="", db_index=True)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("所属单位"),
        on_delete=models.PROTECT,
        related_name="audit_events",
        null=True,
    )
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices, db_index=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    target_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("详情"), default=dict, blank=True)
    prev_hash = models.CharField(_("上一条哈希"), max_length=64, blank=True, default="", db_default="", editable=False)
    hash = models.CharField(_("哈希"), max_length=64, blank=True, default="", db_default="", editable=False)

    objects = AuditEventQuerySet.as_manager()
    scope_org_lookup = "organisation"

    class Meta:
        verbose_name = _("操作日志")
        verbose_name_plural = _("操作日志")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_event_target_idx")]
        permissions = [("export_auditevent", _("可以导出操作日志"))]
        triggers = [
            # 等保2.0 8.1.4.3 c): audit records are protected against unexpected change or deletion — in the
            # database too, whatever client connects. There is no purge: retention is unlimited (≥ 180 days).
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.target_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(APPEND_ONLY_REFUSAL)
        self.stamp()
        chain.append([self], type(self), lambda events: super(AuditEvent, self).save(*args, **kwargs))

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(APPEND_ONLY_REFUSAL)

    def stamp(self):
        """Copy the actor's username and name as they are now, and the request's client address."""
        actor = self.actor if self.actor_id else None
        if actor is not None and not self.actor_username:
            self.actor_username = actor.username
            self.actor_name = actor.full_name
        if not self.ip_address:
            self.ip_address = current_client_address() or ""

    def hashed_values(self):
        values = {name: getattr(self, name) for name in chain.HASHED_FIELDS if name != "target_type"}
        values["target_type"] = content_type_key(self.target_type_id)
        return values


def content_type_key(content_type_id):
    """ "app_label.model": stable across a dump and restore, where content type ids are not."""
    if content_type_id is None:
        return ""
    content_type = ContentType.objects.get_for_id(content_type_id)
    return f"{content_type.app_label}.{content_type.model}"
