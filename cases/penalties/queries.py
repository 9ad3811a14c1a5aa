"""The scoped lists of penalty cases and deadlines the pages, the API and the jobs use.

Everything starts from ``restrict()``; each list selects what a row of it shows, so a page of any size costs a
constant number of queries. ``cases_for(user)`` is also the base of the case's own pages and endpoints: a legal
reviewer (role "reviewer", whose only case permissions are view and review) sees only the cases sent for review
in their organisation and those they reviewed, so any other case is 404 for them.
"""

import datetime

from django.db.models import DateField, DurationField, ExpressionWrapper, F, Q, Value

from cases.penalties.models import Deadline, PenaltyCase, StepRecord

State = PenaltyCase.State
# Roles whose view of penalty cases is the review queue only (案审分离: they review, they do not supervise).
REVIEW_ONLY_ROLES = frozenset({"reviewer"})
# Cases that are over: their deadlines are not on any board.
FINISHED = (State.CLOSED, State.ARCHIVED, State.NOT_FILED, State.TERMINATED)
# What a case row shows: organisation, enterprise, who registered it.
CASE_ROW = ("organisation", "enterprise", "created_by", "reviewer")
DEADLINE_ROW = ("case", "case__organisation", "case__enterprise", "party", "organisation")


def review_only(user) -> bool:
    """Whether every role of the user that reads penalty cases is a review-only role."""
    granting = {
        role.code
        for role in user.roles.filter(
            permissions__codename="view_penaltycase", permissions__content_type__app_label="cases"
        )
    }
    return bool(granting) and granting <= REVIEW_ONLY_ROLES and not user.is_superuser


def _review_scope(user):
    reviewed = StepRecord.objects.filter(kind=StepRecord.Kind.REVIEW, recorded_by=user).values("case_id")
    shared = PenaltyCase.user_object_permission_model.objects.filter(user=user).values("content_object_id")
    return (
        Q(state=State.REVIEWING, organisation_id=user.organisation_id)
        | Q(reviewer=user)
        | Q(pk__in=reviewed)
        | Q(pk__in=shared)
    )


def cases_for(user, action="view"):
    """The cases the user may see (``action`` "view") or handle ("change"), with what a list row shows."""
    cases = PenaltyCase.objects.restrict(user, action)
    if review_only(user):
        cases = cases.filter(_review_scope(user))
    return cases.select_related(*CASE_ROW)


def my_cases(user):
    """The officer's own cases (承办人), open ones first by their last change."""
    return cases_for(user).filter(officers=user).exclude(state=State.ARCHIVED).order_by("-updated_at", "-id")


def review_queue(user):
    """Cases of the user's organisation waiting for legal review (法制审核), oldest first."""
    if not user.has_perm("cases.review_penaltycase"):
        return PenaltyCase.objects.none()
    return (
        cases_for(user).filter(state=State.REVIEWING, organisation_id=user.organisation_id).order_by("updated_at", "id")
    )


def approval_queue(user):
    """Cases of the user's organisation waiting for the leader: 立案, 案件处理 and 结案 approvals."""
    if not user.has_perm("cases.approve_penaltycase"):
        return PenaltyCase.objects.none()
    waiting = Q(state=State.FILING, procedure=PenaltyCase.Procedure.GENERAL) | Q(
        state__in=(State.HANDLING, State.CLOSING)
    )
    return cases_for(user).filter(waiting, organisation_id=user.organisation_id).order_by("updated_at", "id")


def deadline_board(user, today: datetime.date):
    """Open deadlines of the open cases in the user's scope, overdue first, each with ``time_left`` (a
    timedelta: ``.days`` is 0 on the due day, negative once overdue)."""
    deadlines = Deadline.objects.restrict(user, "view").filter(Deadline.due_q()).exclude(case__state__in=FINISHED)
    if review_only(user):
        deadlines = deadlines.filter(case__in=cases_for(user).values("pk"))
    left = ExpressionWrapper(F("due_on") - Value(today, output_field=DateField()), output_field=DurationField())
    return deadlines.select_related(*DEADLINE_ROW).annotate(time_left=left).order_by("due_on", "id")


def overdue(user, today: datetime.date):
    """The board's deadlines already missed."""
    return deadline_board(user, today).filter(due_on__lt=today)
