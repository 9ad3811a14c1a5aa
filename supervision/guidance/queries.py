"""Read-side figures of guidance (执法指导) shared by the pages and the API, so both show the same thing.

The year's schedule with its R-40 warnings, and the supervision ledger (执法监督台账, R-43). Every query
reads through ``restrict()``; nothing here writes.
"""

from types import SimpleNamespace

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from enforcement.orgs.models import Organisation
from supervision.guidance.models import GuidanceLetter, GuidanceSchedule, GuidanceVisit
from supervision.guidance.rules import (
    SlotStatus,
    credit_visits,
    progress_warnings,
    schedule_warnings,
    slot_status,
    supervised_units,
)
from supervision.guidance.services import is_city_user

LEDGER_FIGURES = ("visits", "letters", "open", "overdue", "closed")


def city_units(user):
    """The counties the user's city guides, as far as the user may see them (empty for a county user)."""
    if not is_city_user(user):
        return []
    return supervised_units(user.organisation, Organisation.objects.restrict(user, "view"))


# --- Schedule (R-40) -----------------------------------------------------------------------------


def _visits(user, years):
    return list(
        GuidanceVisit.objects.restrict(user, "view")
        .filter(visit_date__year__in=list(years))
        .only("pk", "county_id", "visit_date")
    )


def schedule_status(user, years, today=None):
    """{entry pk: (SlotStatus, credited visit or None)} for every entry of ``years`` the user can see.

    The whole years are read (not just one page of entries), since which visit credits which entry
    depends on every entry and visit of the county that year (``rules.credit_visits``).
    """
    today = today or timezone.localdate()
    years = list(years)
    entries = list(GuidanceSchedule.objects.restrict(user, "view").filter(year__in=years))
    credited = credit_visits(entries, _visits(user, years))
    return {entry.pk: (slot_status(entry, credited.get(entry.pk), today), credited.get(entry.pk)) for entry in entries}


def schedule_year(user, year, units=None, today=None):
    """One year's schedule as ``user`` sees it, with how far it has been carried out (R-40).

    ``rows`` as (entry, status, visit credited to it or None); ``plan_warnings`` where the schedule itself
    misses R-40 and ``progress_warnings`` where carrying it out falls behind (overdue entries, counties
    not yet visited near or after the end of November) — for a city user only, the one who can act;
    ``warnings`` both. ``units`` are the counties it guides, computed when not given.
    """
    today = today or timezone.localdate()
    units = city_units(user) if units is None else units
    entries = list(GuidanceSchedule.objects.restrict(user, "view").filter(year=year).select_related("county", "city"))
    visits = _visits(user, [year])
    credited = credit_visits(entries, visits)
    rows = []
    for entry in entries:
        visit = credited.get(entry.pk)
        rows.append((entry, slot_status(entry, visit, today), visit))
    visited = {visit.county_id for visit in visits if visit.visit_date <= today}
    plan = schedule_warnings(units, entries) if units else []
    progress = (
        progress_warnings(units, rows, visited, year, today, settings.GUIDANCE_DEADLINE_WARNING_DAYS) if units else []
    )
    return SimpleNamespace(
        units=units,
        entries=entries,
        rows=rows,
        plan_warnings=plan,
        progress_warnings=progress,
        warnings=plan + progress,
        counties_visited=sum(1 for unit in units if unit.pk in visited),
        overdue=sum(1 for _entry, status, _visit in rows if status == SlotStatus.OVERDUE),
    )


def schedule_entry_for(user, county, visit_date):
    """The schedule entry a new visit to ``county`` on ``visit_date`` carries out (``rules.credit_visits``)."""
    entries = list(GuidanceSchedule.objects.restrict(user, "view").filter(county=county, year=visit_date.year))
    new = SimpleNamespace(pk=None, county_id=county.pk, visit_date=visit_date)
    # The new visit comes after the visits already recorded on the same day.
    existing = [v for v in _visits(user, [visit_date.year]) if v.county_id == county.pk]
    new.pk = max((v.pk for v in existing), default=0) + 1
    credited = credit_visits(entries, [*existing, new])
    return next((entry for entry in entries if credited.get(entry.pk) is new), None)


# --- Ledger (执法监督台账, R-43) ------------------------------------------------------------------


def ledger_data(user, year):
    """Per county: visits, letters, open, overdue and closed items of the year; and the letters.

    Each letter carries ``report_count`` and ``overdue``.
    """
    today = timezone.localdate()
    visits = GuidanceVisit.objects.restrict(user, "view").filter(visit_date__year=year)
    letters = list(
        GuidanceLetter.objects.restrict(user, "view")
        .filter(visit__visit_date__year=year)
        .select_related("visit__county", "document")
        .annotate(report_count=Count("reports"))
        .order_by("visit__county__path", "report_deadline")
    )
    visit_counts = dict(visits.values_list("county").annotate(n=Count("id")).values_list("county", "n"))
    last_visit = {}
    for county_id, date in visits.order_by("visit_date").values_list("county", "visit_date"):
        last_visit[county_id] = date
    if is_city_user(user):
        units = city_units(user)
    else:
        ids = set(visit_counts) | {letter.visit.county_id for letter in letters}
        if user.organisation_id:
            ids.add(user.organisation_id)
        units = list(
            Organisation.objects.restrict(user, "view")
            .filter(pk__in=ids, level__in=(Organisation.Level.COUNTY, Organisation.Level.ZONE))
            .order_by("path")
        )
    rows = []
    for unit in units:
        own = [letter for letter in letters if letter.visit.county_id == unit.pk]
        rows.append(
            {
                "county": unit,
                "visits": visit_counts.get(unit.pk, 0),
                "last_visit": last_visit.get(unit.pk),
                "letters": len(own),
                "open": sum(1 for letter in own if not letter.is_closed),
                "overdue": sum(1 for letter in own if letter.is_overdue(today)),
                "closed": sum(1 for letter in own if letter.is_closed),
            }
        )
    for letter in letters:
        letter.overdue = letter.is_overdue(today)
    return rows, letters


def ledger_totals(rows):
    return {key: sum(row[key] for row in rows) for key in LEDGER_FIGURES}
