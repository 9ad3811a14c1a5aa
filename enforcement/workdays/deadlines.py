"""Due dates of statutory periods, computed on the working-day calendar (never typed in).

Counting (each rule tested in tests/workdays/test_deadlines.py):
- the day (or hour) of the start event is not counted;
- working days count only working days;
- calendar days and months: when the last day is a rest day, the period runs to the next working day;
- hours run exactly, rest days included;
- ``backwards``: "at least N before" an event (the 听证会通知书 ≥ 7 days before the hearing): the latest day on
  which the act may still be done, counted back from the event (not counted), moved to the previous working
  day when it falls on a rest day.

The issue and the legal section cite 行政处罚法 第85条 for this counting. That article itself says that the
law's 2/3/5/7-day periods are working days; the start-day and rest-day rules are the general period rules
(民事诉讼法's 期间 article), which administrative practice applies. [to be confirmed by the legal section]

A period reaching into a year whose holidays nobody has entered is still computed (weekends only) and the
result carries the missing years, so pages can warn; nothing here raises for a missing year.
"""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.workdays import calendar

DAY = datetime.timedelta(days=1)


class Unit(models.TextChoices):
    WORKING_DAYS = "working_days", gettext_lazy("个工作日")
    CALENDAR_DAYS = "calendar_days", gettext_lazy("日")
    HOURS = "hours", gettext_lazy("小时")
    MONTHS = "months", gettext_lazy("个月")


@dataclass(frozen=True)
class Due:
    """A computed due date (a datetime for hours) and the years it rests on that have no calendar data."""

    at: datetime.date | datetime.datetime
    missing_years: tuple[int, ...] = ()

    @property
    def warning(self) -> str:
        if not self.missing_years:
            return ""
        years = "、".join(str(year) for year in self.missing_years)
        return _("%(years)s年节假日安排尚未录入，期限按周末推算，请核对") % {"years": years}

    @property
    def day(self) -> datetime.date:
        """The due day (for an hour deadline, its day in the product's time zone)."""
        return _local_date(self.at)


class _Days:
    """The calendar as one computation sees it: each year fetched once, the years without data noted."""

    def __init__(self):
        self.years = {}
        self.missing = set()

    def is_working_day(self, day):
        data = self.years.get(day.year)
        if data is None:
            data = self.years[day.year] = calendar.year_data(day.year)
            if not data.complete:
                self.missing.add(day.year)
        return data.is_working_day(day)

    def working_day_on_or_after(self, day, step):
        while not self.is_working_day(day):
            day += step
        return day


def _local_date(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def compute_due(start, count: int, unit: str, backwards: bool = False) -> Due:
    """The due date (or instant, for hours) of a period of ``count`` ``unit`` from ``start``.

    ``start`` is the day or instant of the start event (not counted); with ``backwards`` it is the event
    the act must precede by at least ``count`` units."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(_("期限的数量必须是不小于0的整数，收到的是“%(count)s”。") % {"count": count})
    if unit not in Unit.values:
        raise ValueError(_("未知的期限单位“%(unit)s”。") % {"unit": unit})
    if unit == Unit.HOURS:
        if not isinstance(start, datetime.datetime):
            raise ValueError(_("按小时计算的期限需要起算时刻（日期和时间），不能只给日期。"))
        # 行政强制法 第19条: on-the-spot measures reported within 24 hours — hours run exactly, rest days too.
        return Due(start - datetime.timedelta(hours=count) if backwards else start + datetime.timedelta(hours=count))
    day = _local_date(start)
    # Backwards (行政处罚法 第64条: 听证会通知 at least 7 days before the hearing): counted back from the event, which
    # is not counted either; the result is the latest day on which the act is still in time.
    step = -DAY if backwards else DAY
    days = _Days()
    if unit == Unit.WORKING_DAYS:
        # 行政处罚法 第85条: the law's 2/3/5/7-day periods are working days; the start day is not counted.
        # Walking day by day from start ± 1 counts exactly `count` working days; chinesecalendar's
        # find_workday(count, start) would count the start itself when it is a working day (domain §9).
        counted = 0
        while counted < count:
            day += step
            if days.is_working_day(day):
                counted += 1
    elif unit == Unit.CALENDAR_DAYS:
        # 行政处罚法 第85条 (as cited; the general 期间 rule): start day not counted, a last day falling on a
        # rest day runs to the next working day (backwards: the previous one, so the act is still in time).
        day = days.working_day_on_or_after(day + count * step, step)
    else:  # months
        # Same rule for months: the day with the start day's number, N months on (or the month's last day).
        moved = relativedelta(months=-count if backwards else count)
        day = days.working_day_on_or_after(day + moved, step)
    return Due(day, tuple(sorted(days.missing)))


def days_left(due, today: datetime.date) -> int:
    """Calendar days from ``today`` to the due day: 0 on the day itself, negative once overdue."""
    at = due.at if isinstance(due, Due) else due
    return (_local_date(at) - today).days
