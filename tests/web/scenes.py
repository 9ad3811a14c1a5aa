"""A county at work in mid-June of the current year, built through the services, for the home page and
enterprise page tests.

County A's plan is in force: the key enterprise in March and September, two general ones in May, a third
in June. On 20 May an officer started the May inspection of 东城一般企业0 and found a hazard due 30 May; the
city guided county A and asked for a rectification report by 1 June; April's monthly progress was built
then, May's on 1 June. On 15 June the March and the second May item are overdue, the June item is due this
month, the inspection is still open, the hazard and the letter are overdue, no report is confirmed.
"""

import datetime
import zoneinfo
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.inspections import services as cases
from plans.annual import services as plans
from plans.models import InspectionPlan
from supervision.guidance import services as guidance
from supervision.progress.job import build_monthly_progress
from tests.factories import UserFactory
from tests.planning import fill_valid_plan

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, 0, tzinfo=SHANGHAI)


def build_june(request, time_machine):
    """The scene, with the clock stopped at 15 June of the current year, 10:00 in Shanghai."""
    year = timezone.localdate().year
    time_machine.move_to(at(year, 5, 20), tick=False)
    world = request.getfixturevalue("world")
    p = request.getfixturevalue("planning")
    a = world.orgs.county_a
    officer = world.people.county_a_officer
    InspectionPlan.objects.filter(pk=p.plan.pk).update(year=year)
    fill_valid_plan(p)
    june = plans.add_item(p.legal, p.plan.pk, p.general[2], 6, officers=p.officers)
    plans.submit_plan(p.legal, p.plan.pk, "报区政府")
    approval = SimpleUploadedFile("批复.pdf", b"%PDF-1.4 approval", content_type="application/pdf")
    plans.approve_plan(p.legal, p.plan.pk, "document", "东政文〔1〕1号", approval)
    plans.file_plan(p.legal, p.plan.pk)
    plans.publish_plan(p.legal, p.plan.pk, "东城区应急管理局网站")
    plan_items = {(i.enterprise_id, i.planned_month): i for i in p.plan.items.all()}
    may = plan_items[(p.general[0].pk, 5)]
    inspection = cases.record_inspection(
        officer, inspected_on=datetime.date(year, 5, 20), officers=p.officers, plan_item_id=may.pk
    )
    hazard = cases.add_hazard(
        officer, inspection.pk, description="配电箱未接地", rectification_deadline=datetime.date(year, 5, 30)
    )
    city_legal = world.people.city_legal
    colleague = UserFactory(username="city_legal2", organisation=world.orgs.city, roles=["legal"])
    visit = guidance.create_visit(city_legal, a, datetime.date(year, 5, 20), [city_legal, colleague])
    for check in visit.checks.all():
        conforms = check.item != "training"
        guidance.record_check(city_legal, check.pk, "" if conforms else "新任执法人员未参加岗前培训", conforms)
    guidance.complete_visit(city_legal, visit.pk)
    letter = guidance.issue_letter(
        city_legal, visit.pk, guidance.default_findings(visit), datetime.date(year, 6, 1), "张联络", "0395-1234567"
    )
    build_monthly_progress(datetime.date(year, 4, 1))
    people = SimpleNamespace(
        officer=officer,
        officer_b=world.people.county_b_officer,
        county_legal=p.legal,
        county_leader=UserFactory(username="county_a_leader", organisation=a, roles=["leader"]),
        city_legal=city_legal,
        city_leader=UserFactory(username="city_leader", organisation=world.orgs.city, roles=["leader"]),
        township=world.people.township_a_user,
    )
    time_machine.move_to(at(year, 6, 15), tick=False)
    build_monthly_progress(datetime.date(year, 5, 1))  # the 1 June run
    return SimpleNamespace(
        world=world,
        planning=p,
        people=people,
        year=year,
        june_item=june,
        may_item=may,
        march_item=plan_items[(p.key.pk, 3)],
        may_behind=plan_items[(p.general[1].pk, 5)],
        inspection=inspection,
        hazard=hazard,
        letter=letter,
    )
