"""Sending and reading notifications. Sending is idempotent per (recipient, key, day)."""

from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from enforcement.notifications.models import Notification


def notify(recipient, *, key, title, kind, day=None, organisation=None, body="", url=""):
    """Tell ``recipient`` once per ``key`` and day. True when this call created the notification."""
    day = day or timezone.localdate()
    fields = {"kind": kind, "title": title[:200], "body": body, "url": url, "organisation": organisation}
    try:
        with transaction.atomic():
            _, created = Notification.objects.get_or_create(recipient=recipient, key=key, day=day, defaults=fields)
    except IntegrityError:  # another worker created it between our SELECT and INSERT
        return False
    return created


def notify_all(notifications):
    """Store unsaved ``Notification`` rows in one INSERT; a row whose (recipient, key, day) exists already is
    dropped by the database. Returns how many were offered: callers that claimed the work first (the deadline
    job) know none of them can exist yet."""
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    return len(notifications)


def notified_before(recipient, key):
    """Whether ``recipient`` was ever told about ``key`` (on any day)."""
    return Notification.objects.filter(recipient=recipient, key=key).exists()


def unread_count(user):
    """The user's unread notifications: loaded with the user (``with_unread_count``), else one COUNT."""
    if hasattr(user, "unread_notifications"):
        return user.unread_notifications
    return Notification.objects.restrict(user).unread().count()


def with_unread_count(users):
    """``users`` annotated with ``unread_notifications`` (a subquery on the partial index of unread rows)."""
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return users.annotate(unread_notifications=Coalesce(Subquery(unread), Value(0)))


def mark_read(user, pk):
    """Mark the user's own notification read; ``Notification.DoesNotExist`` for anybody else's."""
    notification = Notification.objects.restrict(user, "change").get(pk=pk)
    if notification.read_at is None:
        Notification.objects.filter(pk=pk, read_at__isnull=True).update(read_at=timezone.now())
    return notification


def mark_all_read(user):
    return Notification.objects.restrict(user, "change").unread().update(read_at=timezone.now())
