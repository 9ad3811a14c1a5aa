"""Celery's autodiscovery imports ``<app>.tasks``; each feature keeps its tasks in ``<feature>/tasks.py``."""

from cases.inspections.tasks import expire_pending_photos
from cases.penalties.evidence_tasks import assemble_upload, sweep_evidence_uploads
from cases.penalties.tasks import mark_overdue

__all__ = ["assemble_upload", "expire_pending_photos", "mark_overdue", "sweep_evidence_uploads"]
