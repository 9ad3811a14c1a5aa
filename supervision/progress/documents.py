"""月度执法计划执行情况报告 (R-05 monthly dispatch, R-06 targets) as an issued document."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.documents.sources import issue_once
from supervision.progress.models import MonthlyProgress


def person_name(user):
    return (user.full_name or user.username) if user else ""


def monthly_report_context(report, user=None):
    """The report's content. It goes up to the level above (R-05: 报市局法规科), so it names that bureau as
    its addressee (主送) and carries a 签发人 — whoever confirmed the month, else the one issuing it — and
    the issuing user as 填报人 (GB/T 9704-2012 7.2.4, 7.3.2: a report to a superior shows its signer)."""
    upper = report.organisation.parent
    return {
        "issuer_name": report.organisation.name,
        "addressee": upper.name if upper else "",
        "signer": person_name(report.confirmed_by) or person_name(user),
        "preparer": person_name(user),
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
    scoped = MonthlyProgress.objects.restrict(user, "view").select_related("organisation__parent", "confirmed_by")
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
        lambda r: monthly_report_context(r, user),
    )
