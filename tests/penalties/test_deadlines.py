"""Each step starts the right Deadline rows, computed on the working-day calendar across 国庆, 春节, a 调休
Saturday and the 2026→2027 boundary (the calendar itself is tested in tests/workdays)."""

import datetime
from decimal import Decimal

import pytest

from cases.penalties import deadlines, services
from cases.penalties.models import CaseParty, Deadline, PenaltyCase
from enforcement.workdays.models import CalendarDay, CalendarYear
from tests.dates import CLOCK_2026, today
from tests.penalties.factories import build_case
from tests.penalties.step_data import step_data

State = PenaltyCase.State
Kind = Deadline.Kind
D = datetime.date
DAY = datetime.timedelta(days=1)


def _unit(case):
    return case.parties.get(kind=CaseParty.Kind.UNIT)


def _row(case, kind, party=None):
    rows = case.deadlines.filter(kind=kind, superseded_by__isnull=True)
    return rows.get(party=party) if party else rows.get()


@pytest.mark.clock(CLOCK_2026)
def test_filing_starts_the_decision_deadline_from_the_sector_rule(world, people):
    """GIVEN a case filed on 2026-09-20 (after 应急管理部令第18号 came into force, its count not yet confirmed)
    THEN its decision deadline counts 30 calendar days from 立案 — 2026-10-20 — naming the rule as to be confirmed;
    a case filed on 2026-01-05 uses the 2015 rule it was filed under."""
    case = build_case(world, State.INVESTIGATING, start=D(2026, 9, 20))
    row = _row(case, Kind.DECISION)
    assert (row.started_on, row.count, row.unit, row.due_on) == (D(2026, 9, 20), 30, "calendar_days", D(2026, 10, 20))
    assert row.rule_source == "应急管理部令第18号（待核实）"
    assert "安全生产违法行为行政处罚办法" in row.article
    old = build_case(world, State.INVESTIGATING, start=D(2026, 1, 5))
    assert _row(old, Kind.DECISION).rule_source == "安监总局令第77号(2015)"
    assert _row(old, Kind.DECISION).due_on == D(2026, 2, 4)


@pytest.mark.clock(CLOCK_2026)
def test_preservation_disposal_runs_over_national_day(world, people):
    """GIVEN 先行登记保存 on 2026-09-30 WHEN 7 working days are counted (第56条) THEN 国庆 (10-01…10-07) is skipped,
    the 调休 Saturday 10-10 counts, and the disposal is due 2026-10-15; the disposal decision meets it."""
    case = build_case(world, State.INVESTIGATING, start=D(2026, 9, 20))
    officer, team = people.county_a_officer, [people.county_a_officer, people.county_a_officer2]
    preserved = services.record_step(
        officer,
        case.pk,
        "preservation",
        data=step_data("preservation", on=D(2026, 9, 30), person=officer),
        occurred_on=D(2026, 9, 30),
        officers=team,
    )
    row = _row(case, Kind.PRESERVATION_DISPOSAL)
    assert (row.count, row.unit, row.due_on, row.calendar_warning) == (7, "working_days", D(2026, 10, 15), "")
    assert "第56条" in row.article
    services.record_step(
        officer,
        case.pk,
        "preservation_disposal",
        data=step_data("preservation_disposal", preservation=preserved.pk),
        occurred_on=D(2026, 10, 12),
        officers=team,
    )
    row.refresh_from_db()
    assert row.met_on == D(2026, 10, 12)


@pytest.mark.clock(CLOCK_2026)
def test_statement_and_hearing_windows_run_over_spring_festival(world, people):
    """GIVEN a hearing case whose notice is served on 2026-02-12, just before 春节 (02-15…02-23), with 02-14 a
    调休 working Saturday THEN the 3-working-day statement window ends 2026-02-24 and the 5-working-day hearing
    request window 2026-02-26 (第64条)."""
    case = build_case(world, State.NOTIFIED, start=D(2026, 2, 8), hearing=True, waive=False)
    party = _unit(case)
    assert party.notice_served_on == D(2026, 2, 12)
    statement = _row(case, Kind.STATEMENT, party)
    hearing = _row(case, Kind.HEARING_REQUEST, party)
    assert (statement.count, statement.due_on) == (3, D(2026, 2, 24))
    assert (hearing.count, hearing.unit, hearing.due_on) == (5, "working_days", D(2026, 2, 26))
    assert "第64条" in hearing.article


@pytest.mark.clock(CLOCK_2026)
def test_hearing_notice_deadline_counts_back_over_national_day(world, people):
    """GIVEN a hearing set for 2026-10-15 THEN its notice is due at the latest on 2026-09-30 (7 working days back,
    over 国庆), stored as a backwards deadline met on the day the notice went out."""
    case = build_case(world, State.HEARING, start=D(2026, 9, 20), hearing=True)
    services.schedule_hearing(
        people.county_a_officer,
        case.pk,
        hearing_on=D(2026, 10, 15),
        place="听证室",
        chair_id=people.county_a_reviewer.pk,
        data=step_data("hearing_notice", person=people.county_a_reviewer),
        notified_on=D(2026, 9, 28),
    )
    row = _row(case, Kind.HEARING_NOTICE)
    assert (row.backwards, row.started_on, row.due_on, row.met_on) == (
        True,
        D(2026, 10, 15),
        D(2026, 9, 30),
        D(2026, 9, 28),
    )


@pytest.mark.clock(CLOCK_2026)
def test_decision_starts_absent_delivery_and_service_meets_it(world, people):
    """GIVEN decisions made on 2026-09-29 THEN each party has its absent-delivery deadline, 7 working days over 国庆:
    2026-10-14 (第61条); serving the decision meets it and starts the 15-day payment deadline (第67条)."""
    case = build_case(world, State.DECIDED, start=D(2026, 9, 23), parties=("unit", "person"))
    for party in case.parties.all():
        row = _row(case, Kind.ABSENT_DELIVERY, party)
        assert (row.started_on, row.due_on) == (D(2026, 9, 29), D(2026, 10, 14))
    assert case.deadlines.get(kind=Kind.DECISION).met_on == D(2026, 9, 29)


@pytest.mark.clock(CLOCK_2026)
def test_payment_deadline_ending_in_national_day_runs_to_the_next_working_day(world, people):
    """GIVEN a decision served on 2026-09-20 THEN 15 calendar days end on 10-05, inside 国庆, and the payment is due
    on the next working day 2026-10-08; payment in full meets it."""
    case = build_case(world, State.EXECUTING, start=D(2026, 9, 13))
    party = _unit(case)
    assert party.decision_served_on == D(2026, 9, 20)
    row = _row(case, Kind.PAYMENT, party)
    assert (row.count, row.unit, row.due_on) == (15, "calendar_days", D(2026, 10, 8))
    assert _row(case, Kind.ABSENT_DELIVERY, party).met_on == D(2026, 9, 20)
    services.record_payment(
        people.county_a_officer, party.pk, paid_on=D(2026, 10, 8), amount=party.decided_fine, receipt_number="PJ1"
    )
    row.refresh_from_db()
    assert row.met_on == D(2026, 10, 8)


@pytest.mark.clock("2027-01-20T10:00:00+08:00")
def test_payment_deadline_in_2027_warns_until_an_administrator_enters_2027(world, people):
    """GIVEN no holiday data for 2027 WHEN a decision served on 2026-12-17 starts the 15-day payment deadline THEN it
    falls on Friday 2027-01-01 counted on weekends alone, with a visible warning; GIVEN an administrator entered
    2027 (1 January a holiday) THEN the next case's deadline moves to Monday 2027-01-04 without a warning."""
    case = build_case(world, State.EXECUTING, start=D(2026, 12, 10))
    row = _row(case, Kind.PAYMENT, _unit(case))
    assert row.due_on == D(2027, 1, 1)
    assert "2027" in row.calendar_warning
    CalendarDay.objects.create(date=D(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦")
    CalendarYear.objects.create(year=2027, complete=True)
    entered = build_case(world, State.EXECUTING, start=D(2026, 12, 10))
    row = _row(entered, Kind.PAYMENT, _unit(entered))
    assert (row.due_on, row.calendar_warning) == (D(2027, 1, 4), "")


@pytest.mark.clock(CLOCK_2026)
def test_instalments_replace_the_payment_deadline(world, people):
    """GIVEN a unit fined 30,000 yuan, served 2026-09-20 WHEN the leader approves three instalments (第66条)
    THEN the payment deadline is superseded by one deadline per instalment, each met as it is paid."""
    case = build_case(world, State.EXECUTING, start=D(2026, 9, 13))
    party = _unit(case)
    payment = _row(case, Kind.PAYMENT, party)
    plan = [
        {"due_on": D(2026, 12, 10), "amount": Decimal("10000")},
        {"due_on": D(2027, 1, 10), "amount": Decimal("10000")},
        {"due_on": D(2027, 2, 10), "amount": Decimal("10000")},
    ]
    services.approve_payment_plan(
        people.county_a_leader, party.pk, kind="instalments", instalments=plan, data=step_data("payment_plan")
    )
    payment.refresh_from_db()
    rows = list(case.deadlines.filter(kind=Kind.INSTALMENT, party=party).order_by("due_on"))
    assert [r.due_on for r in rows] == [p["due_on"] for p in plan]
    assert payment.superseded_by == rows[0]
    services.record_payment(
        people.county_a_officer, party.pk, paid_on=D(2026, 11, 20), amount=Decimal("10000"), receipt_number="PJ1"
    )
    rows = list(case.deadlines.filter(kind=Kind.INSTALMENT, party=party).order_by("due_on"))
    assert [r.met_on for r in rows] == [D(2026, 11, 20), None, None]


@pytest.mark.clock(CLOCK_2026)
def test_extension_supersedes_the_decision_deadline(world, people):
    """GIVEN a case filed 2026-09-20 (30 days) WHEN the head approves an extension to 90 days THEN a new decision
    deadline (2026-12-21: 12-19 is a Saturday) supersedes the old row, which is kept; beyond 90 the head may not."""
    case = build_case(world, State.INVESTIGATING, start=D(2026, 9, 20))
    old = _row(case, Kind.DECISION)
    with pytest.raises(Exception, match="不超过90日"):
        services.extend_case(people.county_a_leader, case.pk, days=120, reason="案情复杂", approver_level="head")
    new = services.extend_case(people.county_a_leader, case.pk, days=90, reason="案情复杂", approver_level="head")
    old.refresh_from_db()
    assert old.superseded_by == new
    assert (new.count, new.due_on) == (90, D(2026, 12, 21))
    assert case.records.filter(kind="extension").exists()
    later = services.extend_case(
        people.county_a_leader, case.pk, days=180, reason="需上级批准", approver_level="superior"
    )
    new.refresh_from_db()
    assert new.superseded_by == later and Deadline.objects.filter(case=case, kind=Kind.DECISION).count() == 3


@pytest.mark.clock(CLOCK_2026)
def test_court_deadlines_follow_the_reminder(world, people):
    """GIVEN a decision served 2026-01-19 and a reminder served 2026-03-02 THEN court_earliest (10 working days,
    行政强制法 第54条, but not before the suit period ends) and court_latest (3 months after, 第53条) are stored;
    GIVEN a reminder served after the periods ended THEN the earliest day is 10 working days after it."""
    case = build_case(world, State.EXECUTING, start=D(2026, 1, 12))
    party = _unit(case)
    services.issue_reminder(
        people.county_a_officer,
        party.pk,
        data=step_data("reminder", on=D(2026, 3, 2)),
        occurred_on=D(2026, 3, 2),
        served_on=D(2026, 3, 2),
    )
    earliest, latest = _row(case, Kind.COURT_EARLIEST, party), _row(case, Kind.COURT_LATEST, party)
    # The suit period (6 months from service) ends 2026-07-20, later than 10 working days after the reminder.
    assert (earliest.started_on, earliest.count, earliest.unit, earliest.due_on) == (
        D(2026, 7, 20),
        1,
        "calendar_days",
        D(2026, 7, 21),
    )
    assert "第53条" in earliest.article
    assert (latest.count, latest.unit, latest.due_on) == (3, "months", D(2026, 10, 20))
    services.issue_reminder(
        people.county_a_officer,
        party.pk,
        data=step_data("reminder", on=D(2026, 9, 28)),
        occurred_on=D(2026, 9, 28),
        served_on=D(2026, 9, 28),
    )
    earliest = _row(case, Kind.COURT_EARLIEST, party)
    # 10 working days from 2026-09-28 over 国庆: 09-29, 09-30, 10-08, 10-09, 10-10 (调休), 10-12 … 10-16.
    assert (earliest.count, earliest.unit, earliest.due_on) == (10, "working_days", D(2026, 10, 16))


def test_surcharge_is_three_percent_a_day_capped_at_the_fine(world, people):
    """GIVEN a 30,000 yuan fine due on day D THEN the surcharge is 0 on D, 900 on D+1, 9,000 on D+10, and never
    more than the fine (第72条) — on D+40 it is 30,000, not 36,000; a late partial payment stops accrual on what it
    pays, and paying fine and surcharge executes the decision."""
    case = build_case(world, State.EXECUTING, start=today() - 120 * DAY)
    party = _unit(case)
    due = _row(case, Kind.PAYMENT, party).due_on
    assert services.surcharge_due(party, due) == 0
    assert services.surcharge_due(party, due + DAY) == Decimal("900.00")
    assert services.surcharge_due(party, due + 10 * DAY) == Decimal("9000.00")
    assert services.surcharge_due(party, due + 40 * DAY) == Decimal("30000.00")
    officer = people.county_a_officer
    services.record_payment(officer, party.pk, paid_on=due + 2 * DAY, amount=Decimal("20000"), receipt_number="PJ1")
    # 20,000 paid 2 days late: 1,200; the other 10,000 accrues 300 a day.
    assert deadlines.surcharge_accrued(party, due + 4 * DAY) == Decimal("1200") + Decimal("1200")
    services.record_payment(officer, party.pk, paid_on=due + 4 * DAY, amount=Decimal("10000"), receipt_number="PJ2")
    party.refresh_from_db()
    assert party.executed_on is None
    assert services.surcharge_due(party, due + 4 * DAY) == Decimal("2400.00")
    services.record_payment(officer, party.pk, paid_on=due + 4 * DAY, amount=Decimal("2400"), receipt_number="PJ3")
    party.refresh_from_db()
    assert party.executed_on == due + 4 * DAY
    assert PenaltyCase.objects.get(pk=case.pk).state == State.EXECUTED


@pytest.mark.clock("2026-11-20T10:00:00+08:00")
def test_a_passed_earliest_day_is_not_overdue(world, people):
    """GIVEN a reminder served long enough ago that the earliest day to apply to the court (行政强制法 第54条) has
    passed WHEN the boards and the daily job look for missed deadlines THEN that day is not among them — it opens the
    window; the window's end (court_latest, 第53条) is the one that can be missed, and it is still open."""
    from cases.penalties import queries
    from cases.penalties.tasks import mark_overdue

    case = build_case(world, State.EXECUTING, start=D(2026, 1, 12))
    party = _unit(case)
    services.issue_reminder(
        people.county_a_officer,
        party.pk,
        data=step_data("reminder", on=D(2026, 3, 2)),
        occurred_on=D(2026, 3, 2),
        served_on=D(2026, 3, 2),
    )
    earliest = _row(case, Kind.COURT_EARLIEST, party)
    assert earliest.due_on < D(2026, 11, 20) and earliest.met_on is None
    missed = queries.overdue(people.county_a_leader, D(2026, 11, 20))
    assert earliest not in missed
    mark_overdue()
    earliest.refresh_from_db()
    assert earliest.overdue_marked_on is None
