"""The supervision app's models, one module per feature: monthly progress (月调度) and guidance (执法指导).

Django finds an app's models here; each feature keeps its own in ``<feature>/models.py``.
"""

from supervision.guidance.models import (
    GuidanceCheck,
    GuidanceEvidence,
    GuidanceLetter,
    GuidanceSchedule,
    GuidanceVisit,
    RectificationReport,
    guidance_upload_to,
)
from supervision.progress.models import MonthlyProgress, MonthlyProgressRun, rate

__all__ = [
    "GuidanceCheck",
    "GuidanceEvidence",
    "GuidanceLetter",
    "GuidanceSchedule",
    "GuidanceVisit",
    "MonthlyProgress",
    "MonthlyProgressRun",
    "RectificationReport",
    "guidance_upload_to",
    "rate",
]
