"""A penalty case through its action panels in Chromium: an officer on a 10-inch tablet takes it from 立案 to 告知
(the leader approving on a tablet in between), the legal reviewer approves the review at a desk, and the officer
issues the decision after the party's recorded waiver. The case page is shot at tablet size, both ways round."""

import datetime
import re
from pathlib import Path

import pytest

from cases.penalties.models import PenaltyCase
from tests.browser.conftest import CHROMIUM_ARGS  # noqa: F401  (the same browser the other tests launch)
from tests.conftest import build_world
from tests.dates import today
from tests.penalties.factories import penalty_people
from tests.penalties.step_data import step_data

PASSWORD = "pass-1234-word"
# A 10-inch tablet (1280×800) both ways round, and a desktop.
TABLET_LANDSCAPE = {"width": 1280, "height": 800}
TABLET_PORTRAIT = {"width": 800, "height": 1280}
DESKTOP = {"width": 1600, "height": 1000}
SHOTS = Path("/work/shots")


@pytest.fixture
def browser_of(chromium, settings):
    """``browser_of(viewport)``: a fresh page in its own context (one per persona, as on separate devices)."""
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    contexts = []

    def open_page(viewport):
        context = chromium.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page, live_server, username, next_url):
    page.goto(f"{live_server.url}/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.login__form button[type=submit]")
    page.wait_for_url(re.compile(re.escape(next_url) + "(#.*)?$"))


def assert_no_page_overflow(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the viewport"


def fill(form, values):
    """Fill a form's fields by name, whatever their widget (text, date, datetime-local, select, checkboxes)."""
    for name, value in values.items():
        field = form.locator(f'[name="{name}"]')
        if field.count() == 0:
            continue
        first = field.first
        tag = first.evaluate("e => e.tagName.toLowerCase()")
        kind = first.get_attribute("type") or ""
        if isinstance(value, list | tuple):
            for item in value:
                form.locator(f'[name="{name}"][value="{item}"]').check()
        elif kind == "checkbox":
            first.check() if value else first.uncheck()
        elif kind == "radio":
            form.locator(f'[name="{name}"][value="{value}"]').check()
        elif tag == "select":
            first.select_option(str(value))
        elif kind == "datetime-local":
            first.fill(str(value)[:16])
        else:
            first.fill(str(value))


def act(page, key, values, kind="", person=None, on=None, expect="已", shot=""):
    """Open action ``key`` of the panel, fill it (and its step form), confirm, and check the success message;
    ``shot`` names a screenshot of the filled form."""
    box = page.locator(f"#action-{key}")
    assert box.count() == 1, f"action {key} is not offered on {page.url}"
    if box.get_attribute("open") is None:
        summary = box.locator("summary")
        box_height = summary.bounding_box()["height"]
        assert box_height >= 44, f"the {key} button is only {box_height}px high"
        summary.click()
    form = box.locator("form")
    fill(form, {f"{key}-{name}": value for name, value in values.items()})
    if kind:
        fill(form, {f"data-{name}": value for name, value in step_data(kind, on=on, person=person).items()})
    if shot:
        assert_no_page_overflow(page)
        SHOTS.mkdir(parents=True, exist_ok=True)
        form.screenshot(path=str(SHOTS / f"{shot}.png"))
    with page.expect_navigation():
        form.locator(f'[data-submit="{key}"]').click()
    message = page.locator(".messages")
    assert message.count() and expect in message.inner_text(), page.locator("main").inner_text()[:1500]


def state_of(case):
    return PenaltyCase.objects.get(pk=case.pk).state


@pytest.mark.browser
def test_officer_leader_and_reviewer_take_a_case_to_its_decision(live_server, transactional_db, browser_of):
    world = build_world()
    people = penalty_people(world)
    officer, officer2 = people.county_a_officer, people.county_a_officer2
    enterprise = world.ent.a_general
    yesterday = today() - datetime.timedelta(days=1)
    day = yesterday.isoformat()

    # --- the officer, on a tablet held upright, registers the case from the enterprise ------------------------
    tablet = browser_of(TABLET_PORTRAIT)
    sign_in(tablet, live_server, "county_a_officer", "/cases/penalties/")
    assert tablet.locator('[data-nav="penalties"]').get_attribute("aria-current") == "page"
    tablet.goto(f"{live_server.url}/cases/penalties/new/?enterprise={enterprise.pk}")
    assert tablet.input_value("#id_enterprise") == enterprise.credit_code
    tablet.fill("#id_cause", "未按规定对从业人员进行安全生产教育和培训案")
    tablet.select_option("#id_source", "inspection")
    tablet.fill("#id_facts", "检查发现3名新入职员工未经安全生产教育和培训上岗作业。")
    tablet.check(f'input[name="officers"][value="{officer2.pk}"]')
    assert_no_page_overflow(tablet)
    tablet.click("#btn-open-case")
    tablet.wait_for_url(re.compile(r"/cases/penalties/\d+/$"))
    case = PenaltyCase.objects.get()
    assert state_of(case) == "filing" and case.parties.get().name == enterprise.name
    party = case.parties.get()
    case_url = f"/cases/penalties/{case.pk}/"
    # The officer cannot approve their own filing: that is the leader's.
    assert tablet.locator("#action-approve_filing").count() == 0

    # --- the leader approves the filing on their tablet ------------------------------------------------------
    leader = browser_of(TABLET_LANDSCAPE)
    sign_in(leader, live_server, "county_a_leader", case_url)
    act(leader, "approve_filing", {"approved": "yes", "opinion": "同意立案", "filed_on": day})
    assert state_of(case) == "investigating"

    # --- the officer investigates, ends the investigation and proposes the penalty ----------------------------
    tablet.goto(f"{live_server.url}{case_url}")
    assert re.search("调查取证", tablet.locator("#case-state").inner_text())
    team = {"occurred_on": day, "officers": [str(officer.pk), str(officer2.pk)], "party": str(party.pk)}
    act(
        tablet,
        "step_interview",
        team,
        kind="interview",
        person=officer,
        on=yesterday,
        shot="penalty-interview-portrait",
    )
    violation = {
        "party": str(party.pk),
        "facts": "该单位3名新入职员工未经安全生产教育和培训即上岗作业。",
        "article_breached": "《安全生产法》第二十八条第一款",
        "article_punishing": "《安全生产法》第九十七条第（三）项",
    }
    act(tablet, "add_violation", violation)
    act(tablet, "end_investigation", {"occurred_on": day}, kind="report", person=officer, on=yesterday)
    act(tablet, "propose_penalty", {"party": str(party.pk), "kinds": ["fine"], "fine": "30000", "text": "罚款叁万元"})
    act(tablet, "submit_handling", {}, kind="handling", person=officer, on=yesterday)
    assert state_of(case) == "handling"

    leader.goto(f"{live_server.url}{case_url}")
    act(leader, "approve_handling", {"approved": "yes", "opinion": "同意"})
    assert state_of(case) == "reviewing"

    # --- the legal reviewer, at a desk, approves the review --------------------------------------------------
    desk = browser_of(DESKTOP)
    sign_in(desk, live_server, "county_a_reviewer", "/")
    queue = desk.locator('[data-todo="penalties.review_queue"]')
    assert case.cause in queue.inner_text()
    with desk.expect_navigation():
        queue.get_by_role("link", name="审核", exact=True).first.click()
    assert desk.url.endswith(f"{case_url}#actions"), desk.url
    review = {"passed": "yes", "opinion": "事实清楚，证据确凿，适用法律正确，程序合法，同意拟处罚意见。"}
    act(desk, "record_review", review, kind="review", person=people.county_a_reviewer, on=today())
    assert state_of(case) == "notifying"
    assert desk.locator("#action-record_review").count() == 0

    # --- the officer issues the notice (告知), serves it, records the waiver and decides ----------------------
    tablet.goto(f"{live_server.url}{case_url}")
    act(tablet, "issue_notices", {})
    assert state_of(case) == "notified"
    party.refresh_from_db()
    delivery = {
        "party": str(party.pk),
        "document": str(party.notice_id),
        "method": "direct",
        "served_on": today().isoformat(),
        "place": "东城机械厂办公室",
        "recipient": "张三",
        "server_names": "执法人员甲、执法人员乙",
    }
    act(tablet, "record_delivery", delivery)
    decision = {"party": str(party.pk), "kinds": ["fine"], "fine": "30000", "text": "罚款人民币叁万元整"}
    # Before the party answers, the decision is refused with the article, and what was typed stays.
    box = tablet.locator("#action-decide")
    box.locator("summary").click()
    fill(box.locator("form"), {f"decide-{k}": v for k, v in decision.items()})
    with tablet.expect_navigation():
        box.locator('[data-submit="decide"]').click()
    errors = tablet.locator("#errors-decide")
    assert errors.is_visible() and re.search(r"第\s*\d+\s*条", errors.inner_text())
    assert tablet.input_value("#id_decide-text") == "罚款人民币叁万元整"
    act(tablet, "record_waiver", {"party": str(party.pk), "statement": True, "hearing": True})
    act(tablet, "decide", decision)
    assert state_of(case) == "decided"
    party.refresh_from_db()
    assert party.decision_id is not None

    # --- the list and the case page at tablet size, both ways round ------------------------------------------
    SHOTS.mkdir(parents=True, exist_ok=True)
    tablet.goto(f"{live_server.url}/cases/penalties/")
    assert case.cause in tablet.locator("#case-table").inner_text()
    assert_no_page_overflow(tablet)
    tablet.screenshot(path=str(SHOTS / "penalty-list-portrait.png"), full_page=True)
    for name, viewport in (("portrait", TABLET_PORTRAIT), ("landscape", TABLET_LANDSCAPE)):
        tablet.set_viewport_size(viewport)
        tablet.goto(f"{live_server.url}{case_url}")
        assert tablet.locator('#procedure-graph [data-state="decided"]').get_attribute("data-status") == "current"
        assert tablet.locator('#procedure-graph [data-state="reviewing"]').get_attribute("data-status") == "passed"
        assert_no_page_overflow(tablet)
        tablet.screenshot(path=str(SHOTS / f"penalty-case-{name}.png"), full_page=True)
