"""现场检查方案 (R-10) as an issued document: one on-site inspection plan per plan item (一企一方案).

Contexts are stored as JSON with the issued document (enforcement.documents): plain strings, numbers and
ISO dates only, so the PDF can be rendered again from the record alone.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.documents.sources import (
    DocumentSource,
    enterprise_context,
    issue_for,
    officer_rows,
    register_source,
)
from plans.annual.models import CheckItem, PlanItem


def onsite_check_items(item):
    """The plan item's check items, plus the principal person's duties (安全生产法 第21条) when included."""
    q = Q(pk__in=item.check_items.values("pk"))
    if item.include_principal_duties:
        q |= Q(principal_duty=True, sector__isnull=True, is_active=True)
    return CheckItem.objects.filter(q).select_related("sector").order_by("sector__sort_order", "sort_order", "pk")


def onsite_plan_context(item):
    plan = item.plan
    groups: dict = {}
    for check in onsite_check_items(item):
        groups.setdefault(check.category, []).append({"text": check.text, "basis": check.basis})
    # Certificates valid on the first day of the planned month: the officers named must be able to enforce then.
    on_date = max(timezone.localdate(), timezone.datetime(plan.year, item.planned_month, 1).date())
    return {
        "issuer_name": plan.organisation.name,
        "issue_date": timezone.localdate().isoformat(),
        "plan_title": plan.title,
        "year": plan.year,
        "month": item.planned_month,
        "mode": item.get_mode_display(),
        "team": item.team,
        "enterprise": enterprise_context(item.enterprise),
        "sector": item.enterprise.sector.name if item.enterprise.sector_id else "",
        "supervision_class": item.enterprise.get_supervision_class_display(),
        "officers": officer_rows(item.officers.all(), on_date),
        "groups": [{"category": category, "items": items} for category, items in groups.items()],
        "notes": item.onsite_notes,
    }


def may_issue_onsite_plan(user, item):
    return user.organisation_id == item.plan.organisation_id and (
        user.has_perm("plans.change_planitem") or item.officers.filter(pk=user.pk).exists()
    )


def _authorise(user, item, organisation):
    if not may_issue_onsite_plan(user, item):
        raise PermissionDenied(_("您没有出具该现场检查方案的权限。"))


ONSITE_PLAN = DocumentSource(
    doc_type_key="onsite_plan",
    model=PlanItem,
    queryset=lambda user, action: PlanItem.objects.restrict(user, action).select_related(
        "plan__organisation", "enterprise__sector"
    ),
    organisation_of=lambda i: i.plan.organisation,
    title=lambda i: _("%(name)s现场检查方案") % {"name": i.enterprise.name},
    build_context=onsite_plan_context,
    authorise=_authorise,
    # Officers named in the item issue it too, without the right to change the plan: may_issue_onsite_plan decides.
    issue_action="view",
    url=lambda item: reverse("plans:item_detail", args=[item.pk]),
    labels={
        "plan_title": gettext_lazy("年度计划"),
        "month": gettext_lazy("计划月份"),
        "mode": gettext_lazy("检查方式"),
        "team": gettext_lazy("检查组"),
        "groups": gettext_lazy("检查事项"),
        "notes": gettext_lazy("现场检查注意事项"),
        "sector": gettext_lazy("行业"),
        "supervision_class": gettext_lazy("监管类别"),
    },
)


def issue_onsite_plan(user, plan_item_id):
    """出具现场检查方案 for one plan item (一企一方案, R-10). Idempotent per plan item."""
    return issue_for(user, "onsite_plan", plan_item_id)


def register_sources():
    """Called from PlansConfig.ready()."""
    register_source(ONSITE_PLAN)
