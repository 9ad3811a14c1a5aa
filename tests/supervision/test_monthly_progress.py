"""The monthly progress job (月调度, R-05/R-06): correct figures, idempotent, atomic, confirmable."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from cases.inspections import services as case_services
from supervision.models import MonthlyProgress, MonthlyProgressRun
from supervision.progress import services
from supervision.progress.job import build_monthly_progress
from supervision.progress.tasks import build_monthly_progress_task
from tests.dates import CLOCK_2026
from tests.planning import execute_first_half

pytestmark = pytest.mark.clock(CLOCK_2026)  # the data set is dated 2026
D = datetime.date
JUNE = D(2026, 6, 1)


@pytest.fixture
def executed(planning, settings, tmp_path):
    """County A's approved plan: key in March and September, two general ones in May.

    Carried out: March (2 hazards: due April and reinspected; due July) and one May item (1 hazard due
    20 May, never reinspected). The other May item is behind schedule.
    """
    settings.MEDIA_ROOT = tmp_path
    return execute_first_half(planning)


def test_figures_on_a_constructed_dataset(executed):
    build_monthly_progress(JUNE)
    report = MonthlyProgress.objects.get(organisation=executed.plan.organisation, month=JUNE)
    assert (report.planned, report.done, report.completion_rate) == (3, 2, 66.7)
    assert report.planned_in_month == 0 and report.inspections_in_month == 0
    assert (report.hazards_found, report.hazards_due, report.hazards_reinspected, report.reinspection_rate) == (
        3,
        2,
        1,
        50.0,
    )
    assert report.hazards_closed == 1
    assert (report.key_total, report.key_covered, report.general_total, report.general_covered) == (1, 1, 6, 1)
    assert report.behind_count == 1
    assert report.behind == [{"item": report.behind[0]["item"], "enterprise": "东城一般企业1", "month": 5}]


def test_may_report_counts_the_month_itself(executed):
    build_monthly_progress(D(2026, 5, 1))
    report = MonthlyProgress.objects.get(organisation=executed.plan.organisation, month=D(2026, 5, 1))
    assert (report.planned_in_month, report.inspections_in_month, report.hazards_found_in_month) == (2, 1, 1)


def test_running_twice_changes_nothing(executed):
    build_monthly_progress(JUNE)
    first = {r.pk: (r.generated_at, r.done) for r in MonthlyProgress.objects.filter(month=JUNE)}
    run = build_monthly_progress(JUNE)
    assert run.changed == 0
    assert {r.pk: (r.generated_at, r.done) for r in MonthlyProgress.objects.filter(month=JUNE)} == first


def test_rerun_after_new_data_updates_and_clears_confirmation(executed):
    build_monthly_progress(JUNE)
    report = MonthlyProgress.objects.get(organisation=executed.plan.organisation, month=JUNE)
    services.confirm_progress(executed.legal, report.pk)
    item = executed.plan.items.get(enterprise=executed.general[1])
    case_services.record_inspection(
        executed.officers[0], inspected_on=D(2026, 6, 2), officers=executed.officers, plan_item_id=item.pk
    )
    build_monthly_progress(JUNE)
    report.refresh_from_db()
    assert report.done == 3 and report.confirmed_at is None


def test_failure_mid_run_leaves_no_half_report(executed, monkeypatch):
    """GIVEN a write that fails half-way WHEN the job runs THEN no report of that month exists."""
    from supervision.progress import job as progress

    def explode(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(progress.MonthlyProgress.objects, "bulk_update", explode)
    build_monthly_progress(JUNE)  # first run only creates
    item = executed.plan.items.get(enterprise=executed.general[1])
    case_services.record_inspection(
        executed.officers[0], inspected_on=D(2026, 6, 2), officers=executed.officers, plan_item_id=item.pk
    )
    before = list(MonthlyProgress.objects.filter(month=JUNE).values_list("done", flat=True))
    with pytest.raises(RuntimeError):
        build_monthly_progress(JUNE)
    assert list(MonthlyProgress.objects.filter(month=JUNE).values_list("done", flat=True)) == before
    assert MonthlyProgressRun.objects.get(month=JUNE).status == "failed"


def test_a_running_claim_blocks_a_second_run(executed):
    from django.utils import timezone

    MonthlyProgressRun.objects.create(month=JUNE, status="running", started_at=timezone.now())
    assert build_monthly_progress(JUNE) is None
    assert not MonthlyProgress.objects.filter(month=JUNE).exists()


def test_task_defaults_to_previous_month(executed):
    result = build_monthly_progress_task.delay("2026-06").get()
    assert result["month"] == "2026-06-01" and result["changed"] >= 1


def test_only_the_county_confirms_its_own_report(executed, world):
    build_monthly_progress(JUNE)
    report = MonthlyProgress.objects.get(organisation=executed.plan.organisation, month=JUNE)
    with pytest.raises(PermissionDenied):
        services.confirm_progress(
            world.people.city_legal, report.pk
        )  # the city sees it, but cannot confirm for the county
    with pytest.raises(MonthlyProgress.DoesNotExist):
        services.confirm_progress(world.people.county_b_officer, report.pk)
    assert report in services.unconfirmed(world.people.city_legal, JUNE)
    services.confirm_progress(executed.legal, report.pk)
    assert report not in services.unconfirmed(world.people.city_legal, JUNE)


def test_county_sees_only_its_own_reports(executed, world):
    build_monthly_progress(JUNE)
    assert not MonthlyProgress.objects.restrict(world.people.county_b_officer).exists()
    assert MonthlyProgress.objects.restrict(world.people.city_legal).filter(organisation=world.orgs.county_a).exists()


def test_an_organisation_without_a_plan_has_an_empty_behind_list(executed, world):
    """County B has enterprises but no plan: its sample of items behind schedule is a list, not 0."""
    build_monthly_progress(JUNE)
    report = MonthlyProgress.objects.get(organisation=world.orgs.county_b, month=JUNE)
    assert report.behind == [] and report.behind_count == 0


def test_rerun_clears_figures_of_an_organisation_with_nothing_left_to_count(executed, world):
    """GIVEN the park's only enterprise counted in June WHEN it passes to county A and June is re-run
    THEN the park's report shows zero, not the stale figure."""
    from enforcement.enterprises.models import Enterprise

    build_monthly_progress(JUNE)
    park = MonthlyProgress.objects.get(organisation=world.orgs.park_a, month=JUNE)
    assert park.general_total == 1
    Enterprise.objects.filter(pk=world.ent.a_park.pk).update(responsible_org=world.orgs.county_a)
    run = build_monthly_progress(JUNE)
    park.refresh_from_db()
    assert park.general_total == 0 and park.behind == []
    assert run.changed == 2  # the park's report and county A's
