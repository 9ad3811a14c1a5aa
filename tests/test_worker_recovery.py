"""Monthly runs and register exports survive a worker killed by SIGKILL (issue 9 item 8), with real processes.

Each test starts its own prefork worker (what production runs: the task executes in a child process) on
a queue of its own, stops the job inside its claim (tests/celery_worker_app.py: TEST_JOB_GATE) and kills
either the child — what the OOM killer does — or the whole worker. Then the job must be completed by a
worker exactly once: after a child kill by the redelivered message (task_reject_on_worker_lost), after a
whole-worker kill by the sweep once the claim is older than the job's hard time limit (aged here rather
than waited for). Runs in the PostgreSQL + Redis pass (CELERY_BROKER_URL set); skipped, with the reason,
otherwise. Each test prints the time from the kill to the completed job.
"""

import datetime
import os
import signal
import time

import pytest
import time_machine
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from enforcement.celery import app
from enforcement.enterprises import export_jobs
from enforcement.enterprises.models import Enterprise, ExportJob
from enforcement.enterprises.tasks import export_enterprises
from enforcement.jobs import CLAIM_MARGIN
from supervision.models import MonthlyProgress, MonthlyProgressRun
from supervision.progress import runs
from supervision.progress.tasks import build_monthly_progress_task
from tests import clock
from tests.celery_fixture import _stop, start_worker, wait_until, worker_database_url
from tests.dates import CLOCK_2026
from tests.planning import execute_first_half, planning  # noqa: F401 - a fixture

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True), pytest.mark.clock(CLOCK_2026)]

QUEUE = "pytest-recovery"  # no other worker of the test session (the solo one on "celery") takes these
JUNE = datetime.date(2026, 6, 1)
TIMEOUT = 90


@pytest.fixture
def worker_factory(django_db_blocker, tmp_path, monkeypatch):
    """start(gated) → a prefork worker on QUEUE; ``gated``: the first job it runs stops inside its claim."""
    url, broker = worker_database_url(django_db_blocker)
    assert not app.conf.task_always_eager
    with app.connection_for_write() as connection:
        connection.default_channel.queue_declare(QUEUE, durable=True, auto_delete=False)
        connection.default_channel.queue_purge(QUEUE)
    for task in (build_monthly_progress_task, export_enterprises):
        # Every send of these two (the services and the sweeps) goes to this test's own queue.
        monkeypatch.setattr(task, "delay", lambda *a, t=task, **kw: t.apply_async(a, kw, queue=QUEUE))
    gate = tmp_path / "gate"
    gate.mkdir()
    (gate / "closed").touch()
    media_root = tmp_path / "media"
    log_path = tmp_path / "workers.log"  # every worker of the test writes here: "exactly once" counts over all
    started = []

    def start(gated=True):
        worker = start_worker(
            app,
            url,
            broker,
            log_path=log_path,
            media_root=media_root,
            pool="prefork",
            queue=QUEUE,
            extra_env={**same_clock(), **({"TEST_JOB_GATE": str(gate)} if gated else {})},
        )
        worker.gate = gate
        started.append(worker)
        return worker

    yield start
    for worker in started:
        _stop(worker.process)


def same_clock():
    """The worker reads the clock this test reads (the clock marker moves it): claims are aged and swept
    here against times the worker wrote (tests/clock.py)."""
    return {
        clock.ENV: timezone.now().isoformat(),
        clock.STARTED_ENV: repr(time_machine.escape_hatch.time.time()),
    }


def held_child(worker):
    """The pid of the worker child that holds the job at the gate."""
    reached = worker.gate / "reached"
    assert wait_until(reached.exists, timeout=TIMEOUT), worker.log()[-3000:]
    return int(reached.read_text())


def kill_whole_worker(worker):
    os.killpg(worker.process.pid, signal.SIGKILL)
    worker.process.wait(timeout=10)


def age_claim(model, pk, limit):
    """Move the claim back beyond the job's hard time limit: what the clock does in production."""
    model.objects.filter(pk=pk).update(started_at=F("started_at") - datetime.timedelta(seconds=limit) - CLAIM_MARGIN)


def successes(worker, task_name, result):
    return sum(
        1 for line in worker.log().splitlines() if f"{task_name}[" in line and "succeeded" in line and result in line
    )


def report(what, seconds):
    print(f"\n{what}: {seconds:.2f} s")  # the measured figure, shown with -s


# --- monthly runs ---------------------------------------------------------------------------------------


@pytest.fixture
def queued_june(planning):  # noqa: F811 - the fixture imported above
    """County A's executed first half (tests/planning.py), committed, and a queued rebuild of June sent."""
    execute_first_half(planning)
    run, queued = runs.queue(JUNE)
    assert queued and runs.send(JUNE)
    return run


def assert_built_once(worker, run_id):
    run = wait_until(lambda: MonthlyProgressRun.objects.filter(pk=run_id, status="done").first(), timeout=TIMEOUT)
    assert run, worker.log()[-4000:]
    reports = MonthlyProgress.objects.filter(month=JUNE).count()
    assert reports and (run.organisations, run.changed, run.attempts) == (reports, reports, 2)
    assert successes(worker, "supervision.build_monthly_progress", "'organisations'") == 1, worker.log()[-4000:]
    return run


def test_run_whose_child_is_killed_is_redelivered_and_built_once(worker_factory, queued_june):
    """GIVEN a queued June run held inside its claim by a worker child WHEN the child is SIGKILLed (OOM)
    THEN the message is redelivered, re-claims the run (attempt 2) and builds every report once."""
    worker = worker_factory(gated=True)
    child = held_child(worker)
    assert MonthlyProgressRun.objects.filter(pk=queued_june.pk, status="running", attempts=1).exists()

    killed = time.monotonic()
    os.kill(child, signal.SIGKILL)
    assert_built_once(worker, queued_june.pk)
    report("monthly run, child SIGKILLed -> done", time.monotonic() - killed)
    assert "WorkerLostError" in worker.log() or "Worker exited prematurely" in worker.log()


def test_run_whose_whole_worker_is_killed_is_swept_and_built_once(worker_factory, queued_june):
    """GIVEN a June run held inside its claim WHEN the whole worker is SIGKILLed THEN its message stays
    unacknowledged and the claim may still be alive: the sweep leaves it. Once the claim is older than the
    run's hard time limit the sweep queues it again and a fresh worker builds it once."""
    worker = worker_factory(gated=True)
    held_child(worker)
    kill_whole_worker(worker)
    killed = time.monotonic()
    assert runs.sweep() == (0, 0)
    assert MonthlyProgressRun.objects.get(pk=queued_june.pk).status == "running"

    fresh = worker_factory(gated=False)
    age_claim(MonthlyProgressRun, queued_june.pk, settings.MONTHLY_PROGRESS_TIME_LIMIT)
    swept = time.monotonic()
    assert runs.sweep() == (1, 0)
    assert_built_once(fresh, queued_june.pk)
    report("monthly run, whole worker SIGKILLed: sweep -> done", time.monotonic() - swept)
    report("monthly run, whole worker SIGKILLed -> done (claim aged, not waited for)", time.monotonic() - killed)


# --- register exports ------------------------------------------------------------------------------------


@pytest.fixture
def sent_export(world):
    owner = world.people.city_legal
    job, created = export_jobs.create_job(owner, "")
    assert created and export_jobs.send(job.pk)
    return job


def assert_exported_once(worker, job):
    done = wait_until(lambda: ExportJob.objects.filter(pk=job.pk, status="done").first(), timeout=TIMEOUT)
    assert done, worker.log()[-4000:]
    expected = Enterprise.objects.restrict(job.owner, "view").count()
    assert expected and (done.row_count, done.attempts) == (expected, 2)
    assert successes(worker, "enterprises.export", "'done'") == 1, worker.log()[-4000:]
    assert len(list((worker.media_root / "enterprise_exports").rglob("*.xlsx"))) == 1


def test_export_whose_child_is_killed_is_redelivered_and_written_once(worker_factory, sent_export):
    """GIVEN a register export held inside its claim WHEN its worker child is SIGKILLed THEN the redelivered
    message writes the file (attempt 2), once."""
    worker = worker_factory(gated=True)
    child = held_child(worker)
    assert ExportJob.objects.filter(pk=sent_export.pk, status="running", attempts=1).exists()

    killed = time.monotonic()
    os.kill(child, signal.SIGKILL)
    assert_exported_once(worker, sent_export)
    report("export, child SIGKILLed -> done", time.monotonic() - killed)


def test_export_whose_whole_worker_is_killed_is_swept_and_written_once(worker_factory, sent_export):
    """GIVEN a register export held inside its claim WHEN the whole worker is SIGKILLed THEN, once the claim
    is older than the export's hard limit, the sweep queues it again and a fresh worker writes it once."""
    worker = worker_factory(gated=True)
    held_child(worker)
    kill_whole_worker(worker)
    assert export_jobs.sweep() == (0, 0)

    fresh = worker_factory(gated=False)
    age_claim(ExportJob, sent_export.pk, settings.ENTERPRISE_EXPORT_TIME_LIMIT)
    swept = time.monotonic()
    assert export_jobs.sweep() == (1, 0)
    assert_exported_once(fresh, sent_export)
    report("export, whole worker SIGKILLed: sweep -> done", time.monotonic() - swept)
