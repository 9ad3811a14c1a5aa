"""Inspections with hazards and re-inspections: the closed loop of R-12/R-13."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.inspections import services
from cases.models import Hazard, Inspection
from plans.draws import services as draw_services
from tests.dates import today
from tests.planning import fill_valid_plan, seed_sending_a_conflicted_officer, sent_ignoring_conflicts

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def photo(name="现场.png", data=PNG):
    return SimpleUploadedFile(name, data, content_type="image/png")


@pytest.fixture
def inspection(planning, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fill_valid_plan(planning)
    item = planning.plan.items.first()
    return services.record_inspection(
        planning.officers[0],
        inspected_on=today(),
        officers=planning.officers,
        plan_item_id=item.pk,
        principal_present=True,
        safety_manager_present=True,
        operators_present="王五、赵六",
        launch_meeting_held=True,
        feedback_meeting_held=True,
        results=[
            {"text": "主要负责人履职情况", "compliant": True},
            {"text": "特种作业持证", "compliant": False, "note": "1人无证"},
        ],
    )


def test_inspection_records_plan_item_attendance_and_results(inspection, planning):
    assert inspection.organisation == planning.plan.organisation
    assert inspection.enterprise == planning.key
    assert [r.compliant for r in inspection.results.all()] == [True, False]
    assert set(inspection.officers.all()) == set(planning.officers)


def test_inspection_needs_two_certified_officers(planning):
    fill_valid_plan(planning)
    item = planning.plan.items.first()
    with pytest.raises(ValidationError) as exc:
        services.record_inspection(
            planning.officers[0],
            inspected_on=today(),
            officers=[planning.officers[0], planning.expired],
            plan_item_id=item.pk,
        )
    assert "没有有效的行政执法证" in " ".join(exc.value.messages)
    assert not Inspection.objects.exists()


def test_hazard_rectification_closed_loop(inspection, planning):
    """GIVEN a hazard with a deadline WHEN re-inspection fails, then passes THEN it stays open, then closes."""
    hazard = services.add_hazard(
        planning.officers[0],
        inspection.pk,
        description="配电箱未接地",
        location="二号车间",
        rectification_deadline=today() + datetime.timedelta(days=10),
        photos=[photo()],
    )
    assert hazard.photos.count() == 1 and hazard.status == Hazard.Status.OPEN
    with pytest.raises(ValidationError):
        services.record_reinspection(
            planning.officers[0], hazard.pk, inspected_on=today(), officers=planning.officers, result="failed"
        )
    services.record_reinspection(
        planning.officers[0],
        hazard.pk,
        inspected_on=today(),
        officers=planning.officers,
        result="failed",
        new_deadline=today() + datetime.timedelta(days=5),
    )
    hazard.refresh_from_db()
    assert hazard.status == Hazard.Status.OPEN and hazard.current_deadline == today() + datetime.timedelta(days=5)
    assert hazard.rectification_deadline == today() + datetime.timedelta(days=10)  # the order's date stays
    services.record_reinspection(
        planning.officers[0], hazard.pk, inspected_on=today(), officers=planning.officers, result="passed"
    )
    hazard.refresh_from_db()
    assert hazard.status == Hazard.Status.CLOSED and hazard.closed_on == today()
    assert hazard.reinspections.count() == 2


def test_bad_photo_is_refused_with_a_message(inspection, planning):
    with pytest.raises(ValidationError) as exc:
        services.add_hazard(
            planning.officers[0],
            inspection.pk,
            description="x",
            rectification_deadline=today(),
            photos=[photo("病毒.exe", b"MZ....")],
        )
    assert "格式不支持" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        services.add_hazard(
            planning.officers[0],
            inspection.pk,
            description="x",
            rectification_deadline=today(),
            photos=[photo("假照片.png", b"not an image at all")],
        )
    assert "内容与文件类型不符" in exc.value.messages[0]
    assert not Hazard.objects.exists()


def test_other_county_cannot_see_or_touch_the_inspection(inspection, world):
    assert not Inspection.objects.restrict(world.people.county_b_officer).exists()
    assert Inspection.objects.restrict(world.people.city_legal).filter(pk=inspection.pk).exists()
    with pytest.raises(Inspection.DoesNotExist):
        services.add_hazard(
            world.people.county_b_officer, inspection.pk, description="x", rectification_deadline=today()
        )


def test_draw_can_exclude_last_inspectors(inspection, planning, world):
    from tests.factories import CertificateFactory, UserFactory

    for i in range(2):
        CertificateFactory(
            holder=UserFactory(username=f"spare{i}", organisation=world.orgs.county_a, roles=["officer"])
        )
    definition = {"supervision_class": "key", "exclude_last_inspectors": True}
    organisation = planning.plan.organisation
    seed = seed_sending_a_conflicted_officer(organisation, definition, 1, planning.key, planning.officers)
    draw = draw_services.create_draw(planning.legal, organisation, "重点抽查", definition, 1, seed=seed)
    # Without the exclusion this very draw would send last time's inspectors: it cannot pass by chance.
    assert sent_ignoring_conflicts(draw.enterprise_pool, draw.officer_pool, 1, seed, planning.key) & {
        o.pk for o in planning.officers
    }
    assert not set(draw.result[0]["officers"]) & {o.pk for o in planning.officers}
    assert sorted(map(tuple, draw.excluded_pairs)) == sorted((o.pk, planning.key.pk) for o in planning.officers)
