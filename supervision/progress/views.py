"""Monthly progress pages (月调度, R-05/R-06): a county's own report, the city's roll-up, export, re-run.

Every page reads ``MonthlyProgress.objects.restrict(user, "view")``: a report outside the user's scope is
not found (404). Confirming and re-running go through ``supervision.services``.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from enforcement.audit.services import exported
from enforcement.documents.sources import documents_for, issue_from_page, source_key
from enforcement.orgs.models import Organisation
from supervision.progress import exporting, live, runs, services
from supervision.progress.documents import issue_monthly_report
from supervision.progress.forms import RebuildForm, month_label, parse_month
from supervision.progress.job import previous_month
from supervision.progress.models import MonthlyProgress, MonthlyProgressRun

HISTORY_MONTHS = 12
# Levels whose users supervise others: their page leads with the roll-up, not with their own report.
SUPERVISING_LEVELS = (Organisation.Level.PROVINCE, Organisation.Level.CITY)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUMMED = [name for name in MonthlyProgress.FIGURES if name != "behind"]


@dataclass(frozen=True)
class Rate:
    """A percentage as shown: "66.7%", or "—" when there is nothing to measure. Target 100% (R-06)."""

    value: float | None

    def __str__(self):
        return "—" if self.value is None else f"{self.value:g}%"

    @property
    def low(self):
        return self.value is not None and self.value < 100


@dataclass
class Row:
    """One report with its rates wrapped for display, and its place in the ranking."""

    report: MonthlyProgress
    rank: int | None = None
    completion: Rate = field(init=False)
    reinspection: Rate = field(init=False)
    key_coverage: Rate = field(init=False)
    general_coverage: Rate = field(init=False)

    def __post_init__(self):
        r = self.report
        self.completion = Rate(r.completion_rate)
        self.reinspection = Rate(r.reinspection_rate)
        self.key_coverage = Rate(r.key_coverage_rate)
        self.general_coverage = Rate(r.general_coverage_rate)

    @property
    def month_param(self):
        return f"{self.report.month:%Y-%m}"


def _ranking_key(report):
    # ranked by plan completion, then by re-inspection; nothing due to re-inspect ranks last.
    def desc(value):
        return (value is None, -(value or 0))

    return (*desc(report.completion_rate), *desc(report.reinspection_rate), report.organisation.path)


def has_planned_work(report):
    """Only a unit with planned inspections up to the month has a completion rate to be ranked by."""
    return report.planned > 0


def ranked(reports):
    """Rows of the units with planned work, in ranking order; equal rates share a rank (1, 1, 3).

    A unit with nothing planned is not ranked at all (it would tie with real units on "—"): see
    ``unranked``.
    """
    rows, previous = [], None
    planned = [report for report in reports if has_planned_work(report)]
    for position, report in enumerate(sorted(planned, key=_ranking_key), start=1):
        rates = (report.completion_rate, report.reinspection_rate)
        rank = rows[-1].rank if rows and rates == previous else position
        rows.append(Row(report, rank))
        previous = rates
    return rows


def unranked(reports):
    """Rows of the units with no planned inspections up to the month (本月无计划检查任务的单位), by tree order."""
    apart = [report for report in reports if not has_planned_work(report)]
    return [Row(report) for report in sorted(apart, key=lambda report: report.organisation.path)]


def totals(reports, month):
    """An unsaved report holding the sums of ``reports``: its rate properties give the overall rates."""
    sums = dict.fromkeys(SUMMED, 0)
    for report in reports:
        for name in SUMMED:
            sums[name] += getattr(report, name)
    return Row(MonthlyProgress(month=month, **sums))


def _require_view(user):
    if not user.has_perm("supervision.view_monthlyprogress"):
        raise PermissionDenied(_("您没有查看月度调度的权限。"))


def _selected_month(request, months):
    """The month asked for ("YYYY-MM"), else the latest month with reports in the user's scope."""
    raw = request.GET.get("month")
    if raw:
        try:
            return parse_month(raw)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
    return months[0] if months else previous_month()


def _history(user, organisation_id):
    reports = (
        MonthlyProgress.objects.restrict(user, "view")
        .filter(organisation_id=organisation_id)
        .select_related("organisation")
        .order_by("-month")[:HISTORY_MONTHS]
    )
    return [Row(report) for report in reports]


def _may_confirm(user, report):
    # The month so far (本月至今) is an unsaved report: there is nothing to confirm.
    return (
        report.pk is not None
        and report.confirmed_at is None
        and report.organisation_id == user.organisation_id
        and user.has_perm("supervision.confirm_monthlyprogress")
    )


def _report_context(user, report):
    behind = report.behind or []
    return {
        "row": Row(report),
        "behind": behind,
        "behind_more": max(report.behind_count - len(behind), 0),
        "may_confirm": _may_confirm(user, report),
        "is_own": report.organisation_id == user.organisation_id,
        "history": _history(user, report.organisation_id),
    }


def _roll_up_context(user, month, reports, *, live):
    """What the month page shows of ``reports`` (stored, or the unsaved figures of the month so far)."""
    own = next((r for r in reports if r.organisation_id == user.organisation_id), None)
    others = [r for r in reports if r is not own]
    supervising = user.organisation is None or user.organisation.level in SUPERVISING_LEVELS
    rows = ranked(reports) if others else []
    apart = unranked(reports) if others else []
    # A county reads its own report (and below it the roll-up of its townships, if they report); the
    # city reads the roll-up of its counties, its own report being one row of it.
    show_own = own is not None and (not supervising or not others)
    listed = rows or apart
    return {
        "reports": reports,
        "own": _report_context(user, own) if show_own else None,
        "show_own": show_own,
        "rows": rows,
        "unranked": apart,
        "units_count": len(rows) + len(apart),
        "total": totals(reports, month) if listed else None,
        "confirmed_count": sum(1 for r in reports if r.confirmed_at),
        "unconfirmed": (
            list(services.unconfirmed(user, month).order_by("organisation__path")) if listed and not live else []
        ),
    }


@login_required
@require_GET
def progress(request):
    user = request.user
    _require_view(user)
    scoped = MonthlyProgress.objects.restrict(user, "view")
    months = list(scoped.dates("month", "month", order="DESC"))
    month = _selected_month(request, months)
    current = timezone.localdate().replace(day=1)
    # The month under way has no report yet (the job builds it on the 1st of the next month): its page
    # shows the figures so far, computed live and never stored (本月至今).
    so_far = live.month_so_far(user) if month == current else None
    if so_far is not None:
        reports = so_far.reports
    else:
        reports = list(
            scoped.filter(month=month).select_related("organisation", "confirmed_by").order_by("organisation__path")
        )
    run = None if so_far else MonthlyProgressRun.objects.filter(month=month).first()
    context = {
        "month": month,
        "month_label": month_label(month) + (_("（本月至今）") if so_far else ""),
        "month_param": f"{month:%Y-%m}",
        "months": [(f"{m:%Y-%m}", month_label(m)) for m in months if m != current],
        "current_param": f"{current:%Y-%m}",
        "current_label": month_label(current),
        "month_listed": month in months or month == current,
        "so_far": so_far,
        "run": run,
        "run_state": runs.state(run) if run else None,
        "can_rebuild": services.can_rebuild(user),
        **_roll_up_context(user, month, reports, live=so_far is not None),
    }
    if context["can_rebuild"]:
        default = month if month <= previous_month() else previous_month()
        context["rebuild_form"] = RebuildForm(initial={"month": default})
        context["rebuild_max"] = f"{previous_month():%Y-%m}"
    return render(request, "supervision/progress.html", context)


@login_required
@require_GET
def progress_detail(request, pk):
    user = request.user
    _require_view(user)
    report = get_object_or_404(
        MonthlyProgress.objects.restrict(user, "view").select_related("organisation", "confirmed_by"), pk=pk
    )
    context = _report_context(user, report)
    context.update(report=report, month_label=month_label(report.month), month_param=f"{report.month:%Y-%m}")
    context["documents"] = documents_for(user, [source_key(report)])
    # The report is the organisation's own, numbered by it: its legal section issues it.
    context["can_issue"] = report.organisation_id == user.organisation_id and user.has_perm(
        "supervision.confirm_monthlyprogress"
    )
    return render(request, "supervision/progress_detail.html", context)


@login_required
@require_POST
def progress_document(request, pk):
    """出具月度执法计划执行情况报告 (numbered PDF); a second click returns the same document."""
    back = reverse("supervision:progress_detail", args=[pk]) + "#documents"
    return issue_from_page(request, issue_monthly_report, pk, back)


@login_required
@require_POST
def progress_confirm(request, pk):
    """The county confirms its own report (R-05). Another organisation's report: refused (403) or 404."""
    user = request.user
    _require_view(user)
    report = get_object_or_404(MonthlyProgress.objects.restrict(user, "view"), pk=pk)
    try:
        services.confirm_progress(user, report.pk)
    except ValidationError as exc:
        messages.warning(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("已确认上报%(org)s %(month)s的月度调度。")
            % {"org": report.organisation.name, "month": month_label(report.month)},
        )
    target = request.POST.get("next")
    if target == "list":
        return redirect(f"{reverse('supervision:progress')}?{urlencode({'month': f'{report.month:%Y-%m}'})}")
    return redirect("supervision:progress_detail", pk=report.pk)


@login_required
@require_POST
def progress_rebuild(request):
    """Queue the monthly job for a past month; idempotent, so a second click changes nothing."""
    user = request.user
    if not services.can_rebuild(user):
        raise PermissionDenied(_("您没有重新生成月度调度的权限。"))
    form = RebuildForm(request.POST)
    month = None
    if form.is_valid():
        month = form.cleaned_data["month"]
        try:
            _label, outcome = services.request_rebuild(user, month)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            level = {services.RebuildOutcome.SENT: messages.SUCCESS, services.RebuildOutcome.DEFERRED: messages.WARNING}
            messages.add_message(request, level.get(outcome, messages.ERROR), services.rebuild_message(outcome, month))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    url = reverse("supervision:progress")
    return redirect(f"{url}?{urlencode({'month': f'{month:%Y-%m}'})}" if month else url)


@login_required
@require_GET
def progress_export(request):
    """The roll-up the user sees for one month, as .xlsx (ranking order, totals row)."""
    user = request.user
    _require_view(user)
    raw = request.GET.get("month")
    scoped = MonthlyProgress.objects.restrict(user, "view")
    try:
        month = parse_month(raw) if raw else scoped.dates("month", "month", order="DESC").first()
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("supervision:progress")
    month = month or previous_month()
    reports = list(scoped.filter(month=month).select_related("organisation", "confirmed_by"))
    exported(request, _("月度调度汇总"), len(reports), {"month": f"{month:%Y-%m}"})
    workbook = exporting.write_workbook(
        user, month, ranked(reports), totals(reports, month) if reports else None, unranked(reports)
    )
    return FileResponse(
        workbook,
        as_attachment=True,
        filename=_("月度调度汇总_%(month)s.xlsx") % {"month": f"{month:%Y-%m}"},
        content_type=XLSX,
    )
