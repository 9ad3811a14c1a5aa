"""Fixtures of the penalty-case tests."""

import pytest

from enforcement.documents import sources
from tests.penalties.documents import stand_ins


@pytest.fixture(autouse=True)
def stand_in_sources(db, monkeypatch):
    """Document sources for the contract keys nobody registered yet, for this test only."""
    for key, source in stand_ins().items():
        monkeypatch.setitem(sources._SOURCES, key, source)


@pytest.fixture
def people(world):
    from tests.penalties.factories import penalty_people

    return penalty_people(world)
