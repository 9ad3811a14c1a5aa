"""The demo activity obeys the real rules (it goes through the services) and is idempotent."""

import pytest
from django.core.management import call_command

from cases.models import Hazard, Inspection
from enforcement.documents.models import IssuedDocument
from plans.annual.coverage import check_plan
from plans.models import Draw, InspectionPlan
from supervision.models import MonthlyProgress
from tests.dates import CLOCK_2026

pytestmark = pytest.mark.clock(CLOCK_2026)  # the demo activity of 2026, seeded late that year


@pytest.fixture
def demo_city(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", verbosity=0)


def test_every_county_gets_a_published_plan_that_passes_every_rule(demo_city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
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
    # Its inspections are mostly completed, on their day, so the monthly progress counts them as done.
    assert Inspection.objects.filter(status="completed", completed_at__isnull=False).exists()
    assert MonthlyProgress.objects.filter(month__year=2026, done__gt=0).exists()
    # The paper: a numbered, rendered guidance letter and an inspection record + order per county.
    letter = IssuedDocument.objects.get(doc_type__key="guidance_letter")
    assert letter.number == "（川）应急指导〔2026〕1号" and letter.render_status == "rendered"
    assert IssuedDocument.objects.filter(doc_type__key="rectification_order", render_status="rendered").count() == 7


def test_running_twice_adds_nothing(demo_city):
    call_command("seed_demo_activity", year=2026, verbosity=0)

    def counts():
        return [m.objects.count() for m in (InspectionPlan, Inspection, MonthlyProgress, IssuedDocument)]

    before = counts()
    call_command("seed_demo_activity", year=2026, verbosity=0)
    assert counts() == before
