"""Annual plan pages: list with the 计划编制情况 overview, create, detail with the live rule check and the
workflow, transition attachments."""

import os
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from enforcement.audit.services import downloaded, exported
from enforcement.documents import sources
from enforcement.enterprises.models import Enterprise
from enforcement.orgs.models import Organisation, User
from enforcement.uploads import serve_scoped_file
from enforcement.web.querystring import querystring
from enforcement.web.service_errors import ask_to_choose_files_again, refusals_on
from plans.annual import documents as plan_documents
from plans.annual import exporting, services
from plans.annual.forms import (
    AcknowledgeForm,
    ApproveForm,
    FileForm,
    PlanCreateForm,
    PlanFilterForm,
    PublishForm,
    ReviseForm,
    SubmitForm,
    plan_title,
)
from plans.annual.models import InspectionPlan, PlanItem, PlanTransition, PlanType
from plans.annual.services import require
from plans.pages import (
    PAGE_SIZE,
    may_add_items,
    own_plan,
    rules_context,
    rules_payload,
)

S = InspectionPlan.Status
KEY = Q(supervision_class=Enterprise.SupervisionClass.KEY)
GENERAL = Q(supervision_class=Enterprise.SupervisionClass.GENERAL)
IN_FORCE = (S.APPROVED, S.FILED, S.PUBLISHED)


def _overdue_ids(plans):
    """Ids among ``plans`` that services.overdue_plans flags (R-04: not approved by the deadline)."""
    ids = [p.pk for p in plans]
    if not ids:
        return set()
    flagged = None
    for year in {p.year for p in plans}:
        qs = services.overdue_plans(year)
        flagged = qs if flagged is None else flagged | qs
    if not flagged.query.is_empty():
        return set(flagged.filter(pk__in=ids).values_list("pk", flat=True))
    return set()


def _overview(user, year, plan_type):
    """计划编制情况: every organisation in scope responsible for enterprises × its current plan (R-01, R-04).

    Four queries whatever the number of organisations. The overdue flag reaches both levels: a county
    sees its own row flagged, the city every county's.
    """
    today = timezone.localdate()
    deadline = services.approval_deadline(year)
    past_deadline = today > deadline
    counts = {
        row["responsible_org"]: row
        for row in Enterprise.objects.restrict(user, "view")
        .values("responsible_org")
        .annotate(key=Count("pk", filter=KEY), general=Count("pk", filter=GENERAL))
        .order_by()
    }
    orgs = list(Organisation.objects.restrict(user, "view").filter(pk__in=list(counts)).order_by("path"))
    plans = list(
        InspectionPlan.objects.restrict(user, "view")
        .filter(year=year, plan_type=plan_type, organisation__in=[o.pk for o in orgs])
        .exclude(status=S.SUPERSEDED)
        .annotate(item_count=Count("items"))
        .order_by("organisation_id", "-version")
    )
    overdue = _overdue_ids(plans) if past_deadline else set()
    latest, in_force = {}, {}
    for plan in plans:
        latest.setdefault(plan.organisation_id, plan)
        if plan.status in IN_FORCE:
            in_force.setdefault(plan.organisation_id, plan)
    depth = min((o.depth for o in orgs), default=0)
    rows = []
    for org in orgs:
        plan = latest.get(org.pk)
        effective = in_force.get(org.pk)
        missing = plan is None
        rows.append(
            {
                "org": org,
                "indent": "\u3000" * (org.depth - depth),
                "key": counts[org.pk]["key"],
                "general": counts[org.pk]["general"],
                "plan": plan,
                "effective": effective if effective is not None and effective != plan else None,
                "missing": missing,
                "overdue": past_deadline and (missing or (effective is None and plan.pk in overdue)),
            }
        )
    return {
        "year": year,
        "plan_type": PlanType(plan_type),
        "deadline": deadline,
        "past_deadline": past_deadline,
        "rows": rows,
        "total": len(rows),
        "with_plan": sum(1 for r in rows if not r["missing"]),
        "in_force": sum(1 for r in rows if r["org"].pk in in_force),
        "overdue": sum(1 for r in rows if r["overdue"]),
    }


@login_required
@require_GET
def plan_list(request):
    user = request.user
    require(user, "plans.view_inspectionplan")
    today = timezone.localdate()
    base = InspectionPlan.objects.restrict(user, "view")
    # Next year too: plans are drafted before the year starts (due by the end of March, R-04).
    years = sorted(
        set(base.order_by().values_list("year", flat=True).distinct()) | {today.year, today.year + 1}, reverse=True
    )
    form = PlanFilterForm(request.GET or None, user=user, years=years)
    queryset = (
        base.select_related("organisation")
        .annotate(item_count=Count("items"))
        .order_by("-year", "organisation__path", "plan_type", "-version", "pk")
    )
    filters = {}
    if form.is_bound:
        if form.is_valid():
            filters = form.cleaned_data
            if filters.get("year"):
                queryset = queryset.filter(year=filters["year"])
            if filters.get("plan_type"):
                queryset = queryset.filter(plan_type=filters["plan_type"])
            if filters.get("organisation"):
                queryset = queryset.filter(organisation__path__startswith=filters["organisation"].path)
            if filters.get("status"):
                queryset = queryset.filter(status=filters["status"])
        else:
            queryset = queryset.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    plans = list(page.object_list)
    overdue = _overdue_ids(plans)
    for plan in plans:
        plan.is_overdue = plan.pk in overdue
    overview = None
    if user.organisation_id and Organisation.objects.filter(parent_id=user.organisation_id).exists():
        overview = _overview(user, filters.get("year") or today.year, filters.get("plan_type") or PlanType.WORK_SAFETY)
    return render(
        request,
        "plans/list.html",
        {
            "form": form,
            "page": page,
            "plans": plans,
            "page_query": querystring(request, "page"),
            "filtered": any(v for k, v in request.GET.items() if k in form.fields),
            "overview": overview,
            "can_create": user.has_perm("plans.add_inspectionplan"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    user = request.user
    require(user, "plans.add_inspectionplan")
    initial = {"year": timezone.localdate().year, "plan_type": PlanType.WORK_SAFETY}
    org = user.organisation
    if org is not None and Organisation.objects.restrict(user, "view").filter(pk=org.pk).exists():
        initial["organisation"] = org.pk
        initial["title"] = plan_title(org, initial["year"], initial["plan_type"])
    form = PlanCreateForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusals_on(form) as call:
            plan = services.create_plan(user, data["organisation"], data["year"], data["plan_type"], data["title"])
        if call.ok:
            messages.success(request, _("已创建“%(title)s”，请逐项添加检查事项。") % {"title": plan.title})
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/create.html", {"form": form})


# --- detail and workflow -------------------------------------------------------------------------

# step: (form class, button label, whether the form uploads a file)
STEPS = {
    "submit": (SubmitForm, _("报本级政府审批"), False),
    "approve": (ApproveForm, _("登记批准"), True),
    "file": (FileForm, _("向上级报备"), True),
    "acknowledge": (AcknowledgeForm, _("确认报备"), False),
    "publish": (PublishForm, _("登记公示"), False),
    "revise": (ReviseForm, _("调整计划（新版本）"), False),
}


def available_steps(user, plan, next_version):
    """The workflow steps this user may take on this plan now — the buttons shown. The services
    decide again on submission."""
    steps = []
    perm = user.has_perm
    own = own_plan(user, plan)
    if own and plan.status == S.DRAFT and perm("plans.submit_inspectionplan"):
        steps.append("submit")
    if own and plan.status == S.SUBMITTED and perm("plans.approve_inspectionplan"):
        steps.append("approve")
    if own and plan.status == S.APPROVED and perm("plans.file_inspectionplan"):
        steps.append("file")
    if (
        plan.filed_at
        and plan.filing_acknowledged_at is None
        and perm("plans.acknowledge_inspectionplan")
        and user.organisation is not None
        and user.organisation.is_ancestor_of(plan.organisation, include_self=False)
    ):
        steps.append("acknowledge")
    if own and plan.status == S.FILED and perm("plans.publish_inspectionplan"):
        steps.append("publish")
    if (
        own
        and plan.status in IN_FORCE
        and next_version is None
        and perm("plans.add_inspectionplan")
        and InspectionPlan.objects.restrict(user, "change").filter(pk=plan.pk).exists()
    ):
        steps.append("revise")
    return steps


def _items_page(request, plan):
    items = (
        PlanItem.objects.restrict(request.user, "view")
        .filter(plan=plan)
        .select_related("enterprise__sector", "draw")
        .annotate(check_count=Count("check_items", distinct=True))
        .prefetch_related(Prefetch("officers", queryset=User.objects.order_by("full_name", "username")))
        .order_by("planned_month", "enterprise__name", "pk")
    )
    q = request.GET.get("q", "").strip()
    month = request.GET.get("month", "")
    if q:
        items = items.filter(Q(enterprise__name__icontains=q) | Q(enterprise__credit_code__icontains=q.upper()))
    if month.isdigit() and 1 <= int(month) <= 12:
        items = items.filter(planned_month=int(month))
    else:
        month = ""
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page")), q, month


def _detail_context(request, plan, step_forms=None, open_step=None):
    user = request.user
    next_version = InspectionPlan.objects.restrict(user, "view").filter(previous=plan).only("pk", "version").first()
    previous = None
    if plan.previous_id:
        previous = (
            InspectionPlan.objects.restrict(user, "view").filter(pk=plan.previous_id).only("pk", "version").first()
        )
    steps = available_steps(user, plan, next_version)
    step_forms = step_forms or {}
    workflow = [
        {
            "name": name,
            "label": STEPS[name][1],
            "multipart": STEPS[name][2],
            "form": step_forms.get(name) or STEPS[name][0](prefix=name),
            "open": name == open_step,
        }
        for name in steps
    ]
    page, q, month = _items_page(request, plan)
    totals = PlanItem.objects.filter(plan=plan).aggregate(
        items=Count("pk"), enterprises=Count("enterprise", distinct=True)
    )
    can_edit = may_add_items(user, plan)
    transitions = plan.transitions.select_related("by").order_by("at", "pk")
    return {
        "documents": sources.documents_for(user, [sources.source_key(plan)]),
        "can_issue_document": plan.status in plan_documents.PLAN_DOCUMENT_STATUSES
        and plan_documents.may_issue_plan_document(user, plan),
        **rules_context(plan, may_add=can_edit),
        "previous": previous,
        "next_version": next_version,
        "workflow": workflow,
        "page": page,
        "q": q,
        "month": month,
        "months": range(1, 13),
        "page_query": querystring(request, "page"),
        "totals": totals,
        "can_edit": can_edit,
        "transitions": transitions,
        "overdue": services.overdue_plans(plan.year).filter(pk=plan.pk).exists(),
        "deadline": services.approval_deadline(plan.year),
    }


def _get_plan(user, pk, action="view"):
    return get_object_or_404(
        InspectionPlan.objects.restrict(user, action).select_related(
            "organisation", "created_by", "filing_acknowledged_by"
        ),
        pk=pk,
    )


@login_required
@require_GET
def plan_detail(request, pk):
    plan = _get_plan(request.user, pk)
    return render(request, "plans/detail.html", _detail_context(request, plan))


@login_required
@require_GET
def plan_check(request, pk):
    """The live rule check as JSON (and the rendered panel), for the page's script."""
    plan = _get_plan(request.user, pk)
    return JsonResponse({"plan": plan.pk, **rules_payload(plan, request)})


def _random_name(upload):
    # Never keep the uploaded name in the stored path; the download is named after the plan instead.
    if upload:
        upload.name = f"{uuid.uuid4().hex}{os.path.splitext(upload.name)[1].lower()}"
    return upload


def _run_step(user, plan, step, form):
    data = form.cleaned_data
    if step == "submit":
        return services.submit_plan(user, plan.pk, data["note"])
    if step == "approve":
        return services.approve_plan(
            user,
            plan.pk,
            data["approval_kind"],
            data["approval_reference"],
            _random_name(data["attachment"]),
            data["note"],
            approved_on=data["approved_on"],
        )
    if step == "file":
        return services.file_plan(user, plan.pk, _random_name(data["attachment"]), data["note"])
    if step == "acknowledge":
        return services.acknowledge_filing(user, plan.pk, data["note"])
    if step == "publish":
        return services.publish_plan(user, plan.pk, data["published_where"], form.published_at(), data["note"])
    return services.revise_plan(user, plan.pk, data["reason"])


STEP_DONE = {
    "submit": _("已报本级政府审批。"),
    "approve": _("已登记批准。"),
    "file": _("已向上级报备。"),
    "acknowledge": _("已确认下级报备。"),
    "publish": _("已登记公示。"),
    "revise": _("已创建新版本，请修改后重新报批、报备。"),
}


@login_required
@require_POST
def plan_step(request, pk, step):
    """One workflow step. A refused step (skipped, no permission, rules failing) re-renders the page with
    the service's Chinese message next to the form, keeping what was typed."""
    if step not in STEPS:
        raise Http404
    user = request.user
    plan = _get_plan(user, pk)
    form = STEPS[step][0](request.POST, request.FILES, prefix=step)
    if form.is_valid():
        with refusals_on(form, not_found=(InspectionPlan.DoesNotExist,)) as call:
            result = _run_step(user, plan, step, form)
        if call.ok:
            messages.success(request, STEP_DONE[step])
            return redirect(reverse("plans:detail", args=[result.pk]) + "#workflow")
    ask_to_choose_files_again(form, request, "attachment")
    plan.refresh_from_db()
    context = _detail_context(request, plan, step_forms={step: form}, open_step=step)
    if not any(w["name"] == step for w in context["workflow"]):
        # Not a step the page would offer (skipped, or not the user's): show it anyway so the refusal
        # and its reason are visible.
        context["workflow"].append(
            {"name": step, "label": STEPS[step][1], "multipart": STEPS[step][2], "form": form, "open": True}
        )
    context["step_error"] = step
    return render(request, "plans/detail.html", context, status=400)


@login_required
@require_GET
def transition_attachment(request, pk):
    """An approval or filing document, served only to users who may see its plan."""
    transition = get_object_or_404(PlanTransition.objects.only("pk", "plan_id", "attachment", "to_status"), pk=pk)
    plan = _get_plan(request.user, transition.plan_id)  # out of scope → 404
    if not transition.attachment:
        raise Http404
    ext = os.path.splitext(transition.attachment.name)[1]
    name = f"{plan.title}-{transition.get_to_status_display()}{ext}"
    try:
        response = serve_scoped_file(transition.attachment, name)
    except FileNotFoundError as exc:
        raise Http404 from exc
    downloaded(request, plan, _("计划办理附件"), name)
    return response


@login_required
@require_POST
def plan_document(request, pk):
    """出具年度监督检查计划 (numbered PDF, R-04) from a submitted or later plan; again: the same document,
    or a new version when the plan has moved on (approved since the 送审稿)."""
    back = reverse("plans:detail", args=[pk]) + "#documents"
    return sources.issue_from_page(request, plan_documents.issue_plan_document, pk, back)


@login_required
@require_GET
def plan_export(request, pk):
    """The plan's items as an Excel list, for whoever may see the plan."""
    require(request.user, "plans.view_inspectionplan")
    plan = _get_plan(request.user, pk)  # out of scope → 404
    exported(request, _("年度计划检查单位名单"), exporting.plan_items(plan).count(), {"plan": plan.pk}, obj=plan)
    return FileResponse(exporting.write_plan_items(plan), as_attachment=True, filename=exporting.workbook_name(plan))
