"""Guidance visits (执法指导, R-40…R-42): the fixed checklist, schedule rules and the spot-check draw.

Pure helpers with no writes; services in ``supervision.guidance.services`` use them.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# R-41 (001 §二): the guidance checklist, a fixed list in code so every visit checks the same things.
CHECKLIST = (
    ("plan_preparation", gettext_lazy("年度监督检查计划编制")),
    ("plan_approval", gettext_lazy("计划审批报备")),
    ("plan_execution", gettext_lazy("计划公示和执行")),
    ("onsite", gettext_lazy("现场监管执法检查")),
    ("organisation", gettext_lazy("执法机构设置")),
    ("staffing", gettext_lazy("执法队伍人员")),
    ("training", gettext_lazy("执法人员培训")),
    ("system_use", gettext_lazy("应急管理综合业务系统使用")),
    ("document_use", gettext_lazy("执法文书使用")),
    ("procedure", gettext_lazy("执法程序")),
    ("archiving", gettext_lazy("行政处罚案卷归档管理")),
    ("typical_cases", gettext_lazy("典型案例报送")),
)
CHECKLIST_LABELS = dict(CHECKLIST)

# R-40 (001 §三): all guidance finished by the end of November, about one county a month.
LAST_MONTH = 11
PER_MONTH = 1
# the city spot-checks 1–2 enterprises of the county's plan.
SPOT_CHECK_MAX = 2


def supervised_units(city, organisations=None):
    """The units a city guides: its active counties and development zones (各县区、经开区).

    ``organisations``: the rows to pick them from — a user's ``Organisation.objects.restrict(user)`` whenever
    the answer goes to a user; all organisations otherwise.
    """
    from enforcement.orgs.models import Organisation

    organisations = Organisation.objects.all() if organisations is None else organisations
    return list(
        organisations.filter(
            parent=city, is_active=True, level__in=(Organisation.Level.COUNTY, Organisation.Level.ZONE)
        ).order_by("path")
    )


def schedule_warnings(units, entries):
    """Chinese warnings when a year's schedule cannot meet R-40.

    ``units``: the counties to be guided; ``entries``: objects with ``county_id``, ``county`` and
    ``planned_month``. Returns a list of messages (empty when the schedule is fine).
    """
    warnings = []
    scheduled = {e.county_id for e in entries}
    for unit in units:
        if unit.pk not in scheduled:
            warnings.append(_("%(county)s未安排执法指导（每个县区每年至少一次）。") % {"county": unit.name})
    for entry in sorted(entries, key=lambda e: (e.planned_month, e.county_id)):
        if entry.planned_month > LAST_MONTH:
            warnings.append(
                _("%(county)s安排在%(month)d月，晚于11月底前完成的要求。")
                % {"county": entry.county.name, "month": entry.planned_month}
            )
    per_month = {}
    for entry in entries:
        per_month.setdefault(entry.planned_month, []).append(entry)
    for month in sorted(per_month):
        if len(per_month[month]) > PER_MONTH:
            names = "、".join(e.county.name for e in per_month[month])
            warnings.append(
                _("%(month)d月安排了%(n)d个县区（%(names)s），原则上每月指导1个县区。")
                % {"month": month, "n": len(per_month[month]), "names": names}
            )
    # Months left from January to November cannot hold the remaining counties at one a month.
    if units and len(units) > LAST_MONTH * PER_MONTH:
        warnings.append(_("共%(n)d个县区，按每月1个无法在11月底前全部完成。") % {"n": len(units)})
    return warnings
