"""Seed the holiday calendar with every year chinesecalendar knows (2004–2026 in 1.11.0).

Only exceptions are stored: weekdays off and weekend days worked. A weekend holiday is a rest day anyway.
Each seeded year is marked complete; later years (2027 …) are entered by an administrator once the State
Council has announced them.
"""

import datetime

from django.db import migrations

SATURDAY = 5
# The pinned chinesecalendar (1.11.0) ends here. A migration must give the same rows on every machine, so a
# newer package's later years are not picked up here: administrators enter them (or a later migration does).
LAST_SEEDED_YEAR = 2026


def package_years():
    """The years the package can answer for: it raises NotImplementedError outside them."""
    import chinese_calendar
    from chinese_calendar import constants

    years = []
    for year in range(min(constants.holidays).year, LAST_SEEDED_YEAR + 1):
        try:
            chinese_calendar.is_workday(datetime.date(year, 6, 1))
        except NotImplementedError:
            continue
        years.append(year)
    return years


def label(holiday):
    """The holiday's Chinese name (the package's dicts hold the English one; its Holiday enum has both)."""
    from chinese_calendar.constants import Holiday

    chinese = {member.value: member.chinese for member in Holiday}
    name = getattr(holiday, "value", holiday)
    return chinese.get(name, str(name or ""))


def seed(apps, schema_editor):
    import chinese_calendar
    from chinese_calendar import constants

    CalendarDay = apps.get_model("workdays", "CalendarDay")
    CalendarYear = apps.get_model("workdays", "CalendarYear")
    years = set(package_years())
    days = [
        CalendarDay(date=day, kind="holiday", name=label(holiday), source="package")
        for day, holiday in constants.holidays.items()
        if day.year in years and day.weekday() < SATURDAY
    ] + [
        CalendarDay(date=day, kind="workday", name=label(holiday), source="package")
        for day, holiday in constants.workdays.items()
        if day.year in years and day.weekday() >= SATURDAY
    ]
    CalendarDay.objects.bulk_create(days, ignore_conflicts=True)
    version = getattr(chinese_calendar, "__version__", "")
    CalendarYear.objects.bulk_create(
        [
            CalendarYear(year=year, complete=True, source="package", notice=f"chinesecalendar {version}".strip())
            for year in sorted(years)
        ],
        ignore_conflicts=True,
    )


def unseed(apps, schema_editor):
    apps.get_model("workdays", "CalendarDay").objects.filter(source="package").delete()
    apps.get_model("workdays", "CalendarYear").objects.filter(source="package").delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
