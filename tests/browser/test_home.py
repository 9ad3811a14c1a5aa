"""An officer starts the day on a 10-inch tablet: the home page lists today's due work and each link opens
the page where it is done."""

import re

import pytest
from django.utils import timezone

from cases.inspections import services
from tests import planning as planning_fixtures
from tests.browser.test_inspection_recording import assert_no_page_overflow, assert_touch_sized
from tests.cases.helpers import publish_plan_with_due_item

PASSWORD = "pass-1234-word"
planning = planning_fixtures.planning


@pytest.mark.browser
def test_officer_home_shows_due_work_and_each_link_opens_it(
    live_server, transactional_db, planning, settings, tmp_path, page, viewport, shoot
):
    """GIVEN a plan item due this month, an inspection started today and left open, a hazard due today
    WHEN the officer signs in
    THEN the home page lists all three with large buttons, and 开始检查, 继续检查 and 复查 open their pages."""
    settings.MEDIA_ROOT = tmp_path / "media"
    today = timezone.localdate()
    item = publish_plan_with_due_item(planning)
    officer = planning.officers[0]
    inspection = services.record_inspection(
        officer, inspected_on=today, officers=planning.officers, enterprise_id=planning.general[3].pk
    )
    hazard = services.add_hazard(
        officer, inspection.pk, description="消防通道堵塞", location="仓库", rectification_deadline=today
    )

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", officer.username)
    page.fill("#id_password", PASSWORD)
    page.click("form.login__form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    todo = page.locator("#todo")
    due = todo.locator('[data-todo="cases.plan_items_due"]')
    # The item from publish_plan_with_due_item, and in March the key enterprise's planned visit too.
    due_this_month = planning.plan.items.filter(planned_month=today.month).count()
    assert due.locator("[data-count]").inner_text() == str(due_this_month)
    assert planning.general[2].name in due.inner_text()
    assert todo.locator('[data-todo="cases.inspections_open"]').is_visible()
    hazards = todo.locator('[data-todo="cases.hazards_due"]')
    assert "消防通道堵塞" in hazards.inner_text() and today.isoformat() in hazards.inner_text()
    # The to-do list comes before the cards about the organisation and the register.
    assert page.locator("#todo").bounding_box()["y"] < page.locator("#h-org").bounding_box()["y"]
    # An officer's navigation: no import, no API documentation.
    nav = page.locator(".site-nav").inner_text()
    assert "导入" not in nav and "接口文档" not in nav
    start = due.locator(".todo-row", has_text=planning.general[2].name).get_by_role("link", name="开始检查")
    assert_touch_sized(start, 48)
    assert_no_page_overflow(page)
    shoot("home-officer")

    start.click()
    page.wait_for_url(re.compile(rf"/cases/inspections/new/\?plan_item={item.pk}$"))
    assert page.locator("#h-target").inner_text() == planning.general[2].name

    page.go_back()
    page.locator('[data-todo="cases.inspections_open"]').get_by_role("link", name="继续检查", exact=True).click()
    page.wait_for_url(re.compile(rf"/cases/inspections/{inspection.pk}/$"))
    assert page.locator("#inspection-title").inner_text() == planning.general[3].name

    page.go_back()
    page.locator('[data-todo="cases.hazards_due"]').get_by_role("link", name="复查", exact=True).click()
    page.wait_for_url(re.compile(rf"/cases/inspections/{hazard.inspection_id}/reinspect/#hazard-{hazard.pk}$"))
    assert "消防通道堵塞" in page.locator("main").inner_text()

    page.go_back()
    page.locator('[data-todo="cases.hazards_due"] .todo-item__head').click()
    page.wait_for_url(re.compile(r"/cases/hazards/$"))
    assert page.locator(f'[data-hazard="{hazard.pk}"]').is_visible()
