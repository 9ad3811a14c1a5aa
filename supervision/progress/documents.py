"""月度执法计划执行情况报告 (R-05 monthly dispatch, R-06 targets) as an issued document."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.documents.sources import issue_once
from supervision.progress.models import MonthlyProgress


def monthly_report_context(report):
    return {
        "issuer_name": report.organisation.name,
        "issue_date": timezone.localdate().isoformat(),
        "year": report.month.year,
        "month": report.month.month,
        "figures": {name: getattr(report, name) for name in MonthlyProgress.FIGURES if name != "behind"},
        "rates": {
            "completion": report.completion_rate,
            "reinspection": report.reinspection_rate,
            "key_coverage": report.key_coverage_rate,
            "general_coverage": report.general_coverage_rate,
        },
        "behind": [
            {"enterprise": row.get("enterprise", ""), "month": row.get("month")} for row in (report.behind or [])
        ],
        "behind_more": max(report.behind_count - len(report.behind or []), 0),
        "generated_at": timezone.localtime(report.generated_at).date().isoformat(),
        "confirmed_on": timezone.localtime(report.confirmed_at).date().isoformat() if report.confirmed_at else "",
    }


def issue_monthly_report(user, progress_id):
    """The organisation reports its month to the city (R-05). Idempotent per monthly report."""
    scoped = MonthlyProgress.objects.restrict(user, "view").select_related("organisation")
    scoped.get(pk=progress_id)  # out of scope → DoesNotExist (404)
    if not user.has_perm("supervision.confirm_monthlyprogress"):
        raise PermissionDenied(_("您没有出具月度执行情况报告的权限。"))
    return issue_once(
        user,
        scoped,
        progress_id,
        lambda r: r.organisation,
        "monthly_progress",
        lambda r: _("%(org)s%(y)d年%(m)d月执法计划执行情况报告")
        % {"org": r.organisation.name, "y": r.month.year, "m": r.month.month},
        monthly_report_context,
    )
