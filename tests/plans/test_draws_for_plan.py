"""双随机 draws for a plan (issue 8 item 5): never an enterprise the plan has or another draw drew for it,
the size the coverage rule still needs, added to the plan by default; the rule panel offers “加入计划”
for the enterprises it names and says why an enterprise counts as high-risk.

Draw results depend on database ids, so no test relies on a lucky seed: each looks for a seed with which
the draw *without* the rule under test would have broken it, and draws with that seed."""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from enforcement.enterprises.models import Enterprise
from plans.annual import services as plan_services
from plans.annual.coverage import check_plan, high_risk_q, high_risk_reasons
from plans.draws import services
from plans.draws.algorithm import run_draw
from plans.models import Draw, PlanItem
from tests.factories import EnterpriseFactory
from tests.planning import fill_valid_plan
from tests.plans import test_draws
from tests.plans.test_pages import body, login

# The draw tests' fixture: the plan's officers and three more, all certified.
officers = test_draws.officers

GENERAL = {"supervision_class": "general", "sectors": [], "organisations": [], "responsible_only": True}


def officer_ids(officers):
    return sorted(o.pk for o in officers)


def seed_that_would_pick(pool, officers, size, unwanted):
    """A seed with which a draw of ``size`` from ``pool`` (nothing excluded) picks one of ``unwanted``."""
    for n in itertools.count():
        seed = f"seed-{n}"
        drawn = {row["enterprise"] for row in run_draw(pool, officers, [], size, 2, seed)}
        if drawn & set(unwanted):
            return seed


def drawn(draw):
    return {row["enterprise"] for row in draw.result}


def add(planning, enterprise, month=5):
    return plan_services.add_item(planning.legal, planning.plan.pk, enterprise, month, officers=planning.officers)


# --- the pool ------------------------------------------------------------------------------------


def test_a_draw_for_a_plan_never_draws_an_enterprise_already_in_it(planning, officers):
    """GIVEN a plan with two of the six general enterprises, and a seed with which a draw from all six would
    pick one of them WHEN two are drawn for the plan with that seed THEN neither planned one is drawn, the
    stored pool is the four others, and the draw records what it left out."""
    planned = [planning.general[0], planning.general[1]]
    for enterprise in planned:
        add(planning, enterprise)
    everyone = [e.pk for e in planning.general]
    seed = seed_that_would_pick(everyone, officer_ids(officers), 2, [e.pk for e in planned])

    draw = services.create_draw(
        planning.legal, planning.plan.organisation, "补充抽查", GENERAL, 2, seed=seed, plan=planning.plan
    )

    assert set(draw.enterprise_pool) == {e.pk for e in planning.general[2:]}
    assert not drawn(draw) & {e.pk for e in planned}
    assert draw.pool_definition["excluded_for_plan"] == {"plan": planning.plan.pk, "in_plan": 2, "drawn": 0}
    assert services.verify_draw(draw)


def test_a_draw_for_a_plan_never_draws_what_another_draw_drew_for_it(planning, officers):
    """GIVEN a draw of two for the plan, not yet added WHEN another is drawn for the plan with a seed that,
    unfiltered, would repeat one of them THEN the two draws share no enterprise; a redraw of the second
    draws again from the second's own pool (the draw it replaces does not exclude itself)."""
    first = services.create_draw(
        planning.legal, planning.plan.organisation, "第一批", GENERAL, 2, seed="first", plan=planning.plan
    )
    everyone = [e.pk for e in planning.general]
    seed = seed_that_would_pick(everyone, officer_ids(officers), 2, drawn(first))

    second = services.create_draw(
        planning.legal, planning.plan.organisation, "第二批", GENERAL, 2, seed=seed, plan=planning.plan
    )

    assert not drawn(first) & drawn(second)
    assert set(second.enterprise_pool) == set(everyone) - drawn(first)
    assert second.pool_definition["excluded_for_plan"]["drawn"] == 2
    again = services.redraw(planning.legal, second.pk, "抽中企业已停产")
    assert set(again.enterprise_pool) == set(second.enterprise_pool)
    assert not drawn(again) & drawn(first)


def test_a_draw_without_a_plan_is_not_narrowed(planning, officers):
    add(planning, planning.general[0])
    draw = services.create_draw(planning.legal, planning.plan.organisation, "全部", GENERAL, 6)
    assert set(draw.enterprise_pool) == {e.pk for e in planning.general}
    assert "excluded_for_plan" not in draw.pool_definition


def test_adding_a_draw_to_a_plan_skips_what_the_plan_already_has(planning, officers):
    """GIVEN a draw of all six general enterprises made without a plan, and a plan that already has one of
    them WHEN the draw is added to the plan THEN the other five are added and that one is not added twice."""
    add(planning, planning.general[0], month=5)
    draw = services.create_draw(planning.legal, planning.plan.organisation, "全部", GENERAL, 6)

    added = services.add_draw_to_plan(planning.legal, draw.pk, planning.plan.pk, 9)

    assert len(added.items) == 5 and added.already_planned == [planning.general[0].name]
    assert PlanItem.objects.filter(plan=planning.plan, enterprise=planning.general[0]).count() == 1
    assert PlanItem.objects.filter(plan=planning.plan, draw=draw, mode="random", planned_month=9).count() == 5


def test_a_result_in_the_plan_is_corrected_there_not_redrawn(client, planning, officers):
    """GIVEN a draw added to the plan WHEN it is redrawn THEN it is refused with the way forward, and the
    draw's page no longer offers a redraw."""
    draw = services.create_draw(
        planning.legal, planning.plan.organisation, "抽查", GENERAL, 2, plan=planning.plan, planned_month=6
    )
    with pytest.raises(ValidationError) as exc:
        services.redraw(planning.legal, draw.pk, "重抽")
    assert "抽取结果已列入计划，不能重新抽取" in str(exc.value)
    login(client, planning.legal)
    page = body(client.get(f"/plans/draws/{draw.pk}/"))
    assert 'id="redraw"' not in page and 'id="add-to-plan"' not in page and 'id="draw-added"' in page


# --- the suggested size --------------------------------------------------------------------------


def test_suggested_size_is_what_the_general_rule_still_needs_rounded_up(planning, officers):
    """GIVEN seven general enterprises (a third is 2⅓: the rule needs 3, rounding down would say 2)
    THEN the suggestion is 3; after one is planned, 2; after one more is drawn for the plan but not
    yet added, 1; once the rule is met, 0."""
    EnterpriseFactory(name="东城一般企业新", organisation=planning.plan.organisation)
    suggestion = services.suggest_sample_size(planning.plan)
    assert (suggestion.coverage.total, suggestion.coverage.required, suggestion.size) == (7, 3, 3)

    add(planning, planning.general[0])
    assert services.suggest_sample_size(planning.plan).size == 2

    services.create_draw(planning.legal, planning.plan.organisation, "待加入", GENERAL, 1, plan=planning.plan)
    suggestion = services.suggest_sample_size(planning.plan)
    assert (suggestion.pending, suggestion.size) == (1, 1)

    add(planning, planning.general[1])
    add(planning, planning.general[2])
    assert services.suggest_sample_size(planning.plan).size == 0


def test_draw_form_from_the_plan_suggests_the_size_and_adds_by_default(client, planning, officers):
    """GIVEN seven general enterprises, one planned WHEN the legal section opens the draw form from the
    plan's link THEN the plan is chosen, adding to it is ticked, and the size is the 2 the rule still needs
    (3 required, rounded up); submitting as offered adds the drawn enterprises to the plan."""
    EnterpriseFactory(name="东城一般企业新", organisation=planning.plan.organisation)
    add(planning, planning.general[0])
    login(client, planning.legal)

    page = body(client.get("/plans/draws/new/", {"plan": planning.plan.pk}))

    assert f'<option value="{planning.plan.pk}" selected' in page
    assert 'name="sample_size" value="2"' in page
    assert "一般单位共7家，至少需列入3家（三分之一，向上取整），已列入1家：建议抽取2家。" in page
    assert 'name="add_to_plan"' in page and 'id="id_add_to_plan" checked' in page
    assert 'id="draw-for-plan"' in page

    response = client.post(
        "/plans/draws/new/",
        {
            "title": "补足一般单位覆盖",
            "organisation": planning.plan.organisation_id,
            "plan": planning.plan.pk,
            "add_to_plan": "on",
            "planned_month": 6,
            "supervision_class": "general",
            "responsible_only": "on",
            "sample_size": 2,
            "officers_per_enterprise": 2,
        },
    )
    draw = Draw.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/plans/draws/{draw.pk}/"
    items = PlanItem.objects.filter(plan=planning.plan, draw=draw)
    assert {i.enterprise_id for i in items} == drawn(draw) and len(drawn(draw)) == 2
    assert all(i.mode == "random" and i.planned_month == 6 and i.officers.count() == 2 for i in items)
    assert planning.general[0].pk not in drawn(draw)
    rule = next(r for r in check_plan(planning.plan) if r.code == "general_coverage")
    assert rule.ok, rule.message


def test_draw_form_needs_a_month_to_add_and_keeps_what_was_typed(client, planning, officers):
    login(client, planning.legal)
    response = client.post(
        "/plans/draws/new/",
        {
            "title": "第三季度抽查",
            "organisation": planning.plan.organisation_id,
            "plan": planning.plan.pk,
            "add_to_plan": "on",
            "planned_month": "",
            "supervision_class": "general",
            "responsible_only": "on",
            "sample_size": 2,
            "officers_per_enterprise": 2,
        },
    )
    page = body(response)
    assert response.status_code == 400 and "请选择列入计划的月份" in page
    assert 'value="第三季度抽查"' in page and not Draw.objects.exists()


def test_the_api_draws_for_a_plan_and_adds_in_one_call(planning, officers):
    client = APIClient()
    client.force_login(planning.legal)
    add(planning, planning.general[0])
    response = client.post(
        "/api/draws/",
        {
            "title": "接口抽取",
            "organisation": planning.plan.organisation_id,
            "plan": planning.plan.pk,
            "planned_month": 8,
            "sample_size": 5,
            "definition": {"supervision_class": "general"},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    draw = Draw.objects.get()
    assert planning.general[0].pk not in drawn(draw)
    assert PlanItem.objects.filter(plan=planning.plan, draw=draw, planned_month=8).count() == 5
    response = client.post(
        "/api/draws/",
        {"title": "缺计划", "organisation": planning.plan.organisation_id, "planned_month": 8, "sample_size": 1},
        format="json",
    )
    assert response.status_code == 400 and "planned_month" in response.json()


# --- the rule panel ------------------------------------------------------------------------------


def test_rule_details_offer_to_add_the_missing_key_enterprise(client, world, planning):
    """GIVEN a plan without the county's key enterprise THEN the key rule names it with a “加入计划” link to
    the add form with that enterprise chosen; the city, which reads the plan but does not edit it, gets
    no such link."""
    add(planning, planning.general[0])
    login(client, planning.legal)
    page = body(client.get(f"/plans/{planning.plan.pk}/"))
    key_rule = page[page.index('data-rule="key_coverage"') : page.index('data-rule="general_coverage"')]
    assert planning.key.name in key_rule and "列为重点：重大危险源" in key_rule
    assert f'href="/plans/{planning.plan.pk}/items/new/?enterprise={planning.key.pk}"' in key_rule
    assert "加入计划" in key_rule
    general_rule = page[page.index('data-rule="general_coverage"') :]
    assert f'href="/plans/draws/new/?plan={planning.plan.pk}"' in general_rule
    # The link opens the add form with the enterprise chosen.
    form = body(client.get(f"/plans/{planning.plan.pk}/items/new/", {"enterprise": planning.key.pk}))
    assert 'id="item-form"' in form and planning.key.name in form

    login(client, world.people.city_legal)
    page = body(client.get(f"/plans/{planning.plan.pk}/"))
    assert planning.key.name in page and f"items/new/?enterprise={planning.key.pk}" not in page


def test_rule_details_say_why_an_enterprise_is_high_risk(client, planning):
    """GIVEN a general enterprise planned once that has a major hazard source and an accident 40 days ago,
    and another on the credit watch list WHEN the plan is checked THEN the frequency rule names both with
    their flags and the one visit planned, and offers to add each once more."""
    fill_valid_plan(planning)
    accident_on = timezone.localdate() - datetime.timedelta(days=40)
    risky, watched = planning.general[0], planning.general[1]
    Enterprise.objects.filter(pk=risky.pk).update(major_hazard_source=True, last_accident_on=accident_on)
    Enterprise.objects.filter(pk=watched.pk).update(credit_status=Enterprise.CreditStatus.WATCHLIST)

    rule = next(r for r in check_plan(planning.plan) if r.code == "frequency")
    named = {e.id: e for e in rule.enterprises}
    assert not rule.ok and set(named) == {risky.pk, watched.pk}
    assert named[risky.pk].reasons == ["重大危险源", f"{accident_on:%Y-%m-%d}发生生产安全事故（近365天内）"]
    assert named[watched.pk].reasons == ["信用状况：重点关注"]
    assert named[risky.pk].visits == 1 and named[risky.pk].addable
    assert rule.details == [e.name for e in rule.enterprises]  # the API's plain list is unchanged

    login(client, planning.legal)
    page = body(client.get(f"/plans/{planning.plan.pk}/"))
    frequency = page[page.index('data-rule="frequency"') :]
    assert "重大危险源、" in frequency and "发生生产安全事故" in frequency and "计划检查1次" in frequency
    assert f"items/new/?enterprise={risky.pk}" in frequency


def test_an_accident_older_than_the_lookback_is_no_reason(planning):
    today = timezone.localdate()
    old = EnterpriseFactory(organisation=planning.plan.organisation, last_accident_on=today - datetime.timedelta(400))
    recent = EnterpriseFactory(organisation=planning.plan.organisation, last_accident_on=today)
    assert high_risk_reasons(old, today) == [] and high_risk_reasons(recent, today)
    flagged = set(Enterprise.objects.filter(high_risk_q(today)).values_list("pk", flat=True))
    assert recent.pk in flagged and old.pk not in flagged


def test_the_rule_panel_refreshed_by_the_page_script_keeps_its_links(client, planning):
    add(planning, planning.general[0])
    login(client, planning.legal)
    html = client.get(f"/plans/{planning.plan.pk}/check/").json()["html"]
    assert f"items/new/?enterprise={planning.key.pk}" in html
