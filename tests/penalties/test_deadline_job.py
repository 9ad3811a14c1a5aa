"""The daily deadline job (issue 10 item 6): missed deadlines marked once, the responsible people told once.

In-process here (SQLite and PostgreSQL); tests/penalties/test_deadline_job_worker.py runs it in a real worker.
"""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse

from cases.penalties import tasks
from cases.penalties.models import Deadline, PenaltyCase
from enforcement.notifications.models import Notification
from tests.dates import today
from tests.penalties.factories import build_case
from tests.penalties.job_helpers import case_with_deadline, county_a_supervisors

pytestmark = pytest.mark.django_db


def recipients(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_a_missed_deadline_is_marked_and_its_people_told(world):
    """GIVEN a county A case whose 90-day decision limit (行政处罚法 第60条) expired yesterday, and county A's
    leader and legal section
    WHEN the daily job runs
    THEN the deadline is marked overdue today, and its officer, the leader and the legal section are told once
    each, with the days overdue, the article and a link to the case page; nobody outside county A is told."""
    leader, legal = county_a_supervisors(world)
    case, deadline = case_with_deadline(world, due_in=-1)

    counts = tasks.run()

    deadline.refresh_from_db()
    assert deadline.overdue_marked_on == today()
    assert counts == {"marked_overdue": 1, "overdue_notifications": 3, "reminders": 0}
    assert recipients(Notification.Kind.DEADLINE_OVERDUE) == sorted(
        ["county_a_officer", leader.username, legal.username]
    )
    note = Notification.objects.get(recipient=world.people.county_a_officer)
    assert note.title == f"【已逾期1天】{case.cause}：作出处罚决定"
    assert "行政处罚法 第60条" in note.body
    assert note.day == today() and note.organisation == world.orgs.county_a
    assert note.key == f"penalties.deadline:{deadline.pk}:overdue"
    assert note.url == reverse("cases:penalty_detail", kwargs={"pk": case.pk})


def test_a_case_past_its_decision_limit_through_the_services(world):
    """GIVEN a county A case filed 95 days ago through the services and still under investigation (its decision
    deadline, 行政处罚法 第60条, expired 5 days ago), with county A's leader and legal reviewer
    WHEN the daily job runs twice
    THEN that deadline is marked and its two officers, the leader and the reviewer are told once; the second
    run tells nobody."""
    case = build_case(world, PenaltyCase.State.INVESTIGATING, start=today() - timedelta(days=95))
    decision = case.deadlines.get(kind=Deadline.Kind.DECISION)
    assert decision.due_on < today()

    first = tasks.run()
    second = tasks.run()

    decision.refresh_from_db()
    assert decision.overdue_marked_on == today()
    assert first["marked_overdue"] == 1 and first["overdue_notifications"] == 4
    assert recipients(Notification.Kind.DEADLINE_OVERDUE) == sorted(
        ["county_a_officer", "county_a_officer2", "county_a_leader", "county_a_reviewer"]
    )
    assert second == {"marked_overdue": 0, "overdue_notifications": 0, "reminders": 0}


def test_a_second_run_the_same_day_and_the_next_day_tell_nobody_again(world):
    """GIVEN a missed deadline the job has already marked and notified
    WHEN the job runs again the same day, and again tomorrow
    THEN nothing is marked and nobody is notified a second time."""
    county_a_supervisors(world)
    case_with_deadline(world, due_in=-5)
    assert tasks.run()["overdue_notifications"] == 3

    assert tasks.run() == {"marked_overdue": 0, "overdue_notifications": 0, "reminders": 0}
    assert tasks.run(today() + timedelta(days=1))["overdue_notifications"] == 0
    assert Notification.objects.count() == 3


def test_a_deadline_claimed_by_another_run_is_left_alone(world):
    """GIVEN a missed deadline that another worker has just claimed (overdue_marked_on set by its UPDATE)
    WHEN this run reaches it
    THEN the conditional update claims nothing and this run notifies nobody."""
    _, deadline = case_with_deadline(world, due_in=-2)
    Deadline.objects.filter(pk=deadline.pk).update(overdue_marked_on=today())

    assert tasks.mark_missed(deadline, today(), lambda org: []) is None
    assert not Notification.objects.exists()


def test_a_deadline_due_soon_is_reminded_once_to_its_officers(world):
    """GIVEN a deadline due in 2 days (within PENALTY_DEADLINE_REMINDER_DAYS = 3), with two officers
    WHEN the job runs today and again tomorrow
    THEN both officers are reminded once ("2天后届满"), the leader is not, and nothing is marked overdue."""
    county_a_supervisors(world)
    officers = [world.people.county_a_officer, world.people.county_a_officer2]
    _, deadline = case_with_deadline(world, due_in=2, officers=officers)

    with override_settings(PENALTY_DEADLINE_REMINDER_DAYS=3):
        assert tasks.run() == {"marked_overdue": 0, "overdue_notifications": 0, "reminders": 2}
        assert tasks.run(today() + timedelta(days=1))["reminders"] == 0

    assert recipients(Notification.Kind.DEADLINE_REMINDER) == ["county_a_officer", "county_a_officer2"]
    assert Notification.objects.first().title.startswith("【2天后届满】")
    deadline.refresh_from_db()
    assert deadline.overdue_marked_on is None


def test_deadlines_beyond_the_horizon_met_superseded_or_of_finished_cases_are_ignored(world):
    """GIVEN deadlines: due in 10 days; missed but met; missed but superseded by an extension; missed in a
    closed case
    WHEN the job runs
    THEN none is marked and nobody is told (the extension's own deadline is not due yet)."""
    county_a_supervisors(world)
    case_with_deadline(world, due_in=10)
    case_with_deadline(world, due_in=-3, met_on=today() - timedelta(days=4))
    _, extended = case_with_deadline(world, due_in=-3)
    _, extension = case_with_deadline(world, due_in=20)
    Deadline.objects.filter(pk=extended.pk).update(superseded_by=extension)
    case_with_deadline(world, due_in=-3, state=PenaltyCase.State.CLOSED)

    assert tasks.run() == {"marked_overdue": 0, "overdue_notifications": 0, "reminders": 0}
    assert not Deadline.objects.filter(overdue_marked_on__isnull=False).exists()


@pytest.mark.clock("2026-10-08T00:20:00+08:00")
def test_the_day_after_a_long_holiday(world):
    """GIVEN the clock at the job's time on 8 October 2026 (the first working day after 国庆), a payment deadline
    due on 7 October and a decision deadline due today
    WHEN the job runs
    THEN only the one due yesterday is overdue; today's is a "今日届满" reminder."""
    case_with_deadline(world, due_in=-1, kind=Deadline.Kind.PAYMENT)
    case_with_deadline(world, due_in=0)

    assert tasks.run() == {"marked_overdue": 1, "overdue_notifications": 1, "reminders": 1}
    assert Notification.objects.get(kind=Notification.Kind.DEADLINE_REMINDER).title.startswith("【今日届满】")


def test_the_beat_schedule_runs_the_job_daily_and_expires_it_before_the_next_run(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["penalties-mark-overdue"]
    assert entry["task"] == tasks.mark_overdue.name == "penalties.mark_overdue"
    assert entry["schedule"].hour == {0} and entry["schedule"].minute == {20}
    assert entry["options"]["expires"] < 24 * 3600


def test_the_task_runs_in_process_without_a_broker(world):
    """Without CELERY_BROKER_URL the task runs in-process (settings: task_always_eager)."""
    case_with_deadline(world, due_in=-1)
    tasks.mark_overdue.delay(today().isoformat())
    assert Notification.objects.filter(kind=Notification.Kind.DEADLINE_OVERDUE).count() == 1
