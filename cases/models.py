"""The cases app's models, one module per feature. Django finds an app's models here.

inspections/: inspections carried out, their check results, corrections, hazards, re-inspection visits and
re-inspections (R-10…R-13).
"""

from cases.inspections.models import (
    CheckResult,
    Hazard,
    HazardPhoto,
    Inspection,
    InspectionCorrection,
    PendingPhoto,
    ReInspection,
    ReInspectionVisit,
    hazard_photo_upload_to,
    pending_photo_upload_to,
)

__all__ = [
    "CheckResult",
    "Hazard",
    "HazardPhoto",
    "Inspection",
    "InspectionCorrection",
    "PendingPhoto",
    "ReInspection",
    "ReInspectionVisit",
    "hazard_photo_upload_to",
    "pending_photo_upload_to",
]
