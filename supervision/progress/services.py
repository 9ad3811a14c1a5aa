"""Actions on monthly progress reports."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.audit.models import AuditEvent
from enforcement.audit.services import record
from enforcement.orgs.models import Organisation
from supervision.progress import runs
from supervision.progress.forms import month_label
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
    """The month's run if one is queued or in progress right now (an abandoned claim does not count), else None."""
    return runs.in_progress(month)


class RebuildOutcome:
    SENT = "sent"  # queued on the broker (or, without one, already run in-process)
    DEFERRED = "deferred"  # recorded, but the broker refused the task: the sweep sends it once it is back
    FAILED = "failed"  # run in-process (no broker) and failed; the run row carries the error


def request_rebuild(user, month):
    """Queue the monthly job for a past ``month``. Running it again is harmless: it is idempotent.

    The run is recorded as queued (committed) before its task is sent, so neither a broker that is down
    nor one that loses the message (restarted without persistence) makes the request vanish: the sweep
    sends it again (runs.sweep). Returns (label "YYYY-MM", RebuildOutcome).
    """
    if not can_rebuild(user):
        raise PermissionDenied(_("您没有重新生成月度调度的权限。"))
    month = month.replace(day=1)
    if month > previous_month():
        # A month still under way has no final figures yet; the 1st-of-month run builds it.
        raise ValidationError({"month": _("只能重新生成已经结束的月份。")})
    _run, queued = runs.queue(month)
    if not queued:
        raise ValidationError({"month": _("该月份的月度调度正在生成中，请稍后刷新查看。")})
    # Sent now, not on commit: the caller learns whether the broker took it. Views are not atomic, so the
    # queued run is committed already; inside a transaction a worker that does not see it yet does
    # nothing, and the sweep sends the run again once it is committed.
    if not runs.send(month):
        run = MonthlyProgressRun.objects.get(month=month)
        return f"{month:%Y-%m}", RebuildOutcome.FAILED if run.status == run.Status.FAILED else RebuildOutcome.DEFERRED
    return f"{month:%Y-%m}", RebuildOutcome.SENT


def rebuild_message(outcome, month):
    """What the user is told after asking for a rebuild of ``month``."""
    label = month_label(month)
    if outcome == RebuildOutcome.DEFERRED:
        return _(
            "已记录重新生成%(month)s月度调度的请求，但任务队列暂时不可用：队列恢复后将自动开始，无需重复提交。"
        ) % {"month": label}
    if outcome == RebuildOutcome.FAILED:
        run = MonthlyProgressRun.objects.filter(month=month.replace(day=1)).first()
        return _("重新生成%(month)s月度调度失败：%(error)s") % {"month": label, "error": run.error if run else ""}
    return _(
        "已提交重新生成%(month)s月度调度的任务，稍后刷新本页查看结果。重复生成不会产生重复报表："
        "数据未变化的报表保持不变（已确认的仍为已确认），数据有变化的报表将更新并需重新确认。"
    ) % {"month": label}
