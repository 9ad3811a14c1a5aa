"""Celery's autodiscovery imports ``<app>.tasks``; each feature keeps its tasks in ``<feature>/tasks.py``."""

from supervision.progress.tasks import build_monthly_progress_task, resume_monthly_runs

__all__ = ["build_monthly_progress_task", "resume_monthly_runs"]
