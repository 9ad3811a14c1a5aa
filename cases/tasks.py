"""Celery's autodiscovery imports ``<app>.tasks``; each feature keeps its tasks in ``<feature>/tasks.py``."""

from cases.inspections.tasks import expire_pending_photos
from cases.penalties.evidence_tasks import assemble_upload, sweep_evidence_uploads

__all__ = ["assemble_upload", "expire_pending_photos", "sweep_evidence_uploads"]
