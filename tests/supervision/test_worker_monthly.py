"""The monthly progress job through a real Celery worker process and broker (月调度, R-05/R-06).

Runs in the PostgreSQL + Redis pass of .ci/run (CELERY_BROKER_URL set); skipped, with the reason, otherwise.
The worker only sees committed rows, so the dataset is built in a transactional test through the services.
"""

import datetime
import time

import pytest

from enforcement.celery import app
from supervision.models import MonthlyProgress, MonthlyProgressRun
from supervision.progress.job import build_monthly_progress
from supervision.progress.tasks import build_monthly_progress_task
from tests.celery_fixture import wait_until
from tests.dates import CLOCK_2026
from tests.planning import execute_first_half

# The data set is dated 2026. The worker keeps its own clock; the job takes the month it builds, not today.
pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True), pytest.mark.clock(CLOCK_2026)]

D = datetime.date
JUNE = D(2026, 6, 1)
TIMEOUT = 60  # seconds for the worker to finish a run


@pytest.fixture
def executed_committed(planning, settings, tmp_path):
    """The ``executed`` dataset of test_monthly_progress.py, committed (this test is transactional):

    county A's approved plan: key in March and September, two general ones in May. Carried out: March
    (2 hazards: due April and re-inspected; due July) and one May item (1 hazard due 20 May, never
    re-inspected). The other May item is behind schedule.
    """
    settings.MEDIA_ROOT = tmp_path
    return execute_first_half(planning)


def snapshot():
    """Every June report with all its figures and timestamps, keyed by primary key."""
    fields = ["organisation_id", *MonthlyProgress.FIGURES, "generated_at", "confirmed_at"]
    return {row["id"]: row for row in MonthlyProgress.objects.filter(month=JUNE).values("id", *fields)}


def finished(task_id, worker):
    return f"supervision.build_monthly_progress[{task_id}] succeeded" in worker.log()


def test_worker_builds_the_month_and_reruns_change_nothing(celery_worker, executed_committed, world):
    """GIVEN county A's committed plan and inspections
    WHEN build_monthly_progress_task for 2026-06 is queued on the broker
    THEN the worker process writes the reports with the right figures;
    AND WHEN the same task is queued twice more at once THEN nothing changes and no row is duplicated."""
    assert not app.conf.task_always_eager
    county_a = executed_committed.plan.organisation
    assert not MonthlyProgress.objects.filter(month=JUNE).exists()

    first = build_monthly_progress_task.delay("2026-06")

    done = wait_until(
        lambda: MonthlyProgressRun.objects.filter(month=JUNE, status=MonthlyProgressRun.Status.DONE).first(),
        timeout=TIMEOUT,
    )
    assert done, celery_worker.log()[-3000:]
    assert wait_until(lambda: finished(first.id, celery_worker), timeout=10), celery_worker.log()[-3000:]
    report = MonthlyProgress.objects.get(organisation=county_a, month=JUNE)
    assert (report.planned, report.done, report.completion_rate) == (3, 2, 66.7)
    assert (report.hazards_found, report.hazards_due, report.hazards_reinspected, report.reinspection_rate) == (
        3,
        2,
        1,
        50.0,
    )
    assert report.hazards_closed == 1
    assert (report.key_total, report.key_covered, report.general_total, report.general_covered) == (1, 1, 6, 1)
    assert (report.behind_count, [b["enterprise"] for b in report.behind]) == (1, ["东城一般企业1"])
    # Every organisation with something to count has exactly one report.
    assert {world.orgs.county_a.pk, world.orgs.city.pk, world.orgs.park_a.pk} <= set(
        MonthlyProgress.objects.filter(month=JUNE).values_list("organisation_id", flat=True)
    )
    before = snapshot()
    run_before = MonthlyProgressRun.objects.get(month=JUNE)
    assert run_before.changed == len(before)

    # Twice more, sent together: each run re-claims the month and finds nothing to change. The solo
    # worker takes them one after the other, so a third run from this process overlaps them: it either
    # finds the month claimed (None) or, between two runs, changes nothing either.
    again = [build_monthly_progress_task.delay("2026-06") for _ in range(2)]
    local = build_monthly_progress(JUNE)
    assert local is None or local.changed == 0
    deadline = time.monotonic() + TIMEOUT
    for result in again:
        assert wait_until(
            lambda r=result: finished(r.id, celery_worker), timeout=max(deadline - time.monotonic(), 1)
        ), celery_worker.log()[-3000:]

    assert snapshot() == before
    assert MonthlyProgress.objects.filter(month=JUNE).count() == len(before)
    run = MonthlyProgressRun.objects.get(month=JUNE)
    assert (run.status, run.changed, run.organisations) == ("done", 0, run_before.organisations)
    assert run.started_at > run_before.started_at  # it really ran again, and changed nothing
    assert MonthlyProgressRun.objects.count() == 1
