"""The holiday calendar's admin: a city administrator enters 2027 and confirms it; mistakes get a clear Chinese
message; a county administrator only looks."""

import datetime

import pytest

from enforcement.audit.models import AuditEvent
from enforcement.workdays.deadlines import Unit, compute_due
from enforcement.workdays.models import CalendarDay, CalendarYear

DAYS = "/admin/workdays/calendarday/"
YEARS = "/admin/workdays/calendaryear/"


def error_text(response):
    assert response.status_code == 200, response.status_code  # the form shown again, with its errors
    return " ".join(str(error) for error in response.context["adminform"].form.errors.values())


def test_city_admin_enters_2027_and_confirms_it(world, admin_as, city_admin):
    """GIVEN no 2027 arrangement WHEN the city administrator enters 元旦 2027 and confirms the year (with the notice)
    THEN the rows carry who entered and confirmed them, the audit log has them, and deadlines no longer warn."""
    client = admin_as(city_admin)
    response = client.post(f"{DAYS}add/", {"date": "2027-01-01", "kind": "holiday", "name": "元旦"})
    assert response.status_code == 302, response.content.decode()[:1500]
    day = CalendarDay.objects.get(date=datetime.date(2027, 1, 1))
    assert (day.source, day.created_by) == ("admin", city_admin)
    assert compute_due(datetime.date(2026, 12, 25), 5, Unit.WORKING_DAYS).missing_years == (2027,)

    response = client.post(
        f"{YEARS}add/", {"year": "2027", "complete": "on", "notice": "国办发明电〔2026〕9号（测试）"}
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    year = CalendarYear.objects.get(year=2027)
    assert year.confirmed_by == city_admin and year.confirmed_at is not None
    result = compute_due(datetime.date(2026, 12, 25), 5, Unit.WORKING_DAYS)
    assert (result.at, result.warning) == (datetime.date(2027, 1, 4), "")
    events = AuditEvent.objects.filter(actor=city_admin, action=AuditEvent.Action.CREATE)
    assert {event.target_repr for event in events} == {str(day), str(year)}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "2026-10-01", "kind": "holiday", "name": "国庆节"}, "该日期已录入"),
        ({"date": "2027-01-05", "kind": "workday", "name": "春节"}, "本来就是工作日，不能标为“调休上班日”"),
        ({"date": "2027-01-02", "kind": "holiday", "name": "元旦"}, "本来就是休息日，无需录入"),
    ],
    ids=["duplicate", "weekday-as-workday", "weekend-as-holiday"],
)
def test_wrong_days_are_refused_with_a_chinese_message(world, admin_as, city_admin, data, message):
    before = CalendarDay.objects.count()
    assert message in error_text(admin_as(city_admin).post(f"{DAYS}add/", data))
    assert CalendarDay.objects.count() == before


def test_a_year_is_confirmed_only_with_its_notice_and_some_days(world, admin_as, city_admin):
    client = admin_as(city_admin)
    assert "请填写依据文件" in error_text(client.post(f"{YEARS}add/", {"year": "2027", "complete": "on"}))
    no_days = client.post(f"{YEARS}add/", {"year": "2027", "complete": "on", "notice": "国办发明电〔2026〕9号"})
    assert "2027年尚未录入任何节假日" in error_text(no_days)
    assert "该年份已有记录" in error_text(client.post(f"{YEARS}add/", {"year": "2026"}))
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_county_admin_looks_but_cannot_change_the_calendar(world, admin_as, county_a_admin):
    client = admin_as(county_a_admin)
    assert client.get(DAYS).status_code == 200
    assert client.get(f"{DAYS}add/").status_code == 403
    assert client.post(f"{DAYS}add/", {"date": "2027-01-01", "kind": "holiday"}).status_code == 403
    national_day = CalendarDay.objects.get(date=datetime.date(2026, 10, 1))
    assert client.post(f"{DAYS}{national_day.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"{YEARS}add/", {"year": "2027", "complete": "on"}).status_code == 403
    assert CalendarDay.objects.filter(pk=national_day.pk).exists()
    assert not CalendarDay.objects.filter(date=datetime.date(2027, 1, 1)).exists()


def test_an_officer_without_staff_status_is_sent_to_log_in(world, client):
    client.force_login(world.people.county_a_officer)
    response = client.get(DAYS)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
