"""Guidance visits (执法指导, R-40…R-42): the fixed checklist, schedule rules and the spot-check draw.

Pure helpers with no writes; services in ``supervision.guidance.services`` use them.
"""

import datetime

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


def supervised_units(city, organisations):
    """The units a city guides: its active counties and development zones (各县区、经开区).

    ``organisations``: the rows to pick them from, always given — a user's
    ``Organisation.objects.restrict(user)`` whenever the answer goes to a user (``queries.city_units``), so no
    caller can list every county by forgetting it (the warnings API did, issue 9 item 1).
    """
    from enforcement.orgs.models import Organisation

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


# --- Carrying out the schedule (R-40) ------------------------------------------------------------

# R-40 (001 §三): every county guided by the end of November.
DEADLINE_MONTH, DEADLINE_DAY = 11, 30


class SlotStatus:
    """How far one schedule entry has been carried out (the page, the API and the warnings agree)."""

    DONE = "done"  # a visit made (dated today or earlier) counts for the entry
    PENDING = "pending"  # its month has not ended and no visit made yet
    OVERDUE = "overdue"  # its month has ended and no visit made yet (逾期未指导)

    LABELS = {
        DONE: gettext_lazy("已指导"),
        PENDING: gettext_lazy("未指导"),
        OVERDUE: gettext_lazy("逾期未指导"),
    }


def credit_visits(entries, visits):
    """Which visit carries out which schedule entry: {entry pk: visit}.

    ``entries`` have ``pk``, ``county_id``, ``year`` and ``planned_month``; ``visits`` have ``county_id`` and
    ``visit_date``. Within each county and year, visits are taken in date order and each credits one
    entry: the earliest entry not yet credited that is planned in or before the visit's month (a visit
    later than planned still carries out its slot), or failing that the earliest one planned after it (a
    visit made early). A visit with no entry left credits nothing; an entry no visit credits stays open.
    """
    open_entries = {}
    for entry in sorted(entries, key=lambda e: (e.planned_month, e.pk)):
        open_entries.setdefault((entry.county_id, entry.year), []).append(entry)
    credited = {}
    for visit in sorted(visits, key=lambda v: (v.visit_date, getattr(v, "pk", 0) or 0)):
        candidates = open_entries.get((visit.county_id, visit.visit_date.year))
        if not candidates:
            continue
        due = [e for e in candidates if e.planned_month <= visit.visit_date.month]
        entry = due[0] if due else candidates[0]
        candidates.remove(entry)
        credited[entry.pk] = visit
    return credited


def slot_status(entry, visit, today):
    """SlotStatus of ``entry`` given the visit credited to it (or None) on ``today``."""
    if visit is not None and visit.visit_date <= today:
        return SlotStatus.DONE
    month_over = (entry.year, entry.planned_month) < (today.year, today.month)
    return SlotStatus.OVERDUE if month_over else SlotStatus.PENDING


def progress_warnings(units, rows, visited_counties, year, today, warning_days):
    """Chinese warnings on how the year's schedule is being carried out (R-40).

    ``rows``: (entry, status, visit) of the year; ``visited_counties``: ids of the counties visited this
    year up to ``today``. An entry whose month has ended with no visit is overdue; a county not yet
    visited is warned of from ``warning_days`` before the end of November, and after it as missed.
    """
    warnings = []
    overdue_counties = set()
    for entry, status, visit in rows:
        if status != SlotStatus.OVERDUE:
            continue
        overdue_counties.add(entry.county_id)
        message = _("%(county)s安排在%(month)d月，逾期未指导。") % {
            "county": entry.county.name,
            "month": entry.planned_month,
        }
        if visit is not None:
            message += _("已定于%(date)s指导。") % {"date": f"{visit.visit_date.month}月{visit.visit_date.day}日"}
        warnings.append(message)
    deadline = datetime.date(year, DEADLINE_MONTH, DEADLINE_DAY)
    days_left = (deadline - today).days
    if days_left > warning_days:
        return warnings
    for unit in units:
        if unit.pk in visited_counties or unit.pk in overdue_counties:
            continue
        if days_left >= 0:
            warnings.append(
                _("%(county)s本年度尚未接受执法指导，距11月底完成期限还有%(n)d天。")
                % {"county": unit.name, "n": days_left}
            )
        else:
            warnings.append(_("%(county)s本年度未接受执法指导，已超过11月底的完成期限。") % {"county": unit.name})
    return warnings
