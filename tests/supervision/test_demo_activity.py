"""The demo activity obeys the real rules (it goes through the services) and is idempotent."""

import pytest
from django.core.management import call_command

from cases.models import Hazard, Inspection
from plans.coverage import check_plan
from plans.models import Draw, InspectionPlan
from supervision.models import MonthlyProgress


@pytest.fixture
def demo_city(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", verbosity=0)


def test_every_county_gets_a_published_plan_that_passes_every_rule(demo_city):
    call_command("seed_demo_activity", year=2026, verbosity=0)
    plans = InspectionPlan.objects.filter(year=2026, organisation__level="county")
    assert plans.count() == 7
    assert set(plans.values_list("status", flat=True)) == {"published"}
    for plan in plans:
        assert all(rule.ok for rule in check_plan(plan)), plan
    assert Draw.objects.count() == 7
    assert Inspection.objects.filter(plan_item__isnull=False).exists()
    assert Hazard.objects.filter(status="closed").exists() and Hazard.objects.filter(status="open").exists()
    assert MonthlyProgress.objects.filter(month__year=2026).exists()


def test_running_twice_adds_nothing(demo_city):
    call_command("seed_demo_activity", year=2026, verbosity=0)
    counts = (InspectionPlan.objects.count(), Inspection.objects.count(), MonthlyProgress.objects.count())
    call_command("seed_demo_activity", year=2026, verbosity=0)
    assert (InspectionPlan.objects.count(), Inspection.objects.count(), MonthlyProgress.objects.count()) == counts
