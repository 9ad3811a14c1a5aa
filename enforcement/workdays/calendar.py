"""Which days are working days: the stored exceptions (models.py) over the Monday–Friday week.

Each year's exceptions are read with one query and kept in this process. Saving or deleting a calendar row
drops this process's copy at once and bumps a version number in Django's cache; other processes compare that
number at most every ``VERSION_CHECK_SECONDS`` (cheap even with thousands of deadlines on a page), and reload
a year older than ``RELOAD_SECONDS`` in any case — so an edit reaches every worker even when the cache is
the per-process default rather than a shared one.

A year without a complete ``CalendarYear`` row is still answered (weekends off, weekdays worked, plus any days
already entered) and reported by ``has_data``/``missing_years``, so that callers can warn; nothing here raises
for a year the calendar does not know.
"""

import datetime
import time
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

VERSION_KEY = "workdays:calendar-version"
VERSION_CHECK_SECONDS = 2.0
RELOAD_SECONDS = 600.0
SATURDAY = 5


@dataclass(frozen=True)
class YearData:
    """One year's exceptions to the Monday–Friday week, and whether the year was confirmed complete."""

    year: int
    holidays: frozenset
    workdays: frozenset
    complete: bool
    loaded_at: float

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.holidays:
            return False
        if day in self.workdays:
            return True
        return day.weekday() < SATURDAY


class _Store:
    """This process's copy of the calendar: years loaded so far, and the cache version they belong to."""

    def __init__(self):
        self.years: dict[int, YearData] = {}
        self.complete_years: frozenset | None = None
        self.version = None
        self.checked_at = float("-inf")

    def forget(self):
        self.years = {}
        self.complete_years = None
        self.checked_at = float("-inf")

    def check_version(self):
        now = time.monotonic()
        if now - self.checked_at < VERSION_CHECK_SECONDS:
            return
        version = cache.get(VERSION_KEY)
        if version != self.version:
            self.forget()
            self.version = version
        self.checked_at = now


_store = _Store()


def _complete_years() -> frozenset:
    if _store.complete_years is None:
        from enforcement.workdays.models import CalendarYear

        _store.complete_years = frozenset(CalendarYear.objects.filter(complete=True).values_list("year", flat=True))
    return _store.complete_years


def year_data(year: int) -> YearData:
    """The year's exceptions: one query the first time a process asks (and after a change or RELOAD_SECONDS)."""
    from enforcement.workdays.models import CalendarDay

    _store.check_version()
    data = _store.years.get(year)
    now = time.monotonic()
    if data is None or now - data.loaded_at > RELOAD_SECONDS:
        if data is not None:
            _store.complete_years = None  # reload the confirmations with the stale year
        rows = CalendarDay.objects.filter(
            date__gte=datetime.date(year, 1, 1), date__lte=datetime.date(year, 12, 31)
        ).values_list("date", "kind")
        holidays = frozenset(day for day, kind in rows if kind == CalendarDay.Kind.HOLIDAY)
        workdays = frozenset(day for day, kind in rows if kind == CalendarDay.Kind.WORKDAY)
        data = YearData(year, holidays, workdays, year in _complete_years(), now)
        _store.years = {**_store.years, year: data}
    return data


def is_working_day(day: datetime.date) -> bool:
    """Whether ``day`` is a working day: Monday–Friday unless a holiday, weekends only when 调休上班."""
    return year_data(day.year).is_working_day(day)


def has_data(year: int) -> bool:
    """Whether the year's holiday arrangement has been entered and confirmed complete."""
    _store.check_version()
    return year in _complete_years()


def _year_of(value) -> int:
    return value if isinstance(value, int) else value.year


def missing_years(start, end) -> list[int]:
    """The years from ``start`` to ``end`` (dates or years, either order) whose calendar is not confirmed."""
    first, last = sorted((_year_of(start), _year_of(end)))
    return [year for year in range(first, last + 1) if not has_data(year)]


def forget():
    """Drop this process's copy (tests, whose rolled-back rows send no signal, call it between tests)."""
    _store.forget()


def invalidate(**kwargs):
    """A calendar row changed: drop this process's copy and tell the others through the cache."""
    _store.forget()
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def _changed(sender, **kwargs):
    invalidate()
    # Again once committed: a process that reloaded between the write and the commit read the old rows.
    transaction.on_commit(invalidate)


def connect():
    from enforcement.workdays.models import CalendarDay, CalendarYear

    for model in (CalendarDay, CalendarYear):
        post_save.connect(_changed, sender=model, dispatch_uid=f"workdays-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"workdays-delete-{model.__name__}")
