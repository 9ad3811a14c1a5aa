"""Coverage rules (R-02, R-03, R-08, R-50), each with its Chinese explanation."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from enforcement.enterprises.models import Enterprise
from plans.annual import services
from plans.annual.coverage import check_plan
from plans.models import PlanType
from tests.factories import EnterpriseFactory
from tests.planning import fill_valid_plan


def results(plan):
    return {r.code: r for r in check_plan(plan)}


def test_valid_plan_passes_every_rule(planning):
    fill_valid_plan(planning)
    assert all(r.ok for r in check_plan(planning.plan)), [r.message for r in check_plan(planning.plan) if not r.ok]


def test_missing_key_enterprise_is_named(planning):
    """GIVEN a plan without the county's key enterprise WHEN checked THEN the key rule fails and names it."""
    services.add_item(planning.legal, planning.plan.pk, planning.general[0], 5, officers=planning.officers)
    rule = results(planning.plan)["key_coverage"]
    assert not rule.ok
    assert "1家重点生产经营单位未列入计划" in rule.message
    assert rule.details == ["东城危化储运公司"]


def test_general_coverage_needs_a_third_rounded_up(planning):
    # 6 general enterprises → at least 2 must be planned.
    services.add_item(planning.legal, planning.plan.pk, planning.general[0], 5, officers=planning.officers)
    rule = results(planning.plan)["general_coverage"]
    assert not rule.ok
    assert "一般生产经营单位共6家，已列入1家，至少需要2家" in rule.message
    services.add_item(planning.legal, planning.plan.pk, planning.general[1], 6, officers=planning.officers)
    assert results(planning.plan)["general_coverage"].ok


def test_general_coverage_rounds_a_third_up_not_down(planning, world):
    """R-02 一般生产经营单位不少于三分之一: a third of 7 is 2⅓, so 2 are too few.

    GIVEN 7 general enterprises (ceiling 3, floor 2) and a plan naming 2 of them WHEN checked THEN the rule
    fails and asks for 3; with a third one planned it passes."""
    EnterpriseFactory(name="东城一般企业6", organisation=world.orgs.county_a)
    fill_valid_plan(planning)
    rule = results(planning.plan)["general_coverage"]
    assert not rule.ok
    assert "一般生产经营单位共7家，已列入2家，至少需要3家。还差1家" in rule.message
    services.add_item(planning.legal, planning.plan.pk, planning.general[2], 6, officers=planning.officers)
    assert results(planning.plan)["general_coverage"].ok


def test_same_enterprise_in_city_and_county_plan_is_refused(planning, world):
    """R-03: the city plan and the county plans interlock; one enterprise, one level.

    GIVEN an enterprise in county A's plan WHEN the city takes over its supervision and plans it too
    THEN both plans fail the interlock rule and name the enterprise and the other organisation.
    """
    from enforcement.enterprises import services as register

    fill_valid_plan(planning)
    moved = planning.general[0]
    register.update_enterprise(world.people.city_legal, moved.pk, {"responsible_org": world.orgs.city})
    city_plan = services.create_plan(
        world.people.city_legal, world.orgs.city, planning.plan.year, PlanType.WORK_SAFETY, "市计划"
    )
    services.add_item(world.people.city_legal, city_plan.pk, moved, 4, officers=planning.officers)
    county_rule = results(planning.plan)["interlock"]
    city_rule = results(city_plan)["interlock"]
    assert not county_rule.ok and not city_rule.ok
    assert "同时列入其他执法主体的同类计划" in county_rule.message
    assert any("东城一般企业0" in d and "河川市应急管理局" in d for d in county_rule.details)
    assert any("东城一般企业0" in d and "东城区应急管理局" in d for d in city_rule.details)
    # …and for the county the enterprise is no longer its own responsibility either.
    assert "执法主体不是本单位" in county_rule.message


def test_an_enterprise_of_another_level_cannot_be_added(planning, world):
    city_plan = services.create_plan(
        world.people.city_legal, world.orgs.city, planning.plan.year, PlanType.WORK_SAFETY, "市计划"
    )
    with pytest.raises(ValidationError) as exc:
        services.add_item(world.people.city_legal, city_plan.pk, planning.general[0], 4, officers=planning.officers)
    assert "执法主体不是本单位" in str(exc.value)


def test_other_plan_types_do_not_clash(planning, world):
    fill_valid_plan(planning)
    flood = services.create_plan(
        planning.legal, world.orgs.county_a, planning.plan.year, PlanType.FLOOD_DROUGHT, "防汛"
    )
    services.add_item(planning.legal, flood.pk, planning.general[0], 6, officers=planning.officers)
    assert results(planning.plan)["interlock"].ok


def test_officers_must_be_two_and_certified(planning):
    fill_valid_plan(planning)
    services.add_item(planning.legal, planning.plan.pk, planning.general[3], 7, officers=[planning.officers[0]])
    services.add_item(
        planning.legal, planning.plan.pk, planning.general[4], 8, officers=[planning.officers[0], planning.expired]
    )
    rule = results(planning.plan)["officers"]
    assert not rule.ok
    assert "1项检查的执法人员少于2人" in rule.message
    assert "没有有效执法证" in rule.message
    assert any("county_a_expired" in d or planning.expired.full_name in d for d in rule.details)


def test_high_risk_planned_more_often_than_standardised(planning):
    fill_valid_plan(planning)
    risky = planning.general[2]
    Enterprise.objects.filter(pk=risky.pk).update(major_hazard_source=True)
    trusted = planning.general[0]
    Enterprise.objects.filter(pk=trusted.pk).update(standardisation_grade="1", credit_status="trustworthy")
    services.add_item(planning.legal, planning.plan.pk, risky, 4, officers=planning.officers)
    services.add_item(planning.legal, planning.plan.pk, trusted, 11, officers=planning.officers)
    rule = results(planning.plan)["frequency"]
    assert not rule.ok
    assert "1家高风险单位计划检查少于2次" in rule.message
    assert "1家标准化达标且守信的单位计划检查多于1次" in rule.message


def test_recent_accident_makes_an_enterprise_high_risk(planning):
    import datetime

    fill_valid_plan(planning)
    Enterprise.objects.filter(pk=planning.general[5].pk).update(
        last_accident_on=timezone.localdate() - datetime.timedelta(days=30)
    )
    assert "高风险单位" in results(planning.plan)["frequency"].message


def test_submission_is_refused_while_rules_fail(planning):
    services.add_item(planning.legal, planning.plan.pk, planning.general[0], 5, officers=planning.officers)
    with pytest.raises(ValidationError) as exc:
        services.submit_plan(planning.legal, planning.plan.pk)
    text = " ".join(exc.value.messages)
    assert "重点单位全覆盖" in text and "一般单位覆盖" in text
    planning.plan.refresh_from_db()
    assert planning.plan.status == "draft"


def test_coverage_counts_only_enterprises_this_level_is_responsible_for(planning, world):
    # A key enterprise in county A's territory for which the city is responsible is the city's business.
    EnterpriseFactory(
        name="市管重点企业",
        organisation=world.orgs.county_a,
        responsible_org=world.orgs.city,
        supervision_class="key",
        class_reason="市级监管",
    )
    fill_valid_plan(planning)
    assert results(planning.plan)["key_coverage"].ok
