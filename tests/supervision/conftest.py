"""Re-export the planning fixture for these tests; a clock set in 2026 for the tests of dated figures."""

import datetime

import pytest

from tests.planning import execute_first_half, planning  # noqa: F401

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def shanghai(year, month, day, hour=10, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def clock(time_machine):
    """The clock on 20 July 2026, 10:00 Shanghai, set before any persona or certificate is made (list it
    before ``world``/``planning``), so the 2026 datasets are in the past and their officers certified on
    their dates whatever day the suite runs. ``clock.move_to(shanghai(...))`` moves it on."""
    time_machine.move_to(shanghai(2026, 7, 20))
    return time_machine


@pytest.fixture
def executed(clock, planning, settings, tmp_path):  # noqa: F811 - the fixture re-exported above
    """County A's approved plan: key in March and September, two general ones in May.

    Carried out and completed: March (2 hazards: due April and reinspected; due July) and one May item (1
    hazard due 20 May, never reinspected). The other May item is behind schedule.
    """
    settings.MEDIA_ROOT = tmp_path
    return execute_first_half(planning)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The month so far (本月至今) is cached per day: no test may see another test's figures."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
