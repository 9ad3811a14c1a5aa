"""Guidance visits, letters and rectification (执法指导, R-40…R-43): the workflow through the services."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enforcement.audit.models import AuditEvent
from enforcement.orgs.models import Organisation
from supervision.guidance import services
from supervision.guidance.rules import CHECKLIST, schedule_warnings, supervised_units
from supervision.models import GuidanceLetter, GuidanceSchedule, GuidanceVisit, RectificationReport
from tests.factories import OrganisationFactory, UserFactory
from tests.planning import fill_valid_plan

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="整改报告.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def guidance(world, planning, settings, tmp_path):
    """City legal with a colleague (a team of two); county A has a plan with items."""
    settings.MEDIA_ROOT = tmp_path
    fill_valid_plan(planning)
    colleague = UserFactory(username="city_legal2", organisation=world.orgs.city, roles=["legal"])
    return SimpleNamespace(
        city=world.people.city_legal,
        colleague=colleague,
        county_user=world.people.county_a_officer,
        b_user=world.people.county_b_officer,
        plan=planning.plan,
    )


def make_visit(world, g, county=None):
    return services.create_visit(g.city, county or world.orgs.county_a, timezone.localdate(), [g.city, g.colleague])


def finish_checks(g, visit, bad=("training", "archiving")):
    for check in visit.checks.all():
        conforms = check.item not in bad
        services.record_check(g.city, check.pk, "" if conforms else f"{check.item}存在问题", conforms)


def issue(world, g, visit=None):
    visit = visit or make_visit(world, g)
    finish_checks(g, visit)
    services.complete_visit(g.city, visit.pk)
    return services.issue_letter(
        g.city,
        visit.pk,
        services.default_findings(visit),
        timezone.localdate() + datetime.timedelta(days=30),
        "张联络",
        "0395-1234567",
    )


# --- Schedule ------------------------------------------------------------------------------------


def test_schedule_warnings(world, guidance):
    """GIVEN the city's two counties
    WHEN the schedule misses one, puts one in December or two in one month
    THEN each problem is named in Chinese; a good schedule has none."""
    city, a, b = world.orgs.city, world.orgs.county_a, world.orgs.county_b
    units = supervised_units(city, Organisation.objects.all())
    assert [u.pk for u in units] == [a.pk, b.pk]

    services.add_schedule_entry(guidance.city, a, 2026, 12)
    entries = list(GuidanceSchedule.objects.filter(year=2026))
    warnings = schedule_warnings(units, entries)
    assert any("西山县应急管理局未安排执法指导" in w for w in warnings)
    assert any("12月" in w and "11月底前" in w for w in warnings)

    services.add_schedule_entry(guidance.city, b, 2026, 12)
    warnings = schedule_warnings(units, list(GuidanceSchedule.objects.filter(year=2026)))
    assert any("12月安排了2个县区" in w for w in warnings)

    GuidanceSchedule.objects.all().delete()
    services.add_schedule_entry(guidance.city, a, 2026, 3)
    services.add_schedule_entry(guidance.city, b, 2026, 4)
    assert schedule_warnings(units, list(GuidanceSchedule.objects.filter(year=2026))) == []


def test_twelve_counties_cannot_fit(world, guidance):
    """GIVEN a city with 12 counties, one a month cannot finish by November."""
    for i in range(10):
        OrganisationFactory(name=f"县{i}", short_name=f"县{i}", level="county", parent=world.orgs.city)
    units = supervised_units(world.orgs.city, Organisation.objects.all())
    assert len(units) == 12
    assert any("无法在11月底前全部完成" in w for w in schedule_warnings(units, []))


def test_only_the_city_schedules_and_visits(world, guidance):
    with pytest.raises(PermissionDenied):
        services.add_schedule_entry(guidance.county_user, world.orgs.county_a, 2026, 3)
    with pytest.raises(PermissionDenied):
        services.create_visit(guidance.county_user, world.orgs.county_a, timezone.localdate(), [guidance.county_user])


# --- Visit and spot-check ------------------------------------------------------------------------


def test_visit_has_the_r41_checklist(world, guidance):
    visit = make_visit(world, guidance)
    assert [c.item for c in visit.checks.order_by("position")] == [code for code, _label in CHECKLIST]
    assert len(CHECKLIST) == 12
    services.record_check(guidance.city, visit.checks.get(item="training").pk, "培训未落实", False)
    visit.refresh_from_db()
    assert visit.status == GuidanceVisit.Status.IN_PROGRESS
    with pytest.raises(ValidationError, match="未填写"):
        services.complete_visit(guidance.city, visit.pk)


def test_nonconforming_check_needs_a_finding(world, guidance):
    """GIVEN a visit
    WHEN an item is recorded as not conforming with a blank finding
    THEN the service refuses it on "finding" (whoever calls it) and the item stays unrecorded."""
    visit = make_visit(world, guidance)
    check = visit.checks.get(item="training")
    with pytest.raises(ValidationError) as refused:
        services.record_check(guidance.city, check.pk, "  ", False)
    assert refused.value.message_dict == {"finding": ["不符合时须写明发现的问题。"]}
    check.refresh_from_db()
    assert check.conforms is None
    services.record_check(guidance.city, check.pk, "", True)  # a conforming item needs none
    check.refresh_from_db()
    assert check.conforms is True and check.finding == ""


def test_evidence_upload_is_validated(world, guidance):
    visit = make_visit(world, guidance)
    check = visit.checks.get(item="document_use")
    evidence = services.add_evidence(guidance.city, check.pk, pdf("文书.pdf"))
    assert evidence.file.read().startswith(b"%PDF")
    photo = SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 16, content_type="image/png")
    assert services.add_evidence(guidance.city, check.pk, photo).original_name == "现场.png"


def test_evidence_upload_error_speaks_of_what_was_sent(world, guidance):
    """GIVEN a ".pdf" that is not a PDF, a ".jpg" that is not a photo, and a ".exe"
    THEN each refusal is about that kind of file: not the photo rule for the PDF, and the accepted
    extensions of both kinds for the unknown one."""
    visit = make_visit(world, guidance)
    check = visit.checks.get(item="document_use")
    with pytest.raises(ValidationError) as fake_pdf:
        services.add_evidence(guidance.city, check.pk, SimpleUploadedFile("x.pdf", b"not a pdf"))
    assert fake_pdf.value.messages == ["“x.pdf”的内容与文件类型不符，请重新选择。"]
    with pytest.raises(ValidationError) as fake_photo:
        services.add_evidence(guidance.city, check.pk, SimpleUploadedFile("x.jpg", b"x" * 16 * 1024 * 1024))
    assert "超过15MB" in fake_photo.value.messages[0]  # the photo limit, not the document one
    with pytest.raises(ValidationError) as exe:
        services.add_evidence(guidance.city, check.pk, SimpleUploadedFile("setup.exe", b"MZ"))
    assert exe.value.messages == [
        "“setup.exe”的格式不支持，佐证材料仅支持文件（.pdf、.ofd）或照片（.jpg、.jpeg、.png、.webp、.heic）。"
    ]
    assert not check.evidence.exists()


def test_spot_check_is_reproducible(world, guidance):
    """GIVEN county A's plan
    WHEN the city draws 2 enterprises
    THEN they come from the plan, the seed/pool/result are stored and a re-run gives the same result."""
    visit = make_visit(world, guidance)
    visit = services.draw_spot_check(guidance.city, visit.pk, 2, seed="fixed-seed")
    plan_enterprises = set(guidance.plan.items.values_list("enterprise_id", flat=True))
    drawn = [row["enterprise"] for row in visit.spot_result]
    assert len(drawn) == 2 and set(drawn) <= plan_enterprises
    assert visit.spot_pool["enterprises"] == sorted(plan_enterprises)
    assert visit.spot_seed == "fixed-seed" and visit.spot_plan == guidance.plan
    assert services.verify_spot_check(visit) is True

    other = make_visit(world, guidance)
    other = services.draw_spot_check(guidance.city, other.pk, 2, seed="fixed-seed")
    assert other.spot_result == visit.spot_result
    with pytest.raises(ValidationError, match="不能重复抽取"):
        services.draw_spot_check(guidance.city, visit.pk, 1)
    with pytest.raises(ValidationError):
        services.draw_spot_check(guidance.city, make_visit(world, guidance).pk, 3)


def test_spot_check_without_plan(world, guidance):
    visit = make_visit(world, guidance, county=world.orgs.county_b)
    with pytest.raises(ValidationError, match="没有"):
        services.draw_spot_check(guidance.city, visit.pk, 1)


# --- Letters and reports -------------------------------------------------------------------------


def test_letter_workflow(world, guidance):
    """GIVEN a completed visit with two non-conforming items
    WHEN the city issues the letter, the county reports, the city returns, the county re-reports, the city accepts
    THEN the letter has a number, each step is recorded, and the letter ends closed."""
    letter = issue(world, guidance)
    assert letter.document.number.startswith("（川）")
    assert letter.document.source_key == f"supervision.guidanceletter:{letter.pk}"
    ctx = letter.document.context
    assert ctx["county_name"] == "东城区应急管理局" and ctx["issuer_name"] == "河川市应急管理局"
    assert [f["problem"] for f in ctx["findings"]] == [
        "执法人员培训：training存在问题",
        "行政处罚案卷归档管理：archiving存在问题",
    ]
    assert ctx["report_deadline"] == letter.report_deadline.isoformat()
    assert letter.status == GuidanceLetter.Status.ISSUED

    with pytest.raises(PermissionDenied):
        services.submit_report(guidance.city, letter.pk, "整改", pdf())
    report = services.submit_report(guidance.county_user, letter.pk, "已整改培训与归档", pdf())
    assert report.late is False
    letter.refresh_from_db()
    assert letter.status == GuidanceLetter.Status.REPORT_SUBMITTED
    with pytest.raises(ValidationError):
        services.submit_report(guidance.county_user, letter.pk, "再报", pdf())

    with pytest.raises(PermissionDenied):
        services.review_report(guidance.county_user, letter.pk, True)
    with pytest.raises(ValidationError, match="理由"):
        services.review_report(guidance.city, letter.pk, False, "")
    services.review_report(guidance.city, letter.pk, False, "培训记录未附")
    letter.refresh_from_db()
    report.refresh_from_db()
    assert letter.status == GuidanceLetter.Status.RETURNED
    assert report.decision == RectificationReport.Decision.RETURNED and report.reasons == "培训记录未附"

    services.submit_report(guidance.county_user, letter.pk, "补充培训记录", pdf())
    services.review_report(guidance.city, letter.pk, True)
    letter.refresh_from_db()
    assert letter.status == GuidanceLetter.Status.ACCEPTED and letter.closed_at is not None
    assert list(letter.reports.values_list("decision", flat=True)) == ["returned", "accepted"]
    assert AuditEvent.objects.filter(target_id=str(letter.pk), target_repr=letter.document.number).count() >= 5


def test_letter_numbers_are_consecutive(world, guidance):
    first = issue(world, guidance)
    second = issue(world, guidance, make_visit(world, guidance, county=world.orgs.county_b))
    assert second.document.serial == first.document.serial + 1


def test_letter_needs_findings_and_future_deadline(world, guidance):
    visit = make_visit(world, guidance)
    with pytest.raises(ValidationError):
        services.issue_letter(guidance.city, visit.pk, [], timezone.localdate() + datetime.timedelta(days=9), "张", "1")
    with pytest.raises(ValidationError):
        services.issue_letter(guidance.city, visit.pk, [{"problem": "x"}], timezone.localdate(), "张", "1")
    with pytest.raises(PermissionDenied):
        services.issue_letter(
            guidance.county_user,
            visit.pk,
            [{"problem": "x"}],
            timezone.localdate() + datetime.timedelta(days=9),
            "张",
            "1",
        )
    assert not GuidanceLetter.objects.exists()


def test_overdue_and_late(world, guidance):
    """GIVEN a letter whose deadline has passed without a report
    THEN it is overdue; a report sent now is flagged late; once a report waits, it is no longer overdue."""
    letter = issue(world, guidance)
    today = timezone.localdate()
    assert not letter.is_overdue(today)
    GuidanceLetter.objects.filter(pk=letter.pk).update(report_deadline=today - datetime.timedelta(days=1))
    letter.refresh_from_db()
    assert letter.is_overdue(today)
    report = services.submit_report(guidance.county_user, letter.pk, "迟报", pdf())
    assert report.late is True
    letter.refresh_from_db()
    assert not letter.is_overdue(today)


def test_overdue_rule_and_filter_agree(world, guidance):
    """GIVEN a letter in each status, its deadline before, on and after today
    THEN GuidanceLetter.is_overdue and the GuidanceLetter.overdue_q filter give the same answer."""
    letter = issue(world, guidance)
    today = timezone.localdate()
    seen = set()
    for status in GuidanceLetter.Status.values:
        for days in (-1, 0, 1):
            deadline = today + datetime.timedelta(days=days)
            GuidanceLetter.objects.filter(pk=letter.pk).update(status=status, report_deadline=deadline)
            letter.refresh_from_db()
            in_filter = GuidanceLetter.objects.filter(GuidanceLetter.overdue_q(today), pk=letter.pk).exists()
            assert letter.is_overdue(today) == in_filter, (status, days)
            seen.add(in_filter)
    assert seen == {True, False}  # both answers occur, so the comparison means something


def test_county_b_cannot_answer_county_a(world, guidance):
    letter = issue(world, guidance)
    with pytest.raises(GuidanceLetter.DoesNotExist):
        services.submit_report(guidance.b_user, letter.pk, "冒报", pdf())
    assert not GuidanceLetter.objects.restrict(guidance.b_user).exists()
    assert GuidanceLetter.objects.restrict(guidance.county_user).count() == 1


def test_letter_pdf_renders(world, guidance, django_capture_on_commit_callbacks, client):
    """GIVEN an issued letter, WHEN the render task runs after commit, THEN its PDF is served to the county."""
    with django_capture_on_commit_callbacks(execute=True):
        letter = issue(world, guidance)
    letter.document.refresh_from_db()
    assert letter.document.pdf, letter.document.render_status
    client.force_login(guidance.county_user)
    response = client.get(f"/supervision/guidance/letters/{letter.pk}/pdf/")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(guidance.b_user)
    assert client.get(f"/supervision/guidance/letters/{letter.pk}/pdf/").status_code == 404


def test_the_home_page_lists_only_the_counties_the_user_may_see(world):
    """GIVEN a city user who oversees plans and reads the guidance schedule, but whose scope is their own
    organisation (the counties' rows are outside it)
    WHEN their to-do list names the counties not yet guided this year
    THEN none is named: the counties are read through restrict() (they were read unscoped, issue 9 item 1)."""
    from django.contrib.auth.models import Permission

    from enforcement.orgs.models import Role
    from enforcement.orgs.scoping import DataScope
    from supervision.guidance.todo import guidance_todo
    from tests.dates import today
    from tests.factories import UserFactory

    role = Role.objects.create(code="city_observer", name="市局观察", data_scope=DataScope.OWN)
    role.permissions.set(
        Permission.objects.filter(codename__in=["approve_inspectionplan", "view_guidanceschedule", "view_organisation"])
    )
    observer = UserFactory(username="observer", organisation=world.orgs.city)
    observer.roles.set([role])
    listed = {row.label for item in guidance_todo(observer, today()) for row in item.rows}
    assert not listed & {world.orgs.county_a.name, world.orgs.county_b.name}, listed
    # The city legal section (its subtree) still sees both.
    listed = {row.label for item in guidance_todo(world.people.city_legal, today()) for row in item.rows}
    assert {world.orgs.county_a.name, world.orgs.county_b.name} <= listed
