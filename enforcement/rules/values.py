"""``rule_value``: the value of a legal parameter in effect on a date for an organisation.

The most specific area wins (the organisation's nearest ancestor with a row, then national); within one area a
规章/地方规定 row prevails over the law's default (行政处罚法 第60条 "另有规定的，从其规定"). One query: the
organisation's ancestors are read from its materialised path.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils.translation import gettext as _

from enforcement.rules.keys import RuleKey
from enforcement.rules.models import LegalRule


class MissingRule(ImproperlyConfigured):
    """No row at all exists for a key: the product cannot know the number and must not guess it."""


@dataclass(frozen=True)
class RuleValue:
    value: Decimal
    article: str
    source: str
    status: str
    rule_id: int
    # False when no row covers the date and the nearest row in time was used instead.
    in_effect: bool = True

    @property
    def to_confirm(self) -> bool:
        return self.status == LegalRule.Status.TO_CONFIRM or not self.in_effect

    @property
    def warning(self) -> str:
        if not self.in_effect:
            return _("该日期没有有效的参数记录，暂按时间最近的记录（%(article)s）计算，请核实") % {
                "article": self.article
            }
        if self.status == LegalRule.Status.TO_CONFIRM:
            return _("该参数（%(source)s）尚待核实，请核对") % {"source": self.source or self.article}
        return ""

    def as_int(self) -> int:
        return int(self.value)


def _area_ids(organisation):
    """The organisation's ancestors and itself, nearest first (ids read from its path, no query)."""
    if organisation is None:
        return []
    return [int(part) for part in reversed(organisation.path.strip("/").split("/")) if part]


def rule_value(key, on: datetime.date, organisation=None) -> RuleValue:
    """The value of ``key`` in effect on ``on`` for ``organisation`` (None: the national value)."""
    if isinstance(on, datetime.datetime):
        on = on.date()
    area_ids = _area_ids(organisation)
    rows = list(LegalRule.objects.filter(key=key).filter(Q(province__isnull=True) | Q(province_id__in=area_ids)))
    if not rows:
        label = RuleKey(key).label if key in RuleKey.values else key
        raise MissingRule(
            _("未配置法定参数“%(label)s”（%(key)s），请系统管理员在“法定参数”中录入。") % {"label": label, "key": key}
        )
    rank = {area_id: position for position, area_id in enumerate(area_ids)}
    nearest_area = len(area_ids)  # national rows rank after every area of the organisation

    def preference(row):
        area = rank[row.province_id] if row.province_id else nearest_area
        return (area, 0 if row.basis == LegalRule.Basis.RULE else 1)

    in_effect = [row for row in rows if row.in_effect(on)]
    if in_effect:
        chosen = min(in_effect, key=preference)
        return _value_of(chosen, True)
    # Rows exist but none covers the date (a case older than every row): the nearest in time, flagged.
    chosen = min(rows, key=lambda row: (preference(row), _distance(row, on)))
    return _value_of(chosen, False)


def _distance(row, on):
    if on < row.effective_from:
        return (row.effective_from - on).days
    return (on - row.effective_to).days


def _value_of(row, in_effect):
    return RuleValue(row.value, row.article, row.source, row.status, row.pk, in_effect)
