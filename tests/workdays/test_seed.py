"""The calendar seeded from chinesecalendar: every year it knows, exceptions only, 2027 left to administrators."""

import datetime

import chinese_calendar
import pytest

from enforcement.workdays import calendar
from enforcement.workdays.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


def test_every_package_year_is_seeded_complete_and_2027_is_not():
    """GIVEN a migrated database WHEN the confirmed years are listed THEN they are 2004–2026, 2027 missing."""
    assert sorted(CalendarYear.objects.filter(complete=True).values_list("year", flat=True)) == list(range(2004, 2027))
    assert calendar.has_data(2026)
    assert not calendar.has_data(2027)
    assert calendar.missing_years(datetime.date(2026, 12, 1), datetime.date(2028, 1, 5)) == [2027, 2028]
    with pytest.raises(NotImplementedError):  # the package's own limit, which the table replaces
        chinese_calendar.is_workday(datetime.date(2027, 1, 4))


def test_only_exceptions_are_stored():
    """GIVEN the seeded rows THEN holidays are weekdays and 调休 working days are weekend days."""
    assert not CalendarDay.objects.filter(kind="holiday", date__week_day__in=(1, 7)).exists()
    assert not CalendarDay.objects.filter(kind="workday", date__week_day__in=(2, 3, 4, 5, 6)).exists()
    assert CalendarDay.objects.get(date=datetime.date(2026, 10, 10)).kind == CalendarDay.Kind.WORKDAY
    assert CalendarDay.objects.get(date=datetime.date(2026, 10, 1)).name == "国庆节"


def test_national_day_2026_as_the_package_has_it():
    """GIVEN chinesecalendar's 2026 data WHEN 国庆 is read from the table THEN Oct 1–7 are off, Oct 8 (Thursday) is
    worked, and the 调休 Sunday Sep 20 and Saturday Oct 10 are working days (the package, not an assumption)."""
    october = [datetime.date(2026, 10, day) for day in range(1, 12)]
    assert [calendar.is_working_day(day) for day in october] == [chinese_calendar.is_workday(day) for day in october]
    assert [day.day for day in october if not calendar.is_working_day(day)] == [1, 2, 3, 4, 5, 6, 7, 11]
    assert calendar.is_working_day(datetime.date(2026, 9, 20))


def test_table_agrees_with_the_package_every_day_of_2025_and_2026():
    day = datetime.date(2025, 1, 1)
    while day.year < 2027:
        assert calendar.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += datetime.timedelta(days=1)
