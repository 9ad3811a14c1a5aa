"""A county at work in mid-June of the current year, built through the services, for the home page and
enterprise page tests.

County A's plan is in force: the key enterprise in March and September, two general ones in May, a third
in June. The May inspection of 东城一般企业0 was made on 20 May and left open, with a hazard due 30 May; the
city guided county A on 20 May and asked for a rectification report by 2 June; April's and May's monthly
progress were built on 1 June. On 15 June the March and the second May item are overdue, the June item is
due this month, the inspection is still open, the hazard and the letter are overdue, no report is confirmed.
"""

import datetime
import zoneinfo
from types import SimpleNamespace

from django.utils import timezone

from cases.inspections import services as cases
from supervision.guidance import services as guidance
from supervision.progress.job import build_monthly_progress
from tests.cases.helpers import publish_plan_with_due_item
from tests.factories import UserFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, 0, tzinfo=SHANGHAI)


def build_june(request, time_machine):
    """The scene, with the clock stopped at 15 June of the current year, 10:00 in Shanghai."""
    year = timezone.localdate().year
    # 1 June: the plan is published with its June item (tests.cases.helpers), the work of 20 May entered.
    time_machine.move_to(at(year, 6, 1), tick=False)
    world = request.getfixturevalue("world")
    p = request.getfixturevalue("planning")
    a = world.orgs.county_a
    officer = world.people.county_a_officer
    june = publish_plan_with_due_item(p)
    plan_items = {(i.enterprise_id, i.planned_month): i for i in p.plan.items.all()}
    may = plan_items[(p.general[0].pk, 5)]
    may_20 = datetime.date(year, 5, 20)
    inspection = cases.record_inspection(officer, inspected_on=may_20, officers=p.officers, plan_item_id=may.pk)
    hazard = cases.add_hazard(
        officer, inspection.pk, description="配电箱未接地", rectification_deadline=datetime.date(year, 5, 30)
    )
    city_legal = world.people.city_legal
    colleague = UserFactory(username="city_legal2", organisation=world.orgs.city, roles=["legal"])
    visit = guidance.create_visit(city_legal, a, may_20, [city_legal, colleague])
    for check in visit.checks.all():
        conforms = check.item != "training"
        guidance.record_check(city_legal, check.pk, "" if conforms else "新任执法人员未参加岗前培训", conforms)
    guidance.complete_visit(city_legal, visit.pk)
    letter = guidance.issue_letter(
        city_legal, visit.pk, guidance.default_findings(visit), datetime.date(year, 6, 2), "张联络", "0395-1234567"
    )
    build_monthly_progress(datetime.date(year, 4, 1))
    build_monthly_progress(datetime.date(year, 5, 1))  # the 1 June run
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
