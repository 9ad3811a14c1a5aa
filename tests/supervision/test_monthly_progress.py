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
from tests.planning import complete_on

pytestmark = pytest.mark.clock(CLOCK_2026)  # the data set is dated 2026
D = datetime.date
JUNE = D(2026, 6, 1)
JULY = D(2026, 7, 1)


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
    june = case_services.record_inspection(
        executed.officers[0], inspected_on=D(2026, 6, 2), officers=executed.officers, plan_item_id=item.pk
    )
    complete_on(executed.officers[0], june, june.inspected_on)
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
    june = case_services.record_inspection(
        executed.officers[0], inspected_on=D(2026, 6, 2), officers=executed.officers, plan_item_id=item.pk
    )
    complete_on(executed.officers[0], june, june.inspected_on)
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


# --- only completed inspections count (issue 8 item 1) ---------------------------------------------


def _june_inspection(executed):
    item = executed.plan.items.get(enterprise=executed.general[1])
    return case_services.record_inspection(
        executed.officers[0], inspected_on=D(2026, 6, 29), officers=executed.officers, plan_item_id=item.pk
    )


def report_of(executed, month):
    return MonthlyProgress.objects.get(organisation=executed.plan.organisation, month=month)


def test_an_inspection_still_in_progress_does_not_count_as_done(executed):
    """GIVEN the behind May item inspected on 29 June but the inspection still 检查中
    WHEN June is built THEN the item is not done, the inspection not counted, the enterprise not covered."""
    _june_inspection(executed)
    build_monthly_progress(JUNE)
    report = report_of(executed, JUNE)
    assert (report.planned, report.done, report.behind_count) == (3, 2, 1)
    assert report.inspections_in_month == 0
    assert report.general_covered == 1  # only the May enterprise whose inspection was completed
    assert [row["enterprise"] for row in report.behind] == ["东城一般企业1"]


def test_an_inspection_counts_in_the_month_it_was_completed(executed):
    """GIVEN an inspection made on 29 June and completed on 2 July
    WHEN June and July are built THEN June does not count it (not completed by 30 June), July does."""
    inspection = _june_inspection(executed)
    complete_on(executed.officers[0], inspection, D(2026, 7, 2), hour=9)
    build_monthly_progress(JUNE)
    build_monthly_progress(JULY)
    june, july = report_of(executed, JUNE), report_of(executed, JULY)
    assert (june.done, june.inspections_in_month, june.general_covered) == (2, 0, 1)
    assert (july.done, july.inspections_in_month, july.general_covered) == (3, 1, 2)
    assert july.behind_count == 0


def test_the_month_ends_at_local_midnight(executed):
    """GIVEN an inspection completed at 00:00 on 1 July, Shanghai time (still 30 June in UTC)
    WHEN June and July are built THEN it counts in July, not in June."""
    inspection = _june_inspection(executed)
    completed = complete_on(executed.officers[0], inspection, D(2026, 7, 1), hour=0)
    assert completed.completed_at.astimezone(datetime.UTC).date() == D(2026, 6, 30)
    build_monthly_progress(JUNE)
    build_monthly_progress(JULY)
    assert (report_of(executed, JUNE).done, report_of(executed, JULY).done) == (2, 3)


def test_completing_an_inspection_records_when(executed):
    """GIVEN an open inspection WHEN it is completed THEN completed_at is the moment of completion,
    recorded in the audit event too."""
    from django.utils import timezone

    from enforcement.audit.models import AuditEvent

    inspection = _june_inspection(executed)
    assert inspection.completed_at is None
    before = timezone.now()
    done = case_services.complete_inspection(
        executed.officers[0], inspection.pk, launch_meeting_held=True, feedback_meeting_held=True
    )
    done.refresh_from_db()
    assert done.status == "completed" and before <= done.completed_at <= timezone.now()
    event = AuditEvent.objects.filter(target_id=str(inspection.pk), changes__has_key="completed_at").get()
    assert event.changes["completed_at"] == [None, done.completed_at.isoformat()]


# --- hazards are due by their original deadline (issue 8 item 1) ----------------------------------


def test_a_failed_reinspection_keeps_the_hazard_due_by_its_original_deadline(executed):
    """GIVEN the March hazard due 10 July re-inspected on 12 July and failed, with a new deadline of
    31 August recorded on the re-inspection (the hazard's own deadline kept, as 安全生产法 第65条's order set it)
    WHEN July is built THEN the hazard is due in July and counted as re-inspected — it does not drop out of
    the due figures until the new deadline."""
    from cases.models import Hazard, ReInspection, ReInspectionVisit

    hazard = Hazard.objects.get(description="应急预案未演练")
    assert hazard.rectification_deadline == D(2026, 7, 10)
    visit = ReInspectionVisit.objects.create(
        inspection=hazard.inspection,
        organisation=hazard.organisation,
        inspected_on=D(2026, 7, 12),
        team_key=ReInspectionVisit.team_key_for(executed.officers),
        created_by=executed.officers[0],
    )
    reinspection = ReInspection.objects.create(
        hazard=hazard,
        visit=visit,
        inspected_on=D(2026, 7, 12),
        result=ReInspection.Result.FAILED,
        new_deadline=D(2026, 8, 31),
        created_by=executed.officers[0],
    )
    reinspection.officers.set(executed.officers)
    build_monthly_progress(JUNE)
    build_monthly_progress(JULY)
    june, july = report_of(executed, JUNE), report_of(executed, JULY)
    assert (june.hazards_due, june.hazards_reinspected) == (2, 1)
    assert (july.hazards_due, july.hazards_reinspected, july.reinspection_rate) == (3, 2, 66.7)
    assert july.hazards_closed == 1  # failed: still open


def test_a_failed_reinspection_through_the_service_keeps_the_hazard_due(executed):
    """GIVEN the March hazard due 10 July re-inspected through the service on 12 July and failed, new
    deadline 31 August WHEN July is built THEN the hazard is due in July (its original deadline)."""
    from cases.models import Hazard

    hazard = Hazard.objects.get(description="应急预案未演练")
    case_services.record_reinspection(
        executed.officers[0],
        hazard.pk,
        inspected_on=D(2026, 7, 12),
        officers=executed.officers,
        result="failed",
        new_deadline=D(2026, 8, 31),
    )
    build_monthly_progress(JULY)
    assert (report_of(executed, JULY).hazards_due, report_of(executed, JULY).hazards_reinspected) == (3, 2)


# --- the month so far (本月至今) -------------------------------------------------------------------


def test_the_month_so_far_counts_up_to_today_only(executed, clock):
    """GIVEN on 20 July an inspection completed on 15 July with a hazard due 25 July
    WHEN July's figures are computed up to today THEN the inspection counts and the hazard is not due yet;
    the full month (as the job on 1 August will see it) counts it due."""
    from supervision.progress.job import compute

    inspection = _june_inspection(executed)
    complete_on(executed.officers[0], inspection, D(2026, 7, 15))
    case_services.add_hazard(
        executed.officers[0], inspection.pk, description="配电箱未接地", rectification_deadline=D(2026, 7, 25)
    )
    county = executed.plan.organisation_id
    so_far = compute(JULY, until=D(2026, 7, 20))[county]
    whole = compute(JULY)[county]
    assert (so_far["done"], so_far["inspections_in_month"]) == (3, 1)
    assert (so_far["hazards_found"], so_far["hazards_due"]) == (4, 3)
    assert whole["hazards_due"] == 4
    assert not MonthlyProgress.objects.filter(month=JULY).exists()


def test_figures_limited_to_some_organisations_are_theirs_unchanged(executed, world):
    """GIVEN the whole tree's June figures WHEN computed for county A's subtree only THEN exactly county A's
    and its park's figures come back, the same as in the whole computation."""
    from enforcement.orgs.models import Organisation
    from supervision.progress.job import compute

    whole = compute(JUNE)
    subtree = Organisation.objects.filter(path__startswith=world.orgs.county_a.path).values("pk")
    limited = compute(JUNE, organisations=subtree)
    assert set(limited) == {world.orgs.county_a.pk, world.orgs.park_a.pk}
    assert all(limited[pk] == whole[pk] for pk in limited)


def test_the_pdf_report_says_what_counts_as_done(executed, django_capture_on_commit_callbacks):
    """GIVEN June built WHEN county A issues its monthly report THEN the PDF says that only completed
    inspections count."""
    import shutil

    from tests.documents.pdfcheck import pdf_text

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) not installed")
    from supervision.progress.documents import issue_monthly_report

    build_monthly_progress(JUNE)
    with django_capture_on_commit_callbacks(execute=True):
        document = issue_monthly_report(executed.legal, report_of(executed, JUNE).pk)
    document.refresh_from_db()
    with document.pdf.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "“已完成”指检查已办结，检查中的不计" in text
