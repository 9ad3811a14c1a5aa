"""The plan pages on a tablet (both orientations): the enterprise picker searches as you type, removing an
item refreshes the rule panel in place, and no page scrolls sideways."""

import re

import pytest

from plans.draws import services
from tests import planning as planning_fixtures
from tests.planning import fill_valid_plan

# The shared planning fixture (county A plan, certified officers, enterprises), made available here.
planning = planning_fixtures.planning

PASSWORD = "pass-1234-word"


def log_in(page, live_server, next_url):
    page.goto(f"{live_server.url}/login/?next={next_url}")
    page.fill("#id_username", "county_a_legal")
    page.fill("#id_password", PASSWORD)
    page.click("form.login__form button[type=submit]")
    page.wait_for_url(re.compile(re.escape(next_url) + "$"))


def save_item(page, planning, month):
    """On the item form: the month, the plan's two officers, save; back on the plan page."""
    page.select_option("#id_planned_month", str(month))
    for officer in planning.officers:
        page.check(f"#officer-choices input[value='{officer.pk}']")
    page.click("#item-form button[type=submit]:not([name])")
    page.wait_for_url(re.compile(rf"/plans/{planning.plan.pk}/"))


def assert_no_page_overflow(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the viewport"


@pytest.mark.browser
def test_plan_pages_on_a_tablet(live_server, transactional_db, world, planning, page, shoot):
    fill_valid_plan(planning)
    draw = services.create_draw(
        planning.legal, world.orgs.county_a, "一般单位抽查", {"supervision_class": "general"}, 2
    )
    services.publish_draw(planning.legal, draw.pk)
    log_in(page, live_server, "/plans/")
    assert planning.plan.title in page.locator("#plan-table").inner_text()
    assert_no_page_overflow(page)
    shoot("plans-list")

    # The rule panel is green; removing a general enterprise drops coverage below a third: red, no reload.
    page.goto(f"{live_server.url}/plans/{planning.plan.pk}/")
    assert "全部规则均已满足" in page.inner_text("#rules-summary")
    assert_no_page_overflow(page)
    shoot("plans-detail")
    row = page.locator("#item-table tbody tr", has_text="东城一般企业0").first
    page.once("dialog", lambda dialog: dialog.accept())
    row.locator("a[data-remove-item]").click()
    from playwright.sync_api import expect  # here: the module must import without playwright (skipped then)

    # Locator assertions, not wait_for_function("…"): a string predicate is eval'd in the page, which its
    # Content-Security-Policy (script-src 'self', no 'unsafe-eval') refuses.
    expect(page.locator("#rules-summary")).to_contain_text("有规则未满足")
    assert page.url.endswith(f"/plans/{planning.plan.pk}/")
    assert page.locator("#item-table tbody tr[data-item]").count() == 3
    assert page.inner_text("#plan-totals").startswith("3 项")
    coverage = page.locator('[data-rule="general_coverage"]')
    assert "已列入1家，至少需要2家" in coverage.inner_text()

    # The picker searches on the server as you type.
    page.goto(f"{live_server.url}/plans/{planning.plan.pk}/items/new/")
    page.fill("#picker-q", "一般企业")
    expect(page.locator("#enterprise-results .picker-item")).to_have_count(4)
    assert "西山" not in page.inner_text("#enterprise-results")
    page.locator("#enterprise-results .picker-item", has_text="东城一般企业3").locator("a").click()
    page.wait_for_selector("#item-form")
    assert_no_page_overflow(page)
    shoot("plans-item-form")
    save_item(page, planning, 10)
    assert "东城一般企业3" in page.locator("#item-table").inner_text()

    for path, name in (
        (f"/plans/items/{planning.plan.items.first().pk}/", "plans-onsite"),
        (f"/plans/draws/{draw.pk}/", "plans-draw-detail"),
        (f"/plans/draws/{draw.pk}/public/", "plans-draw-public"),
        ("/plans/draws/new/", "plans-draw-form"),
        ("/plans/conflicts/", "plans-conflicts"),
    ):
        page.goto(f"{live_server.url}{path}")
        assert_no_page_overflow(page)
        shoot(name)


@pytest.mark.browser
def test_a_draw_from_the_plan_page_adds_to_the_plan_and_leaves_out_what_it_has(
    live_server, transactional_db, world, planning, page, shoot
):
    """GIVEN a draft plan with one of seven general enterprises (the rule needs three: a third, rounded up)
    and without its key enterprise WHEN the legal section follows the rule panel's links THEN the key
    enterprise is added from its “加入计划” link, and the draw form, opened from the plan, offers the two
    still needed and adds them to the plan — never the one already in it."""
    from enforcement.enterprises.models import Enterprise
    from plans.annual import services as plan_services
    from plans.models import Draw
    from tests.factories import CertificateFactory, EnterpriseFactory, UserFactory

    for i in range(2):  # five certified officers, so every enterprise gets two
        CertificateFactory(
            holder=UserFactory(username=f"county_a_o{i}", organisation=world.orgs.county_a, roles=["officer"])
        )
    EnterpriseFactory(name="东城一般企业新", organisation=world.orgs.county_a)
    planned = planning.general[0]
    plan_services.add_item(planning.legal, planning.plan.pk, planned, 5, officers=planning.officers)
    Enterprise.objects.filter(pk=planned.pk).update(major_hazard_source=True)
    plan_url = f"/plans/{planning.plan.pk}/"

    log_in(page, live_server, plan_url)
    frequency = page.locator('[data-rule="frequency"]')
    assert "重大危险源" in frequency.inner_text() and "计划检查1次" in frequency.inner_text()
    assert_no_page_overflow(page)
    shoot("plans-rules-details")

    # One click from the key rule's details to the add form with the enterprise chosen.
    page.locator(f'[data-rule="key_coverage"] [data-enterprise="{planning.key.pk}"] a', has_text="加入计划").click()
    page.wait_for_selector("#item-form")
    assert planning.key.name in page.inner_text("main")
    save_item(page, planning, 3)
    assert "✓" in page.locator('[data-rule="key_coverage"] .rule__mark').inner_text()

    # The general rule's link opens the draw form for this plan, sized to what the rule still needs.
    page.click("#link-rule-draw")
    page.wait_for_url(re.compile(r"/plans/draws/new/\?plan="))
    assert page.input_value("#id_sample_size") == "2"
    assert page.is_checked("#id_add_to_plan") and page.is_visible("#draw-plan-add")
    assert "建议抽取2家" in page.inner_text("main")
    assert_no_page_overflow(page)
    shoot("plans-draw-form-for-plan")
    page.select_option("#id_plan", "")
    assert not page.is_visible("#draw-plan-add")
    page.select_option("#id_plan", str(planning.plan.pk))
    page.fill("#id_title", "补足一般单位覆盖率")
    page.select_option("#id_planned_month", "6")
    page.click("#draw-form button[type=submit]")
    page.wait_for_url(re.compile(r"/plans/draws/\d+/$"))
    draw = Draw.objects.get()
    drawn = {row["enterprise"] for row in draw.result}
    assert len(drawn) == 2 and planned.pk not in drawn
    assert "6月，2项" in page.inner_text("#draw-added")
    assert "计划中已有 1 家" in page.inner_text("#pool-excluded-plan")  # the general one; the key is not in the pool
    assert_no_page_overflow(page)
    shoot("plans-draw-detail-for-plan")

    page.goto(f"{live_server.url}{plan_url}")
    assert "✓" in page.locator('[data-rule="general_coverage"] .rule__mark').inner_text()
    items = page.locator("#item-table").inner_text()
    for enterprise in Enterprise.objects.filter(pk__in=drawn):
        assert enterprise.name in items
