"""Guidance (执法指导) on a 10-inch tablet, both ways round: the city records a visit and issues the letter,
the county reads it, then the ledger."""

import datetime
import re

import pytest
from django.utils import timezone

from supervision.guidance import services
from supervision.models import GuidanceLetter
from tests.browser.test_monthly_progress import PASSWORD, assert_no_page_overflow
from tests.planning import planning  # noqa: F401 - fixture used by `guidance`
from tests.supervision.test_guidance import guidance, make_visit  # noqa: F401 - fixture


def log_in(page, live_server, username, next_url):
    page.goto(f"{live_server.url}/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.login__form button[type=submit]")
    page.wait_for_url(re.compile(re.escape(next_url) + "$"))


def log_out(page):
    page.context.clear_cookies()


def assert_fits(page):
    """Nothing may push the page sideways on a tablet (the brief's measure: scrollWidth against innerWidth)."""
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"page is {widths[0] - widths[1]}px wider than the window"
    assert_no_page_overflow(page)


def assert_nav_fits(page):
    """Every main-navigation link, the active one included, is on screen (wrapped, not scrolled away)."""
    width = page.evaluate("window.innerWidth")
    links = page.locator(".site-nav a")
    assert links.count() >= 7  # an officer's seven entries (tests/web/test_navigation.py), the city's nine
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, links.nth(i).inner_text()
    active = page.locator(".site-nav a.is-active")
    assert active.inner_text() == "执法指导" and active.is_visible()


@pytest.mark.browser
def test_guidance_from_visit_to_ledger_on_a_tablet(
    live_server,
    transactional_db,
    world,
    guidance,  # noqa: F811 - the imported fixture
    page,
    viewport,
    shoot,
):
    year = timezone.localdate().year
    services.add_schedule_entry(guidance.city, world.orgs.county_a, year, 3, "重点检查危化品企业执法情况")
    services.add_schedule_entry(guidance.city, world.orgs.county_b, year, 12)
    visit = make_visit(world, guidance)
    # All items but "training" already recorded; the user records the last one in the browser.
    for check in visit.checks.exclude(item="training"):
        conforms = check.item != "archiving"
        services.record_check(guidance.city, check.pk, "" if conforms else "部分案卷未按规定归档", conforms)
    training = visit.checks.get(item="training")

    # --- City: the schedule -------------------------------------------------------------------------
    log_in(page, live_server, "city_legal", "/supervision/guidance/schedule/")
    assert page.locator("#schedule-table tbody tr").count() == 2
    assert "东城区应急管理局" in page.locator("#schedule-table").inner_text()
    assert "12月" in page.locator("#schedule-warnings").inner_text()
    assert page.locator("#schedule-form").is_visible()
    assert page.locator("#tab-schedule").get_attribute("aria-current") == "page"
    assert_fits(page)
    assert_nav_fits(page)
    shoot("guidance-schedule")

    # --- City: the visit, one checklist finding ---------------------------------------------------
    page.click("#tab-visits")
    page.wait_for_url(re.compile(r"/supervision/guidance/visits/$"))
    assert_fits(page)
    shoot("guidance-visits")
    page.click(f"#visit-table a[href='/supervision/guidance/visits/{visit.pk}/']")
    page.wait_for_url(re.compile(rf"/supervision/guidance/visits/{visit.pk}/$"))
    assert page.locator("#visit-title").inner_text() == "东城区应急管理局执法指导"
    assert page.locator("#check-tally").inner_text() == "不符合 1 项 · 未填写 1 项"
    assert_fits(page)
    shoot("guidance-visit")

    card = page.locator(f"#check-{training.pk}")
    card.locator(".seg__btn--no").click()
    card.locator("textarea").fill("新任执法人员未参加岗前培训")
    page.click("#btn-save-checklist")
    # Back at the item last changed.
    page.wait_for_url(re.compile(rf"/supervision/guidance/visits/{visit.pk}/#check-{training.pk}$"))
    assert "已保存" in page.locator(".messages").inner_text()
    assert page.locator("#check-tally").inner_text() == "不符合 2 项 · 未填写 0 项"
    page.click("#btn-complete")
    page.wait_for_url(re.compile(rf"/supervision/guidance/visits/{visit.pk}/$"))
    assert page.locator("#visit-status").inner_text() == "已完成"
    assert_fits(page)
    shoot("guidance-visit-completed")

    # --- City: issue the letter ---------------------------------------------------------------------
    page.click("#link-issue")
    page.wait_for_url(re.compile(rf"/supervision/guidance/visits/{visit.pk}/letter/$"))
    problems = page.locator("textarea[name=problem]")
    assert "新任执法人员未参加岗前培训" in problems.nth(0).input_value() + problems.nth(1).input_value()
    page.fill("#id_contact_phone", "0395-1234567")
    assert_fits(page)
    shoot("guidance-letter-issue")
    # Without a broker the PDF is rendered inside this request (eager Celery): give WeasyPrint time.
    with page.expect_navigation(url=re.compile(r"/supervision/guidance/letters/\d+/$"), timeout=90_000):
        page.click("#btn-issue")
    letter = GuidanceLetter.objects.select_related("document").get(visit=visit)
    number = letter.document.number
    assert number.startswith("（川）")
    assert page.locator("#letter-number").inner_text() == number
    assert_fits(page)
    shoot("guidance-letter-city")

    # --- County: reads the letter -------------------------------------------------------------------
    log_out(page)
    letter_url = f"/supervision/guidance/letters/{letter.pk}/"
    log_in(page, live_server, "county_a_officer", letter_url)
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    assert page.locator("#letter-number").inner_text() == number
    assert page.locator("#letter-number").is_visible()
    assert "东城区应急管理局" in page.locator(".facts").inner_text()
    assert page.locator("#letter-deadline").inner_text() == f"{deadline.year}年{deadline.month}月{deadline.day}日"
    assert "新任执法人员未参加岗前培训" in page.locator("#letter-findings").inner_text()
    assert page.locator("#report-form").is_visible()
    assert_fits(page)
    assert_nav_fits(page)
    shoot("guidance-letter-county")

    # --- County: the ledger -------------------------------------------------------------------------
    page.goto(f"{live_server.url}/supervision/guidance/ledger/")
    ledger = page.locator("#ledger-table").inner_text()
    assert "东城区应急管理局" in ledger
    assert number in page.locator("#letter-table").inner_text()
    assert_fits(page)
    shoot("guidance-ledger-county")

    # --- City: the ledger, both counties ------------------------------------------------------------
    log_out(page)
    log_in(page, live_server, "city_legal", "/supervision/guidance/ledger/")
    assert page.locator("#ledger-table tbody tr").count() == 2
    assert "西山县应急管理局" in page.locator("#ledger-table").inner_text()
    assert_fits(page)
    shoot("guidance-ledger-city")


def checked_value(page, check):
    return page.evaluate(
        "name => { const r = document.querySelector(`input[name='${name}']:checked`); return r && r.value; }",
        f"c{check.pk}-conforms",
    )


@pytest.mark.browser
def test_the_checklist_keeps_every_tick_through_a_save(
    live_server,
    transactional_db,
    world,
    guidance,  # noqa: F811 - the imported fixture
    page,
    shoot,
):
    """GIVEN the city on a visit's checklist (tablet) WHEN four items are ticked, two of them “不符合” with
    a finding, and saved once THEN after a reload all four are there. WHEN then one item is marked “不符合”
    without a finding among other changes THEN nothing typed is lost, the refusal stands by that item, and
    leaving the page with unsaved changes asks first."""
    visit = make_visit(world, guidance)
    check = {c.item: c for c in visit.checks.all()}
    url = f"/supervision/guidance/visits/{visit.pk}/"
    log_in(page, live_server, "city_legal", url)
    assert page.evaluate("window.enforcementUnsavedForms().length") == 0

    def tick(item, value, finding=None):
        card = page.locator(f"#check-{check[item].pk}")
        card.locator(f".seg__btn--{value}").click()
        if finding is not None:
            card.locator("textarea").fill(finding)

    tick("training", "no", "新任执法人员未参加岗前培训")
    tick("archiving", "no", "部分案卷未按规定归档")
    tick("typical_cases", "yes")
    tick("onsite", "yes")
    assert page.evaluate("window.enforcementUnsavedForms().length") == 1
    page.click("#btn-save-checklist")
    page.wait_for_url(re.compile(re.escape(url) + "#check-\\d+$"))
    page.reload()
    for item, value in (("training", "no"), ("archiving", "no"), ("typical_cases", "yes"), ("onsite", "yes")):
        assert checked_value(page, check[item]) == value, item
    assert page.locator(f"#check-{check['archiving'].pk} textarea").input_value() == "部分案卷未按规定归档"
    assert page.locator("#check-tally").inner_text() == "不符合 2 项 · 未填写 8 项"
    assert_fits(page)
    shoot("guidance-checklist-saved")

    # One refused item: everything typed comes back, the message stands by that item.
    tick("staffing", "no")
    tick("procedure", "yes")
    tick("document_use", "no", "文书制作不规范")
    page.click("#btn-save-checklist")
    page.wait_for_selector("#checklist-refused")
    staffing = page.locator(f"#check-{check['staffing'].pk}")
    assert "不符合时须写明发现的问题。" in staffing.inner_text()
    assert "不符合时须写明发现的问题。" not in page.locator(f"#check-{check['procedure'].pk}").inner_text()
    assert checked_value(page, check["staffing"]) == "no"
    assert checked_value(page, check["procedure"]) == "yes"
    assert page.locator(f"#check-{check['document_use'].pk} textarea").input_value() == "文书制作不规范"
    assert checked_value(page, check["training"]) == "no"  # saved before, still shown
    assert_fits(page)
    shoot("guidance-checklist-refused")

    # A refused form holds unsaved changes: leaving asks first, and staying keeps everything.
    dialogs = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.locator(".site-nav a", has_text="首页").click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith(url)
    assert page.locator(f"#check-{check['document_use'].pk} textarea").input_value() == "文书制作不规范"
    # Submitting another form of the page (the spot check) would drop the checklist too: it asks as well.
    page.locator("#spot-form button[type=submit]").click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload", "beforeunload"]
    assert page.locator(f"#check-{check['document_use'].pk} textarea").input_value() == "文书制作不规范"
    page.remove_listener("dialog", stay)

    # With the finding added, one save stores the lot.
    staffing.locator("textarea").fill("执法人员配备不足")
    page.click("#btn-save-checklist")
    page.wait_for_url(re.compile(re.escape(url) + "#check-\\d+$"))
    saved = {c.item: (c.conforms, c.finding) for c in visit.checks.all()}
    assert saved["staffing"] == (False, "执法人员配备不足") and saved["procedure"] == (True, "")
    assert saved["document_use"] == (False, "文书制作不规范") and saved["training"][0] is False
