"""Due dates on the working-day calendar: every unit across 国庆 and 春节 2026, a 调休 working Saturday, the
chinesecalendar off-by-one trap (domain §9), backwards periods and the 2026→2027 year boundary."""

import datetime

import chinese_calendar
import pytest

from enforcement.workdays.deadlines import Due, Unit, compute_due, days_left
from tests.dates import today
from tests.workdays.helpers import enter_2027

pytestmark = pytest.mark.django_db

D = datetime.date
BEIJING = datetime.timezone(datetime.timedelta(hours=8))
WD, CAL, HOURS, MONTHS = Unit.WORKING_DAYS, Unit.CALENDAR_DAYS, Unit.HOURS, Unit.MONTHS


def due(start, count, unit, backwards=False):
    result = compute_due(start, count, unit, backwards=backwards)
    assert result.missing_years == (), result.warning
    return result.at


# --- working days (行政处罚法 第85条: 2/3/5/7 days are working days; the start day is not counted) ----------


def test_working_days_from_a_friday():
    """GIVEN Friday 2026-11-20 WHEN 5 working days run (hearing request, art. 64) THEN due Friday 11-27."""
    assert due(D(2026, 11, 20), 5, WD) == D(2026, 11, 27)


def test_working_days_from_a_saturday_avoid_the_chinesecalendar_trap():
    """GIVEN Saturday 2026-11-21 (not a working day) WHEN 5 working days run THEN due Friday 11-27, where the naive
    find_workday(5, start) says Monday 11-30 — one day late (domain §9)."""
    assert due(D(2026, 11, 21), 5, WD) == D(2026, 11, 27)
    assert chinese_calendar.find_workday(5, D(2026, 11, 21)) == D(2026, 11, 30)


def test_working_days_from_the_day_before_national_day():
    """GIVEN Wednesday 2026-09-30 WHEN 5 working days run THEN Oct 1–7 are skipped and the 调休 Saturday Oct 10 counts:
    Oct 8, 9, 10, 12, 13 → due Tuesday 10-13."""
    assert due(D(2026, 9, 30), 5, WD) == D(2026, 10, 13)


def test_a_working_saturday_counts_and_starts_like_any_working_day():
    """GIVEN the 调休 Saturday 2026-10-10 WHEN it is the start THEN it is not counted (3 working days → Wed 10-14);
    WHEN it follows the start THEN it is the first working day (Friday 10-09 + 1 → Saturday 10-10)."""
    assert due(D(2026, 10, 10), 3, WD) == D(2026, 10, 14)
    assert due(D(2026, 10, 9), 1, WD) == D(2026, 10, 10)


def test_working_days_across_spring_festival():
    """GIVEN Friday 2026-02-13 WHEN 2 working days run THEN the 调休 Saturday 02-14 is the first and, Feb 15–23 being
    春节, Tuesday 02-24 the second."""
    assert due(D(2026, 2, 13), 2, WD) == D(2026, 2, 24)


def test_working_days_agree_with_the_corrected_package_formula_all_through_2026():
    """GIVEN every start day of 2026 and 1–10 working days THEN the result is the package's find_workday(N-1, X+1)."""
    start = D(2026, 1, 1)
    while start < D(2026, 12, 1):
        for count in range(1, 11):
            expected = chinese_calendar.find_workday(count - 1, start + datetime.timedelta(days=1))
            assert due(start, count, WD) == expected, (start, count)
        start += datetime.timedelta(days=1)


def test_a_datetime_start_counts_from_its_day_in_beijing():
    """GIVEN a start instant at 23:30 UTC on 11-19 (07:30 on Friday 11-20 in Beijing) THEN days count from 11-20."""
    start = datetime.datetime(2026, 11, 19, 23, 30, tzinfo=datetime.UTC)
    assert due(start, 5, WD) == D(2026, 11, 27)


# --- calendar days and months: a last day on a rest day runs to the next working day -------------------------


def test_calendar_days_ending_in_national_day_run_to_october_8():
    """GIVEN payment due 15 days after receipt on 2026-09-16 (art. 67) WHEN day 15 is Oct 1 THEN due Thursday 10-08;
    the 90-day decision limit (art. 60) from 07-03 lands on Oct 1 too and also runs to 10-08."""
    assert due(D(2026, 9, 16), 15, CAL) == D(2026, 10, 8)
    assert due(D(2026, 7, 3), 90, CAL) == D(2026, 10, 8)


def test_calendar_days_ending_in_spring_festival():
    """GIVEN 2026-02-05 + 15 days = Friday 02-20 (春节) THEN due Tuesday 02-24 (Monday 02-23 is still off)."""
    assert due(D(2026, 2, 5), 15, CAL) == D(2026, 2, 24)


def test_calendar_days_ending_on_a_working_saturday_stay_there():
    """GIVEN 2026-09-25 + 15 days = the 调休 Saturday 10-10 THEN that working day is the due day."""
    assert due(D(2026, 9, 25), 15, CAL) == D(2026, 10, 10)


def test_calendar_days_ending_on_an_ordinary_weekend_run_to_monday():
    assert due(D(2026, 11, 6), 15, CAL) == D(2026, 11, 23)


def test_months_across_national_day_and_spring_festival():
    """GIVEN one month from 2026-09-01 (Oct 1, a holiday) THEN 10-08; one month from 01-20 (02-20, 春节) THEN 02-24;
    one month from 01-31 is the month's last day 02-28, a 调休 working Saturday, so it stays."""
    assert due(D(2026, 9, 1), 1, MONTHS) == D(2026, 10, 8)
    assert due(D(2026, 1, 20), 1, MONTHS) == D(2026, 2, 24)
    assert due(D(2026, 1, 31), 1, MONTHS) == D(2026, 2, 28)
    assert due(D(2026, 7, 7), 3, MONTHS) == D(2026, 10, 8)


# --- hours (行政强制法 第19条: 24 hours, exactly) --------------------------------------------------------------


def test_hours_run_exactly_through_holidays():
    """GIVEN an on-the-spot measure at 16:00 on 2026-09-30 WHEN 24 hours run THEN due 16:00 on Oct 1 (a holiday:
    hours are not extended); across 春节 likewise."""
    start = datetime.datetime(2026, 9, 30, 16, 0, tzinfo=BEIJING)
    assert due(start, 24, HOURS) == datetime.datetime(2026, 10, 1, 16, 0, tzinfo=BEIJING)
    spring = datetime.datetime(2026, 2, 16, 9, 0, tzinfo=BEIJING)
    assert due(spring, 24, HOURS) == datetime.datetime(2026, 2, 17, 9, 0, tzinfo=BEIJING)


def test_hours_need_an_instant():
    with pytest.raises(ValueError, match="按小时计算的期限需要起算时刻"):
        compute_due(D(2026, 9, 30), 24, HOURS)


def test_bad_count_or_unit_is_refused_in_chinese():
    with pytest.raises(ValueError, match="期限的数量必须是不小于0的整数"):
        compute_due(D(2026, 9, 30), -1, WD)
    with pytest.raises(ValueError, match="未知的期限单位"):
        compute_due(D(2026, 9, 30), 5, "weeks")


# --- backwards: "at least N before" (听证会通知书 ≥ 7 days before the hearing, 行政处罚法 第64条) ----------------


def test_hearing_notice_seven_working_days_before_a_hearing_after_national_day():
    """GIVEN a hearing on Monday 2026-10-12 WHEN the notice must precede it by 7 working days THEN the latest day is
    Thursday 09-24 (Oct 10, 9, 8, Sep 30, 29, 28 and — Sep 25 being 中秋 — Sep 24), and a period of 7 working days
    from that day ends exactly on the hearing day, while from the next working day it would end after it."""
    latest = due(D(2026, 10, 12), 7, WD, backwards=True)
    assert latest == D(2026, 9, 24)
    assert due(latest, 7, WD) == D(2026, 10, 12)
    assert due(D(2026, 9, 28), 7, WD) > D(2026, 10, 12)


def test_backwards_calendar_days_and_months_move_to_the_previous_working_day():
    """GIVEN a hearing on 2026-10-12 WHEN 7 calendar days before lands on Oct 5 (holiday) THEN the act is due by
    Wednesday 09-30; 7 days before Thursday 10-15 is Thursday 10-08 itself; a month before 11-07 is 10-07 → 09-30."""
    assert due(D(2026, 10, 12), 7, CAL, backwards=True) == D(2026, 9, 30)
    assert due(D(2026, 10, 15), 7, CAL, backwards=True) == D(2026, 10, 8)
    assert due(D(2026, 11, 7), 1, MONTHS, backwards=True) == D(2026, 9, 30)
    instant = datetime.datetime(2026, 10, 2, 9, 0, tzinfo=BEIJING)
    assert due(instant, 24, HOURS, backwards=True) == datetime.datetime(2026, 10, 1, 9, 0, tzinfo=BEIJING)


# --- the 2026 → 2027 year boundary ---------------------------------------------------------------------------


def test_into_2027_without_its_holidays_warns_and_counts_weekends_only():
    """GIVEN no 2027 arrangement entered WHEN 5 working days run from Friday 2026-12-25 THEN Friday 2027-01-01 counts
    as a working day (weekends only) and the result carries a warning naming 2027 — it never raises."""
    result = compute_due(D(2026, 12, 25), 5, WD)
    assert result.at == D(2027, 1, 1)
    assert result.missing_years == (2027,)
    assert result.warning == "2027年节假日安排尚未录入，期限按周末推算，请核对"
    cal = compute_due(D(2026, 12, 20), 15, CAL)
    assert (cal.at, cal.missing_years) == (D(2027, 1, 4), (2027,))
    month = compute_due(D(2026, 12, 31), 14, MONTHS)
    assert (month.at, month.missing_years) == (D(2028, 2, 29), (2028,))  # a leap year's last day


def test_into_2027_with_its_holidays_entered_by_an_administrator():
    """GIVEN 2027 元旦 and 春节 entered and confirmed (invented test data, tests/workdays/helpers.py) WHEN the same
    periods run THEN 元旦 is skipped (due Monday 2027-01-04), 春节 pushes a calendar-day period to the next working
    day, the 调休 Sunday counts, and no warning remains."""
    enter_2027()
    assert due(D(2026, 12, 25), 5, WD) == D(2027, 1, 4)
    assert due(D(2027, 1, 24), 15, CAL) == D(2027, 2, 15)  # 02-08 is 春节; 13–14 a weekend
    assert due(D(2027, 2, 5), 1, WD) == D(2027, 2, 7)  # the 调休 Sunday
    assert due(D(2027, 2, 5), 2, WD) == D(2027, 2, 15)


def test_days_entered_but_year_not_confirmed_are_used_and_still_warned_about():
    enter_2027(complete=False)
    result = compute_due(D(2026, 12, 25), 5, WD)
    assert result.at == D(2027, 1, 4)
    assert result.missing_years == (2027,)


def test_a_period_inside_2026_does_not_warn_about_2027():
    assert compute_due(D(2026, 12, 1), 5, WD).missing_years == ()
    assert compute_due(datetime.datetime(2026, 12, 31, 12, tzinfo=BEIJING), 24, HOURS).missing_years == ()


# --- countdowns ----------------------------------------------------------------------------------------------


def test_days_left_counts_down_and_goes_negative_when_overdue():
    """GIVEN a due day three days from today THEN 3 are left; on the day 0; two days after it -2."""
    now = today()
    soon = Due(now + datetime.timedelta(days=3))
    assert days_left(soon, now) == 3
    assert days_left(soon, now + datetime.timedelta(days=3)) == 0
    assert days_left(soon, now + datetime.timedelta(days=5)) == -2
    instant = datetime.datetime(2026, 10, 1, 23, 30, tzinfo=datetime.UTC)  # 07:30 on Oct 2 in Beijing
    assert days_left(Due(instant), D(2026, 9, 30)) == 2
