"""Guidance pages (执法指导, R-40…R-43): schedule, visits with the checklist, letters, reports, ledger.

Every page reads through ``restrict()``: a visit or letter of another county is not found (404). Writes
go through ``supervision.guidance.services``, which also decides who may act (city vs. county).
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from enforcement import xlsx
from enforcement.audit.services import downloaded, exported
from enforcement.documents.views import pdf_response
from enforcement.enterprises.models import Enterprise
from enforcement.uploads import serve_scoped_file
from enforcement.web.service_errors import apply_service_errors, ask_to_choose_files_again, refusals_on
from supervision.guidance import services
from supervision.guidance.forms import (
    CheckItemForm,
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
        "plan_warnings": overview.plan_warnings,
        "progress_warnings": overview.progress_warnings,
        "units_count": len(overview.units),
        "counties_visited": overview.counties_visited,
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
            entry = schedule_entry_for(user, data["county"], data["visit_date"])
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


def _checks(user, visit):
    return list(
        GuidanceCheck.objects.restrict(user, "view")
        .filter(visit=visit)
        .prefetch_related(Prefetch("evidence", queryset=GuidanceEvidence.objects.order_by("uploaded_at", "id")))
        .order_by("position")
    )


def _is_city(user, visit):
    return user.organisation_id == visit.city_id and user.has_perm("supervision.change_guidancevisit")


@login_required
@require_http_methods(["GET", "POST"])
def visit_detail(request, pk):
    """The visit with its checklist. The checklist is one form: saving stores every item at once, so a
    tick on one item is never dropped by saving another (issue 8 item 4)."""
    user = request.user
    _require_view(user)
    visit = _visit_or_404(user, pk)
    is_city = _is_city(user, visit)
    editable = is_city and visit.status != GuidanceVisit.Status.COMPLETED
    checks = _checks(user, visit)
    if request.method == "POST":
        if not is_city:
            raise PermissionDenied(_("只有市应急管理局可以填写指导事项。"))
        if not editable:
            messages.error(request, _("指导已完成，不能再修改指导事项。"))
            return redirect("supervision:guidance_visit", pk=visit.pk)
        rows = [(c, CheckItemForm(request.POST, request.FILES, check=c)) for c in checks]
        forms = [form for _check, form in rows]
        checklist_saved, last_changed = _save_checklist(request, visit, forms)
        if not any(form.errors for form in forms):
            # Back where the user was working: the last item changed.
            return redirect(visit_url(visit) + (f"#check-{last_changed}" if last_changed else ""))
        checks = _checks(user, visit)  # evidence stored meanwhile is listed with its item
        rows = list(zip(checks, forms, strict=True))
    else:
        checklist_saved = None
        rows = [(c, CheckItemForm(check=c)) for c in checks]
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
        "letter": letter,
        # the letter follows the finished visit (the service refuses an unfinished one too).
        "can_issue": is_city
        and letter is None
        and visit.status == GuidanceVisit.Status.COMPLETED
        and user.has_perm("supervision.issue_guidanceletter"),
        "nonconforming": sum(1 for c in checks if c.conforms is False),
        "unchecked": sum(1 for c in checks if c.conforms is None),
        # After a POST the page is shown only when something was refused; it comes back as typed.
        "refused": request.method == "POST",
        "checklist_saved": checklist_saved,
    }
    return render(request, "supervision/guidance/visit_detail.html", context, status=400 if context["refused"] else 200)


def _save_checklist(request, visit, forms):
    """Record every changed item in one transaction (all or nothing), then store the evidence chosen with
    it, item by item, whatever became of the ticks: a file once chosen is never to be chosen again.
    Refusals go on the item they concern. Returns whether the ticks and findings were saved, and the id of
    the last item changed."""
    user = request.user
    invalid = [form for form in forms if not form.is_valid()]  # every form validated, for every error
    changed, last_changed = 0, None
    if not invalid:
        with transaction.atomic():
            for form in forms:
                change = form.change()
                if change is None:
                    continue
                try:
                    services.record_check(user, form.item.pk, *change)
                except ValidationError as exc:
                    apply_service_errors(form, exc)
                changed, last_changed = changed + 1, form.item.pk
            saved = not any(form.errors for form in forms)
            if not saved:
                transaction.set_rollback(True)
    else:
        saved = False
    stored = 0
    for form in forms:
        upload = form.cleaned_data.get("evidence")
        if upload:
            try:
                services.add_evidence(user, form.item.pk, upload)
            except ValidationError as exc:
                form.add_error("evidence", exc.messages)
            else:
                stored, last_changed = stored + 1, form.item.pk
    if stored:
        messages.success(request, _("已上传%(n)d份佐证材料。") % {"n": stored})
    if saved and changed:
        messages.success(request, _("已保存指导事项（%(n)d项有改动）。") % {"n": changed})
    elif saved and not stored:
        messages.info(request, _("指导事项没有改动。"))
    if saved and request.POST.get("complete") and not any(form.errors for form in forms):
        try:
            services.complete_visit(user, visit.pk)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("执法指导已完成。"))
            last_changed = None
    return saved, last_changed


def visit_url(visit):
    return reverse("supervision:guidance_visit", args=[visit.pk])


@login_required
@require_GET
def evidence_file(request, pk):
    evidence = get_object_or_404(GuidanceEvidence.objects.restrict(request.user, "view"), pk=pk)
    downloaded(request, evidence, _("执法指导证据"), evidence.original_name or evidence.file.name)
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


def _letter_page(request, letter, report_form=None, review_form=None):
    """The letter with its reports, and the county's answer or the city's review form — bound and with
    its errors when a submission was refused, so that nothing typed is lost."""
    user = request.user
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
        "report_form": report_form or ReportForm(),
        "review_form": review_form or ReviewForm(),
    }
    refused = report_form if report_form is not None else review_form
    offered = context["may_answer"] if report_form is not None else context["may_review"]
    if refused is not None and not offered:
        # The form is no longer offered (the letter moved on meanwhile): say why at the top.
        for errors in refused.errors.values():
            messages.error(request, " ".join(errors))
    status = 200 if refused is None else 400
    return render(request, "supervision/guidance/letter_detail.html", context, status=status)


@login_required
@require_GET
def letter_detail(request, pk):
    return _letter_page(request, _letter_or_404(request.user, pk))


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
        with refusals_on(form, default_field="file") as call:
            report = services.submit_report(user, letter.pk, form.cleaned_data["text"], form.cleaned_data["file"])
        if call.ok:
            if report.late:
                messages.warning(request, _("整改报告已报送，但已超过报告期限，将标记为逾期报送。"))
            else:
                messages.success(request, _("整改报告已报送，等待市局审核。"))
            return redirect("supervision:guidance_letter", pk=letter.pk)
    ask_to_choose_files_again(form, request, "file")
    return _letter_page(request, letter, report_form=form)


@login_required
@require_POST
def report_review(request, pk):
    user = request.user
    letter = _letter_or_404(user, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        with refusals_on(form, default_field="reasons") as call:
            services.review_report(user, letter.pk, accept, form.cleaned_data["reasons"])
        if call.ok:
            messages.success(request, _("已通过整改报告，意见书已销号。") if accept else _("已退回整改报告。"))
            return redirect("supervision:guidance_letter", pk=letter.pk)
    return _letter_page(request, letter, review_form=form)


@login_required
@require_GET
def report_file(request, pk):
    report = get_object_or_404(RectificationReport.objects.restrict(request.user, "view"), pk=pk)
    downloaded(request, report, _("整改报告"), report.original_name or report.file.name)
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
    user = request.user
    _require_view(user)
    year = _year(request)
    rows, letters = ledger_data(user, year)

    def fill(workbook):
        sheet = workbook.create_sheet(_("县区汇总"))
        sheet.append(xlsx.row(sheet, [_("%(year)d年执法监督台账") % {"year": year}]))
        sheet.append(
            xlsx.row(
                sheet, [_("县区"), _("指导次数"), _("最近指导日期"), _("意见书"), _("未销号"), _("逾期"), _("已销号")]
            )
        )
        for r in rows:
            sheet.append(
                xlsx.row(
                    sheet,
                    [
                        r["county"].name,
                        r["visits"],
                        r["last_visit"].isoformat() if r["last_visit"] else "",
                        r["letters"],
                        r["open"],
                        r["overdue"],
                        r["closed"],
                    ],
                )
            )
        detail = workbook.create_sheet(_("意见书明细"))
        headers = [
            _("县区"),
            _("指导日期"),
            _("文号"),
            _("整改报告期限"),
            _("状态"),
            _("是否逾期"),
            _("报告次数"),
            _("销号时间"),
        ]
        detail.append(xlsx.row(detail, headers))
        for letter in letters:
            detail.append(
                xlsx.row(
                    detail,
                    [
                        letter.visit.county.name,
                        letter.visit.visit_date.isoformat(),
                        letter.document.number if letter.document else "",
                        letter.report_deadline.isoformat(),
                        letter.get_status_display(),
                        _("是") if letter.overdue else _("否"),
                        letter.report_count,
                        timezone.localtime(letter.closed_at).strftime("%Y-%m-%d") if letter.closed_at else "",
                    ],
                )
            )

    buffer = xlsx.write(fill)
    exported(request, _("执法监督台账"), len(rows) + len(letters), {"year": year})
    return FileResponse(
        buffer, as_attachment=True, filename=_("执法监督台账_%(year)d.xlsx") % {"year": year}, content_type=XLSX
    )
