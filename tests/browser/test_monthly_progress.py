"""Monthly progress on a 10-inch tablet, both ways round: the city's roll-up, a county confirming its report."""

import re

import pytest
from django.utils import timezone

from enforcement.orgs.models import Organisation
from supervision.models import MonthlyProgress, MonthlyProgressRun
from tests.factories import OrganisationFactory
from tests.supervision.conftest import clock, executed, planning  # noqa: F401 - fixtures
from tests.supervision.test_pages import JUNE, progress  # noqa: F401 - fixture

PASSWORD = "pass-1234-word"
COUNTIES = ["临河县应急管理局", "南湖区应急管理局", "北岭县应急管理局", "高新技术产业开发区管理委员会应急管理局"]


def assert_no_page_overflow(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the viewport"


def log_in(page, live_server, username, next_url):
    page.goto(f"{live_server.url}/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.login__form button[type=submit]")
    page.wait_for_url(re.compile(re.escape(next_url) + "$"))


@pytest.fixture
def city_month(progress):  # noqa: F811 - the imported fixture
    """The constructed June, plus four more counties (one with a long name) and a finished run."""
    now = timezone.now()
    for i, name in enumerate(COUNTIES):
        county = OrganisationFactory(name=name, level=Organisation.Level.COUNTY, parent=progress.orgs.city)
        MonthlyProgress.objects.create(
            organisation=county,
            month=JUNE,
            generated_at=now,
            planned=20 + i,
            done=20 - 3 * i,
            hazards_found=12,
            hazards_closed=8,
            hazards_due=9,
            hazards_reinspected=9 - i,
            key_total=6,
            key_covered=6 - i,
            general_total=120,
            general_covered=40 + i,
            behind_count=3 * i,
        )
    MonthlyProgressRun.objects.create(
        month=JUNE, status="done", started_at=now, finished_at=now, organisations=9, changed=9
    )
    return progress


@pytest.mark.browser
def test_city_reads_the_roll_up_on_a_tablet(live_server, transactional_db, city_month, page, viewport, shoot):
    log_in(page, live_server, "city_legal", "/supervision/progress/")
    rows = page.locator("#rollup-table tbody tr")
    assert rows.count() == 9
    assert rows.first.locator("td").nth(1).inner_text() == "临河县应急管理局"  # 20/20, 9/9: first
    assert "西山镇人民政府" in page.locator("#unconfirmed").inner_text()
    assert page.locator("#rebuild-form").is_visible()
    assert_no_page_overflow(page)
    # The rank, the unit and both 100%-target rates are on screen without scrolling the table.
    card = page.locator("#rollup").bounding_box()
    for header in ("排名", "执法主体", "完成率", "复查率"):
        box = page.locator("#rollup-table th", has_text=header).first.bounding_box()
        assert box["x"] + box["width"] <= card["x"] + card["width"] + 1, header
    optional = page.locator("#rollup-table th.col-opt").first
    assert optional.is_visible() == (viewport["width"] >= 900)
    shoot("progress-city")

    page.click("#rollup-table >> text=东城区应急管理局")
    page.wait_for_url(re.compile(rf"/supervision/progress/{city_month.reports.county_a.pk}/$"))
    assert page.locator("#report-title").inner_text() == "东城区应急管理局"
    assert page.locator("#btn-confirm").count() == 0  # the city does not confirm for the county
    assert_no_page_overflow(page)
    shoot("progress-city-county-detail")


@pytest.mark.browser
def test_county_confirms_its_report_on_a_tablet(live_server, transactional_db, city_month, page, shoot):
    log_in(page, live_server, "county_a_legal", "/supervision/progress/")
    assert page.locator("#kpi-completion .kpi__num").inner_text() == "80%"
    assert page.locator("#confirm-state").inner_text() == "待确认"
    assert_no_page_overflow(page)
    shoot("progress-county")
    page.click("#btn-confirm")
    page.wait_for_url(re.compile(r"/supervision/progress/\?month=2026-06$"))
    assert page.locator("#confirm-state").inner_text() == "已确认上报"
    assert "已确认上报东城区应急管理局 2026年06月的月度调度。" in page.locator(".messages").inner_text()
    assert page.locator("#btn-confirm").count() == 0
    assert MonthlyProgress.objects.get(pk=city_month.reports.county_a.pk).confirmed_by.username == "county_a_legal"
    shoot("progress-county-confirmed")


@pytest.mark.browser
def test_city_reads_the_month_so_far_on_a_tablet(live_server, transactional_db, executed, page, viewport, shoot):  # noqa: F811
    """GIVEN 20 July 2026 and county A's plan under way WHEN the city legal section opens 本月至今
    THEN July so far is shown as not final, county A ranked, the units with nothing planned listed apart."""
    from django.core.cache import cache

    cache.clear()
    log_in(page, live_server, "city_legal", "/supervision/progress/")
    page.click("#link-so-far")
    page.wait_for_url(re.compile(r"/supervision/progress/\?month=2026-07$"))
    banner = page.locator("#so-far")
    assert banner.is_visible() and "本月至今，截至7月20日，非正式报表" in banner.inner_text()
    ranked = page.locator("#rollup-table tbody tr")
    assert ranked.count() == 1 and "东城区应急管理局" in ranked.first.inner_text()
    assert ranked.first.locator("td.rank").inner_text() == "1"
    apart = page.locator("#unranked-table tbody tr")
    assert apart.count() >= 2 and page.locator("#unranked").is_visible()
    assert "西山县应急管理局" in page.locator("#unranked-table").inner_text()
    assert "本月无计划检查任务的单位" in page.locator("#h-unranked").inner_text()
    assert page.locator("#btn-confirm").count() == 0 and page.locator("#link-export").count() == 0
    assert_no_page_overflow(page)
    shoot("progress-city-so-far")
