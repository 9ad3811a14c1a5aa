"""The kinds of administrative penalty a case proposes and decides (行政处罚法 第9条; 安全生产法 第94–114条),
ordered by severity for the 第45条 check (a decision may not be heavier than the notice)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PenaltyKind(models.TextChoices):
    # Declared from the lightest to the heaviest: the order is the severity used by gates.heavier_than_notice.
    WARNING = "warning", _("警告")
    FINE = "fine", _("罚款")
    CONFISCATION = "confiscation", _("没收违法所得、没收非法财物")
    LICENCE_SUSPENSION = "licence_suspension", _("暂扣许可证件")
    SUSPENSION = "suspension", _("责令停产停业")
    LICENCE_REVOCATION = "licence_revocation", _("吊销许可证件")
    CLOSURE = "closure", _("提请关闭")


SEVERITY = {kind: rank for rank, kind in enumerate(PenaltyKind.values)}

# 行政处罚法 第63条: besides a large fine or confiscation, these kinds always give the party the right to a hearing.
HEARING_KINDS = frozenset(
    {PenaltyKind.LICENCE_SUSPENSION, PenaltyKind.SUSPENSION, PenaltyKind.LICENCE_REVOCATION, PenaltyKind.CLOSURE}
)
# 行政处罚法 第51条: the summary procedure decides only a warning or a small fine on the spot.
SUMMARY_KINDS = frozenset({PenaltyKind.WARNING, PenaltyKind.FINE})


def max_severity(kinds) -> int:
    return max((SEVERITY[k] for k in kinds), default=-1)
