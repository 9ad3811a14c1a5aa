"""A county officer logs in, filters the enterprise list and opens a detail page, on a tablet."""

import re

import pytest

from tests.factories import EnterpriseFactory

PASSWORD = "pass-1234-word"


def assert_no_page_overflow(page):
    # Nothing may push the page sideways on a tablet: wide tables scroll inside their card.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the viewport"


@pytest.mark.browser
def test_officer_logs_in_filters_and_opens_detail(live_server, transactional_db, world, page, viewport, shoot):
    # Matches the search text but lies in county B: the filtered list must not show it.
    EnterpriseFactory(name="西山机械有限公司", organisation=world.orgs.county_b)

    page.goto(f"{live_server.url}/enterprises/")
    assert "/login/?next=/enterprises/" in page.url
    shoot("login")
    page.fill("#id_username", "county_a_officer")
    page.fill("#id_password", PASSWORD)
    page.click("form.login__form button[type=submit]")
    page.wait_for_url(re.compile(r"/enterprises/$"))

    header = page.locator(".site-header")
    assert "东城区应急管理局" in header.inner_text()
    assert "安全生产行政执法监督系统" in header.inner_text()
    table = page.locator("#enterprise-table tbody")
    assert "河川化工集团有限公司" in table.inner_text()
    assert page.locator("#result-count").inner_text() == "共 4 家"
    assert_no_page_overflow(page)
    shoot("enterprise-list")

    page.fill("#id_q", "机械")
    page.click("#filter-form button[type=submit]")
    page.wait_for_url(re.compile(r"q=%E6%9C%BA%E6%A2%B0"))
    rows = page.locator("#enterprise-table tbody tr")
    assert rows.count() == 1
    assert "东城机械厂" in rows.first.inner_text()
    assert "西山机械有限公司" not in table.inner_text()
    assert "河川化工集团有限公司" not in table.inner_text()
    assert page.locator("#result-count").inner_text() == "共 1 家"
    assert page.input_value("#id_q") == "机械"
    export_href = page.get_attribute("#link-export", "href")
    assert export_href.startswith("/enterprises/export/?") and "q=%E6%9C%BA%E6%A2%B0" in export_href
    if viewport["width"] < 900:
        # Portrait: the less important columns are hidden rather than squeezed.
        assert not page.locator("#enterprise-table th.col-opt").first.is_visible()
    else:
        assert page.locator("#enterprise-table th.col-opt").first.is_visible()
    assert_no_page_overflow(page)
    shoot("enterprise-list-filtered")

    page.click("#enterprise-table >> text=东城机械厂")
    page.wait_for_url(re.compile(rf"/enterprises/{world.ent.a_general.pk}/$"))
    assert page.locator("#enterprise-name").inner_text() == "东城机械厂"
    assert page.locator('dd[data-field="credit_code"]').inner_text() == world.ent.a_general.credit_code
    assert page.locator('dd[data-field="organisation"]').inner_text() == "东城区应急管理局"
    assert page.locator('dd[data-field="supervision_class"]').inner_text() == "一般"
    for heading in ("基本信息", "监管信息", "风险标识", "联系人", "变更记录"):
        assert page.get_by_role("heading", name=heading).is_visible()
    assert page.locator("#btn-edit").is_visible()
    assert page.locator("#btn-delete").count() == 0  # officers may not delete
    assert_no_page_overflow(page)
    shoot("enterprise-detail")


@pytest.mark.browser
def test_officer_edits_on_a_tablet_and_sees_the_history(live_server, transactional_db, world, page, shoot):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "county_a_officer")
    page.fill("#id_password", PASSWORD)
    page.click("form.login__form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("#count-total").inner_text() == "4"
    assert_no_page_overflow(page)
    shoot("home")

    page.goto(f"{live_server.url}/enterprises/{world.ent.a_general.pk}/edit/")
    page.fill("#id_credit_code", "91350100M000100Y44")
    page.fill("#id_principal_person", "李四")
    page.click("#enterprise-form button[type=submit]")
    assert "统一社会信用代码校验位错误" in page.locator("#enterprise-form").inner_text()
    assert page.input_value("#id_principal_person") == "李四"  # what was typed survives the error
    assert_no_page_overflow(page)
    shoot("enterprise-edit-error")

    page.fill("#id_credit_code", world.ent.a_general.credit_code)
    page.click("#enterprise-form button[type=submit]")
    page.wait_for_url(re.compile(rf"/enterprises/{world.ent.a_general.pk}/$"))
    assert "已保存" in page.locator(".messages").inner_text()
    history = page.locator("#history-table").inner_text()
    assert "主要负责人：张三 → 李四" in history
    shoot("enterprise-detail-history")
