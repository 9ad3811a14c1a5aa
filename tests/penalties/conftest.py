"""Fixtures of the penalty-case tests."""

import pytest


@pytest.fixture
def people(world):
    from tests.penalties.factories import penalty_people

    return penalty_people(world)
