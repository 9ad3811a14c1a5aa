"""Inspection pages, made for an officer on site with a 10-inch tablet.

Every page fetches through ``Model.objects.restrict(user, action)``: a record outside the user's scope is
simply not found (404). Writes go through ``cases.inspections.services``; the services' Chinese messages are shown next
to the field they concern, and a failed submit re-renders the form with everything that was typed.
"""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.inspections import corrections, pending, services
from cases.inspections import documents as case_documents
from cases.inspections.filters import OPEN_STATES, HazardFilter, InspectionFilter
from cases.inspections.forms import (
    CompleteInspectionForm,
    CorrectionForm,
    HazardForm,
    InspectionForm,
    ReInspectionRowFormSet,
    ReInspectionVisitForm,
)
from cases.inspections.models import Hazard, HazardPhoto, Inspection, PendingPhoto, ReInspection, ReInspectionVisit
from cases.inspections.thumbnails import stored_thumbnail
from enforcement.audit.services import downloaded
from enforcement.documents.sources import documents_for, issue_from_page, source_key
from enforcement.enterprises.models import Enterprise
from enforcement.orgs.models import User
from enforcement.orgs.services import team_candidates
from enforcement.uploads import PHOTO, serve_scoped_file
from enforcement.web.querystring import querystring
from enforcement.web.service_errors import apply_service_errors, permission_message, refusals_on
from plans.models import CheckItem, InspectionPlan, PlanItem

PAGE_SIZE = 20
DUE_LIMIT = 30
# Plan versions in force: approved and beyond (a superseded version no longer counts).
EFFECTIVE_PLANS = (InspectionPlan.Status.APPROVED, InspectionPlan.Status.FILED, InspectionPlan.Status.PUBLISHED)
DRAFT_DONE = "cases_draft_done"
# A proposal only: the officer sets the real deadline in the rectification order.
DEFAULT_RECTIFICATION = datetime.timedelta(days=15)


def _int_or_404(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _polish_filter_form(form, user):
    """Labels "全部", an indented organisation tree and date pickers on the shared filter form."""
    everything = gettext_lazy("全部")
    org_field = form.fields["organisation"]
    org_field.empty_label = everything
    depth = user.organisation.depth if user.organisation_id else 1
    org_field.label_from_instance = lambda obj: "\u3000" * max(0, obj.depth - depth) + obj.name
    for name in ("date_from", "date_to"):
        if name in form.fields:
            form.fields[name].widget.input_type = "date"
    if "q" in form.fields:
        form.fields["q"].widget.input_type = "search"
        form.fields["q"].widget.attrs["placeholder"] = _("单位名称或信用代码")
    return everything


def _yes_no(form, name, everything):
    form.fields[name].widget = forms.Select(
        choices=[("", everything), ("true", gettext_lazy("是")), ("false", gettext_lazy("否"))]
    )


def _mark_draft_done(request, key):
    """Tell the next page that the browser-side draft of ``key`` was saved and may be discarded."""
    request.session[DRAFT_DONE] = key


def _pop_draft_done(request):
    return request.session.pop(DRAFT_DONE, "")


def _officer_choices(organisation, also=()):
    """Who may be on a team of ``organisation``: officers certified today (R-50) of it, of its delegating body
    and of the other bureaus of the city (R-55, R-09; enforcement.orgs.services.team_candidates says why
    this reaches beyond the user's data scope), plus ``also`` (the planned officers)."""
    candidates = team_candidates(organisation).values("pk")
    return (
        User.objects.filter(Q(pk__in=candidates) | Q(pk__in=[u.pk for u in also]))
        .select_related("organisation")
        .order_by("organisation__path", "full_name", "username")
    )


# --- inspection list -------------------------------------------------------------------------------


def due_plan_items(user, today=None):
    """Plan items of the user's organisation's plans in force, due this month or earlier, not yet inspected."""
    today = today or timezone.localdate()
    if not user.organisation_id or not user.has_perm("cases.add_inspection"):
        return PlanItem.objects.none()
    through = PlanItem.officers.through
    return (
        PlanItem.objects.restrict(user, "view")
        .filter(
            plan__organisation_id=user.organisation_id,
            plan__status__in=EFFECTIVE_PLANS,
            plan__year=today.year,
            planned_month__lte=today.month,
        )
        .annotate(
            carried_out=Exists(Inspection.objects.filter(plan_item=OuterRef("pk"))),
            mine=Exists(through.objects.filter(planitem_id=OuterRef("pk"), user_id=user.pk)),
        )
        .filter(carried_out=False)
        .select_related("enterprise", "plan")
        .prefetch_related("officers")
        .order_by("planned_month", "-mine", "enterprise__name", "pk")
    )


@login_required
@require_GET
def inspection_list(request):
    user = request.user
    today = timezone.localdate()
    base = (
        Inspection.objects.restrict(user, "view")
        .select_related("enterprise", "organisation", "plan_item")
        .prefetch_related("officers")
        .annotate(
            hazard_total=Count("hazards", distinct=True),
            hazard_open=Count("hazards", filter=Q(hazards__status__in=OPEN_STATES), distinct=True),
        )
        # Grouping drops the model's default ordering; pages need a stable one.
        .order_by("-inspected_on", "-id")
    )
    filterset = InspectionFilter(request.GET, queryset=base, request=request)
    everything = _polish_filter_form(filterset.form, user)
    # Re-assigning the choices rebinds django-filter's choice iterator to this form's field.
    filterset.form.fields["status"].empty_label = None
    filterset.form.fields["status"].choices = [("", everything), *Inspection.Status.choices]
    _yes_no(filterset.form, "has_open_hazards", everything)
    queryset = filterset.qs if filterset.is_valid() else base.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    due = list(due_plan_items(user, today)[: DUE_LIMIT + 1])
    return render(
        request,
        "cases/inspection_list.html",
        {
            "filter": filterset,
            "page": page,
            "page_query": querystring(request, "page"),
            "filtered": any(v for k, v in request.GET.items() if k in filterset.form.fields),
            "due": due[:DUE_LIMIT],
            "due_more": len(due) > DUE_LIMIT,
            "show_due": user.has_perm("cases.add_inspection") and user.organisation_id is not None,
            "this_month": today.month,
            "can_add": user.has_perm("cases.add_inspection"),
        },
    )


# --- recording an inspection -----------------------------------------------------------------------


def _check_items_for(enterprise, plan_item=None):
    """The on-site plan's check items (R-10): the plan item's own, plus the principal person's duties.

    Without a plan item: the general items and those of the enterprise's sector.
    """
    active = CheckItem.objects.filter(is_active=True)
    if plan_item is not None:
        q = Q(pk__in=plan_item.check_items.values("pk"))
        if plan_item.include_principal_duties:
            q |= Q(principal_duty=True, is_active=True)
        items = CheckItem.objects.filter(q)
    else:
        items = active.filter(Q(sector__isnull=True) | Q(sector_id=enterprise.sector_id))
    # Principal person's duties first (they open every 三位一体 inspection), then the library order.
    return sorted(items.distinct(), key=lambda i: (not i.principal_duty, i.sector_id is not None, i.sort_order, i.pk))


def _choose_enterprise(request):
    """No plan item and no enterprise given: search the register for an unplanned inspection."""
    q = request.GET.get("q", "").strip()
    found = []
    if q:
        found = list(
            Enterprise.objects.restrict(request.user, "view")
            .filter(Q(name__icontains=q) | Q(credit_code__istartswith=q.upper()))
            .select_related("organisation")
            .order_by("name")[:20]
        )
    return render(request, "cases/inspection_choose.html", {"q": q, "found": found})


@login_required
@require_http_methods(["GET", "POST"])
def inspection_create(request):
    user = request.user
    if not user.has_perm("cases.add_inspection"):
        raise PermissionDenied(_("您没有录入执法检查的权限。"))
    plan_item = None
    if request.GET.get("plan_item"):
        try:
            plan_item = services.plan_item_to_carry_out(user, _int_or_404(request.GET["plan_item"]))
        except PlanItem.DoesNotExist:
            raise Http404 from None
        enterprise, organisation = plan_item.enterprise, plan_item.plan.organisation
        planned_officers = list(plan_item.officers.all())
        draft_key = f"inspection:plan_item:{plan_item.pk}"
    elif request.GET.get("enterprise"):
        enterprise = get_object_or_404(
            Enterprise.objects.restrict(user, "view").select_related("sector"),
            pk=_int_or_404(request.GET["enterprise"]),
        )
        if user.organisation is None:
            raise PermissionDenied(_("您未分配所属单位，不能录入计划外检查。"))
        organisation, planned_officers = user.organisation, []
        draft_key = f"inspection:enterprise:{enterprise.pk}"
    else:
        return _choose_enterprise(request)

    officers = _officer_choices(organisation, planned_officers)
    initial_officers = [u.pk for u in planned_officers] or ([user.pk] if officers.filter(pk=user.pk).exists() else [])
    form = InspectionForm(
        request.POST or None,
        officers=officers,
        organisation=organisation,
        check_items=_check_items_for(enterprise, plan_item),
        initial={"officers": initial_officers},
    )
    if request.method == "POST" and form.is_valid():
        # Field-less messages of record_inspection are about the enforcement team (two certified
        # officers, one of them the body's own): they belong next to the officer choices.
        with refusals_on(
            form, not_found=(PlanItem.DoesNotExist, Enterprise.DoesNotExist), default_field="officers", adapt=_on_start
        ) as call:
            inspection = services.record_inspection(
                user,
                inspected_on=form.inspected_on(),
                officers=list(form.cleaned_data["officers"]),
                plan_item_id=plan_item.pk if plan_item else None,
                enterprise_id=None if plan_item else enterprise.pk,
                results=form.results(),
                **form.attendance(),
            )
        if call.ok:
            _mark_draft_done(request, draft_key)
            messages.success(
                request,
                _("已保存对“%(name)s”的检查记录。发现隐患请在下方“添加隐患”中登记。") % {"name": enterprise.name},
            )
            return redirect("cases:inspection_detail", pk=inspection.pk)
    earlier = []
    if plan_item is not None:
        earlier = list(Inspection.objects.restrict(user, "view").filter(plan_item=plan_item).order_by("-inspected_on"))
    return render(
        request,
        "cases/inspection_form.html",
        {
            "form": form,
            "plan_item": plan_item,
            "enterprise": enterprise,
            "organisation": organisation,
            "earlier": earlier,
            "draft_key": draft_key,
            "no_officers": not officers.filter(organisation=organisation).exists(),
        },
    )


def _on_start(exc):
    """The form has no date field: the service's date message belongs to the start time it comes from."""
    if hasattr(exc, "error_dict") and "inspected_on" in exc.error_dict:
        errors = dict(exc.error_dict)
        errors["started_at"] = errors.pop("inspected_on") + errors.get("started_at", [])
        return ValidationError(errors)
    return exc


# --- inspection detail, hazards, completion --------------------------------------------------------


def _detail_context(request, inspection, hazard_form=None, complete_form=None):
    """Everything the detail page shows. A bound ``hazard_form`` or ``complete_form`` is a failed submit
    coming back with what was typed."""
    user = request.user
    hazards = list(
        inspection.hazards.all()
        .prefetch_related(
            "photos",
            Prefetch(
                "reinspections",
                queryset=ReInspection.objects.prefetch_related("officers").order_by("inspected_on", "id"),
            ),
        )
        .order_by("found_on", "id")
    )
    results = list(inspection.results.all())
    can_change = Inspection.objects.restrict(user, "change").filter(pk=inspection.pk).exists()
    in_progress = inspection.status == Inspection.Status.IN_PROGRESS
    visits = list(
        ReInspectionVisit.objects.restrict(user, "view")
        .filter(inspection=inspection)
        .prefetch_related("officers", Prefetch("reinspections", queryset=ReInspection.objects.select_related("hazard")))
        .order_by("inspected_on", "id")
    )
    # Per-hazard opinions issued before re-inspection visits existed stay listed with the rest.
    keys = (
        [source_key(inspection)]
        + [source_key(v) for v in visits]
        + [f"cases.reinspection:{r.pk}" for h in hazards for r in h.reinspections.all()]
    )
    documents = documents_for(user, keys)
    # Documents carry the inspecting bureau's number: only its own people issue them.
    can_issue = can_change and user.organisation_id == inspection.organisation_id
    in_force = {(d.source_key, d.doc_type.key): d for d in documents if d.is_current}
    for visit in visits:
        visit.opinion = in_force.get((source_key(visit), "reinspection_opinion"))
    return {
        "documents": documents,
        "can_issue": can_issue,
        "issue_buttons": _issue_buttons(inspection, hazards, in_force) if can_issue else [],
        "visits": visits,
        "has_open_hazards": any(h.status != Hazard.Status.CLOSED for h in hazards),
        "inspection": inspection,
        # The body's own officers first, then those of the delegating body and other bureaus.
        "officers": sorted(
            inspection.officers.select_related("organisation"),
            key=lambda u: (
                u.organisation_id != inspection.organisation_id,
                u.organisation.path if u.organisation else "",
                str(u),
            ),
        ),
        "partners": list(inspection.partner_organisations.order_by("path")),
        "corrections": list(inspection.corrections.select_related("corrected_by").order_by("-corrected_at", "-id")),
        "can_correct": can_change and user.has_perm("cases.change_inspection"),
        "results": results,
        "result_counts": {
            "yes": sum(1 for r in results if r.compliant is True),
            "no": sum(1 for r in results if r.compliant is False),
            "na": sum(1 for r in results if r.compliant is None),
        },
        "hazards": hazards,
        "can_change": can_change,
        "can_add_hazard": can_change and in_progress and user.has_perm("cases.add_hazard"),
        "can_reinspect": Hazard.objects.restrict(user, "change").filter(inspection=inspection).exists()
        and user.has_perm("cases.add_reinspection"),
        "hazard_form": hazard_form
        or HazardForm(initial={"rectification_deadline": inspection.inspected_on + DEFAULT_RECTIFICATION}),
        "complete_form": complete_form or CompleteInspectionForm(inspection=inspection),
        "draft_done": _pop_draft_done(request),
        "hazard_draft_key": f"hazard:{inspection.pk}",
        "max_photo_bytes": PHOTO.max_bytes,
    }


def _issue_buttons(inspection, hazards, in_force):
    """The inspection's "出具" buttons not yet used: each enabled, or disabled with the reason (the step is not
    finished). No order button where nothing was found."""
    key = source_key(inspection)
    buttons = []
    for source, label in (
        (case_documents.INSPECTION_RECORD, _("出具现场检查记录（生成PDF）")),
        (case_documents.RECTIFICATION_ORDER, _("出具责令限期整改指令书")),
    ):
        if (key, source.doc_type_key) in in_force:
            continue
        if source is case_documents.RECTIFICATION_ORDER and not hazards:
            continue
        buttons.append(
            {
                "key": source.doc_type_key,
                "label": label,
                "url": reverse("cases:inspection_document", args=[inspection.pk, source.doc_type_key]),
                "reason": source.not_ready(inspection),
            }
        )
    return buttons


def _inspection_for(user, pk, action):
    return get_object_or_404(
        Inspection.objects.restrict(user, action).select_related(
            "enterprise", "organisation", "plan_item__plan", "created_by"
        ),
        pk=pk,
    )


@login_required
@require_GET
def inspection_detail(request, pk):
    inspection = _inspection_for(request.user, pk, "view")
    return render(request, "cases/inspection_detail.html", _detail_context(request, inspection))


def _hazard_form_key(inspection):
    return f"hazard:{inspection.pk}"


@login_required
@require_POST
def hazard_create(request, pk):
    user = request.user
    inspection = _inspection_for(user, pk, "change")
    if not user.has_perm("cases.add_hazard"):
        raise PermissionDenied(_("您没有登记隐患的权限。"))
    if inspection.status != Inspection.Status.IN_PROGRESS:
        messages.error(request, _("该检查已完成，不能再添加隐患。"))
        return redirect("cases:inspection_detail", pk=pk)
    form_key = _hazard_form_key(inspection)
    kept = pending.kept(user, form_key, request.POST.getlist("keep_photo"))
    form = HazardForm(request.POST, request.FILES, pending=kept)
    if form.is_valid():
        data = form.cleaned_data
        try:
            hazard = services.add_hazard(
                user,
                inspection.pk,
                description=data["description"],
                location=data["location"],
                is_major=data["is_major"],
                rectification_deadline=data["rectification_deadline"],
                photos=data["photos"],
                pending_photos=kept,
            )
        except ValidationError as exc:
            # add_hazard's only message without a field name comes from the upload check.
            apply_service_errors(form, exc, default_field="photos")
            form.good_photos = [] if "photos" in form.errors else data["photos"]
        except Inspection.DoesNotExist as exc:
            raise Http404 from exc
        else:
            _mark_draft_done(request, form_key)
            messages.success(
                request,
                _("已登记隐患，整改期限 %(date)s，照片 %(n)d 张。")
                % {"date": hazard.rectification_deadline.isoformat(), "n": len(data["photos"]) + len(kept)},
            )
            return redirect(reverse("cases:inspection_detail", args=[pk]) + f"#hazard-{hazard.pk}")
    # A browser cannot re-fill a file input: the photos that passed the checks are kept on the server and
    # come back as thumbnails, so the officer fixes the text and saves without choosing them again.
    form.pending = kept + pending.keep(user, form_key, form.good_photos)
    return render(request, "cases/inspection_detail.html", _detail_context(request, inspection, hazard_form=form))


@login_required
@require_POST
def inspection_complete(request, pk):
    inspection = _inspection_for(request.user, pk, "change")
    form = CompleteInspectionForm(request.POST, inspection=inspection)
    if form.is_valid():
        try:
            services.complete_inspection(request.user, inspection.pk, **form.completion())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except Inspection.DoesNotExist as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("检查已完成。"))
            return redirect("cases:inspection_detail", pk=pk)
    # Back with what was typed (the end time, the feedback meeting) and the reason next to it.
    return render(request, "cases/inspection_detail.html", _detail_context(request, inspection, complete_form=form))


# --- corrections -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def inspection_correct(request, pk):
    """更正: change a saved (even completed) inspection, saying why; the detail page keeps the history."""
    user = request.user
    inspection = _inspection_for(user, pk, "change")
    if not user.has_perm("cases.change_inspection"):
        raise PermissionDenied(_("您没有更正执法检查的权限。"))
    also = list(inspection.officers.all())
    form = CorrectionForm(
        request.POST or None, inspection=inspection, officers=_officer_choices(inspection.organisation, also)
    )
    if request.method == "POST" and form.is_valid():
        with refusals_on(form, not_found=(Inspection.DoesNotExist,), default_field="officers", adapt=_on_start) as call:
            correction = corrections.correct_inspection(user, inspection.pk, **form.correction())
        if call.ok:
            _mark_draft_done(request, f"correct:{inspection.pk}")
            messages.success(request, _("已更正 %(n)d 项，更正记录见“更正历史”。") % {"n": len(correction.changes)})
            return redirect(reverse("cases:inspection_detail", args=[pk]) + "#corrections")
    return render(
        request,
        "cases/inspection_correct.html",
        {"form": form, "inspection": inspection, "draft_key": f"correct:{inspection.pk}"},
    )


# --- photos ------------------------------------------------------------------------------------------


def photo_response(request, item, thumb=False):
    """The file of a HazardPhoto the caller already fetched through restrict() (pages and API alike).

    Opening the photo itself is audited; thumbnails are not: every list and form page shows dozens of them,
    so their rows would bury the downloads an auditor looks for, and a 480-pixel preview is not the evidence.
    """
    if not item.file or not item.file.storage.exists(item.file.name):
        raise Http404
    data = stored_thumbnail(item.file) if thumb else None
    if not thumb:
        downloaded(request, item, _("照片"), item.original_name or item.file.name)
    if data:
        response = HttpResponse(data, content_type="image/jpeg")
    else:
        response = serve_scoped_file(item.file, download_name=None if thumb else (item.original_name or None))
    # Photos never change once stored; only this user's browser may keep them.
    response["Cache-Control"] = "private, max-age=86400"
    return response


@login_required
@require_GET
def photo(request, pk):
    """A hazard photo, found through restrict() first (never a /media/ URL)."""
    item = get_object_or_404(HazardPhoto.objects.restrict(request.user, "view"), pk=pk)
    return photo_response(request, item, thumb=request.GET.get("size") == "thumb")


@login_required
@require_GET
def pending_photo(request, pk):
    """A photo kept from a failed submit: only the user who chose it ever sees it."""
    item = get_object_or_404(PendingPhoto.objects.filter(owner=request.user), pk=pk)
    return photo_response(request, item, thumb=request.GET.get("size") == "thumb")


# --- hazards and re-inspections ----------------------------------------------------------------------


def hazard_urgency(today):
    """0 overdue (the 逾期 filter's rule), 1 still open, 2 closed: hazard lists show the work first."""
    return Case(
        When(Hazard.overdue_q(today), then=Value(0)),
        When(status__in=OPEN_STATES, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


@login_required
@require_GET
def hazard_list(request):
    user = request.user
    today = timezone.localdate()
    scoped = Hazard.objects.restrict(user, "view")
    base = (
        scoped.select_related("inspection__enterprise", "organisation")
        .annotate(reinspection_count=Count("reinspections"), urgency=hazard_urgency(today))
        .order_by("urgency", "current_deadline", "id")
    )
    # Without a choice the list opens on what is still open (未闭环); 全部 is the explicit empty choice.
    params = request.GET.copy()
    params.setdefault("state", "open")
    filterset = HazardFilter(params, queryset=base, request=request)
    everything = _polish_filter_form(filterset.form, user)
    filterset.form.fields["state"].empty_label = None
    filterset.form.fields["state"].choices = [("", everything), *HazardFilter.STATES]
    _yes_no(filterset.form, "is_major", everything)
    del filterset.form.fields["inspection"]  # an API convenience; on the page the inspection links here
    queryset = filterset.qs if filterset.is_valid() else base.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    # every hazard whose deadline has passed must have been re-inspected. One query for all figures.
    figures = scoped.aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(status__in=OPEN_STATES)),
        overdue=Count("id", filter=Hazard.overdue_q(today)),
        closed=Count("id", filter=Q(status=Hazard.Status.CLOSED)),
        due=Count("id", filter=Q(rectification_deadline__lt=today) | Q(status=Hazard.Status.CLOSED)),
        due_reinspected=Count(
            "id",
            filter=(Q(rectification_deadline__lt=today) | Q(status=Hazard.Status.CLOSED))
            & Q(Exists(ReInspection.objects.filter(hazard=OuterRef("pk")))),
        ),
    )
    rate = round(100 * figures["due_reinspected"] / figures["due"]) if figures["due"] else None
    return render(
        request,
        "cases/hazard_list.html",
        {
            "filter": filterset,
            "page": page,
            "page_query": querystring(request, "page"),
            "filtered": any(v for k, v in request.GET.items() if k in filterset.form.fields),
            "figures": figures,
            "rate": rate,
            "state": params["state"],
            "state_query": querystring(request, "page", "state"),
            "can_reinspect": user.has_perm("cases.add_reinspection"),
        },
    )


@login_required
def hazard_reinspect(request, pk):
    """The single-hazard address of earlier versions: re-inspection is recorded per visit, for the whole order."""
    hazard = get_object_or_404(Hazard.objects.restrict(request.user, "view"), pk=pk)
    return redirect(hazard.reinspect_url())


def _reinspection_rows(inspection, formset):
    """(hazard, row form) pairs in the order of the rows, with each hazard's photos and earlier re-inspections."""
    hazards = {
        h.pk: h
        for h in inspection.hazards.prefetch_related(
            "photos",
            Prefetch(
                "reinspections",
                queryset=ReInspection.objects.prefetch_related("officers").order_by("inspected_on", "id"),
            ),
        )
    }
    rows = []
    for form in formset:
        try:
            hazard = hazards.get(int(form["hazard"].value()))
        except (TypeError, ValueError):
            hazard = None
        if hazard is not None:
            rows.append((hazard, form))
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def inspection_reinspect(request, pk):
    """整改复查 of every open hazard of one inspection (its rectification order) on one visit (R-13)."""
    user = request.user
    inspection = _inspection_for(user, pk, "change")
    if not user.has_perm("cases.add_reinspection"):
        raise PermissionDenied(_("您没有录入整改复查的权限。"))
    back = reverse("cases:inspection_detail", args=[inspection.pk])
    open_ids = list(
        inspection.hazards.exclude(status=Hazard.Status.CLOSED).order_by("found_on", "id").values_list("pk", flat=True)
    )
    if not open_ids and request.method == "GET":
        messages.info(request, _("该检查没有待复查的隐患。"))
        return redirect(back + "#hazards")
    # The body's own officers, its delegating body's, and those of the partners who inspected with it.
    organisation = inspection.organisation
    teams = [organisation.pk, organisation.delegated_by_id]
    teams += list(inspection.partner_organisations.values_list("pk", flat=True))
    officers = _officer_choices(organisation).filter(organisation__in=[t for t in teams if t])
    certified_ids = set(officers.values_list("pk", flat=True))
    visit_form = ReInspectionVisitForm(
        request.POST or None,
        officers=officers,
        organisation=organisation,
        initial={
            "inspected_on": timezone.localdate(),
            "officers": [u.pk for u in inspection.officers.all() if u.pk in certified_ids],
        },
    )
    formset = ReInspectionRowFormSet(
        request.POST or None, prefix="rows", initial=[{"hazard": pk, "result": ""} for pk in open_ids]
    )
    rows = _reinspection_rows(inspection, formset)
    draft_key = f"reinspect-visit:{inspection.pk}"
    if request.method == "POST" and visit_form.is_valid() and formset.is_valid():
        results = [form.row() for form in formset if form.cleaned_data.get("result")]
        by_hazard = {form.cleaned_data["hazard"]: form for form in formset}
        try:
            visit = services.record_reinspection_visit(
                user,
                inspection.pk,
                inspected_on=visit_form.cleaned_data["inspected_on"],
                officers=list(visit_form.cleaned_data["officers"]),
                results=results,
            )
        except services.HazardRowErrors as exc:
            for hazard_id, error in exc.by_hazard.items():
                apply_service_errors(by_hazard[hazard_id], error, default_field="result")
            visit_form.add_error(None, _("请按各项隐患下的提示修改后再保存。"))
        except ValidationError as exc:
            # Field-less messages here concern the team (two certified officers) or an empty visit.
            apply_service_errors(visit_form, exc, default_field="officers" if results else None)
        except PermissionDenied as exc:
            visit_form.add_error(None, permission_message(exc))
        except Inspection.DoesNotExist as exc:
            raise Http404 from exc
        else:
            _mark_draft_done(request, draft_key)
            failed = sum(1 for r in results if r["result"] == ReInspection.Result.FAILED)
            messages.success(
                request,
                _("已记录本次复查：合格 %(ok)d 项，不合格 %(bad)d 项。请在“整改复查”中出具整改复查意见书。")
                % {"ok": len(results) - failed, "bad": failed},
            )
            return redirect(back + f"#visit-{visit.pk}")
    return render(
        request,
        "cases/inspection_reinspect.html",
        {
            "inspection": inspection,
            "visit_form": visit_form,
            "formset": formset,
            "rows": rows,
            "draft_key": draft_key,
        },
    )


# --- documents (现场检查记录, 责令限期整改指令书, 整改复查意见书) -------------------------------------------------

INSPECTION_DOCUMENTS = {
    "inspection_record": case_documents.issue_inspection_record,
    "rectification_order": case_documents.issue_rectification_order,
}


@login_required
@require_POST
def inspection_document(request, pk, kind):
    issue = INSPECTION_DOCUMENTS.get(kind)
    if issue is None:
        raise Http404
    back = reverse("cases:inspection_detail", args=[pk]) + "#documents"
    return issue_from_page(request, issue, pk, back)


@login_required
@require_POST
def reinspection_document(request, pk):
    """整改复查意见书 of one re-inspection visit: every hazard re-inspected on it."""
    visit = get_object_or_404(ReInspectionVisit.objects.restrict(request.user, "view"), pk=pk)
    back = reverse("cases:inspection_detail", args=[visit.inspection_id]) + f"#visit-{visit.pk}"
    return issue_from_page(request, case_documents.issue_reinspection_opinion, pk, back)
