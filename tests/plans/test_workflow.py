"""Plan workflow (R-04): draft → submitted → approved → filed → published; every step dated and attributed."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from plans.annual import services
from plans.models import InspectionPlan, PlanTransition
from tests.planning import fill_valid_plan

S = InspectionPlan.Status


def today():
    return timezone.localdate()


def approval_file():
    return SimpleUploadedFile("批复.pdf", b"%PDF-1.4 approval", content_type="application/pdf")


def run_to_published(p):
    services.submit_plan(p.legal, p.plan.pk, "报区政府")
    services.approve_plan(p.legal, p.plan.pk, "document", "东政文〔2026〕12号", approval_file(), approved_on=today())
    services.file_plan(p.legal, p.plan.pk, note="报市局备案")
    services.publish_plan(p.legal, p.plan.pk, "东城区应急管理局网站/通知公告")


def test_full_workflow_dates_and_attributes_every_step(planning, settings, tmp_path):
    """GIVEN a valid draft WHEN it goes through every step THEN each step is a dated transition by its actor."""
    settings.MEDIA_ROOT = tmp_path
    fill_valid_plan(planning)
    run_to_published(planning)
    plan = InspectionPlan.objects.get(pk=planning.plan.pk)
    assert plan.status == S.PUBLISHED
    assert plan.submitted_at and plan.approved_at and plan.filed_at and plan.published_at
    steps = list(plan.transitions.values_list("from_status", "to_status", "by__username"))
    assert steps == [
        ("", "draft", "county_a_legal"),
        ("draft", "submitted", "county_a_legal"),
        ("submitted", "approved", "county_a_legal"),
        ("approved", "filed", "county_a_legal"),
        ("filed", "published", "county_a_legal"),
    ]
    approval = plan.transitions.get(to_status="approved")
    assert approval.attachment.name.endswith(".pdf")
    assert plan.approval_reference == "东政文〔2026〕12号"


def test_no_step_can_be_skipped(planning):
    fill_valid_plan(planning)
    with pytest.raises(ValidationError) as exc:
        services.file_plan(planning.legal, planning.plan.pk)
    assert "不能直接变为" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        services.publish_plan(planning.legal, planning.plan.pk, "网站")
    assert PlanTransition.objects.filter(plan=planning.plan).count() == 1


def test_approval_needs_the_document(planning):
    fill_valid_plan(planning)
    services.submit_plan(planning.legal, planning.plan.pk)
    with pytest.raises(ValidationError) as exc:
        services.approve_plan(planning.legal, planning.plan.pk, "document", "x", None, approved_on=today())
    assert "请上传政府批复文件或领导批示" in str(exc.value)


def test_upper_bureau_acknowledges_filing(planning, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fill_valid_plan(planning)
    services.submit_plan(planning.legal, planning.plan.pk)
    services.approve_plan(
        planning.legal, planning.plan.pk, "instruction", "区长批示", approval_file(), approved_on=today()
    )
    services.file_plan(planning.legal, planning.plan.pk)
    with pytest.raises(PermissionDenied):
        services.acknowledge_filing(planning.legal, planning.plan.pk)  # the county cannot acknowledge itself
    services.acknowledge_filing(world.people.city_legal, planning.plan.pk)
    plan = InspectionPlan.objects.get(pk=planning.plan.pk)
    assert plan.filing_acknowledged_by == world.people.city_legal


def test_approved_plan_is_never_edited_in_place(planning, settings, tmp_path):
    """GIVEN a published plan WHEN it must change THEN a new version is drafted and filed again."""
    settings.MEDIA_ROOT = tmp_path
    fill_valid_plan(planning)
    run_to_published(planning)
    with pytest.raises(ValidationError):
        services.add_item(planning.legal, planning.plan.pk, planning.general[3], 10, officers=planning.officers)
    v2 = services.revise_plan(planning.legal, planning.plan.pk, "新增专项检查")
    assert (v2.version, v2.status, v2.items.count()) == (2, S.DRAFT, planning.plan.items.count())
    services.add_item(planning.legal, v2.pk, planning.general[3], 10, officers=planning.officers)
    assert InspectionPlan.objects.get(pk=planning.plan.pk).status == S.PUBLISHED  # still in force meanwhile
    services.submit_plan(planning.legal, v2.pk)
    services.approve_plan(planning.legal, v2.pk, "document", "东政文〔2026〕30号", approval_file(), approved_on=today())
    assert InspectionPlan.objects.get(pk=planning.plan.pk).status == S.SUPERSEDED
    with pytest.raises(ValidationError):
        services.revise_plan(planning.legal, v2.pk, "")


def test_overdue_after_deadline(planning):
    year = planning.plan.year
    assert list(services.overdue_plans(year, today=datetime.date(year, 3, 31))) == []
    assert list(services.overdue_plans(year, today=datetime.date(year, 4, 1))) == [planning.plan]


def test_county_cannot_touch_another_countys_plan(planning, world):
    with pytest.raises(InspectionPlan.DoesNotExist):
        services.submit_plan(world.people.county_b_officer, planning.plan.pk)
    assert not InspectionPlan.objects.restrict(world.people.county_b_officer).exists()
    assert InspectionPlan.objects.restrict(world.people.city_legal).filter(pk=planning.plan.pk).exists()


def test_the_city_views_but_does_not_edit_or_submit_a_county_plan(planning, world):
    fill_valid_plan(planning)
    city = world.people.city_legal
    with pytest.raises(PermissionDenied):
        services.submit_plan(city, planning.plan.pk)
    with pytest.raises(PermissionDenied):
        services.add_item(city, planning.plan.pk, planning.general[3], 10, officers=planning.officers)
    with pytest.raises(ValidationError):
        services.create_plan(city, world.orgs.county_b, 2026, "work_safety", "代编计划")


def test_officer_role_cannot_submit(planning):
    fill_valid_plan(planning)
    with pytest.raises(PermissionDenied):
        services.submit_plan(planning.officers[0], planning.plan.pk)
