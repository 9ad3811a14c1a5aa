"""The per-year cache: one query per year, none per day; a change reaches this process at once and the others
through the version number in Django's cache."""

import datetime

import pytest
from django.core.cache import cache

from enforcement.workdays import calendar
from enforcement.workdays.deadlines import Unit, compute_due
from enforcement.workdays.models import CalendarDay

pytestmark = pytest.mark.django_db

D = datetime.date


def test_a_year_costs_one_query_then_none(django_assert_max_num_queries, django_assert_num_queries):
    """GIVEN a cold cache WHEN a period spanning 2026 and 2027 is computed THEN at most one query per year plus the
    confirmed-years list; WHEN a thousand deadlines are computed next THEN no query at all."""
    with django_assert_max_num_queries(3):
        compute_due(D(2026, 12, 1), 30, Unit.WORKING_DAYS)
    with django_assert_num_queries(0):
        for offset in range(1000):
            start = D(2026, 1, 1) + datetime.timedelta(days=offset % 360)
            compute_due(start, 7, Unit.WORKING_DAYS)
            compute_due(start, 90, Unit.CALENDAR_DAYS)


def test_saving_a_day_refreshes_this_process_at_once():
    """GIVEN 2027-01-01 computed as a working day WHEN an administrator enters it as 元旦 THEN the next computation
    skips it, without waiting for any cache to expire."""
    assert compute_due(D(2026, 12, 31), 1, Unit.WORKING_DAYS).at == D(2027, 1, 1)
    day = CalendarDay.objects.create(date=D(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦")
    assert compute_due(D(2026, 12, 31), 1, Unit.WORKING_DAYS).at == D(2027, 1, 4)
    day.delete()
    assert compute_due(D(2026, 12, 31), 1, Unit.WORKING_DAYS).at == D(2027, 1, 1)


def test_another_process_change_arrives_through_the_cache_version(monkeypatch):
    """GIVEN this process holds 2027 WHEN another process saves a day (simulated: the row written without signals,
    the shared version bumped) THEN this process reloads the year at its next version check."""
    monkeypatch.setattr(calendar, "VERSION_CHECK_SECONDS", 0.0)
    assert calendar.is_working_day(D(2027, 1, 1))
    CalendarDay.objects.bulk_create([CalendarDay(date=D(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦")])
    assert calendar.is_working_day(D(2027, 1, 1))  # still this process's copy
    cache.set(calendar.VERSION_KEY, "changed elsewhere")
    assert not calendar.is_working_day(D(2027, 1, 1))


def test_a_year_is_reloaded_after_its_age_limit_even_without_a_shared_cache(monkeypatch):
    assert calendar.is_working_day(D(2027, 1, 1))
    CalendarDay.objects.bulk_create([CalendarDay(date=D(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦")])
    monkeypatch.setattr(calendar, "RELOAD_SECONDS", -1.0)
    assert not calendar.is_working_day(D(2027, 1, 1))
