"""Each legal gate refused, then allowed once its condition holds (GIVEN/WHEN/THEN, through the services)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cases.penalties import deadlines, gates, services
from cases.penalties.models import CaseParty, Delivery, PenaltyCase, StepRecord
from tests.dates import today
from tests.factories import CertificateFactory, UserFactory
from tests.penalties.factories import build_case, deliver
from tests.penalties.step_data import step_data

State = PenaltyCase.State
DAY = datetime.timedelta(days=1)


def refused(match, call, *args, **kwargs):
    with pytest.raises(ValidationError) as exc:
        call(*args, **kwargs)
    text = " ".join(exc.value.messages)
    assert match in text, text
    return text


def _unit(case):
    return case.parties.get(kind=CaseParty.Kind.UNIT)


def _decide(user, party, on):
    return services.decide(
        user, party.pk, kinds=party.proposed_kinds, fine=party.proposed_fine, text="罚款", decided_on=on
    )


# ---- 第44、45、62条: notice and its windows -------------------------------------------------------------------


def test_no_decision_before_the_notice_is_served(world, people):
    """GIVEN a case whose notice was issued but not yet served
    WHEN the officer decides THEN 第44条/第62条 refuses; once it is served and the window has run out, it is allowed."""
    start = today() - 40 * DAY
    case = build_case(world, State.NOTIFYING, start=start)
    services.issue_notices(people.county_a_officer, case.pk)
    party = _unit(case)
    text = refused("第44条", _decide, people.county_a_officer, party, start + 10 * DAY)
    assert "第62条" in text
    party.refresh_from_db()
    deliver(people.county_a_officer, party, party.notice_id, start + 5 * DAY)
    party.refresh_from_db()
    _decide(people.county_a_officer, party, start + 20 * DAY)
    assert PenaltyCase.objects.get(pk=case.pk).state == State.DECIDED


def test_no_decision_inside_the_statement_window_unless_waived(world, people):
    """GIVEN a notice served on day 4 (3 working days to state and defend)
    WHEN the officer decides the next day THEN 第45条 refuses it; after the party's waiver it is allowed."""
    start = today() - 40 * DAY
    case = build_case(world, State.NOTIFIED, start=start, waive=False)
    party = _unit(case)
    last = deadlines.statement_due(party)
    assert last > party.notice_served_on
    refused("陈述申辩期", _decide, people.county_a_officer, party, party.notice_served_on + DAY)
    services.record_waiver(
        people.county_a_officer, party.pk, statement=True, hearing=False, waived_on=party.notice_served_on + 2 * DAY
    )
    party.refresh_from_db()
    # The waiver counts from the day the party gave it: a decision dated the day before still waits.
    refused("陈述申辩期", _decide, people.county_a_officer, party, party.notice_served_on + DAY)
    _decide(people.county_a_officer, party, party.notice_served_on + 2 * DAY)


def test_decision_allowed_the_day_after_the_statement_window(world, people):
    """GIVEN a notice served and no waiver WHEN deciding on the window's last day THEN refused;
    the day after: allowed."""
    start = today() - 40 * DAY
    case = build_case(world, State.NOTIFIED, start=start, waive=False)
    party = _unit(case)
    last = deadlines.statement_due(party)
    refused("第45条", _decide, people.county_a_officer, party, last)
    _decide(people.county_a_officer, party, last + DAY)
    # The window closes with the decision: it is no longer open on the deadline board.
    assert case.deadlines.get(kind="statement", party=party).met_on == last + DAY


def test_hearing_request_window_holds_the_decision(world, people):
    """GIVEN a unit notified of a 60,000 yuan fine (a hearing case) which waived its statement only
    WHEN deciding inside the 5-working-day hearing request window THEN 第64条 refuses; after it, allowed."""
    start = today() - 60 * DAY
    case = build_case(world, State.NOTIFIED, start=start, hearing=True, waive=False)
    party = _unit(case)
    services.record_waiver(people.county_a_officer, party.pk, statement=True, hearing=False)
    party.refresh_from_db()
    last = deadlines.hearing_request_due(party)
    refused("第64条", _decide, people.county_a_officer, party, last)
    _decide(people.county_a_officer, party, last + DAY)


def test_hearing_request_after_five_working_days_is_refused(world, people):
    """GIVEN a hearing notice served WHEN the party asks after the 5th working day THEN refused (第64条);
    in time: allowed."""
    start = today() - 60 * DAY
    case = build_case(world, State.NOTIFIED, start=start, hearing=True, waive=False)
    party = _unit(case)
    last = deadlines.hearing_request_due(party)
    refused("第64条", services.request_hearing, people.county_a_officer, party.pk, requested_on=last + DAY)
    services.request_hearing(people.county_a_officer, party.pk, requested_on=last)
    assert PenaltyCase.objects.get(pk=case.pk).state == State.HEARING


# ---- 第63–65条: the hearing ---------------------------------------------------------------------------------------


def test_no_decision_after_a_hearing_request_until_record_and_report(world, people):
    """GIVEN a party that asked for a hearing in time WHEN deciding before the hearing record and report
    THEN refused (第63–65条); after both are recorded, allowed."""
    start = today() - 60 * DAY
    case = build_case(world, State.HEARING, start=start, hearing=True)
    officer = people.county_a_officer
    party = _unit(case)
    notified_on = start + 6 * DAY
    hearing_on = deadlines.due(notified_on, 8, "working_days").day
    services.schedule_hearing(
        officer,
        case.pk,
        hearing_on=hearing_on,
        place="听证室",
        chair_id=people.county_a_reviewer.pk,
        data=step_data("hearing_notice", person=people.county_a_reviewer),
        notified_on=notified_on,
    )
    refused("第63–65条", _decide, officer, party, hearing_on + DAY)
    services.record_hearing(
        officer, case.pk, data=step_data("hearing", person=people.county_a_reviewer), occurred_on=hearing_on
    )
    refused("听证会报告书", _decide, officer, party, hearing_on + DAY)
    services.record_hearing_report(
        officer, case.pk, data=step_data("hearing_report", person=people.county_a_reviewer), occurred_on=hearing_on
    )
    _decide(officer, party, hearing_on + DAY)


def test_hearing_notice_at_least_seven_working_days_before(world, people):
    """GIVEN a hearing case WHEN the hearing is set 6 working days after the notice THEN 第64条 refuses;
    7 working days after: allowed, and the hearing_notice deadline is met on the notice day."""
    start = today() - 60 * DAY
    case = build_case(world, State.HEARING, start=start, hearing=True)
    notified_on = deadlines.due(start + 5 * DAY, 1, "working_days").day  # a working day
    too_soon = deadlines.due(notified_on, 6, "working_days").day
    kwargs = {
        "place": "听证室",
        "chair_id": people.county_a_reviewer.pk,
        "data": step_data("hearing_notice", person=people.county_a_reviewer),
        "notified_on": notified_on,
    }
    refused("第64条", services.schedule_hearing, people.county_a_officer, case.pk, hearing_on=too_soon, **kwargs)
    in_time = deadlines.due(notified_on, 7, "working_days").day
    services.schedule_hearing(people.county_a_officer, case.pk, hearing_on=in_time, **kwargs)
    row = case.deadlines.get(kind="hearing_notice")
    assert row.backwards and row.met_on == notified_on and row.due_on >= notified_on


def test_hearing_chair_may_not_be_an_investigator(world, people):
    """GIVEN a hearing case WHEN an officer of the case is named chair THEN refused (第64条);
    a non-investigator: allowed."""
    start = today() - 60 * DAY
    case = build_case(world, State.HEARING, start=start, hearing=True)
    notified_on = start + 6 * DAY
    hearing_on = deadlines.due(notified_on, 8, "working_days").day
    data = step_data("hearing_notice", person=people.county_a_reviewer)
    kwargs = {"hearing_on": hearing_on, "place": "听证室", "data": data, "notified_on": notified_on}
    officer = people.county_a_officer
    refused("非本案调查人员", services.schedule_hearing, officer, case.pk, chair_id=officer.pk, **kwargs)
    services.schedule_hearing(officer, case.pk, chair_id=people.county_a_reviewer.pk, **kwargs)


# ---- 第58条: legal review; 第57条: collective discussion ---------------------------------------------------------


def test_reviewer_may_not_be_an_investigator(world, people):
    """GIVEN a case in review WHEN one of its officers (given the review role) reviews THEN 案审分离 refuses;
    the legal reviewer: allowed."""
    from enforcement.orgs.models import Role

    case = build_case(world, State.REVIEWING)
    officer = people.county_a_officer2
    officer.roles.add(Role.objects.get(code="reviewer"))
    officer = type(officer).objects.get(pk=officer.pk)
    refused("第58条", services.record_review, officer, case.pk, passed=True, opinion="同意", data={})
    services.record_review(people.county_a_reviewer, case.pk, passed=True, opinion="同意", data={})
    assert PenaltyCase.objects.get(pk=case.pk).state == State.NOTIFYING


def test_failed_review_returns_the_case_and_holds_the_decision(world, people):
    """GIVEN a case in review WHEN the review fails THEN the case goes back to investigation and the review gate
    refuses a decision; after a passed review, the gate allows it."""
    case = build_case(world, State.REVIEWING)
    services.record_review(people.county_a_reviewer, case.pk, passed=False, opinion="证据不足", data={})
    case = PenaltyCase.objects.get(pk=case.pk)
    assert case.state == State.INVESTIGATING
    refused("法制审核未通过", gates.review_passed, case)
    StepRecord.objects.create(
        case=case, kind="review", outcome="approved", occurred_on=today(), recorded_by=people.county_a_reviewer
    )
    gates.review_passed(case)


def test_review_required_and_missing(world, people):
    """GIVEN a case that needs review (every general case, rule review_required_all_general=1) with no review
    THEN the gate refuses (第58条); a case that needs none passes."""
    case = build_case(world, State.HANDLING)
    assert case.review_required
    refused("须经法制审核", gates.review_passed, case)
    case.review_required = False
    gates.review_passed(case)


def test_collective_discussion_required_for_a_fine_at_the_threshold(world, people):
    """GIVEN a unit proposed 60,000 yuan (≥ the collective-discussion amount) THEN the case needs discussion and the
    gate refuses before it (第57条第2款); the case passes through 集体讨论 and the gate then allows."""
    case = build_case(world, State.DISCUSSING, hearing=True)
    assert case.discussion_required
    refused("第57条第2款", gates.discussion_recorded, case)
    services.record_discussion(people.county_a_officer, case.pk, data=step_data("discussion"), occurred_on=today())
    case = PenaltyCase.objects.get(pk=case.pk)
    gates.discussion_recorded(case)
    assert case.state == State.NOTIFYING


# ---- 第45条: not heavier than the notice ---------------------------------------------------------------------------


def test_decision_heavier_than_the_notice_needs_a_new_notice(world, people):
    """GIVEN a unit notified of 30,000 yuan that stated its defence
    WHEN the decision says 40,000, or adds 责令停产停业 THEN 第45条 refuses;
    after a new proposal and notice: allowed."""
    start = today() - 60 * DAY
    case = build_case(world, State.NOTIFIED, start=start)
    officer = people.county_a_officer
    party = _unit(case)
    services.record_statement(
        officer, party.pk, data=step_data("statement", person=officer), occurred_on=start + 5 * DAY
    )
    on = start + 10 * DAY
    refused("第45条", services.decide, officer, party.pk, kinds=["fine"], fine=Decimal("40000"), decided_on=on)
    refused(
        "第45条", services.decide, officer, party.pk, kinds=["fine", "suspension"], fine=Decimal("30000"), decided_on=on
    )
    # Lighter is fine; here: a new proposal, a new notice, served, then the heavier decision.
    services.propose_penalty(officer, party.pk, kinds=["fine"], fine=Decimal("40000"), text="罚款四万元")
    assert PenaltyCase.objects.get(pk=case.pk).state == State.NOTIFYING
    services.issue_notices(officer, case.pk)
    party.refresh_from_db()
    assert party.notice_served_on is None
    deliver(officer, party, party.notice_id, start + 11 * DAY)
    services.record_waiver(officer, party.pk, statement=True, hearing=True, waived_on=start + 11 * DAY)
    services.decide(officer, party.pk, kinds=["fine"], fine=Decimal("40000"), decided_on=start + 12 * DAY)


def test_lighter_decision_is_allowed(world, people):
    """GIVEN a notice of 30,000 yuan WHEN the decision is a warning and 20,000 yuan THEN allowed (lighter)."""
    start = today() - 60 * DAY
    case = build_case(world, State.NOTIFIED, start=start)
    party = _unit(case)
    services.decide(
        people.county_a_officer, party.pk, kinds=["warning", "fine"], fine=Decimal("20000"), decided_on=start + 8 * DAY
    )


# ---- 第42条 and R-55: who acts ---------------------------------------------------------------------------------------


def test_investigation_needs_two_certified_officers(world, people):
    """GIVEN a case under investigation WHEN an interview is recorded by one officer, or with an officer whose
    certificate expired THEN 第42条 refuses; two officers certified that day: allowed."""
    case = build_case(world, State.INVESTIGATING, start=today() - 10 * DAY)
    officer = people.county_a_officer
    on = today() - DAY
    refused("第42条", services.record_step, officer, case.pk, "interview", data={}, occurred_on=on, officers=[officer])
    lapsed = UserFactory(organisation=world.orgs.county_a, roles=["officer"])
    CertificateFactory(holder=lapsed, valid_from=today() - 400 * DAY, valid_until=today() - 2 * DAY)
    refused(
        "第42条", services.record_step, officer, case.pk, "scene", data={}, occurred_on=on, officers=[officer, lapsed]
    )
    record = services.record_step(
        officer,
        case.pk,
        "scene",
        data=step_data("scene", on=on),
        occurred_on=on,
        officers=[officer, people.county_a_officer2],
    )
    assert record.officers.count() == 2


def test_delegated_township_handles_only_its_delegated_powers(world, people):
    """GIVEN 城关镇 acting under delegation for 工贸企业日常检查 WHEN it opens a case for another power THEN refused
    (第20条, R-55); for the delegated power: allowed."""
    user = world.people.township_a_user
    kwargs = {"cause": "未按规定配备安全管理人员", "source": "inspection", "parties": ()}
    refused("委托事项", services.open_case, user, world.orgs.township_a, power="危险化学品经营许可", **kwargs)
    case = services.open_case(user, world.orgs.township_a, power="工贸企业日常检查", **kwargs)
    assert case.organisation == world.orgs.township_a


# ---- 第61条: electronic delivery ------------------------------------------------------------------------------------


def test_electronic_delivery_needs_an_address_confirmation(world, people):
    """GIVEN a notice to serve WHEN it is sent by e-mail without a 送达地址确认书 THEN 第61条 refuses;
    after the party's confirmation is recorded: allowed."""
    start = today() - 30 * DAY
    case = build_case(world, State.NOTIFYING, start=start)
    officer = people.county_a_officer
    services.issue_notices(officer, case.pk)
    party = _unit(case)
    party.refresh_from_db()
    refused("第61条", deliver, officer, party, party.notice_id, start + 5 * DAY, method="electronic")
    services.record_step(
        officer,
        case.pk,
        "address_confirmation",
        data=step_data("address_confirmation"),
        occurred_on=start + 4 * DAY,
        party_id=party.pk,
    )
    deliver(officer, party, party.notice_id, start + 5 * DAY, method="electronic")
    assert Delivery.objects.filter(party=party, method="electronic").exists()


# ---- closing, archiving -------------------------------------------------------------------------------------------


def test_closing_needs_service_and_execution(world, people):
    """GIVEN a decided case whose decision is not served THEN the closing gate refuses; once served and paid, the
    case closes."""
    start = today() - 60 * DAY
    case = build_case(world, State.DECIDED, start=start)
    text = refused("不能结案", gates.closing_ready, case)
    assert "送达" in text
    party = _unit(case)
    deliver(people.county_a_officer, party, party.decision_id, start + 7 * DAY)
    refused("尚未执行完毕", gates.closing_ready, PenaltyCase.objects.get(pk=case.pk))
    services.record_payment(
        people.county_a_officer, party.pk, paid_on=start + 8 * DAY, amount=party.decided_fine, receipt_number="PJ1"
    )
    gates.closing_ready(PenaltyCase.objects.get(pk=case.pk))
    services.submit_closing(people.county_a_officer, case.pk, data=step_data("closing"))
    services.approve_closing(people.county_a_leader, case.pk, approved=True)
    assert PenaltyCase.objects.get(pk=case.pk).state == State.CLOSED


def test_archiving_needs_closing(world, people):
    """GIVEN an executed case WHEN the leader archives it THEN refused; once closed: archived and locked."""
    case = build_case(world, State.EXECUTED)
    refused("尚未结案", services.archive_case, people.county_a_leader, case.pk)
    services.submit_closing(people.county_a_officer, case.pk, data=step_data("closing"))
    services.approve_closing(people.county_a_leader, case.pk, approved=True)
    services.archive_case(people.county_a_leader, case.pk)
    case = PenaltyCase.objects.get(pk=case.pk)
    assert case.is_locked and case.archived_at
    refused("案件已归档", services.share_case, people.county_a_officer, case.pk, with_user=world.people.city_legal)


# ---- 行政强制法 第53、54条: the court ---------------------------------------------------------------------------


@pytest.mark.clock("2026-11-20T10:00:00+08:00")
def test_court_application_only_inside_its_window(world, people):
    """GIVEN a unit served its decision on 2026-01-20 that never paid, reminded on 2026-03-02
    WHEN the court is applied to before the suit period ends (6 months), or after the 3 months that follow
    THEN refused (行政强制法 第53条); inside the window: allowed and the case's execution is finished."""
    officer = people.county_a_officer
    start = datetime.date(2026, 1, 12)
    case = build_case(world, State.EXECUTING, start=start)
    party = _unit(case)
    assert party.decision_served_on == datetime.date(2026, 1, 19)
    court = step_data("court_application")
    refused(
        "催告书尚未送达", services.apply_to_court, officer, party.pk, applied_on=datetime.date(2026, 8, 1), data=court
    )
    services.issue_reminder(
        officer,
        party.pk,
        data=step_data("reminder", on=datetime.date(2026, 3, 2)),
        occurred_on=datetime.date(2026, 3, 2),
        served_on=datetime.date(2026, 3, 2),
    )
    earliest, latest = deadlines.court_window(party, datetime.date(2026, 3, 2))
    assert earliest == datetime.date(2026, 7, 21)  # the day after the 6-month suit period (to 2026-07-20)
    assert latest == datetime.date(2026, 10, 20)  # 3 months after, a Tuesday
    refused("最早可于2026-07-21", services.apply_to_court, officer, party.pk, applied_on=earliest - DAY, data=court)
    refused("已于2026-10-20届满", services.apply_to_court, officer, party.pk, applied_on=latest + DAY, data=court)
    services.apply_to_court(officer, party.pk, applied_on=earliest, data=court)
    assert PenaltyCase.objects.get(pk=case.pk).state == State.EXECUTED
    assert case.deadlines.get(kind="court_latest", party=party).due_on == latest


def test_reminder_only_after_the_payment_deadline(world, people):
    """GIVEN a decision served WHEN reminding before the payment deadline passed THEN refused (行政强制法 第54条);
    after it: allowed."""
    start = today() - 60 * DAY
    case = build_case(world, State.EXECUTING, start=start)
    party = _unit(case)
    due = case.deadlines.get(kind="payment", party=party).due_on
    reminder = step_data("reminder", on=due)
    refused("第54条", services.issue_reminder, people.county_a_officer, party.pk, data=reminder, occurred_on=due)
    services.issue_reminder(people.county_a_officer, party.pk, data=reminder, occurred_on=due + DAY)


def test_a_waiver_closes_the_windows_on_the_day_the_party_gave_it(world, people):
    """GIVEN a notice served on day 4 WHEN the party's written waiver of day 5 is recorded later THEN the statement
    and hearing-request windows are recorded as closed on day 5 (the fact), not on the day it was typed in; a waiver
    dated before the notice reached the party is refused, and so is one dated in the future."""
    from cases.penalties.models import Deadline

    start = today() - 40 * DAY
    case = build_case(world, State.NOTIFIED, start=start, waive=False)
    party = _unit(case)
    served = party.notice_served_on
    refused(
        "早于告知书送达日期",
        services.record_waiver,
        people.county_a_officer,
        party.pk,
        statement=True,
        hearing=True,
        waived_on=served - DAY,
    )
    refused(
        "日期不能晚于今天",
        services.record_waiver,
        people.county_a_officer,
        party.pk,
        statement=True,
        hearing=True,
        waived_on=today() + DAY,
    )
    services.record_waiver(people.county_a_officer, party.pk, statement=True, hearing=True, waived_on=served + DAY)
    windows = Deadline.objects.filter(party=party, kind__in=["statement", "hearing_request"])
    assert windows.exists() and set(windows.values_list("met_on", flat=True)) == {served + DAY}
