"""County A's whole working year, built through the services, for the route-walking access test.

Every kind of record a route can show exists once for county A (the ``world`` personas of tests/conftest.py):
an approved and published plan with items and an on-site plan, draws (one published) and a conflict
declaration, an inspection with a hazard, a photo and a failed re-inspection, every inspection document,
the monthly progress report, the city's guidance schedule, visit (checklist, evidence, spot check), letter
and the county's rectification report, an import batch and a finished export job.

``WalkWorld.sample[Model]`` is county A's record of that model: the argument builders of
``tests/access/arguments.py`` name the records their routes take. Every free text typed here carries
``MARKER``, so a leak of any of it is caught by one string.
"""

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from guardian.shortcuts import assign_perm
from knox.models import AuthToken

from cases.inspections import documents as case_documents
from cases.inspections import pending
from cases.inspections import services as case_services
from enforcement.audit.models import AuditEvent
from enforcement.documents.models import IssuedDocument
from enforcement.enterprises import export_jobs, importing
from enforcement.enterprises.credit_code import make_code
from enforcement.enterprises.models import Enterprise, ExportJob, Sector
from enforcement.notifications.models import Notification
from enforcement.notifications.services import notify
from enforcement.orgs.models import EnforcementCertificate, Organisation
from plans.annual import documents as plan_documents
from plans.annual import services as plan_services
from plans.draws import services as draw_services
from plans.models import CheckItem, InspectionPlan, PlanType
from supervision.guidance import services as guidance_services
from supervision.progress import documents as progress_documents
from supervision.progress.job import build_monthly_progress, previous_month
from supervision.progress.models import MonthlyProgress, MonthlyProgressRun
from tests.cases.helpers import add_hazard, photo_upload, publish_plan_with_due_item, record
from tests.conftest import build_world
from tests.enterprises.test_import_support import row, upload, workbook_bytes
from tests.factories import CertificateFactory, EnterpriseFactory, UserFactory

# In every free text county A's people type; seeing it anywhere an outsider looks is a leak.
MARKER = "甲机密"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(name):
    return SimpleUploadedFile(f"{MARKER}{name}.pdf", PDF, content_type="application/pdf")


def _stand_in_pdfs():
    """Every issued document "rendered": a stand-in file holding its title, not a WeasyPrint run per document
    (the render task runs after commit, and the walk's world is never committed)."""
    for document in IssuedDocument.objects.all():
        document.pdf.save(f"{document.pk}.pdf", ContentFile(PDF + document.title.encode()), save=False)
        document.render_status = IssuedDocument.RenderStatus.RENDERED
        document.save(update_fields=["pdf", "render_status"])


@dataclass
class WalkWorld:
    """The personas' world plus county A's records (``sample``) and the walk's extra personas."""

    base: SimpleNamespace
    people: SimpleNamespace
    sample: dict = field(default_factory=dict)
    published_draw: object = None
    shared_enterprise: Enterprise = None

    def add(self, *objects):
        for obj in objects:
            self.sample.setdefault(type(obj), obj)

    def pk(self, model):
        """The primary key of county A's ``model`` record (KeyError names what tests/access/world.py lacks)."""
        try:
            return self.sample[model].pk
        except KeyError:
            raise KeyError(
                f"tests/access/world.py builds no {model._meta.label} for county A: add one through the services "
                "in build_walk_world()"
            ) from None


def _penalty_cases(world):
    """A penalty case per county (行政处罚, issue 10), through the services: county A's in legal review (parties,
    records, deadlines, history), county B's just registered."""
    from cases.penalties.models import PenaltyCase
    from tests.penalties.factories import build_case, open_case

    case = build_case(world.base, PenaltyCase.State.REVIEWING)
    PenaltyCase.objects.filter(pk=case.pk).update(cause=f"{MARKER}未按规定培训案", facts=f"{MARKER}新员工未经培训上岗")
    open_case(world.base, user=world.people.county_b_officer, parties=("person",), cause="西山未设警示标志案")
    world.add(PenaltyCase.objects.get(pk=case.pk), case.deadlines.order_by("id").first())  # the API's board


def build_walk_world() -> WalkWorld:
    """County A's records, made by its own people through the services, dated relative to today."""
    base = build_world()
    orgs, people = base.orgs, base.people
    today = timezone.localdate()
    a = orgs.county_a
    legal = UserFactory(username="county_a_legal", organisation=a, roles=["legal"])
    city_legal2 = UserFactory(username="city_legal2", organisation=orgs.city, roles=["legal"])
    county_b_legal = UserFactory(username="county_b_legal", organisation=orgs.county_b, roles=["legal"])
    county_b_admin = UserFactory(username="county_b_admin", organisation=orgs.county_b, roles=["admin"], is_staff=True)
    root = get_user_model().objects.create_superuser("root", password="pass-1234-word", organisation=orgs.city)
    # County A's people get names an outsider must never read (the factory's 用户N are substrings of each other).
    county_a_users = get_user_model().objects.filter(organisation__path__startswith=a.path).exclude(pk=people.nobody.pk)
    for n, user in enumerate(county_a_users.order_by("pk")):
        get_user_model().objects.filter(pk=user.pk).update(full_name=f"{MARKER}人员{'甲乙丙丁戊己庚辛壬癸'[n]}")
    get_user_model().objects.filter(pk=people.nobody.pk).update(full_name="东城无角色人员")
    people.nobody.refresh_from_db()
    officers = [people.county_a_officer, people.county_a_officer2]
    walk_people = SimpleNamespace(
        **vars(people),
        county_a_legal=legal,
        county_b_legal=county_b_legal,
        county_b_admin=county_b_admin,
        city_legal2=city_legal2,
        root=root,
    )
    world = WalkWorld(base=base, people=walk_people)

    # --- the annual plan (R-01…R-04), carried out this month -------------------------------------------------
    key = EnterpriseFactory(name="东城危化储运公司", organisation=a, supervision_class="key", class_reason="重大危险源")
    general = [EnterpriseFactory(name=f"东城一般企业{n}", organisation=a) for n in "甲乙丙丁"]
    general += [base.ent.a_general, base.ent.a_township]
    plan = plan_services.create_plan(legal, a, today.year, PlanType.WORK_SAFETY, f"东城区{MARKER}年度监督检查计划")
    planning = SimpleNamespace(legal=legal, officers=officers, key=key, general=general, plan=plan)
    item = publish_plan_with_due_item(planning)
    plan = InspectionPlan.objects.get(pk=plan.pk)
    world.add(plan, item, plan.transitions.exclude(attachment="").order_by("id").first())
    plan_documents.issue_onsite_plan(legal, item.pk)

    # --- 双随机 draws (R-02, R-08) -------------------------------------------------------------------------
    definition = {"supervision_class": "general"}
    draw = draw_services.create_draw(legal, a, f"{MARKER}一般企业抽查", definition, 2)
    published = draw_services.create_draw(legal, a, f"{MARKER}已公示抽查", definition, 2)
    world.published_draw = draw_services.publish_draw(legal, published.pk)
    world.add(draw, draw_services.declare_conflict(officers[0], general[3], f"{MARKER}亲属在该单位任职"))

    # --- the inspection, its hazard, photo, re-inspection and documents (R-10…R-13) ----------------------
    inspection = record(planning, item, results=[{"text": f"{MARKER}特种作业持证", "compliant": False, "note": "无证"}])
    hazard = add_hazard(
        planning, inspection, description=f"{MARKER}配电箱未接地", photos=[photo_upload(f"{MARKER}现场.png")]
    )
    case_services.complete_inspection(officers[0], inspection.pk, launch_meeting_held=True, feedback_meeting_held=True)
    reinspection = case_services.record_reinspection(
        officers[0],
        hazard.pk,
        inspected_on=today,
        officers=officers,
        result="failed",
        note=f"{MARKER}仍未接地",
        new_deadline=today + datetime.timedelta(days=20),
    )
    case_documents.issue_inspection_record(officers[0], inspection.pk)
    case_documents.issue_rectification_order(officers[0], inspection.pk)
    case_documents.issue_reinspection_opinion(officers[0], reinspection.visit_id)
    world.add(inspection, hazard, hazard.photos.get(), reinspection, reinspection.visit)
    # A photo kept from the officer's failed hazard form: private to them.
    world.add(pending.keep(officers[0], f"hazard:{inspection.pk}", [photo_upload(f"{MARKER}待提交.png")])[0])
    world.shared_enterprise = inspection.enterprise

    # --- monthly progress (月调度, R-05) ---------------------------------------------------------------------
    # A report is issued for a month that has ended (its figures are final): last month's.
    month = previous_month(today)
    build_monthly_progress(month)
    progress = MonthlyProgress.objects.get(organisation=a, month=month)
    progress_documents.issue_monthly_report(legal, progress.pk)
    world.add(progress)

    # --- the city's guidance of county A (执法指导, R-40…R-43) ---------------------------------------------
    city_legal = people.city_legal
    world.add(guidance_services.add_schedule_entry(city_legal, a, today.year, today.month, f"{MARKER}综合指导"))
    visit = guidance_services.create_visit(city_legal, a, today, [city_legal, city_legal2])
    for check in visit.checks.all():
        conforms = check.item != "training"
        guidance_services.record_check(city_legal, check.pk, "" if conforms else f"{MARKER}培训记录缺失", conforms)
    training = visit.checks.get(item="training")
    evidence = guidance_services.add_evidence(city_legal, training.pk, _pdf("培训记录"))
    guidance_services.draw_spot_check(city_legal, visit.pk, 1)
    guidance_services.complete_visit(city_legal, visit.pk)
    letter = guidance_services.issue_letter(
        city_legal,
        visit.pk,
        [{"problem": f"{MARKER}执法人员培训不足", "opinion": f"{MARKER}组织培训"}],
        today + datetime.timedelta(days=30),
        f"{MARKER}联络人",
        "0395-1234567",
    )
    report = guidance_services.submit_report(
        people.county_a_officer, letter.pk, f"{MARKER}已组织培训", _pdf("整改报告")
    )
    world.add(visit, training, evidence, letter, report)

    # --- the register: an import batch and an export job of county A's legal section ------------------------
    code = make_code("91419901AC0000001")
    content = workbook_bytes([row(code, f"东城{MARKER}导入有限公司", a.name)])
    world.add(importing.create_preview(legal, upload(content, f"{MARKER}名录.xlsx")))
    job, _created = export_jobs.create_job(legal, "")
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING)
    job.refresh_from_db()
    export_jobs.write_job(job)
    world.add(ExportJob.objects.get(pk=job.pk))

    world.add(world.shared_enterprise, Organisation.objects.get(pk=a.pk), legal)
    # Reference tables every county shares, and the month's run of the progress job (not owned by anyone).
    world.add(Sector.objects.order_by("sort_order").first(), CheckItem.objects.order_by("sort_order").first())
    world.add(MonthlyProgressRun.objects.get(month=month))
    # County A's officer uses the API: a token outsiders must never see (the token pages, the admin).
    AuthToken.objects.create(user=officers[0], expiry=None)
    world.add(EnforcementCertificate.objects.get(holder=officers[0]))
    world.add(AuditEvent.objects.filter(organisation=a).order_by("id").first())
    # A deadline notification of county A's officer (the daily job's): private to them, refused to everybody else.
    notify(
        officers[0],
        key="penalties.deadline:0:overdue",
        kind=Notification.Kind.DEADLINE_OVERDUE,
        title=f"【已逾期1天】{MARKER}案：作出处罚决定",
        organisation=a,
    )
    world.add(Notification.objects.get(recipient=officers[0]))
    _penalty_cases(world)
    # The case file (案卷) is assembled from the documents as rendered, before the stand-ins replace them.
    _penalty_evidence(world, officers[0], legal)
    _stand_in_pdfs()
    world.add(IssuedDocument.objects.filter(organisation=a).order_by("id").first())
    # the social supervisor sees the inspected enterprise, shared with them, and nothing else of county A.
    assign_perm("enterprises.view_enterprise", people.social_supervisor, world.shared_enterprise)
    CertificateFactory(holder=legal)  # county A's legal head also enforces (a third certified officer)
    return world


def _penalty_evidence(world, officer, legal):
    """A closed penalty case of county A with a piece of evidence, an upload in progress (private to its officer)
    and its case file (案卷), made by county A's leader."""
    from cases.penalties import casefile
    from cases.penalties import evidence as evidence_store
    from cases.penalties.models import Evidence, PenaltyCase

    today = timezone.localdate()
    case = PenaltyCase.objects.create(
        organisation=world.base.orgs.county_a,
        cause=f"{MARKER}未按规定开展安全培训",
        source=PenaltyCase.Source.INSPECTION,
        created_by=officer,
    )
    evidence = Evidence(
        case=case,
        step=case.state,
        kind=Evidence.Kind.DOCUMENT,
        title=f"{MARKER}培训记录复印件",
        collected_on=today,
        original_name=f"{MARKER}培训记录.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        uploaded_by=officer,
    )
    evidence.file.save("evidence.pdf", ContentFile(PDF), save=False)
    evidence.save()
    upload = evidence_store.start_upload(
        officer,
        case.pk,
        kind="video",
        filename=f"{MARKER}执法记录仪.mp4",
        size=4096,
        title=f"{MARKER}现场录像",
        collected_on=today,
    )
    PenaltyCase.objects.filter(pk=case.pk).update(state=PenaltyCase.State.CLOSED, closed_on=today)
    leader = UserFactory(username="county_a_archivist", organisation=world.base.orgs.county_a, roles=["leader"])
    casefile.build_case_file(PenaltyCase.objects.get(pk=case.pk), leader)
    world.case_file_case = case
    world.add(case, evidence, upload)
