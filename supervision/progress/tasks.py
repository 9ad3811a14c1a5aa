"""Celery tasks of the supervision app."""

import datetime

from celery import shared_task
from django.conf import settings

from supervision.progress import runs
from supervision.progress.job import build_monthly_progress, previous_month


@shared_task(
    bind=True,
    name="supervision.build_monthly_progress",
    soft_time_limit=settings.MONTHLY_PROGRESS_TIME_LIMIT - 30,
    time_limit=settings.MONTHLY_PROGRESS_TIME_LIMIT,
)
def build_monthly_progress_task(self, month: str | None = None, queued: bool = False):
    """Build the monthly progress snapshots; ``month`` "YYYY-MM" or, by default, the previous month.

    Scheduled by beat on the 1st of each month (CELERY_BEAT_SCHEDULE); safe to retry or duplicate: the
    run's claim decides (enforcement/jobs.py). ``queued``: sent for a run already recorded as queued (a
    user's rebuild, the sweep), which this task only claims — once done, a duplicate does nothing.
    """
    target = datetime.date.fromisoformat(f"{month}-01") if month else previous_month()
    run = build_monthly_progress(target, token=self.request.id, rebuild=not queued)
    return (
        None
        if run is None
        else {"month": target.isoformat(), "organisations": run.organisations, "changed": run.changed}
    )


@shared_task(name="supervision.resume_monthly_runs")
def resume_monthly_runs():
    """Beat, every minute: queue again runs whose worker was killed or whose message was lost."""
    sent, given_up = runs.sweep()
    return {"sent": sent, "given_up": given_up}
