"""What the monthly progress (月调度, R-05) puts on the home page (enforcement.web.todo).

A county confirms its own monthly reports; the level above sees which lower units have not confirmed the
last month's.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from enforcement.web.todo import Severity, TodoRow, listed_item
from plans.annual.todo import oversees_execution
from supervision.progress.forms import month_label
from supervision.progress.job import previous_month
from supervision.progress.models import MonthlyProgress
from supervision.progress.views import SUPERVISING_LEVELS


def _detail_url(report):
    return reverse("supervision:progress_detail", args=[report.pk])


def _own_to_confirm(user, today):
    if not user.organisation_id or not user.has_perm("supervision.confirm_monthlyprogress"):
        return []
    waiting = MonthlyProgress.objects.restrict(user, "view").filter(
        organisation_id=user.organisation_id, confirmed_at__isnull=True
    )
    return listed_item(
        waiting.order_by("-month"),
        lambda report: TodoRow(label=month_label(report.month), url=_detail_url(report), action=_("确认")),
        key="progress.confirm",
        title=_("本单位月度调度待确认"),
        url=reverse("supervision:progress"),
        severity=Severity.DUE,
        hint=_("核对本月计划执行和隐患整改数据后确认，市局据此调度。"),
    )


def _lower_unconfirmed(user, today):
    org = user.organisation
    if (
        org is None
        or org.level not in SUPERVISING_LEVELS
        or not oversees_execution(user)
        or not user.has_perm("supervision.view_monthlyprogress")
    ):
        return []
    # The month the city is chasing now: the last one built (the previous month), as the progress page shows.
    month = previous_month(today)
    waiting = (
        MonthlyProgress.objects.restrict(user, "view")
        .filter(month=month, confirmed_at__isnull=True)
        .exclude(organisation=org)
    )
    return listed_item(
        waiting.select_related("organisation").order_by("organisation__path"),
        lambda report: TodoRow(label=report.organisation.name, url=_detail_url(report)),
        key="progress.lower_unconfirmed",
        title=_("下级未确认的%(month)s月度调度") % {"month": month_label(month)},
        url=reverse("supervision:progress") + f"?month={month:%Y-%m}",
        severity=Severity.DUE,
    )


def progress_todo(user, today):
    return [*_own_to_confirm(user, today), *_lower_unconfirmed(user, today)]
