"""The scoped lists: who sees which cases and deadlines, and in a constant number of queries."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.penalties import queries
from cases.penalties.models import PenaltyCase
from tests.dates import today
from tests.penalties.factories import build_case

State = PenaltyCase.State
DAY = datetime.timedelta(days=1)


def _ids(rows):
    return {row.pk for row in rows}


def test_scopes_of_the_case_list(world, people):
    """GIVEN cases of county A in review and in investigation, and one of county B
    THEN county A's officers see A's, the city sees all three, county B sees its own, and county A's legal reviewer
    sees only the case sent for review (and, once reviewed, the cases they reviewed)."""
    reviewing = build_case(world, State.REVIEWING)
    investigating = build_case(world, State.INVESTIGATING)
    other = PenaltyCase.objects.create(
        organisation=world.orgs.county_b, cause="b", source="complaint", created_by=world.people.county_b_officer
    )
    assert _ids(queries.cases_for(people.county_a_officer)) == {reviewing.pk, investigating.pk}
    assert _ids(queries.cases_for(world.people.city_legal)) == {reviewing.pk, investigating.pk, other.pk}
    assert _ids(queries.cases_for(world.people.county_b_officer)) == {other.pk}
    reviewer = people.county_a_reviewer
    assert queries.review_only(reviewer) and not queries.review_only(world.people.city_legal)
    assert _ids(queries.cases_for(reviewer)) == {reviewing.pk}
    assert _ids(queries.review_queue(reviewer)) == {reviewing.pk}
    assert not queries.review_queue(people.county_a_officer).exists()


def test_reviewer_keeps_the_cases_they_reviewed(world, people):
    """GIVEN a case the reviewer passed THEN it stays in their list after it moved on, and leaves the queue."""
    case = build_case(world, State.NOTIFYING)
    reviewer = people.county_a_reviewer
    assert _ids(queries.cases_for(reviewer)) == {case.pk}
    assert not queries.review_queue(reviewer).exists()


def test_my_cases_and_approvals(world, people):
    """GIVEN a case waiting for filing approval and one waiting for the handling approval
    THEN both are the officer's cases and in the leader's approval queue; the officer has no approval queue."""
    filing = build_case(world, State.FILING)
    handling = build_case(world, State.HANDLING)
    assert _ids(queries.my_cases(people.county_a_officer)) == {filing.pk, handling.pk}
    assert _ids(queries.approval_queue(people.county_a_leader)) == {filing.pk, handling.pk}
    assert not queries.approval_queue(people.county_a_officer).exists()
    assert not queries.approval_queue(world.people.city_legal).exists()


def test_deadline_board_overdue_first_with_days_left(world, people):
    """GIVEN an old case whose decision deadline passed and a new one THEN the board lists the overdue deadline
    first with negative days left; closed cases are not on it; the city sees both, county B none."""
    old = build_case(world, State.INVESTIGATING, start=today() - 60 * DAY)
    new = build_case(world, State.INVESTIGATING, start=today() - DAY)
    build_case(world, State.CLOSED, start=today() - 90 * DAY)
    board = list(queries.deadline_board(people.county_a_officer, today()))
    assert [row.case_id for row in board] == [old.pk, new.pk]
    assert board[0].time_left.days < 0 < board[1].time_left.days
    assert [row.case_id for row in queries.overdue(people.county_a_officer, today())] == [old.pk]
    assert len(list(queries.deadline_board(world.people.city_legal, today()))) == 2
    assert not queries.deadline_board(world.people.county_b_officer, today()).exists()


def _count(callable_):
    with CaptureQueriesContext(connection) as ctx:
        rows = list(callable_())
        for row in rows:
            str(getattr(row, "case", row).organisation)
            getattr(row, "enterprise", None)
    return len(ctx.captured_queries), len(rows)


def test_lists_cost_a_constant_number_of_queries(world, people):
    """GIVEN one case, then three more THEN the case list and the deadline board cost the same number of queries."""
    build_case(world, State.INVESTIGATING)
    user = world.people.city_legal
    _count(lambda: queries.cases_for(user))  # the user's permissions are cached on the first call
    few = (_count(lambda: queries.cases_for(user)), _count(lambda: queries.deadline_board(user, today())))
    for _n in range(3):
        build_case(world, State.INVESTIGATING)
    many = (_count(lambda: queries.cases_for(user)), _count(lambda: queries.deadline_board(user, today())))
    assert [q for q, _rows in few] == [q for q, _rows in many]
    assert [rows for _q, rows in many] == [4, 4]
