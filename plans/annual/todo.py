"""What annual plans put on the home page's to-do list (enforcement.web.todo).

The own organisation's plans waiting for the user's next step (R-04: drafted, submitted, approved, filed
and published, approved by the end of March), a plan not yet drafted for the year, and for the level
above the filings to acknowledge and the lower plans past the approval deadline.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from enforcement.enterprises.models import Enterprise
from enforcement.web.todo import ROWS, Severity, TodoItem, TodoRow, listed_item
from plans.annual import services
from plans.annual.models import InspectionPlan, PlanType
from plans.annual.views.plans import STEPS

S = InspectionPlan.Status
# The user's next step on an own plan in each state, by the step's name on the plan page.
NEXT_STEP_NAME = {S.DRAFT: "submit", S.SUBMITTED: "approve", S.APPROVED: "file", S.FILED: "publish"}
# States in which the plan still has to be approved by the deadline.
BEFORE_APPROVAL = (S.DRAFT, S.SUBMITTED)


def oversees_execution(user):
    """Whether the user answers for plans being carried out: the legal section and business offices that
    draft and advance them, and the leaders who approve them (the approval permission, which officers
    lack). The home page shows these users their scope's backlog and key figures besides any work of
    their own."""
    return user.has_perm("plans.approve_inspectionplan")


def _month_day(day):
    return _("%(month)d月%(day)d日") % {"month": day.month, "day": day.day}


def _plan_url(plan, anchor="workflow"):
    return reverse("plans:detail", args=[plan.pk]) + f"#{anchor}"


def _own_plans(user, today):
    """Own plans of this year or later whose next step is the user's to take."""
    steps = {
        status: name
        for status, name in NEXT_STEP_NAME.items()
        if user.has_perm(services.STEP_PERMISSION[services.NEXT_STEP[status]])
    }
    if not steps or not user.organisation_id:
        return []
    plans = list(
        InspectionPlan.objects.restrict(user, "view")
        .filter(organisation_id=user.organisation_id, year__gte=today.year, status__in=list(steps))
        .order_by("year", "plan_type", "-version")
    )
    if not plans:
        return []
    rows = []
    for plan in plans[:ROWS]:
        deadline = services.approval_deadline(plan.year) if plan.status in BEFORE_APPROVAL else None
        rows.append(
            TodoRow(
                label=str(plan),
                url=_plan_url(plan),
                action=str(STEPS[steps[plan.status]][1]),
                detail=plan.get_status_display(),
                due=deadline,
                overdue=deadline is not None and today > deadline,
            )
        )
    overdue = any(row.overdue for row in rows)
    due_dates = [row.due for row in rows if row.due]
    return [
        TodoItem(
            key="plans.own_steps",
            title=_("本单位年度计划待办理"),
            count=len(plans),
            url=reverse("plans:list") + f"?organisation={user.organisation_id}",
            severity=Severity.OVERDUE if overdue else Severity.DUE,
            due=min(due_dates) if due_dates else None,
            hint=_("报批、登记批准、报备和公示逐步办理；%(date)s前须经批准（R-04）。")
            % {"date": _month_day(services.approval_deadline(today.year))},
            rows=tuple(rows),
        )
    ]


def _plan_missing(user, today):
    """R-01: every enforcement body responsible for enterprises draws up its own work-safety plan."""
    org_id = user.organisation_id
    if not org_id or not user.has_perm("plans.add_inspectionplan"):
        return []
    has_plan = (
        InspectionPlan.objects.restrict(user, "view")
        .filter(organisation_id=org_id, year=today.year, plan_type=PlanType.WORK_SAFETY)
        .exists()
    )
    if has_plan or not Enterprise.objects.restrict(user, "view").filter(responsible_org_id=org_id).exists():
        return []
    deadline = services.approval_deadline(today.year)
    return [
        TodoItem(
            key="plans.missing",
            title=_("尚未编制%(year)d年度安全生产监督检查计划") % {"year": today.year},
            count=1,
            url=reverse("plans:create"),
            severity=Severity.OVERDUE if today > deadline else Severity.DUE,
            due=deadline,
            action=_("编制计划"),
        )
    ]


def _filings_to_acknowledge(user, today):
    """Plans the lower levels filed (报备) with the user's bureau that nobody there has acknowledged yet."""
    org = user.organisation
    if org is None or not user.has_perm("plans.acknowledge_inspectionplan"):
        return []
    waiting = (
        InspectionPlan.objects.restrict(user, "view")
        .filter(organisation__path__startswith=org.path, filed_at__isnull=False, filing_acknowledged_at__isnull=True)
        .exclude(organisation=org)
        .exclude(status=S.SUPERSEDED)
    )
    return listed_item(
        waiting.select_related("organisation").order_by("filed_at", "pk"),
        lambda plan: TodoRow(
            label=plan.organisation.name, url=_plan_url(plan), action=str(STEPS["acknowledge"][1]), detail=str(plan)
        ),
        key="plans.acknowledge",
        title=_("下级报备的年度计划待确认"),
        url=reverse("plans:list") + f"?status={S.FILED}",
        severity=Severity.DUE,
    )


def _lower_plans_overdue(user, today):
    """R-04: lower plans still not approved after the deadline, flagged to the level above."""
    org = user.organisation
    if org is None or not user.has_perm("plans.acknowledge_inspectionplan"):
        return []
    late = (
        InspectionPlan.objects.restrict(user, "view")
        .filter(pk__in=services.overdue_plans(today.year, today).values("pk"))
        .exclude(organisation=org)
    )
    return listed_item(
        late.select_related("organisation").order_by("organisation__path", "pk"),
        lambda plan: TodoRow(
            label=plan.organisation.name, url=_plan_url(plan), detail=plan.get_status_display(), overdue=True
        ),
        key="plans.lower_overdue",
        title=_("下级年度计划逾期未批准"),
        url=reverse("plans:list") + f"?year={today.year}",
        severity=Severity.OVERDUE,
        due=services.approval_deadline(today.year),
    )


def plan_todo(user, today):
    return [
        *_own_plans(user, today),
        *_plan_missing(user, today),
        *_filings_to_acknowledge(user, today),
        *_lower_plans_overdue(user, today),
    ]
