"""Helpers the pages of both plan features share (plans.annual.views, plans.draws.views)."""

from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string

from enforcement.enterprises.models import Enterprise
from plans.annual.coverage import check_plan
from plans.annual.models import InspectionPlan, PlanItem

PAGE_SIZE = 50
SEARCH_LIMIT = 20


def is_fetch(request):
    """True for the pages' own script calls (they ask for JSON instead of a redirect)."""
    return request.headers.get("X-Requested-With") == "fetch"


def own_plan(user, plan):
    """Whether the plan belongs to the user's own organisation. The upper level reads, checks and
    acknowledges a county's plan; drafting it and taking its steps is the county's own business, so the
    pages offer those only at the plan's own level (the services accept any user with the permission in
    scope)."""
    return user.is_superuser or (user.organisation_id is not None and user.organisation_id == plan.organisation_id)


def may_add_items(user, plan):
    """Whether the pages offer ``user`` to add items to ``plan``: an own draft plan in the change scope."""
    return (
        plan.is_editable
        and own_plan(user, plan)
        and user.has_perm("plans.add_planitem")
        and InspectionPlan.objects.restrict(user, "change").filter(pk=plan.pk).exists()
    )


def rules_context(plan, may_add=False):
    """The rule panel's context; with ``may_add`` the enterprises a rule names get a “加入计划” link."""
    results = check_plan(plan)
    return {"rules": results, "rules_ok": all(r.ok for r in results), "plan": plan, "rules_add": may_add}


def rules_payload(plan, request=None):
    context = rules_context(plan, may_add=request is not None and may_add_items(request.user, plan))
    return {
        "ok": context["rules_ok"],
        "rules": [
            {"code": r.code, "title": r.title, "ok": r.ok, "message": r.message, "details": r.details}
            for r in context["rules"]
        ],
        "html": render_to_string("plans/_rules.html", context, request=request),
    }


def search_enterprises(queryset, q, plan=None):
    """Server-side search for the enterprise pickers (a select of thousands of options is unusable on a
    tablet): name or credit code, at most SEARCH_LIMIT rows. With a plan, each row says whether it is
    already planned, and an empty search lists the key enterprises not yet planned."""
    q = (q or "").strip()
    qs = queryset.select_related("sector", "organisation")
    if plan is not None:
        qs = qs.annotate(planned=Exists(PlanItem.objects.filter(plan=plan, enterprise=OuterRef("pk"))))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__icontains=q.upper()))
    elif plan is not None:
        qs = qs.filter(supervision_class=Enterprise.SupervisionClass.KEY, planned=False)
    else:
        return []
    return list(qs.order_by("name", "pk")[:SEARCH_LIMIT])
