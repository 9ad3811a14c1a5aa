"""Cases with open deadlines for the daily deadline job's tests.

The job reads only the case's organisation, officers and state and the deadline's dates, so these rows are
written directly (the services that produce them in real life are tested in tests/penalties/test_procedure*.py).
"""

from datetime import timedelta

from cases.penalties.models import Deadline, PenaltyCase
from tests.dates import today
from tests.factories import UserFactory


def case_with_deadline(world, *, due_in, state=PenaltyCase.State.INVESTIGATING, officers=None, org=None, **fields):
    """A county A case (``org`` otherwise) whose decision deadline falls ``due_in`` days from today."""
    org = org or world.orgs.county_a
    officers = officers if officers is not None else [world.people.county_a_officer]
    filed = today() - timedelta(days=90 - due_in)
    case = PenaltyCase.objects.create(
        organisation=org,
        cause=fields.pop("cause", "未按规定开展安全培训案"),
        source=PenaltyCase.Source.INSPECTION,
        state=state,
        filed_on=filed,
        created_by=officers[0] if officers else world.people.county_a_officer,
    )
    case.officers.set(officers)
    deadline = Deadline.objects.create(
        case=case,
        organisation=org,
        kind=fields.pop("kind", Deadline.Kind.DECISION),
        start_event="立案",
        started_on=filed,
        count=90,
        unit=Deadline.Unit.CALENDAR_DAYS,
        article="行政处罚法 第60条",
        due_on=today() + timedelta(days=due_in),
        **fields,
    )
    return case, deadline


def county_a_supervisors(world):
    """County A's leader (approves) and legal section (reviews): told of missed deadlines."""
    leader = UserFactory(username="county_a_leader", organisation=world.orgs.county_a, roles=["leader"])
    legal = UserFactory(username="county_a_legal", organisation=world.orgs.county_a, roles=["legal"])
    return leader, legal
