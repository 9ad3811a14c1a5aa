"""Queueing and recovering monthly runs (月调度): the claim, the sweep and the messages about them.

A run is recorded before its task is sent ("queued"), claimed by the task that builds it, and found again
by the sweep if its worker was killed or its message lost (enforcement/jobs.py explains the mechanism).
"""

import datetime

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement import jobs
from supervision.progress.models import MonthlyProgressRun

RUNS = jobs.JobKind(
    MonthlyProgressRun,
    time_limit=lambda: settings.MONTHLY_PROGRESS_TIME_LIMIT,
    max_attempts=lambda: settings.JOB_MAX_ATTEMPTS,
)


class QueueUnavailable(Exception):
    """The run is recorded but its task could not be sent; the sweep sends it when the broker is back."""


def in_progress(month):
    """The month's run if it is queued or held by a claim that may still be alive, else None."""
    return MonthlyProgressRun.objects.filter(RUNS.in_progress_q(timezone.now()), month=month).first()


def queue(month: datetime.date):
    """Record a (re)build of ``month`` as queued, unless one is in progress. Returns (run, queued now)."""
    now = timezone.now()
    with transaction.atomic():
        run, created = MonthlyProgressRun.objects.select_for_update().get_or_create(
            month=month, defaults={"status": RUNS.queued, "queued_at": now}
        )
        if created:
            return run, True
        return run, bool(jobs.release_for_retry(RUNS, MonthlyProgressRun.objects.filter(pk=run.pk), now))


def send(month: datetime.date):
    """Send the task for the month's queued run. False if the broker refused it (the row stays queued)."""
    from supervision.progress.tasks import build_monthly_progress_task  # the tasks import the job, the job this

    return jobs.send(build_monthly_progress_task, f"{month:%Y-%m}", queued=True)


def resend(run_id):
    run = MonthlyProgressRun.objects.filter(pk=run_id).only("month").first()
    return run is not None and send(run.month)


def sweep():
    """Send lost runs again, record those out of attempts as failed. Returns (sent, given up)."""
    return jobs.sweep(RUNS, resend)


def failure_message(exc):
    if isinstance(exc, SoftTimeLimitExceeded):
        return _("生成超时（超过%(s)d秒），已有报表保持原样。") % {"s": settings.MONTHLY_PROGRESS_TIME_LIMIT - 30}
    return (str(exc) or type(exc).__name__)[:2000]


def state(run, now=None):
    """What the progress page says about a run: queued, running, interrupted (claim abandoned, the sweep
    will retry), done or failed. A stale claim is not "正在生成"."""
    if run.status == RUNS.running and RUNS.is_abandoned(run, now):
        return "interrupted"
    return run.status
