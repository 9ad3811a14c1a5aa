"""Read-side figures of guidance (执法指导) shared by the pages and the API, so both show the same thing.

The year's schedule with its R-40 warnings, and the supervision ledger (执法监督台账, R-43). Every query
reads through ``restrict()``; nothing here writes.
"""

from types import SimpleNamespace

from django.db.models import Count
from django.utils import timezone

from enforcement.orgs.models import Organisation
from supervision.guidance.models import GuidanceLetter, GuidanceSchedule, GuidanceVisit
from supervision.guidance.rules import schedule_warnings, supervised_units
from supervision.guidance.services import is_city_user

LEDGER_FIGURES = ("visits", "letters", "open", "overdue", "closed")


def city_units(user):
    """The counties the user's city guides, as far as the user may see them (empty for a county user)."""
    if not is_city_user(user):
        return []
    return supervised_units(user.organisation, Organisation.objects.restrict(user, "view"))


# --- Schedule (R-40) -----------------------------------------------------------------------------


def visited_slots(user, years):
    """(county id, year, month) of every visit the user can see in ``years``.

    A schedule entry counts as carried out when a visit to its county falls in its month.
    """
    visits = GuidanceVisit.objects.restrict(user, "view").filter(visit_date__year__in=list(years))
    return {(county, day.year, day.month) for county, day in visits.values_list("county_id", "visit_date")}


def is_visited(entry, slots):
    return (entry.county_id, entry.year, entry.planned_month) in slots


def schedule_year(user, year, units=None):
    """One year's schedule as ``user`` sees it.

    ``entries``; ``rows`` as (entry, visited); ``warnings`` where the schedule misses R-40 (for a city
    user only, the one who can fix it; ``units`` are the counties it guides, computed when not given).
    """
    units = city_units(user) if units is None else units
    entries = list(GuidanceSchedule.objects.restrict(user, "view").filter(year=year).select_related("county", "city"))
    slots = visited_slots(user, [year])
    return SimpleNamespace(
        units=units,
        entries=entries,
        rows=[(entry, is_visited(entry, slots)) for entry in entries],
        warnings=schedule_warnings(units, entries) if units else [],
    )


def schedule_entry_for(user, county, year):
    """The schedule entry a new visit to ``county`` in ``year`` carries out: the earliest one planned."""
    return (
        GuidanceSchedule.objects.restrict(user, "view")
        .filter(county=county, year=year)
        .order_by("planned_month")
        .first()
    )


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
