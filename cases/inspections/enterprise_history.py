"""An enterprise's plan items, inspections and hazards on its register page (enforcement.web.enterprise_history).

Everything is read through ``restrict(user, "view")``. The page's 开始检查 opens the inspection form for the
enterprise's next plan item of the user's own plan in force, or for an unplanned inspection.
"""

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.inspections.filters import OPEN_STATES
from cases.inspections.models import Hazard, Inspection, ReInspection
from cases.inspections.services import carries_out
from cases.inspections.todo import DEADLINE, start_inspection_url
from cases.inspections.views import EFFECTIVE_PLANS, hazard_urgency
from enforcement.documents.sources import source_key
from enforcement.web.enterprise_history import Action, Cell, HistoryRow, HistorySection
from plans.models import PlanItem


def _plan_item_state(item, today):
    """(text, badge tone) of a plan item's execution."""
    if item.completed:
        return _("已完成"), "ok"
    if item.open_inspection:
        return _("检查中"), ""
    if item.plan.status not in EFFECTIVE_PLANS:
        return item.plan.get_status_display(), "plain"
    if (item.plan.year, item.planned_month) < (today.year, today.month):
        return _("逾期未检查"), "warn"
    return _("待检查"), "plain"


def _may_start(user, item):
    """Only the plan's own bureau carries out its items (the inspection list's due panel says the same)."""
    return (
        user.has_perm("cases.add_inspection")
        and carries_out(user, item)
        and item.plan.status in EFFECTIVE_PLANS
        and not item.completed
        and not item.open_inspection
    )


def _plan_items(user, enterprise, limit, today):
    items = (
        PlanItem.objects.restrict(user, "view")
        .filter(enterprise=enterprise)
        .exclude(plan__status="superseded")
        .select_related("plan")
        .annotate(
            completed=Exists(Inspection.objects.filter(plan_item=OuterRef("pk"), status=Inspection.Status.COMPLETED)),
            open_inspection=Exists(
                Inspection.objects.filter(plan_item=OuterRef("pk"), status=Inspection.Status.IN_PROGRESS)
            ),
        )
        .order_by("-plan__year", "planned_month", "pk")
    )
    listed = list(items[:limit])
    total = len(listed) if len(listed) < limit else items.count()
    rows = []
    for item in listed:
        state, tone = _plan_item_state(item, today)
        action = Cell(_("开始检查"), start_inspection_url(item), button=True) if _may_start(user, item) else Cell("")
        rows.append(
            HistoryRow(
                f"plan-item-{item.pk}",
                (
                    Cell(item.plan.title, reverse("plans:item_detail", args=[item.pk])),
                    Cell(_("%(year)d年%(month)d月") % {"year": item.plan.year, "month": item.planned_month}),
                    Cell(item.get_mode_display()),
                    Cell(state, badge=tone or "default"),
                    action,
                ),
            )
        )
    # The next item the user's bureau still has to carry out this year, for the page's 开始检查.
    startable = [i for i in listed if i.plan.year == today.year and _may_start(user, i)]
    return startable, HistorySection(
        key="plan_items",
        title=_("计划检查"),
        columns=(_("年度计划"), _("计划月份"), _("检查方式"), _("执行情况"), ""),
        rows=rows,
        total=total,
        empty=_("尚未列入年度监督检查计划。"),
        order=10,
        document_keys=[source_key(item) for item in listed],
    )


def _inspections(user, enterprise, limit):
    inspections = (
        Inspection.objects.restrict(user, "view")
        .filter(enterprise=enterprise)
        .select_related("organisation", "plan_item")
        .annotate(
            hazard_total=Count("hazards", distinct=True),
            hazard_open=Count("hazards", filter=Q(hazards__status__in=OPEN_STATES), distinct=True),
        )
        .order_by("-inspected_on", "-id")
    )
    listed = list(inspections[:limit])
    total = len(listed) if len(listed) < limit else inspections.count()
    rows = []
    for inspection in listed:
        kind = (
            _("计划检查（%(month)d月）") % {"month": inspection.plan_item.planned_month}
            if inspection.plan_item_id
            else _("计划外检查")
        )
        completed = inspection.status == Inspection.Status.COMPLETED
        hazards = (
            _("%(open)d 项未闭环 / 共 %(total)d 项")
            % {"open": inspection.hazard_open, "total": inspection.hazard_total}
            if inspection.hazard_total
            else _("未发现隐患")
        )
        rows.append(
            HistoryRow(
                f"inspection-{inspection.pk}",
                (
                    Cell(inspection.inspected_on.isoformat(), reverse("cases:inspection_detail", args=[inspection.pk])),
                    Cell(inspection.organisation.name),
                    Cell(kind),
                    Cell(inspection.get_status_display(), badge="ok" if completed else "default"),
                    Cell(hazards, badge="warn" if inspection.hazard_open else ""),
                ),
            )
        )
    reinspections = ReInspection.objects.restrict(user, "view").filter(hazard__inspection__in=[i.pk for i in listed])
    keys = [source_key(i) for i in listed] + [
        f"cases.reinspection:{pk}" for pk in reinspections.values_list("pk", flat=True)
    ]
    return HistorySection(
        key="inspections",
        title=_("执法检查"),
        columns=(_("检查日期"), _("执法主体"), _("类别"), _("状态"), _("隐患")),
        rows=rows,
        total=total,
        empty=_("尚无执法检查记录。"),
        more_url=reverse("cases:inspection_list") + f"?q={enterprise.credit_code}",
        order=20,
        document_keys=keys,
    )


def _hazards(user, enterprise, limit, today):
    deadline = DEADLINE
    hazards = (
        Hazard.objects.restrict(user, "view")
        .filter(inspection__enterprise=enterprise)
        .annotate(urgency=hazard_urgency(today))
        .order_by("urgency", deadline, "-closed_on", "pk")
    )
    listed = list(hazards[:limit])
    total = len(listed) if len(listed) < limit else hazards.count()
    may_reinspect = user.has_perm("cases.add_reinspection")
    rows = []
    for hazard in listed:
        closed = hazard.status == Hazard.Status.CLOSED
        if hazard.urgency == 0:
            state = Cell(_("逾期未整改"), badge="warn")
        else:
            state = Cell(hazard.get_status_display(), badge="ok" if closed else "default")
        action = Cell(_("复查"), hazard.reinspect_url(), button=True) if may_reinspect and not closed else Cell("")
        rows.append(
            HistoryRow(
                f"hazard-{hazard.pk}",
                (
                    Cell(
                        hazard.description[:60],
                        reverse("cases:inspection_detail", args=[hazard.inspection_id]) + f"#hazard-{hazard.pk}",
                    ),
                    Cell(_("重大") if hazard.is_major else _("一般"), badge="key" if hazard.is_major else ""),
                    Cell(hazard.found_on.isoformat()),
                    Cell(getattr(hazard, deadline).isoformat()),
                    state,
                    action,
                ),
            )
        )
    return HistorySection(
        key="hazards",
        title=_("隐患整改"),
        columns=(_("隐患"), _("级别"), _("发现日期"), _("整改期限"), _("状态"), ""),
        rows=rows,
        total=total,
        empty=_("尚无隐患记录。"),
        more_url=reverse("cases:hazard_list") + f"?state=&q={enterprise.credit_code}",
        order=30,
    )


def inspection_history(user, enterprise, limit):
    today = timezone.localdate()
    sections = []
    startable = []
    if user.has_perm("plans.view_planitem"):
        startable, section = _plan_items(user, enterprise, limit, today)
        sections.append(section)
    if user.has_perm("cases.view_inspection"):
        sections.append(_inspections(user, enterprise, limit))
    if user.has_perm("cases.view_hazard"):
        sections.append(_hazards(user, enterprise, limit, today))
    if sections and user.has_perm("cases.add_inspection") and user.organisation_id:
        sections[0].actions.extend(_page_actions(user, enterprise, startable))
    return sections


def _page_actions(user, enterprise, startable):
    """继续检查 an inspection of the user's bureau still open here; 开始检查 the earliest item of this year
    the bureau has not carried out, else an unplanned inspection."""
    actions = []
    open_here = (
        Inspection.objects.restrict(user, "change")
        .filter(enterprise=enterprise, organisation_id=user.organisation_id, status=Inspection.Status.IN_PROGRESS)
        .order_by("-inspected_on", "-pk")
        .first()
    )
    if open_here is not None:
        url = reverse("cases:inspection_detail", args=[open_here.pk])
        actions.append(Action(_("继续检查"), url, primary=True, key="continue-inspection"))
    first = min(startable, key=lambda i: (i.planned_month, i.pk), default=None)
    url = start_inspection_url(first) if first is not None else start_inspection_url(enterprise=enterprise)
    actions.append(Action(_("开始检查"), url, primary=open_here is None, key="start-inspection"))
    return actions
