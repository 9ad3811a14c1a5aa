"""Carrying out the guidance schedule (R-40): late visits credit their slot, past slots are overdue, and the
banner, the page and the API tell the same truth (issue 8 item 1)."""

import datetime
from types import SimpleNamespace

import pytest

from supervision.guidance import services
from supervision.guidance.queries import schedule_entry_for, schedule_year
from supervision.guidance.rules import SlotStatus, credit_visits
from tests.factories import UserFactory
from tests.supervision.conftest import shanghai

D = datetime.date
URL = "/supervision/guidance/schedule/"
API = "/api/guidance-schedule/"


@pytest.fixture
def city(clock, world):
    """The city legal section and a colleague (a team of two); the clock on 20 July 2026."""
    colleague = UserFactory(username="city_legal2", organisation=world.orgs.city, roles=["legal"])
    legal = world.people.city_legal
    return SimpleNamespace(
        legal=legal,
        team=[legal, colleague],
        a=world.orgs.county_a,
        b=world.orgs.county_b,
        schedule=lambda county, month: services.add_schedule_entry(legal, county, 2026, month),
        visit=lambda county, day: services.create_visit(legal, county, day, [legal, colleague]),
    )


def statuses(user, year=2026):
    return {
        (e.county.short_name, e.planned_month): (status, visit) for e, status, visit in schedule_year(user, year).rows
    }


def page(client, user, year=2026):
    client.force_login(user)
    return client.get(URL, {"year": year}).content.decode()


def test_a_visit_later_than_its_month_credits_its_slot(city):
    """GIVEN county A scheduled in March and visited on 10 May
    WHEN the schedule is read in July THEN March is carried out (late), not left open."""
    city.schedule(city.a, 3)
    city.visit(city.a, D(2026, 5, 10))
    status, visit = statuses(city.legal)[("东", 3)]
    assert status == SlotStatus.DONE and visit.visit_date == D(2026, 5, 10)


def test_past_slots_without_a_visit_are_overdue_and_the_banner_says_so(city, client):
    """GIVEN A scheduled in March (visited in May) and B in April, never visited
    WHEN the city reads the schedule in July THEN B's slot is 逾期未指导 and the banner says so; it never
    says the schedule is fine."""
    city.schedule(city.a, 3)
    city.schedule(city.b, 4)
    city.visit(city.a, D(2026, 5, 10))
    assert statuses(city.legal)[("西", 4)] == (SlotStatus.OVERDUE, None)
    html = page(client, city.legal)
    assert "西山县应急管理局安排在4月，逾期未指导。" in html
    assert 'data-status="overdue"' in html and "逾期未指导" in html
    assert "5月10日（晚于计划月份）" in html
    assert 'id="schedule-ok"' not in html and "安排符合要求" not in html


def test_a_slot_of_the_current_month_is_not_overdue_yet(city):
    """GIVEN B scheduled in July with a visit fixed for 25 July, and in August with none
    WHEN read on 20 July THEN both are open: neither done (a visit to come is not made) nor overdue."""
    city.schedule(city.b, 7)
    city.visit(city.b, D(2026, 7, 25))
    status, visit = statuses(city.legal)[("西", 7)]
    assert status == SlotStatus.PENDING and visit.visit_date == D(2026, 7, 25)
    city.schedule(city.b, 8)
    assert statuses(city.legal)[("西", 8)] == (SlotStatus.PENDING, None)


def test_a_late_visit_planned_but_not_yet_made_stays_overdue(city, clock):
    """GIVEN B scheduled in June and a visit fixed for 5 August WHEN read on 1 August
    THEN June is overdue, and the warning names the date fixed."""
    city.schedule(city.b, 6)
    city.visit(city.b, D(2026, 8, 5))
    clock.move_to(shanghai(2026, 8, 1))
    assert statuses(city.legal)[("西", 6)][0] == SlotStatus.OVERDUE
    warnings = schedule_year(city.legal, 2026).progress_warnings
    assert "西山县应急管理局安排在6月，逾期未指导。已定于8月5日指导。" in warnings


def test_the_banner_warns_of_counties_not_visited_near_the_end_of_november(city, client, clock):
    """GIVEN A visited in March and B scheduled in November, not yet visited
    WHEN the city reads the schedule on 10 November THEN B is named, with the days left; on 2 December B is
    named as missed; in neither case does the page say the schedule is fine."""
    city.schedule(city.a, 3)
    city.schedule(city.b, 11)
    city.visit(city.a, D(2026, 3, 18))
    clock.move_to(shanghai(2026, 6, 10))
    html = page(client, city.legal)
    assert 'id="schedule-ok"' in html and "已指导 1 / 2 个县区" in html  # on schedule in June
    clock.move_to(shanghai(2026, 11, 10))
    html = page(client, city.legal)
    assert "西山县应急管理局本年度尚未接受执法指导，距11月底完成期限还有20天。" in html
    assert 'id="schedule-ok"' not in html
    clock.move_to(shanghai(2026, 12, 2))
    html = page(client, city.legal)
    assert "西山县应急管理局安排在11月，逾期未指导。" in html
    assert 'id="schedule-ok"' not in html


def test_a_county_never_scheduled_nor_visited_is_named_after_november(city, clock):
    """GIVEN only A scheduled and visited WHEN read on 2 December THEN B is named as missed."""
    city.schedule(city.a, 3)
    city.visit(city.a, D(2026, 3, 18))
    clock.move_to(shanghai(2026, 12, 2))
    overview = schedule_year(city.legal, 2026)
    assert "西山县应急管理局本年度未接受执法指导，已超过11月底的完成期限。" in overview.progress_warnings
    assert overview.counties_visited == 1


def test_the_crediting_rule():
    """Each visit credits one slot of its county and year: the earliest open one planned in or before its
    month, else the earliest planned after it (a visit made early); a visit with nothing left credits
    nothing."""

    def entry(pk, county, month):
        return SimpleNamespace(pk=pk, county_id=county, year=2026, planned_month=month)

    def visit(pk, county, month, day=10, year=2026):
        return SimpleNamespace(pk=pk, county_id=county, visit_date=D(year, month, day))

    entries = [entry(1, 1, 3), entry(2, 1, 6), entry(3, 2, 9)]
    # One late visit for two past slots: the earlier slot is the one carried out.
    assert credit_visits(entries, [visit(10, 1, 7)]) == {1: visit(10, 1, 7)}
    # Two visits: April for March, July for June; county 2 visited early (May) for September.
    credited = credit_visits(entries, [visit(11, 1, 7), visit(10, 1, 4), visit(12, 2, 5)])
    assert {pk: v.pk for pk, v in credited.items()} == {1: 10, 2: 11, 3: 12}
    # Early, twice: February for March, then March for June.
    credited = credit_visits(entries, [visit(10, 1, 2), visit(11, 1, 3)])
    assert {pk: v.pk for pk, v in credited.items()} == {1: 10, 2: 11}
    # Another year's visit and a third visit credit nothing.
    credited = credit_visits(entries, [visit(10, 1, 3, year=2025), visit(11, 1, 3), visit(12, 1, 6), visit(13, 1, 8)])
    assert {pk: v.pk for pk, v in credited.items()} == {1: 11, 2: 12}


def test_a_new_visit_is_linked_to_the_slot_it_carries_out(city):
    """GIVEN A scheduled in March and September, visited in April (for March)
    WHEN a visit is made in October THEN it carries out September, not March again."""
    march = city.schedule(city.a, 3)
    september = city.schedule(city.a, 9)
    assert schedule_entry_for(city.legal, city.a, D(2026, 4, 2)) == march
    first = city.visit(city.a, D(2026, 4, 2))
    first.schedule = march
    first.save()
    assert schedule_entry_for(city.legal, city.a, D(2026, 10, 9)) == september


def test_the_api_tells_what_the_page_tells(city, client):
    """GIVEN A scheduled in March and visited in May, B in April never visited
    WHEN the schedule and its warnings are read over the API THEN each entry's status and the warnings are
    those of the page."""
    city.schedule(city.a, 3)
    city.schedule(city.b, 4)
    visit = city.visit(city.a, D(2026, 5, 10))
    client.force_login(city.legal)
    rows = client.get(API, {"year": 2026}).json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    by_county = {row["county_name"]: row for row in rows}
    a, b = by_county["东城区应急管理局"], by_county["西山县应急管理局"]
    assert (a["status"], a["visited"], a["visit"], a["visit_date"]) == ("done", True, visit.pk, "2026-05-10")
    assert (b["status"], b["status_label"], b["visited"], b["visit"]) == ("overdue", "逾期未指导", False, None)
    body = client.get(f"{API}warnings/", {"year": 2026}).json()
    overview = schedule_year(city.legal, 2026)
    assert body["progress_warnings"] == overview.progress_warnings == ["西山县应急管理局安排在4月，逾期未指导。"]
    assert body["warnings"] == overview.plan_warnings + overview.progress_warnings
    assert (body["counties"], body["counties_visited"], body["overdue"]) == (2, 1, 1)
    html = page(client, city.legal)
    for warning in body["warnings"]:
        assert warning in html
    detail = client.get(f"{API}{a['id']}/").json()
    assert detail["status"] == "done" and detail["visit"] == visit.pk


def test_a_county_sees_its_own_slots_status(city, client, world):
    """GIVEN B's April slot overdue WHEN county B reads the schedule THEN it sees the slot as overdue, and
    nothing of county A."""
    city.schedule(city.a, 3)
    city.schedule(city.b, 4)
    html = page(client, world.people.county_b_officer)
    assert 'data-status="overdue"' in html and "东城区应急管理局" not in html
