"""In-product notifications (站内通知): what a background job tells one person, shown behind the bell.

A notification is private to its recipient: ``restrict()`` returns the user's own rows whatever their roles,
so another person's notification is a 404 like any record outside one's scope. ``(recipient, key, day)`` is
unique: a job that runs twice on the same day (two workers, a retried message) cannot tell anybody twice.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from enforcement.orgs.scoping import ACTIONS


class NotificationQuerySet(models.QuerySet):
    def restrict(self, user, action="view"):
        """The user's own notifications (read and marked read by them alone); nothing for anybody else."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one person: a deadline about to expire, a deadline missed."""

    class Kind(models.TextChoices):
        DEADLINE_REMINDER = "deadline_reminder", _("期限即将届满")
        DEADLINE_OVERDUE = "deadline_overdue", _("期限已逾期")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("相关单位"),
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("类型"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), max_length=2000, blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    # What it is about, e.g. "penalties.deadline:42:overdue": with the recipient and the day, the natural key.
    key = models.CharField(_("对象标识"), max_length=100)
    day = models.DateField(_("日期"))
    created_at = models.DateTimeField(_("通知时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key", "day"], name="%(app_label)s_%(class)s_once_per_key_and_day"
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient"], name="notification_unread_idx", condition=models.Q(read_at__isnull=True)
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
        ]

    def __str__(self):
        return f"{self.recipient_id} {self.title}"
