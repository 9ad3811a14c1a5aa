"""双随机、一公开 pages: list, create (pool definition), detail with verification, redraw, add to plan,
publication and the printable public result list (国办发〔2015〕58号).

回避申报: an officer declares their own relation to an enterprise and may withdraw it; the legal section
sees the declarations of the officers in its scope (国发〔2019〕5号: conflicted inspectors recuse).

Every page fetches through ``Model.objects.restrict(user, action)``: a record outside the user's scope
is simply not found (404). Writes go through ``plans.draws.services``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from enforcement.enterprises.models import Enterprise, Sector
from enforcement.orgs.models import Organisation, User
from enforcement.web.querystring import querystring
from enforcement.web.service_errors import permission_message, refusals_on
from plans.annual.models import InspectionPlan, PlanItem
from plans.annual.services import require
from plans.draws import services
from plans.draws.forms import AddDrawToPlanForm, ConflictForm, DrawForm, RedrawForm
from plans.draws.models import ConflictDeclaration, Draw
from plans.pages import PAGE_SIZE, search_enterprises

# The pool snapshots can hold 100,000 ids: never load them for a list.
HEAVY = ("enterprise_pool", "officer_pool", "excluded_pairs", "result", "pool_definition")


@login_required
@require_GET
def draw_list(request):
    user = request.user
    require(user, "plans.view_draw")
    draws = (
        Draw.objects.restrict(user, "view")
        .select_related("organisation", "created_by", "plan")
        .defer(*HEAVY)
        .annotate(redrawn=Exists(Draw.objects.filter(redraw_of=OuterRef("pk"))))
    )
    page = Paginator(draws, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/draw_list.html",
        {
            "page": page,
            "page_query": querystring(request, "page"),
            "can_create": user.has_perm("plans.add_draw"),
        },
    )


def _chosen_plan(user, raw):
    """The draft plan a draw is for (the plan page's link, or the form's choice), through the change scope."""
    raw = str(raw or "")
    if not raw.isdigit():
        return None
    return InspectionPlan.objects.restrict(user, "change").filter(pk=int(raw)).select_related("organisation").first()


def _default_month(plan):
    """The month a draw for ``plan`` is inspected in unless the user chooses: this month for this year's
    plan, January for a plan being drawn up ahead."""
    today = timezone.localdate()
    if plan.year == today.year:
        return today.month
    return 1 if plan.year > today.year else None


@login_required
@require_http_methods(["GET", "POST"])
def draw_create(request):
    user = request.user
    require(user, "plans.add_draw")
    initial = {}
    if user.organisation_id and Organisation.objects.restrict(user, "view").filter(pk=user.organisation_id).exists():
        initial["organisation"] = user.organisation_id
    # Started from a plan (its 双随机抽取 link): for that plan, adding the result to it by default.
    plan = _chosen_plan(user, request.GET.get("plan"))
    if plan is not None:
        initial.update(plan=plan.pk, organisation=plan.organisation_id, planned_month=_default_month(plan))
    if request.method == "POST":
        plan = _chosen_plan(user, request.POST.get("plan"))
    suggestion = services.suggest_sample_size(plan) if plan is not None and plan.is_editable else None
    form = DrawForm(request.POST or None, user=user, initial=initial, suggestion=suggestion)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusals_on(form, not_found=(Draw.DoesNotExist, InspectionPlan.DoesNotExist)) as call:
            draw = services.create_draw(
                user,
                data["organisation"],
                data["title"],
                form.definition(),
                data["sample_size"],
                data["officers_per_enterprise"],
                plan=data["plan"],
                planned_month=form.month_to_add(),
            )
        if call.ok:
            message = _("已完成抽取：从%(pool)d家单位中抽取%(n)d家。") % {
                "pool": len(draw.enterprise_pool),
                "n": draw.sample_size,
            }
            if form.month_to_add():
                message += _("已列入“%(plan)s”%(month)d月（双随机抽查）。") % {
                    "plan": data["plan"].title,
                    "month": form.month_to_add(),
                }
            messages.success(request, message)
            return redirect("plans:draw_detail", pk=draw.pk)
    return render(request, "plans/draw_form.html", {"form": form, "plan": plan}, status=400 if form.errors else 200)


def _get_draw(user, pk, action="view"):
    return get_object_or_404(
        Draw.objects.restrict(user, action).select_related("organisation", "created_by", "plan", "redraw_of"), pk=pk
    )


def _result_rows(draw):
    """The result with names: one query for the enterprises, one for the officers.

    The names are read unscoped on purpose: the draw itself is in the user's scope and its stored
    result is what was drawn, even if an enterprise has since moved elsewhere.
    """
    enterprise_ids = [row["enterprise"] for row in draw.result]
    officer_ids = {o for row in draw.result for o in row["officers"]}
    enterprises = Enterprise.objects.select_related("organisation", "sector").in_bulk(enterprise_ids)
    officers = User.objects.in_bulk(officer_ids)
    rows = []
    for number, row in enumerate(draw.result, start=1):
        rows.append(
            {
                "number": number,
                "enterprise": enterprises.get(row["enterprise"]),
                "enterprise_id": row["enterprise"],
                "officers": [officers.get(o) or _("（已删除的用户 #%(id)s）") % {"id": o} for o in row["officers"]],
            }
        )
    return rows


def _definition_display(definition):
    sectors = Sector.objects.filter(pk__in=definition.get("sectors") or []).values_list("name", flat=True)
    orgs = Organisation.objects.filter(pk__in=definition.get("organisations") or []).values_list("name", flat=True)
    klass = definition.get("supervision_class")
    return {
        "sectors": list(sectors) if definition.get("sectors") else None,
        "organisations": list(orgs) if definition.get("organisations") else None,
        "supervision_class": Enterprise.SupervisionClass(klass).label if klass else None,
        "responsible_only": definition.get("responsible_only", True),
        "exclude_last_inspectors": definition.get("exclude_last_inspectors", False),
        "excluded_for_plan": definition.get("excluded_for_plan"),
    }


def _chain(draw):
    """The redraw history: earlier draws (newest first), and the draw that replaced this one."""
    earlier, current = [], draw.redraw_of
    while current is not None:
        earlier.append(current)
        current = current.redraw_of
    later = Draw.objects.filter(redraw_of=draw).defer(*HEAVY).first()
    return earlier, later


def _detail_context(request, draw, redraw_form=None, add_form=None):
    user = request.user
    earlier, later = _chain(draw)
    is_current = later is None
    may_change = Draw.objects.restrict(user, "change").filter(pk=draw.pk).exists()
    add_form = add_form or AddDrawToPlanForm(user=user, draw=draw)
    added = list(
        PlanItem.objects.filter(draw=draw)
        .values("plan_id", "plan__title", "plan__version", "planned_month")
        .annotate(n=Count("pk"))
        .order_by("plan_id", "planned_month")
    )
    return {
        "draw": draw,
        "definition": _definition_display(draw.pool_definition),
        "rows": _result_rows(draw),
        "verified": services.verify_draw(draw),
        "pool_sizes": {
            "enterprises": len(draw.enterprise_pool),
            "officers": len(draw.officer_pool),
            "excluded": len(draw.excluded_pairs),
        },
        "earlier": earlier,
        "later": later,
        "is_current": is_current,
        # Once in a plan, a result is corrected there (remove an enterprise, draw the shortfall), not redrawn.
        "can_redraw": is_current and not draw.published_at and not added and user.has_perm("plans.add_draw"),
        "can_publish": is_current and not draw.published_at and may_change and user.has_perm("plans.change_draw"),
        "can_add": is_current
        and not added
        and user.has_perm("plans.add_planitem")
        and add_form.fields["plan"].queryset.exists(),
        "redraw_form": redraw_form or RedrawForm(),
        "add_form": add_form,
        "added": added,
    }


def _surface_errors(request, form, form_shown):
    """A refused action whose form the page no longer offers (the draw was redrawn or published
    meanwhile) still says why, at the top of the page."""
    if not form_shown:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)


@login_required
@require_GET
def draw_detail(request, pk):
    draw = _get_draw(request.user, pk)
    return render(request, "plans/draw_detail.html", _detail_context(request, draw))


@login_required
@require_POST
def draw_redraw(request, pk):
    user = request.user
    draw = _get_draw(user, pk)
    form = RedrawForm(request.POST)
    if form.is_valid():
        with refusals_on(form, not_found=(Draw.DoesNotExist,)) as call:
            new = services.redraw(user, draw.pk, form.cleaned_data["reason"])
        if call.ok:
            messages.success(request, _("已重新抽取；原批次保留在抽取记录中。"))
            return redirect("plans:draw_detail", pk=new.pk)
    context = _detail_context(request, draw, redraw_form=form)
    _surface_errors(request, form, context["can_redraw"])
    return render(request, "plans/draw_detail.html", context, status=400)


@login_required
@require_POST
def draw_add_to_plan(request, pk):
    user = request.user
    draw = _get_draw(user, pk)
    form = AddDrawToPlanForm(request.POST, user=user, draw=draw)
    if form.is_valid():
        plan, month = form.cleaned_data["plan"], form.cleaned_data["planned_month"]
        with refusals_on(form, not_found=(Draw.DoesNotExist, InspectionPlan.DoesNotExist)) as call:
            added = services.add_draw_to_plan(user, draw.pk, plan.pk, month)
        if call.ok:
            messages.success(
                request,
                _("已将抽中的%(n)d家单位列入“%(plan)s”%(month)d月（双随机抽查）。")
                % {"n": len(added.items), "plan": plan.title, "month": month},
            )
            if added.already_planned:
                messages.info(
                    request,
                    _("以下单位计划中已有，未重复列入：%(names)s") % {"names": "、".join(added.already_planned)},
                )
            return redirect(reverse("plans:detail", args=[plan.pk]) + "#items")
    context = _detail_context(request, draw, add_form=form)
    _surface_errors(request, form, context["can_add"])
    return render(request, "plans/draw_detail.html", context, status=400)


@login_required
@require_POST
def draw_publish(request, pk):
    user = request.user
    draw = _get_draw(user, pk)
    try:
        services.publish_draw(user, draw.pk)
    except Draw.DoesNotExist as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, permission_message(exc))
    else:
        messages.success(request, _("已登记公示。请将公示名单发布到本局网站。"))
    return redirect("plans:draw_detail", pk=draw.pk)


@login_required
@require_GET
def draw_public(request, pk):
    """一公开: the printable result list (enterprise names and inspection teams) the bureau copies to its
    website. Only for signed-in users in scope, and only once the draw is published."""
    draw = _get_draw(request.user, pk)
    if draw.published_at is None:
        raise Http404
    return render(request, "plans/draw_public.html", {"draw": draw, "rows": _result_rows(draw)})


# --- conflict declarations -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def conflict_list(request):
    user = request.user
    can_declare = user.has_perm("plans.add_conflictdeclaration")
    can_view_others = user.has_perm("plans.view_conflictdeclaration")
    own = list(ConflictDeclaration.objects.filter(officer=user).select_related("enterprise").order_by("-declared_at"))
    if not (can_declare or can_view_others or own):
        raise PermissionDenied(_("您没有查看回避申报的权限。"))
    form, enterprise, results, q = None, None, [], request.GET.get("q", "")
    if can_declare:
        raw = request.POST.get("enterprise") or request.GET.get("enterprise") or ""
        if raw.isdigit():
            enterprise = Enterprise.objects.restrict(user, "view").filter(pk=int(raw)).first()
        form = ConflictForm(
            request.POST if request.method == "POST" else None,
            user=user,
            initial={"enterprise": enterprise.pk if enterprise else None},
        )
        if request.method == "POST" and form.is_valid():
            with refusals_on(form) as call:
                services.declare_conflict(user, form.cleaned_data["enterprise"], form.cleaned_data["relation"])
            if call.ok:
                messages.success(
                    request,
                    _("已申报与“%(name)s”的利害关系；双随机抽取将不再安排您检查该单位。")
                    % {"name": form.cleaned_data["enterprise"].name},
                )
                return redirect("plans:conflict_list")
        if enterprise is None:
            results = search_enterprises(Enterprise.objects.restrict(user, "view"), q)
            if request.GET.get("partial"):
                # The picker's live search asks for just the result list.
                return render(
                    request,
                    "plans/_enterprise_results.html",
                    {
                        "results": results,
                        "q": q,
                        "plan": None,
                        "pick_url": request.path,
                        "declared": {c.enterprise_id for c in own},
                    },
                )
    elif request.method == "POST":
        raise PermissionDenied(_("您没有申报回避的权限。"))
    others = None
    if can_view_others:
        scoped = (
            ConflictDeclaration.objects.restrict(user, "view")
            .exclude(officer=user)
            .select_related("officer__organisation", "enterprise")
            .order_by("-declared_at", "-pk")
        )
        others = Paginator(scoped, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/conflicts.html",
        {
            "own": own,
            "others": others,
            "form": form,
            "enterprise": enterprise,
            "results": results,
            "q": q,
            "pick_url": request.path,
            "declared": {c.enterprise_id for c in own},
            "page_query": querystring(request, "page"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def conflict_withdraw(request, pk):
    try:
        services.withdraw_conflict(request.user, pk)
    except ConflictDeclaration.DoesNotExist as exc:
        raise Http404 from exc
    messages.success(request, _("已撤回该回避申报。"))
    return redirect("plans:conflict_list")
