"""检查起止时间 and the feedback meeting (反馈会, R-11 三位一体): form, detail page, API and record context."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.inspections import services
from cases.inspections.documents import inspection_record_context
from cases.models import Inspection

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NEW = reverse("cases:inspection_create")


def minute(delta_minutes=0):
    return timezone.localtime().replace(second=0, microsecond=0) + datetime.timedelta(minutes=delta_minutes)


def record(world, **values):
    people = world.people
    values.setdefault("inspected_on", timezone.localdate(values.get("started_at") or timezone.now()))
    return services.record_inspection(
        people.county_a_officer,
        officers=[people.county_a_officer, people.county_a_officer2],
        enterprise_id=world.ent.a_general.pk,
        **values,
    )


@pytest.fixture
def morning(time_machine):
    """An inspection day: 10:30 in Shanghai, whatever day the tests run."""
    day = timezone.localdate()
    time_machine.move_to(datetime.datetime(day.year, day.month, day.day, 10, 30, tzinfo=SHANGHAI), tick=False)
    return datetime.datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)


def test_start_end_and_feedback_are_recorded_and_checked(world, morning):
    at = morning.replace
    inspection = record(
        world,
        started_at=at(hour=8, minute=30),
        ended_at=at(hour=10, minute=15),
        feedback_meeting_held=True,
        feedback_meeting_at=at(hour=10),
        feedback_attendees="张三（总经理）、李四（安全科长）",
        feedback_content="指出三项隐患，要求限期整改。",
    )
    inspection.refresh_from_db()
    assert (inspection.started_at, inspection.ended_at) == (at(hour=8, minute=30), at(hour=10, minute=15))
    assert inspection.feedback_meeting_at == at(hour=10)

    def refused(**values):
        with pytest.raises(ValidationError) as exc:
            record(world, **values)
        return exc.value.message_dict

    assert refused(started_at=at(hour=9), ended_at=at(hour=8, minute=59)) == {
        "ended_at": ["检查结束时间不能早于开始时间。"]
    }
    assert refused(started_at=at(hour=9), ended_at=at(hour=11)) == {"ended_at": ["检查结束时间不能晚于当前时间。"]}
    assert refused(started_at=at(hour=10, minute=31)) == {"started_at": ["检查开始时间不能晚于当前时间。"]}
    yesterday = at(hour=9) - datetime.timedelta(days=1)
    assert refused(started_at=yesterday, inspected_on=morning.date()) == {
        "started_at": ["检查开始时间须在检查日期当天。"]
    }
    assert (
        "反馈会在现场检查中召开"
        in refused(started_at=at(hour=9), feedback_meeting_held=True, feedback_meeting_at=at(hour=8))[
            "feedback_meeting_at"
        ][0]
    )
    assert (
        "请勾选“已召开反馈会”"
        in refused(started_at=at(hour=9), feedback_content="口头反馈")["feedback_meeting_held"][0]
    )
    assert Inspection.objects.count() == 1


def test_form_detail_and_record_context_show_times_and_feedback(world, as_, morning):
    client = as_(world.people.county_a_officer)
    url = f"{NEW}?enterprise={world.ent.a_general.pk}"
    body = client.get(url).content.decode()
    now = morning.replace(hour=10, minute=30).strftime("%Y-%m-%dT%H:%M")
    # Prefilled with now; nothing later can be picked.
    assert f'type="datetime-local" name="started_at" value="{now}"' in body and f'max="{now}"' in body
    people = world.people
    response = client.post(
        url,
        {
            "started_at": morning.replace(hour=8, minute=30).strftime("%Y-%m-%dT%H:%M"),
            "ended_at": morning.replace(hour=10, minute=5).strftime("%Y-%m-%dT%H:%M"),
            "officers": [people.county_a_officer.pk, people.county_a_officer2.pk],
            "launch_meeting_held": "on",
            "feedback_meeting_held": "on",
            "feedback_meeting_at": morning.replace(hour=9, minute=50).strftime("%Y-%m-%dT%H:%M"),
            "feedback_attendees": "张三（总经理）",
            "feedback_content": "要求三日内清理消防通道。",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    inspection = Inspection.objects.get()
    assert inspection.inspected_on == morning.date()
    body = client.get(response["Location"]).content.decode()
    day = morning.date().isoformat()
    assert f"{day} 08:30 至 10:05" in body
    assert f"{day} 09:50" in body and "企业参会人员：张三（总经理）" in body and "要求三日内清理消防通道。" in body

    context = inspection_record_context(inspection)
    d = morning.date()
    assert context["inspection_time"] == f"{d.year}年{d.month}月{d.day}日8时30分至10时05分"
    assert (context["started_at"], context["ended_at"]) == (f"{day} 08:30", f"{day} 10:05")
    assert context["feedback_meeting_at"] == f"{day} 09:50"
    assert context["feedback_attendees"] == "张三（总经理）"
    assert context["feedback_content"] == "要求三日内清理消防通道。"


def test_end_before_start_comes_back_with_everything_typed(world, as_, morning):
    client = as_(world.people.county_a_officer)
    people = world.people
    response = client.post(
        f"{NEW}?enterprise={world.ent.a_general.pk}",
        {
            "started_at": morning.replace(hour=9).strftime("%Y-%m-%dT%H:%M"),
            "ended_at": morning.replace(hour=8).strftime("%Y-%m-%dT%H:%M"),
            "officers": [people.county_a_officer.pk, people.county_a_officer2.pk],
            "summary": "消防通道堵塞。",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "检查结束时间不能早于开始时间" in body and "消防通道堵塞。" in body
    assert 'href="#field-ended_at"' in body
    assert not Inspection.objects.exists()


def test_completing_records_the_end_and_the_feedback_meeting(world, as_, morning):
    inspection = record(world, started_at=morning.replace(hour=8), launch_meeting_held=True)
    client = as_(world.people.county_a_officer)
    detail = reverse("cases:inspection_detail", args=[inspection.pk])
    form = client.get(detail).context["complete_form"]
    assert {f.name for f in form.detail_fields()} == {
        "ended_at",
        "feedback_meeting_at",
        "feedback_attendees",
        "feedback_content",
    }
    url = reverse("cases:inspection_complete", args=[inspection.pk])
    typed = {
        "feedback_meeting_held": "on",
        "ended_at": morning.replace(hour=11).strftime("%Y-%m-%dT%H:%M"),  # after "now" (10:30)
        "feedback_meeting_at": morning.replace(hour=10, minute=10).strftime("%Y-%m-%dT%H:%M"),
        "feedback_attendees": "张三（总经理）",
        "feedback_content": "反馈了两项隐患。",
    }
    response = client.post(url, typed)
    assert response.status_code == 200  # back on the page with what was typed and the reason
    body = response.content.decode()
    assert "检查结束时间不能晚于当前时间" in body and "反馈了两项隐患。" in body
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.IN_PROGRESS

    response = client.post(url, {**typed, "ended_at": morning.replace(hour=10, minute=20).strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.COMPLETED
    assert inspection.ended_at == morning.replace(hour=10, minute=20)
    assert inspection.feedback_meeting_at == morning.replace(hour=10, minute=10)
    assert inspection.feedback_content == "反馈了两项隐患。"


def test_completion_never_overwrites_a_recorded_value(world, morning):
    inspection = record(
        world,
        started_at=morning.replace(hour=8),
        ended_at=morning.replace(hour=10),
        launch_meeting_held=True,
        feedback_meeting_held=True,
    )
    with pytest.raises(ValidationError) as exc:
        services.complete_inspection(
            world.people.county_a_officer, inspection.pk, ended_at=morning.replace(hour=10, minute=15)
        )
    assert "请使用“更正”" in exc.value.message_dict["ended_at"][0]
    inspection.refresh_from_db()
    assert inspection.ended_at == morning.replace(hour=10) and inspection.status == Inspection.Status.IN_PROGRESS


def test_api_takes_and_returns_the_times_and_feedback(world, morning):
    api = APIClient()
    api.force_login(world.people.county_a_officer)
    people = world.people
    payload = {
        "enterprise": world.ent.a_general.pk,
        "inspected_on": morning.date().isoformat(),
        "started_at": morning.replace(hour=8).isoformat(),
        "ended_at": morning.replace(hour=10).isoformat(),
        "officers": [people.county_a_officer.pk, people.county_a_officer2.pk],
        "feedback_meeting_held": True,
        "feedback_meeting_at": morning.replace(hour=9, minute=45).isoformat(),
        "feedback_attendees": "张三",
        "feedback_content": "口头反馈",
    }
    bad = api.post("/api/inspections/", {**payload, "ended_at": morning.replace(hour=7).isoformat()}, format="json")
    assert bad.status_code == 400 and bad.json()["ended_at"] == ["检查结束时间不能早于开始时间。"]
    response = api.post("/api/inspections/", payload, format="json")
    assert response.status_code == 201, response.content.decode()
    data = api.get(f"/api/inspections/{response.json()['id']}/").json()
    assert datetime.datetime.fromisoformat(data["started_at"]) == morning.replace(hour=8)
    assert datetime.datetime.fromisoformat(data["feedback_meeting_at"]) == morning.replace(hour=9, minute=45)
    assert data["feedback_attendees"] == "张三" and data["feedback_content"] == "口头反馈"


def test_just_after_midnight_the_start_belongs_to_the_shanghai_day(world, as_, time_machine):
    """00:20 in Shanghai is still the previous day in UTC: the inspection date is the local one."""
    day = timezone.localdate() + datetime.timedelta(days=1)
    time_machine.move_to(datetime.datetime(day.year, day.month, day.day, 0, 20, tzinfo=SHANGHAI), tick=False)
    people = world.people
    response = as_(people.county_a_officer).post(
        f"{NEW}?enterprise={world.ent.a_general.pk}",
        {
            "started_at": f"{day.isoformat()}T00:05",
            "ended_at": f"{day.isoformat()}T00:15",
            "officers": [people.county_a_officer.pk, people.county_a_officer2.pk],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Inspection.objects.get().inspected_on == day
