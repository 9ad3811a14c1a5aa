"""The daily deadline job run twice by a real Celery worker on PostgreSQL notifies once (issue 10, "Must show").

Runs in the PostgreSQL + Redis pass of .ci/run (CELERY_BROKER_URL set); skipped, with the reason, otherwise.
"""

import pytest

from cases.penalties.models import Deadline
from cases.penalties.tasks import mark_overdue
from enforcement.celery import app
from enforcement.notifications.models import Notification
from tests.celery_fixture import wait_until
from tests.dates import today
from tests.penalties.job_helpers import case_with_deadline, county_a_supervisors

pytestmark = pytest.mark.celery_worker


@pytest.mark.django_db(transaction=True)
def test_two_runs_in_the_worker_notify_once(celery_worker, world):
    """GIVEN two county A cases, one whose decision deadline expired two days ago and one due tomorrow, and the
    county's leader and legal section
    WHEN the worker process runs the daily job, and then runs it again the same day
    THEN after the first run the missed deadline is marked and its officer, leader and legal section are told
    (3), the officer of the other case is reminded (1); the second run succeeds and adds nothing."""
    assert not app.conf.task_always_eager
    county_a_supervisors(world)
    _, missed = case_with_deadline(world, due_in=-2)
    case_with_deadline(world, due_in=1, officers=[world.people.county_a_officer2])
    day = today().isoformat()  # the test's day, also when TEST_CLOCK moved this process's clock

    first = mark_overdue.delay(day)
    assert wait_until(lambda: f"penalties.mark_overdue[{first.id}] succeeded" in celery_worker.log()), (
        celery_worker.log()[-3000:]
    )
    assert Notification.objects.filter(kind=Notification.Kind.DEADLINE_OVERDUE).count() == 3
    assert Notification.objects.filter(kind=Notification.Kind.DEADLINE_REMINDER).count() == 1
    assert Deadline.objects.get(pk=missed.pk).overdue_marked_on == today()
    assert "'marked_overdue': 1, 'overdue_notifications': 3, 'reminders': 1" in celery_worker.log()

    second = mark_overdue.delay(day)
    assert wait_until(lambda: f"penalties.mark_overdue[{second.id}] succeeded" in celery_worker.log()), (
        celery_worker.log()[-3000:]
    )
    assert "'marked_overdue': 0, 'overdue_notifications': 0, 'reminders': 0" in celery_worker.log()
    assert Notification.objects.count() == 4
