"""What guidance (执法指导, R-40…R-42) puts on the home page (enforcement.web.todo).

A county's leaders and legal section see the letters whose rectification report they owe (R-42); the
city legal section sees the reports waiting for its review, the letters overdue, and the counties it has
not yet visited this year with their slot in the guidance schedule (R-40).
"""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from enforcement.web.todo import ROWS, Figure, Severity, TodoItem, TodoRow, listed_item, month_end
from plans.annual.todo import oversees_execution
from supervision.guidance.models import GuidanceLetter, GuidanceSchedule, GuidanceVisit
from supervision.guidance.queries import city_units
from supervision.guidance.rules import LAST_MONTH
from supervision.guidance.services import is_city_user, may_answer


def _letter_url(letter):
    return reverse("supervision:guidance_letter", args=[letter.pk])


def _letter_label(letter):
    return letter.document.number if letter.document_id else str(letter.visit)


def _letters(user):
    return GuidanceLetter.objects.restrict(user, "view").select_related("visit__county", "document")


def _reports_owed(user, today):
    """Letters to the user's county still waiting for its rectification report (R-42)."""
    if (
        is_city_user(user)
        or not user.organisation_id
        or not oversees_execution(user)
        or not user.has_perm("supervision.view_guidanceletter")
    ):
        return []
    owed = list(
        _letters(user)
        .filter(visit__county_id=user.organisation_id, status__in=GuidanceLetter.AWAITING_REPORT)
        .order_by("report_deadline", "pk")
    )
    if not owed:
        return []
    rows = tuple(
        TodoRow(
            label=_letter_label(letter),
            url=_letter_url(letter),
            action=_("报送整改报告") if may_answer(user, letter) else _("查看"),
            detail=_("整改报告期限 %(date)s") % {"date": letter.report_deadline.isoformat()},
            due=letter.report_deadline,
            overdue=letter.is_overdue(today),
        )
        for letter in owed[:ROWS]
    )
    return [
        TodoItem(
            key="guidance.reports_owed",
            title=_("执法指导意见书待报送整改报告"),
            count=len(owed),
            url=reverse("supervision:guidance_ledger"),
            severity=Severity.OVERDUE if any(letter.is_overdue(today) for letter in owed) else Severity.DUE,
            due=owed[0].report_deadline,
            rows=rows,
        )
    ]


def _reports_to_review(user, today):
    if not is_city_user(user) or not user.has_perm("supervision.review_guidanceletter"):
        return []
    waiting = _letters(user).filter(visit__city_id=user.organisation_id, status=GuidanceLetter.Status.REPORT_SUBMITTED)
    return listed_item(
        waiting.order_by("report_deadline", "pk"),
        lambda letter: TodoRow(
            label=letter.visit.county.name, url=_letter_url(letter), action=_("审核"), detail=_letter_label(letter)
        ),
        key="guidance.reports_to_review",
        title=_("县区整改报告待审核"),
        url=reverse("supervision:guidance_ledger"),
        severity=Severity.DUE,
    )


def _letters_overdue(user, today):
    if not is_city_user(user) or not oversees_execution(user) or not user.has_perm("supervision.view_guidanceletter"):
        return []
    overdue = _letters(user).filter(GuidanceLetter.overdue_q(today))
    return listed_item(
        overdue.order_by("report_deadline", "pk"),
        lambda letter: TodoRow(
            label=letter.visit.county.name,
            url=_letter_url(letter),
            detail=_("期限 %(date)s") % {"date": letter.report_deadline.isoformat()},
            due=letter.report_deadline,
            overdue=True,
        ),
        key="guidance.letters_overdue",
        title=_("逾期未报送整改报告的意见书"),
        url=reverse("supervision:guidance_ledger"),
        severity=Severity.OVERDUE,
        due=lambda letters: letters[0].report_deadline,
    )


def _slot_due(month, today):
    """The end of a scheduled month; without a slot, the end of November (R-40: all done by then)."""
    return month_end(today.year, month or LAST_MONTH)


def _counties_not_visited(user, today):
    """R-40: every county guided at least once a year, by the end of November, in its scheduled month."""
    if not is_city_user(user) or not oversees_execution(user) or not user.has_perm("supervision.view_guidanceschedule"):
        return []
    units = city_units(user)
    visited = set(
        GuidanceVisit.objects.restrict(user, "view")
        .filter(visit_date__year=today.year, visit_date__lte=today)
        .values_list("county_id", flat=True)
    )
    slots = {}
    for county_id, month in (
        GuidanceSchedule.objects.restrict(user, "view")
        .filter(year=today.year)
        .order_by("planned_month")
        .values_list("county_id", "planned_month")
    ):
        slots.setdefault(county_id, month)
    waiting = sorted(
        (unit for unit in units if unit.pk not in visited),
        key=lambda unit: (_slot_due(slots.get(unit.pk), today), unit.path),
    )
    if not waiting:
        return []
    rows = []
    for unit in waiting[:ROWS]:
        month = slots.get(unit.pk)
        due = _slot_due(month, today)
        detail = _("计划%(month)d月") % {"month": month} if month else _("尚未安排")
        rows.append(
            TodoRow(
                label=unit.name,
                url=reverse("supervision:guidance_schedule"),
                detail=detail,
                due=due,
                overdue=due < today,
            )
        )
    first_due = _slot_due(slots.get(waiting[0].pk), today)
    return [
        TodoItem(
            key="guidance.not_visited",
            title=_("本年尚未指导的县区"),
            count=len(waiting),
            url=reverse("supervision:guidance_schedule") + f"?year={today.year}",
            severity=Severity.OVERDUE if first_due < today else Severity.DUE,
            due=first_due,
            hint=_("每个县区每年至少指导一次，11月底前完成（R-40）。"),
            rows=tuple(rows),
        )
    ]


def guidance_todo(user, today):
    return [
        *_reports_owed(user, today),
        *_reports_to_review(user, today),
        *_letters_overdue(user, today),
        *_counties_not_visited(user, today),
    ]


def guidance_figures(user, today):
    """Open and overdue letters in the user's scope (R-43 ledger in one line)."""
    if not oversees_execution(user) or not user.has_perm("supervision.view_guidanceletter"):
        return []
    letters = GuidanceLetter.objects.restrict(user, "view").filter(visit__visit_date__year=today.year)
    counts = letters.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=~Q(status=GuidanceLetter.Status.ACCEPTED)),
        overdue=Count("pk", filter=GuidanceLetter.overdue_q(today)),
    )
    return [
        Figure(
            key="guidance.letters",
            label=_("执法指导意见书未销号"),
            value=str(counts["open"]),
            detail=_("本年下达 %(total)d 份，逾期 %(overdue)d 份") % counts,
            url=reverse("supervision:guidance_ledger"),
            warn=bool(counts["overdue"]),
            order=40,
        )
    ]
