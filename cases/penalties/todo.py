"""What penalty cases put on the home page's to-do list (enforcement.web.todo), per role.

An officer: the deadlines of their own cases that have passed or fall within a week, and their cases in progress.
A legal reviewer: the cases of their bureau waiting for legal review (法制审核, 行政处罚法 第58条). A leader: the
approvals waiting (立案、案件处理、结案). The legal section: every overdue deadline of its scope (the deadline board).
Each item is a bounded number of queries (enforcement.web.todo.listed_item).
"""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.penalties.models import Deadline, PenaltyCase
from enforcement.web.todo import Severity, TodoRow, listed_item

S = PenaltyCase.State
# A deadline within a week is "due soon".
DUE_SOON_DAYS = 7
FINISHED = (S.CLOSED, S.ARCHIVED, S.NOT_FILED, S.TERMINATED)
APPROVALS = {
    S.FILING: gettext_lazy("立案审批"),
    S.HANDLING: gettext_lazy("案件处理审批"),
    S.CLOSING: gettext_lazy("结案审批"),
}


def _case_url(case, anchor="actions"):
    return reverse("cases:penalty_detail", args=[case.pk]) + f"#{anchor}"


def _deadline_row(today):
    def row(deadline):
        return TodoRow(
            label=f"{deadline.case.cause}：{deadline.get_kind_display()}",
            url=_case_url(deadline.case, "deadlines"),
            action=_("办理"),
            detail=_("%(article)s，届满 %(date)s") % {"article": deadline.article, "date": deadline.due_on.isoformat()},
            due=deadline.due_on,
            overdue=deadline.due_on < today,
        )

    return row


def _my_deadlines(user, today):
    """Open deadlines of the officer's own cases, overdue or due within a week."""
    mine = PenaltyCase.officers.through.objects.filter(user_id=user.pk).values("penaltycase_id")
    due = (
        Deadline.objects.restrict(user, "view")
        .filter(Deadline.due_q(), case_id__in=mine, due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
        .select_related("case")
        .order_by("due_on", "id")
    )
    return listed_item(
        due,
        _deadline_row(today),
        key="penalties.my_deadlines",
        title=_("我承办案件的到期事项"),
        url=reverse("cases:penalty_list") + f"?officer={user.pk}",
        severity=lambda rows: Severity.OVERDUE if rows[0].due_on < today else Severity.DUE,
        due=lambda rows: rows[0].due_on,
        hint=_("办案期限按工作日历计算（行政处罚法第85条）。"),
    )


def _my_cases(user, today):
    mine = PenaltyCase.officers.through.objects.filter(user_id=user.pk).values("penaltycase_id")
    cases = (
        PenaltyCase.objects.restrict(user, "view")
        .filter(pk__in=mine)
        .exclude(state__in=FINISHED)
        .select_related("enterprise")
        .order_by("-updated_at", "-id")
    )
    return listed_item(
        cases,
        lambda case: TodoRow(
            label=case.cause,
            url=_case_url(case),
            action=_("继续办理"),
            detail=case.get_state_display(),
        ),
        key="penalties.my_cases",
        title=_("我承办的行政处罚案件"),
        url=reverse("cases:penalty_list") + f"?officer={user.pk}",
        severity=Severity.INFO,
    )


def _review_queue(user, today):
    """Cases of the reviewer's own bureau in 法制审核."""
    cases = (
        PenaltyCase.objects.restrict(user, "view")
        .filter(organisation_id=user.organisation_id, state=S.REVIEWING)
        .select_related("organisation")
        .order_by("updated_at", "id")
    )
    return listed_item(
        cases,
        lambda case: TodoRow(label=case.cause, url=_case_url(case), action=_("审核"), detail=case.organisation.name),
        key="penalties.review_queue",
        title=_("待法制审核的案件"),
        url=reverse("cases:penalty_list") + f"?state={S.REVIEWING}",
        severity=Severity.DUE,
        hint=_("行政处罚法第58条：未经法制审核或审核未通过的，不得作出决定。"),
    )


def _approvals(user, today):
    """Approvals waiting for a leader of the case's own bureau."""
    cases = (
        PenaltyCase.objects.restrict(user, "view")
        .filter(organisation_id=user.organisation_id, state__in=list(APPROVALS))
        .exclude(state=S.FILING, procedure=PenaltyCase.Procedure.SUMMARY)
        .select_related("organisation")
        .order_by("updated_at", "id")
    )
    return listed_item(
        cases,
        lambda case: TodoRow(
            label=case.cause, url=_case_url(case), action=_("审批"), detail=str(APPROVALS[S(case.state)])
        ),
        key="penalties.approvals",
        title=_("待审批的行政处罚事项"),
        url=reverse("cases:penalty_list"),
        severity=Severity.DUE,
    )


def _scope_overdue(user, today):
    """The legal section's view: every overdue deadline of its scope."""
    overdue = (
        Deadline.objects.restrict(user, "view")
        .filter(Deadline.due_q(), due_on__lt=today)
        .select_related("case")
        .order_by("due_on", "id")
    )
    return listed_item(
        overdue,
        _deadline_row(today),
        key="penalties.scope_overdue",
        title=_("辖区内逾期的办案期限"),
        url=reverse("cases:penalty_deadlines"),
        severity=Severity.OVERDUE,
        due=lambda rows: rows[0].due_on,
    )


def is_legal_section(user):
    """法规科: reviews cases and watches the deadlines of its whole scope."""
    return "legal" in user.role_codes


def penalty_todo(user, today):
    if not user.has_perm("cases.view_penaltycase"):
        return []
    items = []
    if user.has_perm("cases.change_penaltycase"):
        items += _my_deadlines(user, today)
        items += _my_cases(user, today)
    reviews = user.has_perm("cases.review_penaltycase")
    if reviews and user.organisation_id:
        items += _review_queue(user, today)
    if user.organisation_id and user.has_perm("cases.approve_penaltycase"):
        items += _approvals(user, today)
    if reviews and is_legal_section(user):
        items += _scope_overdue(user, today)
    return items
