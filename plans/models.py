"""The plans app's models, one module per feature. Django finds an app's models here.

annual/: annual supervision-inspection plans (年度监督检查计划), their items and the check-item library
(R-01…R-04, R-10).
draws/: 双随机 draws and the officers' conflict declarations (R-02, R-08).
"""

from plans.annual.models import CheckItem, InspectionMode, InspectionPlan, PlanItem, PlanTransition, PlanType
from plans.draws.models import ConflictDeclaration, Draw

__all__ = [
    "CheckItem",
    "ConflictDeclaration",
    "Draw",
    "InspectionMode",
    "InspectionPlan",
    "PlanItem",
    "PlanTransition",
    "PlanType",
]
