"""Planning fixture shared by plan and case tests.

A county-A plan with enough certified officers and a small register.
"""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from enforcement.enterprises.models import Enterprise
from plans.annual import services
from plans.models import PlanType
from tests.factories import EnterpriseFactory

K = Enterprise.SupervisionClass


@pytest.fixture
def planning(world):
    """County A is responsible for 1 key and 6 general enterprises (one in its township).

    County A's legal head drafts this year's plan (the year the clock shows when the test runs)."""
    from tests.factories import CertificateFactory, UserFactory

    a = world.orgs.county_a
    legal = UserFactory(username="county_a_legal", organisation=a, roles=["legal"])
    officers = [world.people.county_a_officer, world.people.county_a_officer2]
    uncertified = UserFactory(username="county_a_rookie", organisation=a, roles=["officer"])
    key = EnterpriseFactory(name="东城危化储运公司", organisation=a, supervision_class=K.KEY, class_reason="重大危险源")
    general = [EnterpriseFactory(name=f"东城一般企业{i}", organisation=a) for i in range(4)]
    general += [world.ent.a_general, world.ent.a_township]
    year = timezone.localdate().year
    plan = services.create_plan(legal, a, year, PlanType.WORK_SAFETY, f"东城区{year}年度安全生产监督检查计划")
    city_legal = world.people.city_legal
    expired = UserFactory(username="county_a_expired", organisation=a, roles=["officer"])
    CertificateFactory(holder=expired, valid_from="2020-01-01", valid_until="2021-01-01")
    return SimpleNamespace(
        legal=legal,
        officers=officers,
        uncertified=uncertified,
        expired=expired,
        key=key,
        general=general,
        plan=plan,
        city_legal=city_legal,
    )


def fill_valid_plan(p):
    """Key enterprise twice a year, a third of the general ones once, two certified officers each."""
    services.add_item(p.legal, p.plan.pk, p.key, 3, officers=p.officers)
    services.add_item(p.legal, p.plan.pk, p.key, 9, officers=p.officers)
    for enterprise in p.general[:2]:
        services.add_item(p.legal, p.plan.pk, enterprise, 5, officers=p.officers)


def complete_on(user, inspection, day, hour=17):
    """Complete ``inspection`` as if on ``day`` at ``hour`` (local time), so that ``completed_at`` falls on
    that day: the monthly progress counts an inspection in the month it was completed."""
    import datetime

    import time_machine
    from django.utils import timezone

    from cases.inspections import services as case_services

    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    with time_machine.travel(when, tick=False):
        return case_services.complete_inspection(
            user, inspection.pk, launch_meeting_held=True, feedback_meeting_held=True
        )


def execute_first_half(p):
    """County A's plan approved and half carried out (the dataset of the monthly-progress tests).

    Key enterprise in March and September, two general ones in May. Carried out: March (2 hazards: due
    April and re-inspected; due July) and one May item (1 hazard due 20 May, never re-inspected). The other
    May item is behind schedule. Both inspections are completed on the day they were made. The dates are 2026's:
    tests using it run at ``tests.dates.CLOCK_2026``.
    """
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from cases.inspections import services as case_services
    from plans.annual import services as plan_services

    D = datetime.date
    assert p.plan.year == 2026, "this data set is dated 2026: mark the test pytest.mark.clock(CLOCK_2026)"
    add = plan_services.add_item
    key_march = add(p.legal, p.plan.pk, p.key, 3, officers=p.officers)
    add(p.legal, p.plan.pk, p.key, 9, officers=p.officers)
    may_done = add(p.legal, p.plan.pk, p.general[0], 5, officers=p.officers)
    add(p.legal, p.plan.pk, p.general[1], 5, officers=p.officers)
    plan_services.submit_plan(p.legal, p.plan.pk)
    plan_services.approve_plan(
        p.legal,
        p.plan.pk,
        "document",
        "东政文〔2026〕1号",
        SimpleUploadedFile("a.pdf", b"%PDF-1.4", content_type="application/pdf"),
        approved_on=timezone.localdate(),
    )
    officer = p.officers[0]
    march = case_services.record_inspection(
        officer, inspected_on=D(2026, 3, 10), officers=p.officers, plan_item_id=key_march.pk
    )
    h1 = case_services.add_hazard(officer, march.pk, description="消防通道堵塞", rectification_deadline=D(2026, 4, 10))
    case_services.add_hazard(officer, march.pk, description="应急预案未演练", rectification_deadline=D(2026, 7, 10))
    case_services.record_reinspection(officer, h1.pk, inspected_on=D(2026, 4, 12), officers=p.officers, result="passed")
    may = case_services.record_inspection(
        officer, inspected_on=D(2026, 5, 15), officers=p.officers, plan_item_id=may_done.pk
    )
    case_services.add_hazard(officer, may.pk, description="安全警示标志缺失", rectification_deadline=D(2026, 5, 20))
    complete_on(officer, march, march.inspected_on)
    complete_on(officer, may, may.inspected_on)
    return p


def seed_sending_a_conflicted_officer(organisation, definition, sample_size, enterprise, conflicted):
    """A draw seed under which, were conflicts ignored, one of ``conflicted`` would be sent to ``enterprise``.

    A test of conflict exclusion run with a random seed passes by chance whenever the draw happens not to
    pick a conflicted officer anyway; with this seed it fails every time exclusion is switched off.
    """
    from django.utils import timezone

    from plans.draws import services as draws

    enterprises = list(draws.enterprise_pool(organisation, definition).values_list("pk", flat=True))
    officers = list(draws.officer_pool(organisation, definition, timezone.localdate()).values_list("pk", flat=True))
    for n in range(1000):
        seed = f"conflict-{n}"
        if sent_ignoring_conflicts(enterprises, officers, sample_size, seed, enterprise) & {o.pk for o in conflicted}:
            return seed
    raise AssertionError("no seed sends a conflicted officer: the test could not fail")


def sent_ignoring_conflicts(enterprise_pool, officer_pool, sample_size, seed, enterprise):
    """The officers a draw with these inputs would send to ``enterprise`` if nobody had a conflict."""
    from plans.draws.algorithm import run_draw

    rows = run_draw(enterprise_pool, officer_pool, [], sample_size, 2, seed)
    return next((set(row["officers"]) for row in rows if row["enterprise"] == enterprise.pk), set())
