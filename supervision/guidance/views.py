"""Guidance pages (执法指导, R-40…R-43): schedule, visits with the checklist, letters, reports, ledger.

Every page reads through ``restrict()``: a visit or letter of another county is not found (404). Writes
go through ``supervision.guidance.services``, which also decides who may act (city vs. county).
"""

import datetime
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from enforcement.documents.views import pdf_response
from enforcement.enterprises.models import Enterprise
from enforcement.uploads import serve_scoped_file
from supervision.guidance import services
from supervision.guidance.forms import (
    CheckForm,
    EvidenceForm,
    LetterForm,
    ReportForm,
    ReviewForm,
    ScheduleEntryForm,
    SpotCheckForm,
    VisitForm,
)
from supervision.guidance.models import (
    GuidanceCheck,
    GuidanceEvidence,
    GuidanceLetter,
    GuidanceSchedule,
    GuidanceVisit,
    RectificationReport,
)
from supervision.guidance.queries import city_units, ledger_data, ledger_totals, schedule_entry_for, schedule_year

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors(exc):
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


def _require_view(user):
    if not user.has_perm("supervision.view_guidancevisit"):
        raise PermissionDenied(_("您没有查看执法指导的权限。"))


def _year(request):
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2000), 2100)


# --- Schedule ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def schedule(request):
    user = request.user
    _require_view(user)
    year = _year(request)
    units = city_units(user)
    form = ScheduleEntryForm(request.POST or None, units=units)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.add_schedule_entry(
                    user,
                    form.cleaned_data["county"],
                    year,
                    form.cleaned_data["planned_month"],
                    form.cleaned_data["note"],
                )
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, _errors(exc))
            else:
                messages.success(request, _("已添加执法指导安排。"))
                return redirect(f"{request.path}?year={year}")
        else:
            messages.error(request, _("请检查填写的内容。"))
    overview = schedule_year(user, year, units)
    context = {
        "year": year,
        "years": [year - 1, year, year + 1],
        "rows": overview.rows,
        "warnings": overview.warnings,
        "form": form,
        "can_edit": bool(units) and user.has_perm("supervision.add_guidanceschedule"),
    }
    return render(request, "supervision/guidance/schedule.html", context)


@login_required
@require_POST
def schedule_delete(request, pk):
    user = request.user
    entry = get_object_or_404(GuidanceSchedule.objects.restrict(user, "view"), pk=pk)
    try:
        services.delete_schedule_entry(user, entry.pk)
    except (GuidanceSchedule.DoesNotExist, PermissionDenied) as exc:
        raise Http404 from exc
    messages.success(request, _("已删除该安排。"))
    return redirect(f"{reverse('supervision:guidance_schedule')}?year={entry.year}")


# --- Visits --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def visit_list(request):
    user = request.user
    _require_view(user)
    units = city_units(user)
    can_create = bool(units) and user.has_perm("supervision.add_guidancevisit")
    form = VisitForm(request.POST or None, units=units, city=user.organisation) if can_create else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("只有市应急管理局可以安排执法指导。"))
        if form.is_valid():
            data = form.cleaned_data
            entry = schedule_entry_for(user, data["county"], data["visit_date"].year)
            try:
                visit = services.create_visit(user, data["county"], data["visit_date"], data["team"], entry)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, _errors(exc))
            else:
                messages.success(request, _("已创建执法指导。"))
                return redirect("supervision:guidance_visit", pk=visit.pk)
    visits = (
        GuidanceVisit.objects.restrict(user, "view")
        .select_related("county", "letter__document")
        .prefetch_related("team")
        .order_by("-visit_date", "-id")
    )
    return render(
        request, "supervision/guidance/visit_list.html", {"visits": visits, "form": form, "can_create": can_create}
    )


def _visit_or_404(user, pk):
    return get_object_or_404(
        GuidanceVisit.objects.restrict(user, "view").select_related("county", "city", "spot_plan"), pk=pk
    )


@login_required
@require_GET
def visit_detail(request, pk):
    user = request.user
    _require_view(user)
    visit = _visit_or_404(user, pk)
    checks = list(
        GuidanceCheck.objects.restrict(user, "view")
        .filter(visit=visit)
        .prefetch_related(Prefetch("evidence", queryset=GuidanceEvidence.objects.order_by("uploaded_at", "id")))
        .order_by("position")
    )
    is_city = user.organisation_id == visit.city_id and user.has_perm("supervision.change_guidancevisit")
    editable = is_city and visit.status != GuidanceVisit.Status.COMPLETED
    rows = [
        (
            c,
            CheckForm(
                initial={"finding": c.finding, "conforms": {True: "yes", False: "no"}.get(c.conforms)},
                prefix=f"c{c.pk}",
            ),
        )
        for c in checks
    ]
    spot = []
    if visit.spot_result:
        names = dict(
            Enterprise.objects.filter(pk__in=[r["enterprise"] for r in visit.spot_result]).values_list("pk", "name")
        )
        team = {m.pk: m for m in visit.team.all()}
        spot = [
            (names.get(r["enterprise"], r["enterprise"]), [str(team.get(o, o)) for o in r["officers"]])
            for r in visit.spot_result
        ]
    letter = GuidanceLetter.objects.restrict(user, "view").filter(visit=visit).select_related("document").first()
    context = {
        "visit": visit,
        "team": list(visit.team.all()),
        "rows": rows,
        "editable": editable,
        "is_city": is_city,
        "spot": spot,
        "spot_form": SpotCheckForm(),
        "evidence_form": EvidenceForm(),
        "letter": letter,
        # the letter follows the finished visit (the service refuses an unfinished one too).
        "can_issue": is_city
        and letter is None
        and visit.status == GuidanceVisit.Status.COMPLETED
        and user.has_perm("supervision.issue_guidanceletter"),
        "nonconforming": sum(1 for c in checks if c.conforms is False),
        "unchecked": sum(1 for c in checks if c.conforms is None),
    }
    return render(request, "supervision/guidance/visit_detail.html", context)


@login_required
@require_POST
def check_update(request, pk, check_pk):
    user = request.user
    visit = _visit_or_404(user, pk)
    check = get_object_or_404(GuidanceCheck.objects.restrict(user, "view").filter(visit=visit), pk=check_pk)
    form = CheckForm(request.POST, prefix=f"c{check.pk}")
    if form.is_valid():
        try:
            services.record_check(user, check.pk, form.cleaned_data["finding"], form.cleaned_data["conforms"] == "yes")
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("已保存“%(item)s”。") % {"item": check.label})
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(f"{visit_url(visit)}#check-{check.pk}")


def visit_url(visit):
    return reverse("supervision:guidance_visit", args=[visit.pk])


@login_required
@require_POST
def evidence_upload(request, pk, check_pk):
    user = request.user
    visit = _visit_or_404(user, pk)
    check = get_object_or_404(GuidanceCheck.objects.restrict(user, "view").filter(visit=visit), pk=check_pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_evidence(user, check.pk, form.cleaned_data["file"])
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("已上传佐证材料。"))
    else:
        messages.error(request, _("请选择文件。"))
    return redirect(f"{visit_url(visit)}#check-{check.pk}")


@login_required
@require_GET
def evidence_file(request, pk):
    evidence = get_object_or_404(GuidanceEvidence.objects.restrict(request.user, "view"), pk=pk)
    return serve_scoped_file(evidence.file, download_name=evidence.original_name or None)


@login_required
@require_POST
def spot_check(request, pk):
    user = request.user
    visit = _visit_or_404(user, pk)
    form = SpotCheckForm(request.POST)
    if form.is_valid():
        try:
            services.draw_spot_check(user, visit.pk, form.cleaned_data["count"])
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("已随机抽取抽查企业。"))
    return redirect(f"{visit_url(visit)}#spot")


@login_required
@require_POST
def visit_complete(request, pk):
    user = request.user
    visit = _visit_or_404(user, pk)
    try:
        services.complete_visit(user, visit.pk)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("执法指导已完成。"))
    return redirect("supervision:guidance_visit", pk=visit.pk)


# --- Letters -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def letter_issue(request, pk):
    user = request.user
    visit = _visit_or_404(user, pk)
    if user.organisation_id != visit.city_id or not user.has_perm("supervision.issue_guidanceletter"):
        raise PermissionDenied(_("只有市应急管理局可以下达执法指导意见书。"))
    if hasattr(visit, "letter"):
        return redirect("supervision:guidance_letter", pk=visit.letter.pk)
    default_deadline = timezone.localdate() + datetime.timedelta(days=30)
    form = LetterForm(
        request.POST or None,
        initial={
            "report_deadline": default_deadline,
            "contact_name": user.full_name,
        },
    )
    if request.method == "POST":
        findings = [
            {"problem": p, "opinion": o}
            for p, o in zip(request.POST.getlist("problem"), request.POST.getlist("opinion"), strict=False)
        ]
        if form.is_valid():
            data = form.cleaned_data
            try:
                letter = services.issue_letter(
                    user, visit.pk, findings, data["report_deadline"], data["contact_name"], data["contact_phone"]
                )
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, _errors(exc))
            else:
                messages.success(request, _("已下达意见书 %(number)s。") % {"number": letter.document.number})
                return redirect("supervision:guidance_letter", pk=letter.pk)
    else:
        findings = services.default_findings(visit)
    findings = findings + [{"problem": "", "opinion": ""}] * (2 if len(findings) < 3 else 1)
    return render(
        request, "supervision/guidance/letter_issue.html", {"visit": visit, "form": form, "findings": findings}
    )


def _letter_or_404(user, pk):
    return get_object_or_404(
        GuidanceLetter.objects.restrict(user, "view").select_related(
            "visit__county", "visit__city", "document", "issued_by"
        ),
        pk=pk,
    )


@login_required
@require_GET
def letter_detail(request, pk):
    user = request.user
    letter = _letter_or_404(user, pk)
    reports = list(
        RectificationReport.objects.restrict(user, "view")
        .filter(letter=letter)
        .select_related("submitted_by", "reviewed_by")
        .order_by("submitted_at", "id")
    )
    context = {
        "letter": letter,
        "reports": reports,
        "today": timezone.localdate(),
        "overdue": letter.is_overdue(timezone.localdate()),
        "may_answer": services.may_answer(user, letter),
        "may_review": services.may_review(user, letter),
        "report_form": ReportForm(),
        "review_form": ReviewForm(),
    }
    return render(request, "supervision/guidance/letter_detail.html", context)


@login_required
@require_GET
def letter_pdf(request, pk):
    letter = _letter_or_404(request.user, pk)
    if not letter.document_id:
        raise Http404(_("文书正在生成，请稍后再试。"))
    # The same answer as the documents register: as issued, or with the 作废 mark once voided.
    return pdf_response(request, letter.document)


@login_required
@require_POST
def report_submit(request, pk):
    user = request.user
    letter = _letter_or_404(user, pk)
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            report = services.submit_report(user, letter.pk, form.cleaned_data["text"], form.cleaned_data["file"])
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _errors(exc))
        else:
            if report.late:
                messages.warning(request, _("整改报告已报送，但已超过报告期限，将标记为逾期报送。"))
            else:
                messages.success(request, _("整改报告已报送，等待市局审核。"))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("supervision:guidance_letter", pk=letter.pk)


@login_required
@require_POST
def report_review(request, pk):
    user = request.user
    letter = _letter_or_404(user, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.review_report(user, letter.pk, accept, form.cleaned_data["reasons"])
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("已通过整改报告，意见书已销号。") if accept else _("已退回整改报告。"))
    return redirect("supervision:guidance_letter", pk=letter.pk)


@login_required
@require_GET
def report_file(request, pk):
    report = get_object_or_404(RectificationReport.objects.restrict(request.user, "view"), pk=pk)
    return serve_scoped_file(report.file, download_name=report.original_name or None)


# --- Ledger (执法监督台账, R-43) ------------------------------------------------------------------


@login_required
@require_GET
def ledger(request):
    user = request.user
    _require_view(user)
    year = _year(request)
    rows, letters = ledger_data(user, year)
    totals = ledger_totals(rows)
    context = {"year": year, "years": [year - 1, year, year + 1], "rows": rows, "letters": letters, "totals": totals}
    return render(request, "supervision/guidance/ledger.html", context)


@login_required
@require_GET
def ledger_export(request):
    from openpyxl import Workbook

    user = request.user
    _require_view(user)
    year = _year(request)
    rows, letters = ledger_data(user, year)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("县区汇总"))
    sheet.append([_("%(year)d年执法监督台账") % {"year": year}])
    sheet.append([_("县区"), _("指导次数"), _("最近指导日期"), _("意见书"), _("未销号"), _("逾期"), _("已销号")])
    for r in rows:
        sheet.append(
            [
                r["county"].name,
                r["visits"],
                r["last_visit"].isoformat() if r["last_visit"] else "",
                r["letters"],
                r["open"],
                r["overdue"],
                r["closed"],
            ]
        )
    detail = workbook.create_sheet(_("意见书明细"))
    detail.append(
        [_("县区"), _("指导日期"), _("文号"), _("整改报告期限"), _("状态"), _("是否逾期"), _("报告次数"), _("销号时间")]
    )
    for letter in letters:
        detail.append(
            [
                letter.visit.county.name,
                letter.visit.visit_date.isoformat(),
                letter.document.number if letter.document else "",
                letter.report_deadline.isoformat(),
                letter.get_status_display(),
                _("是") if letter.overdue else _("否"),
                letter.report_count,
                timezone.localtime(letter.closed_at).strftime("%Y-%m-%d") if letter.closed_at else "",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return FileResponse(
        buffer, as_attachment=True, filename=_("执法监督台账_%(year)d.xlsx") % {"year": year}, content_type=XLSX
    )
