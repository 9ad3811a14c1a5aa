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
    page.goto(f"{live_server.url}/login/?next=/plans/")
    page.fill("#id_username", "county_a_legal")
    page.fill("#id_password", PASSWORD)
    page.click("form.login__form button[type=submit]")
    page.wait_for_url(re.compile(r"/plans/$"))
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
    page.wait_for_function("document.querySelector('#rules-summary').textContent.includes('有规则未满足')")
    assert page.url.endswith(f"/plans/{planning.plan.pk}/")
    assert page.locator("#item-table tbody tr[data-item]").count() == 3
    assert page.inner_text("#plan-totals").startswith("3 项")
    coverage = page.locator('[data-rule="general_coverage"]')
    assert "已列入1家，至少需要2家" in coverage.inner_text()

    # The picker searches on the server as you type.
    page.goto(f"{live_server.url}/plans/{planning.plan.pk}/items/new/")
    page.fill("#picker-q", "一般企业")
    page.wait_for_function("document.querySelectorAll('#enterprise-results .picker-item').length === 4")
    assert "西山" not in page.inner_text("#enterprise-results")
    page.locator("#enterprise-results .picker-item", has_text="东城一般企业3").locator("a").click()
    page.wait_for_selector("#item-form")
    assert_no_page_overflow(page)
    shoot("plans-item-form")
    page.select_option("#id_planned_month", "10")
    for officer in planning.officers:
        page.check(f"#officer-choices input[value='{officer.pk}']")
    page.click("#item-form button[type=submit]:not([name])")
    page.wait_for_url(re.compile(rf"/plans/{planning.plan.pk}/"))
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
