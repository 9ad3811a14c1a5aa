"""2027 holidays as an administrator would enter them.

INVENTED TEST DATA: the State Council's 2027 arrangement is not known to us (chinesecalendar 1.11.0 ends in
2026). 2027-01-01 is a Friday and 春节 (lunar new year) falls on Saturday 2027-02-06; the days below are a
plausible arrangement for exercising the code, not the real one.
"""

import datetime

from enforcement.workdays.models import CalendarDay, CalendarYear

D = datetime.date

HOLIDAYS_2027 = [
    (D(2027, 1, 1), "元旦"),
    *[(D(2027, 2, day), "春节") for day in (8, 9, 10, 11, 12)],
]
WORKDAYS_2027 = [(D(2027, 2, 7), "春节"), (D(2027, 2, 20), "春节")]


def enter_2027(complete=True, user=None):
    for day, name in HOLIDAYS_2027:
        CalendarDay.objects.create(date=day, kind=CalendarDay.Kind.HOLIDAY, name=name, created_by=user)
    for day, name in WORKDAYS_2027:
        CalendarDay.objects.create(date=day, kind=CalendarDay.Kind.WORKDAY, name=name, created_by=user)
    if complete:
        CalendarYear.objects.create(year=2027, complete=True, notice="测试数据（虚构）", confirmed_by=user)
