"""Plan item pages: add (with a server-side enterprise search), edit, remove, bulk-add the key
enterprises, and the printable 现场检查方案 (R-10)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from enforcement.documents import sources
from enforcement.enterprises.models import Enterprise
from enforcement.orgs.models import EnforcementCertificate, User
from enforcement.web.service_errors import permission_message, refusals_on
from plans.annual import documents as plan_documents
from plans.annual import services
from plans.annual.forms import BulkKeyForm, PlanItemForm, responsibility_error
from plans.annual.models import CheckItem, InspectionPlan, PlanItem
from plans.annual.services import require
from plans.pages import is_fetch, own_plan, rules_context, rules_payload, search_enterprises

ITEM_RELATED = ("plan__organisation", "enterprise__sector", "enterprise__organisation", "draw")


def _require_own(user, plan):
    if not own_plan(user, plan):
        raise PermissionDenied(_("计划由编制单位自行修改；上级单位可查看、检查和确认报备。"))


def _editable_plan(request, pk):
    """The plan, fetched through the change scope (out of scope → 404)."""
    user = request.user
    require(user, "plans.add_planitem")
    plan = get_object_or_404(InspectionPlan.objects.restrict(user, "change").select_related("organisation"), pk=pk)
    _require_own(user, plan)
    return plan


def _not_editable(request, plan):
    messages.error(request, _("只有草稿状态的计划可以修改；已批准的计划请发起新版本。"))
    return redirect("plans:detail", pk=plan.pk)


def _picked_enterprise(request, plan):
    raw = request.POST.get("enterprise") or request.GET.get("enterprise") or ""
    if not raw.isdigit():
        return None
    return (
        Enterprise.objects.restrict(request.user, "view")
        .select_related("sector", "organisation", "responsible_org")
        .filter(pk=int(raw))
        .first()
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_add(request, pk):
    user = request.user
    plan = _editable_plan(request, pk)
    if not plan.is_editable:
        return _not_editable(request, plan)
    q = request.GET.get("q", "")
    candidates = Enterprise.objects.restrict(user, "view").filter(responsible_org=plan.organisation)
    if request.GET.get("partial"):
        # The picker's live search asks for just the result list.
        return render(
            request,
            "plans/_enterprise_results.html",
            {"results": search_enterprises(candidates, q, plan), "q": q, "plan": plan, "pick_url": request.path},
        )
    enterprise = _picked_enterprise(request, plan)
    form = None
    picker_error = None
    if enterprise is not None and request.method == "GET" and responsibility_error(enterprise, plan):
        # Said at once, on the picker, rather than after the user has filled the whole form in.
        picker_error, enterprise = responsibility_error(enterprise, plan), None
    if enterprise is not None:
        form = PlanItemForm(
            request.POST if request.method == "POST" else None,
            user=user,
            plan=plan,
            enterprise=enterprise,
            initial={"enterprise": enterprise.pk},
        )
        if request.method == "POST" and form.is_valid():
            with refusals_on(form, not_found=(InspectionPlan.DoesNotExist,)) as call:
                services.add_item(user, plan.pk, form.cleaned_data["enterprise"], **form.service_kwargs())
            if call.ok:
                messages.success(
                    request,
                    _("已将“%(name)s”列入%(month)d月计划。")
                    % {"name": enterprise.name, "month": form.cleaned_data["planned_month"]},
                )
                if "continue" in request.POST:
                    return redirect("plans:item_add", pk=plan.pk)
                return redirect(reverse("plans:detail", args=[plan.pk]) + "#items")
    elif request.method == "POST":
        picker_error = _("请先选择生产经营单位。")
    results = search_enterprises(candidates, q, plan) if form is None else []
    return render(
        request,
        "plans/item_form.html",
        {
            **rules_context(plan),
            "form": form,
            "enterprise": enterprise,
            "results": results,
            "picker_error": picker_error,
            "q": q,
            "pick_url": request.path,
            "creating": True,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, pk):
    user = request.user
    require(user, "plans.change_planitem")
    item = get_object_or_404(PlanItem.objects.restrict(user, "change").select_related(*ITEM_RELATED), pk=pk)
    plan = item.plan
    _require_own(user, plan)
    if not plan.is_editable:
        return _not_editable(request, plan)
    initial = {
        "planned_month": item.planned_month,
        "mode": item.mode,
        "team": item.team,
        "officers": [o.pk for o in item.officers.all()],
        "check_items": [c.pk for c in item.check_items.all()],
        "include_principal_duties": item.include_principal_duties,
        "onsite_notes": item.onsite_notes,
    }
    form = PlanItemForm(request.POST or None, user=user, plan=plan, item=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        with refusals_on(form, not_found=(PlanItem.DoesNotExist,)) as call:
            services.update_item(
                user, item.pk, officers=kwargs.pop("officers"), check_items=kwargs.pop("check_items"), **kwargs
            )
        if call.ok:
            messages.success(request, _("已保存“%(name)s”的检查安排。") % {"name": item.enterprise.name})
            return redirect(reverse("plans:detail", args=[plan.pk]) + "#items")
    return render(
        request,
        "plans/item_form.html",
        {**rules_context(plan), "form": form, "enterprise": item.enterprise, "item": item, "creating": False},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_remove(request, pk):
    user = request.user
    require(user, "plans.delete_planitem")
    item = get_object_or_404(PlanItem.objects.restrict(user, "delete").select_related(*ITEM_RELATED), pk=pk)
    plan = item.plan
    _require_own(user, plan)
    if request.method == "POST":
        error = None
        try:
            services.remove_item(user, item.pk)
        except PlanItem.DoesNotExist as exc:
            raise Http404 from exc
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except PermissionDenied as exc:
            error = permission_message(exc)
        if is_fetch(request):
            # The items table drops the row and the rule panel is replaced: live while editing.
            totals = PlanItem.objects.filter(plan=plan).aggregate(
                items=Count("pk"), enterprises=Count("enterprise", distinct=True)
            )
            payload = {"removed": error is None, "error": error, "totals": totals, **rules_payload(plan, request)}
            return JsonResponse(payload, status=200 if error is None else 400)
        if error:
            messages.error(request, error)
        else:
            messages.success(
                request,
                _("已从计划中移除“%(name)s”（%(month)d月）。")
                % {"name": item.enterprise.name, "month": item.planned_month},
            )
        return redirect(reverse("plans:detail", args=[plan.pk]) + "#items")
    if not plan.is_editable:
        return _not_editable(request, plan)
    return render(request, "plans/item_remove.html", {"item": item, "plan": plan})


@login_required
@require_http_methods(["GET", "POST"])
def item_bulk_key(request, pk):
    """Add every key enterprise not yet planned in one step (a county has hundreds)."""
    user = request.user
    plan = _editable_plan(request, pk)
    if not plan.is_editable:
        return _not_editable(request, plan)
    missing = (
        Enterprise.objects.restrict(user, "view")
        .filter(responsible_org=plan.organisation, supervision_class=Enterprise.SupervisionClass.KEY)
        .exclude(pk__in=PlanItem.objects.filter(plan=plan).values("enterprise_id"))
        .select_related("sector")
        .order_by("name", "pk")
    )
    form = BulkKeyForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusals_on(form, not_found=(InspectionPlan.DoesNotExist,)) as call:
            added = services.add_key_enterprises(
                user, plan.pk, data["planned_month"], data["mode"], list(data["officers"]), data["team"]
            )
        if call.ok:
            if added:
                messages.success(
                    request,
                    _("已将%(n)d家重点单位列入%(month)d月计划。") % {"n": added, "month": data["planned_month"]},
                )
            else:
                messages.info(request, _("本单位负责的重点单位均已列入计划。"))
            return redirect(reverse("plans:detail", args=[plan.pk]) + "#items")
    count = missing.count()
    return render(
        request,
        "plans/bulk_key.html",
        {"plan": plan, "form": form, "count": count, "sample": list(missing[:12])},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def item_onsite(request, pk):
    """现场检查方案 (一企一方案, R-10): printable, one enterprise."""
    user = request.user
    today = timezone.localdate()
    certificates = EnforcementCertificate.objects.valid_on(today).order_by("-valid_until")
    item = get_object_or_404(
        PlanItem.objects.restrict(user, "view")
        .select_related(*ITEM_RELATED)
        .prefetch_related(
            Prefetch(
                "officers",
                queryset=User.objects.order_by("full_name", "username").prefetch_related(
                    Prefetch("certificates", queryset=certificates, to_attr="valid_certificates")
                ),
            )
        ),
        pk=pk,
    )
    checks = CheckItem.objects.filter(pk__in=item.check_items.values("pk"))
    if item.include_principal_duties:
        # The principal person's duties (安全生产法 第21条) belong to every on-site plan that includes them.
        checks = CheckItem.objects.filter(
            Q(pk__in=item.check_items.values("pk")) | Q(principal_duty=True, sector__isnull=True, is_active=True)
        )
    groups: dict = {}
    for check in checks.select_related("sector").order_by("sector__sort_order", "sort_order", "pk"):
        groups.setdefault(check.category, []).append(check)
    plan = item.plan
    return render(
        request,
        "plans/item_onsite.html",
        {
            "documents": sources.documents_for(user, [sources.source_key(item)]),
            "can_issue": plan_documents.may_issue_onsite_plan(user, item),
            "item": item,
            "plan": plan,
            "enterprise": item.enterprise,
            "groups": list(groups.items()),
            "check_total": sum(len(v) for v in groups.values()),
            "can_edit": plan.is_editable
            and own_plan(user, plan)
            and user.has_perm("plans.change_planitem")
            and PlanItem.objects.restrict(user, "change").filter(pk=item.pk).exists(),
        },
    )


@login_required
@require_POST
def item_document(request, pk):
    """出具现场检查方案 (numbered PDF) for one plan item; a second click returns the same document."""
    back = reverse("plans:item_detail", args=[pk]) + "#documents"
    return sources.issue_from_page(request, plan_documents.issue_onsite_plan, pk, back)
