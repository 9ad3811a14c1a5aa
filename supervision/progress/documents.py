"""月度执法计划执行情况报告 (R-05 monthly dispatch, R-06 targets) as an issued document."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.documents.sources import (
    VOLATILE_KEYS,
    DocumentSource,
    issue_for,
    register_source,
    same_organisation,
)
from supervision.progress.job import previous_month
from supervision.progress.models import MonthlyProgress
from supervision.progress.services import running_run


def person_name(user):
    return (user.full_name or user.username) if user else ""


def report_signatures(report, user=None):
    """签发人 — whoever confirmed the month, else the one issuing it — and the issuing user as 填报人
    (GB/T 9704-2012 7.2.4, 7.3.2: a report to a superior shows its signer)."""
    return {"signer": person_name(report.confirmed_by) or person_name(user), "preparer": person_name(user)}


def monthly_report_context(report, user=None):
    """The report's content. It goes up to the level above (R-05: 报市局法规科), so it names that bureau as
    its addressee (主送) and carries its signatures (``report_signatures``)."""
    upper = report.organisation.parent
    return {
        "issuer_name": report.organisation.name,
        "addressee": upper.name if upper else "",
        **report_signatures(report, user),
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


def check_month_built(report):
    """A report is issued for a month that has ended and is not being rebuilt: its figures are final."""
    if report.month > previous_month():
        raise ValidationError(
            _("%(y)d年%(m)d月尚未结束，月末生成月度调度后方可出具执行情况报告。")
            % {"y": report.month.year, "m": report.month.month}
        )
    if running_run(report.month):
        raise ValidationError(_("该月度调度正在重新生成，请生成完成后再出具。"))


def _authorise(user, report, organisation):
    if not user.has_perm("supervision.confirm_monthlyprogress"):
        raise PermissionDenied(_("您没有出具月度执行情况报告的权限。"))
    same_organisation(user, report, organisation)


MONTHLY_REPORT = DocumentSource(
    doc_type_key="monthly_progress",
    model=MonthlyProgress,
    queryset=lambda user, action: MonthlyProgress.objects.restrict(user, action).select_related(
        "organisation__parent", "confirmed_by"
    ),
    organisation_of=lambda r: r.organisation,
    title=lambda r: _("%(org)s%(y)d年%(m)d月执法计划执行情况报告")
    % {"org": r.organisation.name, "y": r.month.year, "m": r.month.month},
    build_context=monthly_report_context,
    issuer_context=report_signatures,
    volatile=(*VOLATILE_KEYS, "signer", "preparer"),
    check_ready=check_month_built,
    authorise=_authorise,
    issue_action="view",
    url=lambda report: reverse("supervision:progress_detail", args=[report.pk]),
    labels={
        "figures": gettext_lazy("统计数字"),
        "rates": gettext_lazy("完成率、复查率、覆盖率"),
        "behind": gettext_lazy("滞后计划检查"),
        "behind_more": gettext_lazy("滞后计划检查"),
        "generated_at": gettext_lazy("月度调度生成日期"),
        "confirmed_on": gettext_lazy("确认日期"),
    },
)


def issue_monthly_report(user, progress_id):
    """The organisation reports its month to the city (R-05). Idempotent per monthly report."""
    return issue_for(user, "monthly_progress", progress_id)


def register_sources():
    """Called from SupervisionConfig.ready()."""
    register_source(MONTHLY_REPORT)
