"""The procedure of a penalty case through the services, GIVEN/WHEN/THEN."""

import pytest

from cases.penalties.models import CaseEvent, PenaltyCase
from tests.penalties.factories import build_case

State = PenaltyCase.State


@pytest.mark.parametrize("state", State.values)
def test_every_state_is_reachable_through_the_services(world, state):
    """GIVEN county A's officers, leader and reviewer WHEN a case is taken through the services up to a state
    THEN it is in that state and its history records each transition."""
    case = build_case(world, state, hearing=state in (State.DISCUSSING, State.HEARING))
    assert case.state == state
    assert CaseEvent.objects.filter(case=case).count() >= (0 if state == State.FILING else 1)
