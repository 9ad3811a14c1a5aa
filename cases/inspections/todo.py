"""What inspections put on the home page (enforcement.web.todo).

An officer's own work: the plan items assigned to them that are due this month or overdue (R-01, the
planned month has passed without an inspection), the inspections they left open (检查中) and the hazards
of their inspections due for re-inspection (R-13: deadline reached, not closed). Those who answer for
the plan (plans.annual.todo.oversees_execution) see their scope's overdue hazards and key figures too.
"""

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.inspections.models import Hazard, Inspection
from cases.inspections.views import EFFECTIVE_PLANS, due_plan_items
from enforcement.web.todo import (
    ROWS,
    Figure,
    Severity,
    TodoItem,
    TodoRow,
    count_and_first,
    listed_item,
    month_end,
    percent,
)
from plans.annual.todo import oversees_execution
from plans.models import PlanItem

# A week before the month ends, this month's plan items are "due this week".
DUE_SOON_DAYS = 7

# The hazard deadline the due and overdue rules here and on the enterprise page read: the deadline in force
# (a failed re-inspection sets a new one beside the order's original, which stays as the order stated it).
DEADLINE = "current_deadline"


def start_inspection_url(item=None, enterprise=None):
    """The inspection form, pre-filled for a plan item or, for an unplanned inspection, an enterprise."""
    query = f"plan_item={item.pk}" if item is not None else f"enterprise={enterprise.pk}"
    return reverse("cases:inspection_create") + "?" + query


def _plan_item_rows(items, today):
    return tuple(
        TodoRow(
            label=item.enterprise.name,
            url=start_inspection_url(item),
            action=_("开始检查"),
            detail=_("%(month)d月计划 · %(mode)s") % {"month": item.planned_month, "mode": item.get_mode_display()},
            due=month_end(today.year, item.planned_month),
            overdue=item.planned_month < today.month,
        )
        for item in items
    )


def _my_plan_items(user, today):
    """Plan items of the user's plans in force assigned to the user: overdue ones and this month's."""
    if not user.organisation_id or not user.has_perm("cases.add_inspection"):
        return []
    mine = due_plan_items(user, today).filter(mine=True).prefetch_related(None)
    overdue, oldest = count_and_first(mine.filter(planned_month__lt=today.month), ROWS)
    due, this_month = count_and_first(mine.filter(planned_month=today.month), ROWS)
    url = reverse("cases:inspection_list") + "#due-panel"
    items = []
    if overdue:
        items.append(
            TodoItem(
                key="cases.plan_items_overdue",
                title=_("逾期未检查的计划事项"),
                count=overdue,
                url=url,
                severity=Severity.OVERDUE,
                due=month_end(today.year, oldest[0].planned_month),
                hint=_("计划月份已过，尚未录入检查。"),
                rows=_plan_item_rows(oldest, today),
            )
        )
    if due:
        end = month_end(today.year, today.month)
        soon = (end - today).days < DUE_SOON_DAYS
        items.append(
            TodoItem(
                key="cases.plan_items_due",
                title=_("本周到期的计划检查") if soon else _("本月计划检查"),
                count=due,
                url=url,
                severity=Severity.DUE,
                due=end,
                hint=_("%(month)d月底前完成。") % {"month": today.month},
                rows=_plan_item_rows(this_month, today),
            )
        )
    return items


def _my_open_inspections(user, today):
    """Inspections the user recorded or took part in that are still 检查中."""
    officers = Inspection.officers.through.objects.filter(user_id=user.pk).values("inspection_id")
    open_ = (
        Inspection.objects.restrict(user, "view")
        .filter(status=Inspection.Status.IN_PROGRESS)
        .filter(Q(created_by=user) | Q(pk__in=officers))
    )
    return listed_item(
        open_.select_related("enterprise").order_by("inspected_on", "pk"),
        lambda inspection: TodoRow(
            label=inspection.enterprise.name,
            url=reverse("cases:inspection_detail", args=[inspection.pk]),
            action=_("继续检查"),
            detail=_("%(date)s 开始，检查中") % {"date": inspection.inspected_on.isoformat()},
        ),
        key="cases.inspections_open",
        title=_("未完成的检查"),
        url=reverse("cases:inspection_list") + f"?status={Inspection.Status.IN_PROGRESS}",
        severity=Severity.DUE,
        hint=_("补充隐患、召开反馈会后点“完成检查”。"),
    )


def _hazard_row(user, today, act=True):
    """A hazard as a row; ``act`` offers 复查 to those who may re-inspect, else the row opens the hazard."""
    may_reinspect = act and user.has_perm("cases.add_reinspection")

    def row(hazard):
        deadline = getattr(hazard, DEADLINE)
        detail_url = reverse("cases:inspection_detail", args=[hazard.inspection_id]) + f"#hazard-{hazard.pk}"
        return TodoRow(
            label=f"{hazard.inspection.enterprise.name}：{hazard.description[:30]}",
            url=hazard.reinspect_url() if may_reinspect else detail_url,
            action=_("复查") if may_reinspect else "",
            detail=_("整改期限 %(date)s") % {"date": deadline.isoformat()},
            due=deadline,
            overdue=deadline < today,
        )

    return row


def _oldest_deadline(hazards):
    return getattr(hazards[0], DEADLINE)


def _my_hazards_due(user, today):
    """R-13: hazards of the user's inspections whose deadline has come and that are not closed yet."""
    mine = Inspection.officers.through.objects.filter(user_id=user.pk).values("inspection_id")
    due = (
        Hazard.objects.restrict(user, "view")
        .exclude(status=Hazard.Status.CLOSED)
        .filter(**{f"{DEADLINE}__lte": today})
        .filter(Q(inspection_id__in=mine) | Q(inspection__created_by=user))
    )
    return listed_item(
        due.select_related("inspection__enterprise").order_by(DEADLINE, "pk"),
        _hazard_row(user, today),
        key="cases.hazards_due",
        title=_("到期待复查的隐患"),
        url=reverse("cases:hazard_list"),
        severity=lambda hazards: Severity.OVERDUE if _oldest_deadline(hazards) < today else Severity.DUE,
        due=_oldest_deadline,
        hint=_("整改期限已到，复查后闭环（复查率目标 100%）。"),
    )


def _overdue_hazards(user, today):
    """The scope's hazards still open after their deadline (the same rule as the hazard list's 逾期)."""
    overdue = Hazard.objects.restrict(user, "view").filter(Hazard.overdue_q(today))
    return listed_item(
        overdue.select_related("inspection__enterprise").order_by(DEADLINE, "pk"),
        # Those who oversee look into them; the re-inspection is the officers' (on their own list).
        _hazard_row(user, today, act=False),
        key="cases.hazards_overdue",
        title=_("逾期未整改的隐患"),
        url=reverse("cases:hazard_list") + "?state=overdue",
        severity=Severity.OVERDUE,
        due=_oldest_deadline,
    )


def inspection_todo(user, today):
    items = []
    if user.has_perm("cases.view_inspection"):
        items += _my_plan_items(user, today)
        items += _my_open_inspections(user, today)
        items += _my_hazards_due(user, today)
        if oversees_execution(user):
            items += _overdue_hazards(user, today)
    return items


def inspection_figures(user, today):
    """Plan completion so far this year (completed inspections only) and the state of hazards."""
    if not oversees_execution(user) or not user.has_perm("cases.view_inspection"):
        return []
    completed = Inspection.objects.filter(plan_item=OuterRef("pk"), status=Inspection.Status.COMPLETED)
    plan = (
        PlanItem.objects.restrict(user, "view")
        .filter(plan__status__in=EFFECTIVE_PLANS, plan__year=today.year, planned_month__lte=today.month)
        .annotate(is_done=Exists(completed))
        .aggregate(
            total=Count("pk"),
            done=Count("pk", filter=Q(is_done=True)),
            behind=Count("pk", filter=Q(is_done=False, planned_month__lt=today.month)),
        )
    )
    hazards = Hazard.objects.restrict(user, "view").aggregate(
        open=Count("pk", filter=~Q(status=Hazard.Status.CLOSED)),
        overdue=Count("pk", filter=Hazard.overdue_q(today)),
    )
    inspected = Inspection.objects.restrict(user, "view").filter(inspected_on__year=today.year).count()
    hazard_url = reverse("cases:hazard_list")
    return [
        Figure(
            key="cases.plan_completion",
            label=_("计划检查完成率"),
            value=percent(plan["done"], plan["total"]),
            detail=_("截至本月应完成 %(total)d 项，已完成 %(done)d 项（只计已完成的检查）")
            % {"total": plan["total"], "done": plan["done"]},
            url=reverse("cases:inspection_list"),
            warn=bool(plan["behind"]),
            order=10,
        ),
        Figure(
            key="cases.plan_behind",
            label=_("滞后的计划检查"),
            value=str(plan["behind"]),
            detail=_("计划月份已过、尚未完成检查"),
            url=reverse("cases:inspection_list"),
            warn=bool(plan["behind"]),
            order=11,
        ),
        Figure(
            key="cases.inspections_year",
            label=_("本年执法检查"),
            value=str(inspected),
            detail=_("%(year)d年已实施的现场检查") % {"year": today.year},
            url=reverse("cases:inspection_list") + f"?date_from={today.year}-01-01",
            order=20,
        ),
        Figure(
            key="cases.hazards_open",
            label=_("未闭环隐患"),
            value=str(hazards["open"]),
            detail=_("其中逾期未整改 %(n)d 项") % {"n": hazards["overdue"]},
            url=hazard_url,
            warn=bool(hazards["overdue"]),
            order=30,
        ),
    ]
