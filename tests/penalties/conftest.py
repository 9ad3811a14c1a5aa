"""Fixtures of the penalty-case tests."""

import pytest

from tests.api.conftest import api  # noqa: F401 - the API client fixture, for the API tests here


@pytest.fixture
def people(world):
    from tests.penalties.factories import penalty_people

    return penalty_people(world)
