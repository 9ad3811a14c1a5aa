"""Demo plans, draws, inspections, hazards and monthly progress for the demo city (after seed_demo).

Everything goes through the real services, so the demo data obeys the same rules as user input: every
county gets a published 2026 work-safety plan (all key and high-risk enterprises, a 双随机 draw of a third
of the general ones, two key ones again this month), the items of past months are mostly carried out with
some hazards and re-inspections, the delegated township's officer has an inspection of their own under
way, and the monthly progress snapshots of the past months are built — so every demo persona's home page
has work on it. Idempotent: a county that already has a plan for the year is left alone.
"""

import datetime
import random

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cases.inspections import documents as case_documents
from cases.inspections import services as cases
from cases.inspections.models import Inspection
from enforcement.enterprises.models import Enterprise
from enforcement.orgs.models import Organisation, User
from plans.annual import services as plans
from plans.annual.coverage import high_risk_q
from plans.draws import services as draws
from plans.models import InspectionPlan, PlanItem, PlanType
from supervision.guidance import services as guidance
from supervision.models import GuidanceVisit
from supervision.progress.job import build_monthly_progress

HAZARDS = [
    "消防通道堵塞",
    "配电箱未接地",
    "安全警示标志缺失",
    "特种作业人员未持证上岗",
    "有限空间作业未审批",
    "应急预案未演练",
]
APPROVAL_PDF = b"%PDF-1.4\n% demo approval document\n"


class Command(BaseCommand):
    help = "为演示城市生成年度计划、双随机抽取、执法检查与月度调度数据（在 seed_demo 之后运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=timezone.localdate().year)
        parser.add_argument("--seed", type=int, default=20261123)

    def handle(self, *args, year, seed, **options):
        rng = random.Random(seed)
        counties = Organisation.objects.filter(level=Organisation.Level.COUNTY, is_active=True).order_by("path")
        made = 0
        for county in counties:
            legal = User.objects.filter(organisation=county, roles__code="legal").first()
            officers = list(User.objects.filter(organisation=county, roles__code="officer").order_by("username")[:2])
            if legal is None or len(officers) < 2:
                continue
            if InspectionPlan.objects.filter(organisation=county, year=year, plan_type=PlanType.WORK_SAFETY).exists():
                continue
            with transaction.atomic():
                self._plan_and_inspections(county, legal, officers, year, rng)
            made += 1
        today = timezone.localdate()
        month = datetime.date(year, 1, 1)
        while month < today.replace(day=1):
            build_monthly_progress(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        guided = self._guidance(year, rng)
        if year == today.year:
            self._delegated_work(today)
        self.stdout.write(
            self.style.SUCCESS(f"演示计划与检查：新建 {made} 个县（区）的年度计划；执法指导意见书 {guided} 份。")
        )

    def _plan_and_inspections(self, county, legal, officers, year, rng):
        plan = plans.create_plan(
            legal, county, year, PlanType.WORK_SAFETY, f"{county.name}{year}年度安全生产监督检查计划"
        )
        ours = Enterprise.objects.filter(responsible_org=county)
        plans.add_key_enterprises(legal, plan.pk, 3, officers=officers)
        # high-risk enterprises twice a year.
        for enterprise in ours.filter(high_risk_q(timezone.localdate())):
            month = 9 if plan.items.filter(enterprise=enterprise).exists() else 4
            plans.add_item(legal, plan.pk, enterprise, month, officers=officers)
            if month == 4:
                plans.add_item(legal, plan.pk, enterprise, 10, officers=officers)
        general = ours.filter(supervision_class="general")
        total_general = general.count()
        already = general.filter(pk__in=plan.items.values("enterprise_id")).count()
        need = -(-total_general // 3) - already
        if need > 0:
            # The draw's pool holds every general enterprise, planned ones included: drawing `need + already`
            # guarantees at least `need` new ones, so R-02's third is reached.
            draw = draws.create_draw(
                legal,
                county,
                f"{year}年一般单位双随机抽查",
                {"supervision_class": "general"},
                min(total_general, need + already),
                seed=f"demo-{county.pk}",
            )
            draws.add_draw_to_plan(legal, draw.pk, plan.pk, rng.randint(5, 8))
        today = timezone.localdate()
        if year == today.year:
            # R-08: two key enterprises once more this month, so the officers' home pages show work due.
            for enterprise in ours.filter(supervision_class="key").order_by("pk")[:2]:
                if not plan.items.filter(enterprise=enterprise, planned_month=today.month).exists():
                    plans.add_item(legal, plan.pk, enterprise, today.month, officers=officers)
        plans.submit_plan(legal, plan.pk, "报区（县）政府审批")
        approval = ContentFile(APPROVAL_PDF, name="批复.pdf")
        plans.approve_plan(
            legal,
            plan.pk,
            "document",
            f"{county.short_name}政文〔{year}〕{rng.randint(3, 40)}号",
            approval,
            approved_on=timezone.localdate(),
        )
        plans.file_plan(legal, plan.pk, note="报市应急管理局备案")
        plans.publish_plan(legal, plan.pk, f"{county.name}门户网站/通知公告")
        self._inspect(plan, officers, year, rng)

    def _guidance(self, year, rng):
        """The city's guidance schedule (one county a month), one visit with its letter (R-40…R-42)."""
        city = Organisation.objects.filter(level=Organisation.Level.CITY).order_by("path").first()
        legal = User.objects.filter(organisation=city, roles__code="legal").first() if city else None
        team = list(User.objects.filter(organisation=city, roles__code="officer").order_by("username")[:2])
        if legal is None or len(team) < 2 or GuidanceVisit.objects.filter(city=city, visit_date__year=year).exists():
            return 0
        counties = list(Organisation.objects.filter(parent=city, level=Organisation.Level.COUNTY).order_by("path"))
        for month, county in enumerate(counties, start=3):
            guidance.add_schedule_entry(legal, county, year, min(month, 11))
        county = counties[0]
        visit = guidance.create_visit(legal, county, datetime.date(year, 3, 18), team)
        problems = {"training": "新任执法人员未参加岗前培训", "archiving": "部分案卷未按规定顺序编页归档"}
        for check in visit.checks.order_by("position"):
            guidance.record_check(legal, check.pk, problems.get(check.item, ""), check.item not in problems)
        guidance.draw_spot_check(legal, visit.pk, count=2, seed=f"demo-visit-{visit.pk}")
        guidance.complete_visit(legal, visit.pk)
        guidance.issue_letter(
            legal,
            visit.pk,
            guidance.default_findings(visit),
            timezone.localdate() + datetime.timedelta(days=30),
            legal.full_name or legal.username,
            "0999-1234567",
        )
        return 1

    def _inspect(self, plan, officers, year, rng):
        today = timezone.localdate()
        issued_order = False
        for item in PlanItem.objects.filter(plan=plan).select_related("enterprise").order_by("planned_month", "pk"):
            day = datetime.date(year, item.planned_month, rng.randint(3, 25))
            if day >= today or rng.random() < 0.15:  # not due yet, or behind schedule
                continue
            if (year, item.planned_month) == (today.year, today.month) and rng.random() < 0.5:
                continue  # this month's work, not all done yet
            inspection = cases.record_inspection(
                officers[0],
                inspected_on=day,
                officers=officers,
                plan_item_id=item.pk,
                principal_present=True,
                safety_manager_present=True,
                operators_present="当班岗位操作人员",
                launch_meeting_held=True,
                feedback_meeting_held=True,
                summary="按现场检查方案逐项检查。",
                results=[{"text": "主要负责人履职情况", "compliant": True}],
            )
            hazard = None
            if rng.random() < 0.4:
                deadline = day + datetime.timedelta(days=rng.choice([7, 15, 30]))
                hazard = cases.add_hazard(
                    officers[0],
                    inspection.pk,
                    description=rng.choice(HAZARDS),
                    location="生产车间",
                    rectification_deadline=deadline,
                )
            # Most inspections were closed on the day; a few recent ones are still 检查中 (they do not count
            # in the monthly progress until completed, and issue no record yet).
            completed = (today - day).days > 7 or rng.random() < 0.5
            if completed:
                cases.complete_inspection(officers[0], inspection.pk)
                # The demo writes its past today: date the completion on the inspection's day.
                Inspection.objects.filter(pk=inspection.pk).update(
                    completed_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(17)))
                )
            if hazard is not None:
                # Documents follow a finished step: only a completed inspection issues its record and order.
                first_order = completed and not issued_order
                if first_order:
                    # The paper of the first hazardous inspection: record and rectification order.
                    case_documents.issue_inspection_record(officers[0], inspection.pk)
                    case_documents.issue_rectification_order(officers[0], inspection.pk)
                    issued_order = True
                if deadline < today and rng.random() < 0.85:
                    reinspection = cases.record_reinspection(
                        officers[0],
                        hazard.pk,
                        inspected_on=min(deadline + datetime.timedelta(days=2), today),
                        officers=officers,
                        result="passed",
                    )
                    if first_order:
                        # …and its 整改复查意见书, one for the re-inspection visit.
                        case_documents.issue_reinspection_opinion(officers[0], reinspection.visit_id)

    def _delegated_work(self, today):
        """The delegated township's officer with a county colleague (R-55): an unplanned inspection of a
        township enterprise ten days ago, still open, with a hazard past its deadline."""
        officer = User.objects.filter(username="township_officer").select_related("organisation").first()
        if officer is None or officer.organisation is None or officer.organisation.delegated_by_id is None:
            return
        if Inspection.objects.filter(organisation=officer.organisation).exists():
            return
        colleague = (
            User.objects.filter(organisation_id=officer.organisation.delegated_by_id, roles__code="officer")
            .order_by("username")
            .first()
        )
        enterprise = Enterprise.objects.filter(organisation=officer.organisation).order_by("pk").first()
        if colleague is None or enterprise is None:
            return
        day = today - datetime.timedelta(days=10)
        inspection = cases.record_inspection(
            officer,
            inspected_on=day,
            officers=[officer, colleague],
            enterprise_id=enterprise.pk,
            principal_present=True,
            launch_meeting_held=True,
            summary="受委托开展日常检查。",
        )
        cases.add_hazard(
            officer,
            inspection.pk,
            description="安全出口指示标志损坏",
            location="一楼通道",
            rectification_deadline=day + datetime.timedelta(days=7),
        )
