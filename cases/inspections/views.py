"""Inspection pages, made for an officer on site with a 10-inch tablet.

Every page fetches through ``Model.objects.restrict(user, action)``: a record outside the user's scope is
simply not found (404). Writes go through ``cases.inspections.services``; the services' Chinese messages are shown next
to the field they concern, and a failed submit re-renders the form with everything that was typed.
"""

import datetime
import io

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

from cases.inspections import documents as case_documents
from cases.inspections import services
from cases.inspections.filters import OPEN_STATES, HazardFilter, InspectionFilter
from cases.inspections.forms import CompleteInspectionForm, HazardForm, InspectionForm, ReInspectionForm
from cases.inspections.models import Hazard, HazardPhoto, Inspection, ReInspection
from enforcement.documents.sources import documents_for, issue_from_page
from enforcement.enterprises.models import Enterprise
from enforcement.orgs.models import User
from enforcement.orgs.services import certified_officers
from enforcement.uploads import PHOTO, serve_scoped_file
from enforcement.web.service_errors import apply_service_errors, permission_message
from plans.models import CheckItem, InspectionPlan, PlanItem

PAGE_SIZE = 20
DUE_LIMIT = 30
THUMB_SIZE = 480
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


def _querystring(request, *drop):
    params = request.GET.copy()
    for key in drop:
        params.pop(key, None)
    return params.urlencode()


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


def _officer_choices(user, organisation, also=()):
    """Officers certified today in ``organisation`` (R-50), plus ``also`` (e.g. the planned officers), in scope."""
    people = User.objects.restrict(user, "view")
    certified = certified_officers(people.filter(organisation=organisation)).values("pk")
    return people.filter(Q(pk__in=certified) | Q(pk__in=[u.pk for u in also])).order_by("full_name", "username")


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
            "page_query": _querystring(request, "page"),
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
        plan_item = get_object_or_404(
            PlanItem.objects.restrict(user, "view").select_related("plan__organisation", "enterprise__sector"),
            pk=_int_or_404(request.GET["plan_item"]),
        )
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

    officers = _officer_choices(user, organisation, planned_officers)
    initial_officers = [u.pk for u in planned_officers] or ([user.pk] if officers.filter(pk=user.pk).exists() else [])
    form = InspectionForm(
        request.POST or None,
        officers=officers,
        check_items=_check_items_for(enterprise, plan_item),
        initial={"inspected_on": timezone.localdate(), "officers": initial_officers},
    )
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.record_inspection(
                user,
                inspected_on=form.cleaned_data["inspected_on"],
                officers=list(form.cleaned_data["officers"]),
                plan_item_id=plan_item.pk if plan_item else None,
                enterprise_id=None if plan_item else enterprise.pk,
                results=form.results(),
                **form.attendance(),
            )
        except ValidationError as exc:
            # Besides the date, record_inspection's only other check is the enforcement team (two
            # certified officers): its message belongs next to the officer choices.
            apply_service_errors(form, exc, default_field="officers")
        except PermissionDenied as exc:
            form.add_error(None, permission_message(exc))
        except (PlanItem.DoesNotExist, Enterprise.DoesNotExist) as exc:
            raise Http404 from exc
        else:
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
            "no_officers": not officers.exists(),
        },
    )


# --- inspection detail, hazards, completion --------------------------------------------------------


def _detail_context(request, inspection, hazard_form=None, complete_form=None):
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
    keys = [f"cases.inspection:{inspection.pk}"] + [
        f"cases.reinspection:{r.pk}" for h in hazards for r in h.reinspections.all()
    ]
    # Documents carry the inspecting bureau's number: only its own people issue them.
    can_issue = can_change and user.organisation_id == inspection.organisation_id
    return {
        "documents": documents_for(user, keys),
        "can_issue": can_issue,
        "has_open_hazards": any(h.status != Hazard.Status.CLOSED for h in hazards),
        "inspection": inspection,
        "officers": list(inspection.officers.all()),
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
        "complete_form": complete_form
        or CompleteInspectionForm(
            initial={
                "launch_meeting_held": inspection.launch_meeting_held,
                "feedback_meeting_held": inspection.feedback_meeting_held,
            }
        ),
        "draft_done": _pop_draft_done(request),
        "hazard_draft_key": f"hazard:{inspection.pk}",
        "max_photo_bytes": PHOTO.max_bytes,
    }


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
    form = HazardForm(request.POST, request.FILES)
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
            )
        except ValidationError as exc:
            # add_hazard's only message without a field name comes from the upload check.
            apply_service_errors(form, exc, default_field="photos")
        except Inspection.DoesNotExist as exc:
            raise Http404 from exc
        else:
            _mark_draft_done(request, f"hazard:{inspection.pk}")
            messages.success(
                request,
                _("已登记隐患，整改期限 %(date)s，照片 %(n)d 张。")
                % {"date": hazard.rectification_deadline.isoformat(), "n": len(data["photos"])},
            )
            return redirect(reverse("cases:inspection_detail", args=[pk]) + f"#hazard-{hazard.pk}")
    context = _detail_context(request, inspection, hazard_form=form)
    # A browser cannot re-fill a file input: say so, so the officer knows to pick the photos again.
    context["photos_lost"] = bool(request.FILES.getlist("photos"))
    return render(request, "cases/inspection_detail.html", context)


@login_required
@require_POST
def inspection_complete(request, pk):
    inspection = _inspection_for(request.user, pk, "change")
    form = CompleteInspectionForm(request.POST)
    form.is_valid()  # two optional booleans: always valid
    try:
        services.complete_inspection(
            request.user,
            inspection.pk,
            launch_meeting_held=form.cleaned_data.get("launch_meeting_held", False),
            feedback_meeting_held=form.cleaned_data.get("feedback_meeting_held", False),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(reverse("cases:inspection_detail", args=[pk]) + "#complete")
    except Inspection.DoesNotExist as exc:
        raise Http404 from exc
    messages.success(request, _("检查已完成。"))
    return redirect("cases:inspection_detail", pk=pk)


# --- photos ------------------------------------------------------------------------------------------


def _thumbnail(field_file, size=THUMB_SIZE):
    """A small JPEG for the lists (tablet photos are several MB; the connection on site is often poor).

    None when the image cannot be decoded here (HEIC, say): the caller then sends the original.
    """
    try:
        from PIL import Image, ImageOps
    except ImportError:  # pragma: no cover - Pillow is pinned in requirements.txt
        return None
    try:
        with field_file.open("rb") as fh, Image.open(fh) as image:
            image.draft("RGB", (size, size))  # JPEG: decode at a reduced scale, much faster
            image = ImageOps.exif_transpose(image)  # the stripped EXIF must not leave photos sideways
            image.thumbnail((size, size))
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, "JPEG", quality=80)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    return out.getvalue()


def photo_response(item, thumb=False):
    """The file of a HazardPhoto the caller already fetched through restrict() (pages and API alike)."""
    if not item.file or not item.file.storage.exists(item.file.name):
        raise Http404
    data = _thumbnail(item.file) if thumb else None
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
    return photo_response(item, thumb=request.GET.get("size") == "thumb")


# --- hazards and re-inspections ----------------------------------------------------------------------


def hazard_urgency(today):
    """0 overdue (the 逾期 filter's rule), 1 still open, 2 closed: hazard lists show the work first."""
    return Case(
        When(status=Hazard.Status.OPEN, rectification_deadline__lt=today, then=Value(0)),
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
        .order_by("urgency", "rectification_deadline", "id")
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
        overdue=Count("id", filter=Q(status=Hazard.Status.OPEN, rectification_deadline__lt=today)),
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
            "page_query": _querystring(request, "page"),
            "filtered": any(v for k, v in request.GET.items() if k in filterset.form.fields),
            "figures": figures,
            "rate": rate,
            "state": params["state"],
            "state_query": _querystring(request, "page", "state"),
            "can_reinspect": user.has_perm("cases.add_reinspection"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def hazard_reinspect(request, pk):
    user = request.user
    hazard = get_object_or_404(
        Hazard.objects.restrict(user, "change").select_related("inspection__enterprise", "organisation"), pk=pk
    )
    if not user.has_perm("cases.add_reinspection"):
        raise PermissionDenied(_("您没有录入整改复查的权限。"))
    back = reverse("cases:inspection_detail", args=[hazard.inspection_id]) + f"#hazard-{hazard.pk}"
    if hazard.status == Hazard.Status.CLOSED:
        messages.info(request, _("该隐患已复查合格，无需再次复查。"))
        return redirect(back)
    inspection_officers = list(hazard.inspection.officers.all())
    officers = _officer_choices(user, hazard.organisation, ())
    certified_ids = set(officers.values_list("pk", flat=True))
    form = ReInspectionForm(
        request.POST or None,
        officers=officers,
        initial={
            "inspected_on": timezone.localdate(),
            "officers": [u.pk for u in inspection_officers if u.pk in certified_ids],
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_reinspection(
                user,
                hazard.pk,
                inspected_on=data["inspected_on"],
                officers=list(data["officers"]),
                result=data["result"],
                note=data["note"],
                new_deadline=data["new_deadline"],
            )
        except ValidationError as exc:
            # Field-less messages here are about the team (two certified officers); the "already closed"
            # case was answered above.
            apply_service_errors(form, exc, default_field="officers")
        except Hazard.DoesNotExist as exc:
            raise Http404 from exc
        else:
            _mark_draft_done(request, f"reinspect:{hazard.pk}")
            if data["result"] == ReInspection.Result.PASSED:
                messages.success(request, _("复查合格，隐患已闭环。"))
            else:
                messages.warning(
                    request,
                    _("复查不合格，已重新确定整改期限 %(date)s。") % {"date": data["new_deadline"].isoformat()},
                )
            return redirect(back)
    return render(
        request,
        "cases/hazard_reinspect.html",
        {
            "hazard": hazard,
            "form": form,
            "photos": list(hazard.photos.all()),
            "previous": list(hazard.reinspections.prefetch_related("officers").order_by("inspected_on", "id")),
            "draft_key": f"reinspect:{hazard.pk}",
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
    reinspection = get_object_or_404(ReInspection.objects.restrict(request.user, "view"), pk=pk)
    back = reverse("cases:inspection_detail", args=[reinspection.hazard.inspection_id]) + "#documents"
    return issue_from_page(request, case_documents.issue_reinspection_opinion, pk, back)
