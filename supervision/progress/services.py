"""Actions on monthly progress reports."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.audit.models import AuditEvent
from enforcement.audit.services import record
from enforcement.orgs.models import Organisation
from supervision.progress.job import previous_month
from supervision.progress.models import MonthlyProgress, MonthlyProgressRun


def confirm_progress(user, report_id):
    """A county confirms its own monthly report (R-05); the city sees who has not."""
    with transaction.atomic():
        report = MonthlyProgress.objects.restrict(user, "view").select_for_update().get(pk=report_id)
        if not user.has_perm("supervision.confirm_monthlyprogress") or report.organisation_id != user.organisation_id:
            raise PermissionDenied(_("只能由本单位确认本单位的月度调度。"))
        if report.confirmed_at:
            raise ValidationError(_("该月度调度已确认。"))
        report.confirmed_at, report.confirmed_by = timezone.now(), user
        report.save(update_fields=["confirmed_at", "confirmed_by"])
        record(user, AuditEvent.Action.UPDATE, report, {"confirmed_by": [None, user.pk]}, report.organisation_id)
    return report


def unconfirmed(user, month):
    """Reports of ``month`` in the user's scope that their organisation has not confirmed yet."""
    return (
        MonthlyProgress.objects.restrict(user)
        .filter(month=month, confirmed_at__isnull=True)
        .select_related("organisation")
    )


def can_rebuild(user):
    """Whether ``user`` may re-run a month of the monthly job (R-05).

    The job rebuilds every organisation's report of the month (and clears the confirmation of any
    whose figures changed), so besides the permission the user must sit at city level or above: a
    county holding the same "legal" role must not reset other counties' reports.
    """
    if not user.is_authenticated or not user.has_perm("supervision.rebuild_monthlyprogress"):
        return False
    if user.is_superuser:
        return True
    org = user.organisation
    return org is not None and org.level in (Organisation.Level.PROVINCE, Organisation.Level.CITY)


def running_run(month):
    """The month's run if one is in progress right now (a stale claim does not count), else None."""
    stale = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    return MonthlyProgressRun.objects.filter(
        month=month, status=MonthlyProgressRun.Status.RUNNING, started_at__gt=stale
    ).first()


def request_rebuild(user, month):
    """Queue the monthly job for a past ``month``. Running it again is harmless: it is idempotent."""
    from supervision.progress.tasks import build_monthly_progress_task  # tasks import the job, the job these models

    if not can_rebuild(user):
        raise PermissionDenied(_("您没有重新生成月度调度的权限。"))
    month = month.replace(day=1)
    if month > previous_month():
        # A month still under way has no final figures yet; the 1st-of-month run builds it.
        raise ValidationError({"month": _("只能重新生成已经结束的月份。")})
    if running_run(month):
        raise ValidationError({"month": _("该月份的月度调度正在生成中，请稍后刷新查看。")})
    label = f"{month:%Y-%m}"
    transaction.on_commit(lambda: build_monthly_progress_task.delay(label))
    return label
