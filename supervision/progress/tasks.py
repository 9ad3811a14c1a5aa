"""Celery tasks of the supervision app."""

import datetime

from celery import shared_task

from supervision.progress.job import build_monthly_progress, previous_month


@shared_task(name="supervision.build_monthly_progress")
def build_monthly_progress_task(month: str | None = None):
    """Build the monthly progress snapshots; ``month`` "YYYY-MM" or, by default, the previous month.

    Scheduled by beat on the 1st of each month (CELERY_BEAT_SCHEDULE); safe to retry or duplicate.
    """
    target = datetime.date.fromisoformat(f"{month}-01") if month else previous_month()
    run = build_monthly_progress(target)
    return (
        None
        if run is None
        else {"month": target.isoformat(), "organisations": run.organisations, "changed": run.changed}
    )
