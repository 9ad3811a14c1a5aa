"""The cases app's models, one module per feature. Django finds an app's models here.

inspections/: inspections carried out, their check results, corrections, hazards, re-inspection visits and
re-inspections (R-10…R-13).
penalties/: penalty cases, their parties, violations, step records, history, deadlines, deliveries, payments and
evidence (R-14…R-22).
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
from cases.penalties.models import (
    CaseEvent,
    CaseParty,
    Deadline,
    Delivery,
    Evidence,
    Instalment,
    Payment,
    PenaltyCase,
    PenaltyCaseGroupObjectPermission,
    PenaltyCaseUserObjectPermission,
    StepRecord,
    Violation,
    evidence_upload_to,
)

__all__ = [
    "CaseEvent",
    "CaseParty",
    "CheckResult",
    "Deadline",
    "Delivery",
    "Evidence",
    "Hazard",
    "HazardPhoto",
    "Inspection",
    "InspectionCorrection",
    "Instalment",
    "Payment",
    "PenaltyCase",
    "PenaltyCaseGroupObjectPermission",
    "PenaltyCaseUserObjectPermission",
    "PendingPhoto",
    "ReInspection",
    "ReInspectionVisit",
    "StepRecord",
    "Violation",
    "evidence_upload_to",
    "hazard_photo_upload_to",
    "pending_photo_upload_to",
]
