"""Inspection pages: recording on site, hazards with photos, re-inspections; each in scope or 404."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from rest_framework.test import APIClient

from cases.models import Hazard, HazardPhoto, Inspection, PendingPhoto, ReInspection
from enforcement.uploads import PHOTO
from plans.models import CheckItem
from tests.cases.helpers import (
    add_hazard,
    inspection_post,
    jpeg_bytes,
    local_minute,
    photo_upload,
    png_bytes,
    publish_plan_with_due_item,
    record,
)
from tests.dates import today
from tests.factories import CertificateFactory, EnterpriseFactory, UserFactory

LIST = reverse("cases:inspection_list")
NEW = reverse("cases:inspection_create")
HAZARDS = reverse("cases:hazard_list")


@pytest.fixture
def due_item(planning, media):
    return publish_plan_with_due_item(planning)


@pytest.fixture
def inspection(planning, due_item):
    return record(planning, due_item)


@pytest.fixture
def hazard(planning, inspection):
    return add_hazard(planning, inspection)


def table(body, table_id):
    start = body.index(f'id="{table_id}"')
    return body[start : body.index("</table>", start)]


def stored_files(root):
    root = Path(root)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- inspection list -------------------------------------------------------------------------------


def test_list_shows_the_inspections_in_scope(planning, inspection, world, as_):
    body = as_(world.people.county_a_officer).get(LIST).content.decode()
    assert inspection.enterprise.name in table(body, "inspection-table")
    assert "共 <strong>1</strong> 次检查" in body
    assert reverse("cases:inspection_detail", args=[inspection.pk]) in body

    body = as_(world.people.city_legal).get(LIST).content.decode()
    assert inspection.enterprise.name in table(body, "inspection-table")

    body = as_(world.people.county_b_officer).get(LIST).content.decode()
    assert inspection.enterprise.name not in table(body, "inspection-table")
    assert "没有符合条件的检查记录" in body


def test_due_panel_lists_this_and_past_months_items_without_inspection(planning, due_item, world, as_):
    officer = world.people.county_a_officer
    body = as_(officer).get(LIST).content.decode()
    panel = body[body.index('id="due-panel"') : body.index("</section>", body.index('id="due-panel"'))]
    assert f"?plan_item={due_item.pk}" in panel
    assert "开始检查" in panel and planning.general[2].name in panel and "我负责" in panel
    later = [i for i in planning.plan.items.all() if i.planned_month > today().month]
    for item in later:
        assert f'?plan_item={item.pk}"' not in panel

    record(planning, due_item)
    body = as_(officer).get(LIST).content.decode()
    assert f'?plan_item={due_item.pk}"' not in body

    # Another county's officer has its own (empty) panel; the city legal user records nothing itself.
    body = as_(world.people.county_b_officer).get(LIST).content.decode()
    assert 'id="due-empty"' in body and planning.general[2].name not in body


def test_due_panel_ignores_plans_not_in_force(planning, world, as_, media):
    from tests.planning import fill_valid_plan

    fill_valid_plan(planning)  # still a draft
    body = as_(world.people.county_a_officer).get(LIST).content.decode()
    assert "?plan_item=" not in body


def test_list_filters(planning, due_item, world, as_):
    first = record(planning, due_item, inspected_on=today() - datetime.timedelta(days=20))
    second = record(planning, enterprise_id=planning.key.pk)
    add_hazard(planning, second, photos=[])
    client = as_(world.people.county_a_officer)

    def listed(**params):
        body = client.get(LIST, params).content.decode()
        rows = table(body, "inspection-table")
        return {pk for pk in (first.pk, second.pk) if reverse("cases:inspection_detail", args=[pk]) in rows}

    assert listed() == {first.pk, second.pk}
    assert listed(date_from=(today() - datetime.timedelta(days=5)).isoformat()) == {second.pk}
    assert listed(date_to=(today() - datetime.timedelta(days=5)).isoformat()) == {first.pk}
    assert listed(q=planning.key.name[:4]) == {second.pk}
    assert listed(has_open_hazards="true") == {second.pk}
    assert listed(has_open_hazards="false") == {first.pk}
    assert listed(status="completed") == set()
    assert listed(organisation=world.orgs.county_a.pk) == {first.pk, second.pk}
    # Another county's organisation is not a valid choice: an error and no rows, not everything.
    body = client.get(LIST, {"organisation": world.orgs.county_b.pk}).content.decode()
    assert 'id="filter-errors"' in body
    assert listed(organisation=world.orgs.county_b.pk) == set()


@pytest.mark.parametrize("extra", [2, 12])
def test_list_query_count_does_not_grow_with_rows(planning, due_item, world, as_, django_assert_max_num_queries, extra):
    for i in range(extra):
        enterprise = EnterpriseFactory(name=f"东城抽查企业{i}", organisation=world.orgs.county_a)
        inspection = record(planning, enterprise_id=enterprise.pk)
        add_hazard(planning, inspection, photos=[])
    client = as_(world.people.county_a_officer)
    client.get(LIST)  # warm the session
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert response.content.decode().count("项未闭环") == extra


# --- recording an inspection -----------------------------------------------------------------------


def test_new_inspection_is_prefilled_from_the_plan_item(planning, due_item, world, as_):
    response = as_(world.people.county_a_officer).get(NEW, {"plan_item": due_item.pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert planning.general[2].name in body and "执法一中队" in body and "重点查看有限空间作业" in body
    form = response.context["form"]
    assert form["started_at"].value().date() == today()
    assert sorted(form["officers"].value()) == sorted(o.pk for o in planning.officers)
    for officer in planning.officers:
        assert re.search(rf'<input[^>]*value="{officer.pk}"[^>]*checked', body)
    # Only certified officers are offered: the rookie and the expired certificate are not.
    offered = {o.pk for o in form.fields["officers"].queryset}
    assert planning.uncertified.pk not in offered and planning.expired.pk not in offered
    # The on-site plan: its own check items plus the principal person's duties, nothing else.
    expected = set(due_item.check_items.values_list("pk", flat=True)) | set(
        CheckItem.objects.filter(principal_duty=True, is_active=True).values_list("pk", flat=True)
    )
    assert {item.pk for item in form.check_items} == expected
    assert form.check_items[0].principal_duty  # principal duties come first
    for item in form.check_items:
        assert item.text in body
    # Every toggle starts on "未检查"; nothing is marked compliant without the officer touching it.
    assert all(form[f"check_{item.pk}"].value() == "na" for item in form.check_items)
    assert len(re.findall(r'<input type="radio" name="check_\d+" value="na"[^>]*checked', body)) == len(expected)


def test_new_inspection_scoping(planning, due_item, world, as_):
    assert as_(world.people.county_b_officer).get(NEW, {"plan_item": due_item.pk}).status_code == 404
    assert as_(world.people.county_a_officer).get(NEW, {"plan_item": 999999}).status_code == 404
    assert as_(world.people.county_a_officer).get(NEW, {"plan_item": "x"}).status_code == 404
    assert as_(world.people.county_a_officer).get(NEW, {"enterprise": world.ent.b_general.pk}).status_code == 404
    # Users without the permission to record inspections are refused outright.
    assert as_(world.people.nobody).get(NEW, {"plan_item": due_item.pk}).status_code == 403
    response = as_(world.people.county_b_officer).post(
        f"{NEW}?plan_item={due_item.pk}", inspection_post([world.people.county_b_officer])
    )
    assert response.status_code == 404
    assert not Inspection.objects.exists()


def test_another_bureau_cannot_record_the_plan_item_it_may_read(planning, due_item, world, as_):
    """GIVEN county A's due plan item, which a city officer may read (the city's scope covers county A)
    WHEN the city officer opens the inspection form for it, posts it, or posts it to the API
    THEN each is refused, saying only county A records it, and no inspection is written in county A's name."""
    city_officer = UserFactory(username="city_officer", organisation=world.orgs.city, roles=["officer"])
    CertificateFactory(holder=city_officer)
    said = f"只能由{world.orgs.county_a.name}录入检查"
    client = as_(city_officer)
    page = client.get(NEW, {"plan_item": due_item.pk})
    assert page.status_code == 403 and said in page.content.decode()
    response = client.post(f"{NEW}?plan_item={due_item.pk}", inspection_post(planning.officers))
    assert response.status_code == 403
    payload = {
        "plan_item": due_item.pk,
        "inspected_on": today().isoformat(),
        "officers": [o.pk for o in planning.officers],
    }
    api = APIClient()
    api.force_login(city_officer)
    response = api.post("/api/inspections/", payload, format="json")
    assert response.status_code == 403 and said in response.json()["detail"]
    assert not Inspection.objects.exists()
    # County A's own officer still records it.
    assert as_(world.people.county_a_officer).get(NEW, {"plan_item": due_item.pk}).status_code == 200


def test_recording_an_inspection_through_the_page(planning, due_item, world, as_):
    """GIVEN a due plan item WHEN the officer toggles check items and saves THEN everything is recorded."""
    client = as_(world.people.county_a_officer)
    form = client.get(NEW, {"plan_item": due_item.pk}).context["form"]
    items = form.check_items
    data = inspection_post(planning.officers)
    data[f"check_{items[0].pk}"] = "yes"
    data[f"check_{items[1].pk}"] = "no"
    data[f"note_{items[1].pk}"] = "安全生产责任制未覆盖班组"
    response = client.post(f"{NEW}?plan_item={due_item.pk}", data)
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "cases:inspection_detail", args=[inspection.pk]
    )
    assert inspection.plan_item == due_item and inspection.enterprise == planning.general[2]
    assert inspection.organisation == world.orgs.county_a
    assert inspection.principal_present and inspection.safety_manager_present and inspection.launch_meeting_held
    assert not inspection.feedback_meeting_held
    assert inspection.operators_present == "王五、赵六"
    assert set(inspection.officers.all()) == set(planning.officers)
    results = {r.check_item_id: (r.compliant, r.note) for r in inspection.results.all()}
    assert len(results) == len(items)
    assert results[items[0].pk] == (True, "")
    assert results[items[1].pk] == (False, "安全生产责任制未覆盖班组")
    assert all(results[i.pk] == (None, "") for i in items[2:])

    body = client.get(response["Location"]).content.decode()
    assert "已保存对" in body and "安全生产责任制未覆盖班组" in body
    assert "符合 1" in body and "不符合 1" in body
    assert f'data-draft-done="inspection:plan_item:{due_item.pk}"' in body


def test_two_certified_officers_are_enforced_through_the_page(planning, due_item, world, as_):
    client = as_(world.people.county_a_officer)
    url = f"{NEW}?plan_item={due_item.pk}"
    response = client.post(url, inspection_post(planning.officers[:1], summary="现场发现消防通道堵塞"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "执法人员不得少于2人" in body
    assert 'id="form-errors"' in body
    assert "现场发现消防通道堵塞" in body  # what was typed is still there
    assert 'value="王五、赵六"' in body
    assert not Inspection.objects.exists()

    response = client.post(url, inspection_post([]))
    assert "执法人员不得少于2人" in response.content.decode()

    future = local_minute(datetime.timedelta(days=1))
    response = client.post(url, inspection_post(planning.officers, started_at=future))
    assert "检查日期不能晚于今天" in response.content.decode()
    assert not Inspection.objects.exists()


def test_unplanned_inspection_starts_from_the_register(planning, world, as_, media):
    client = as_(world.people.county_a_officer)
    body = client.get(NEW, {"q": "机械"}).content.decode()
    assert "东城机械厂" in body and f"?enterprise={world.ent.a_general.pk}" in body
    EnterpriseFactory(name="西山机械有限公司", organisation=world.orgs.county_b)
    body = client.get(NEW, {"q": "机械"}).content.decode()
    assert "西山机械有限公司" not in body  # the search is scoped too

    form = client.get(NEW, {"enterprise": world.ent.a_general.pk}).context["form"]
    assert form.check_items and all(i.sector_id in (None, world.ent.a_general.sector_id) for i in form.check_items)
    response = client.post(f"{NEW}?enterprise={world.ent.a_general.pk}", inspection_post(planning.officers))
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert inspection.plan_item is None and inspection.enterprise == world.ent.a_general


# --- detail, hazards, photos -----------------------------------------------------------------------


def test_detail_in_scope_and_404_outside(planning, hazard, inspection, world, as_):
    url = reverse("cases:inspection_detail", args=[inspection.pk])
    body = as_(world.people.county_a_officer).get(url).content.decode()
    assert planning.general[2].name in body and "配电箱未接地" in body and "二号车间" in body
    assert "1人无证" in body and 'id="add-hazard"' in body
    assert as_(world.people.city_legal).get(url).status_code == 200
    assert as_(world.people.county_b_officer).get(url).status_code == 404
    assert as_(world.people.nobody).get(url).status_code == 404
    client = as_(world.people.county_a_officer)
    client.logout()
    assert client.get(url).status_code == 302


def test_photos_are_served_through_the_scoped_view_only(planning, hazard, world, as_, media):
    photo = hazard.photos.get()
    url = reverse("cases:photo", args=[photo.pk])
    client = as_(world.people.county_a_officer)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes()
    assert "private" in response["Cache-Control"]
    thumb = client.get(url, {"size": "thumb"})
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg" and thumb.content[:3] == b"\xff\xd8\xff"

    detail = client.get(reverse("cases:inspection_detail", args=[hazard.inspection_id])).content.decode()
    assert f'src="{url}?size=thumb"' in detail
    assert "/media/" not in detail

    assert as_(world.people.county_b_officer).get(url).status_code == 404
    assert as_(world.people.county_b_officer).get(url, {"size": "thumb"}).status_code == 404
    assert as_(world.people.nobody).get(url).status_code == 404
    assert as_(world.people.city_legal).get(url).status_code == 200


def test_stored_under_media_root_and_not_reachable_by_path(planning, hazard, world, as_, media):
    photo = hazard.photos.get()
    path = Path(photo.file.path).resolve()
    assert path.is_relative_to(Path(media).resolve())
    assert path.read_bytes() == png_bytes()
    assert path.name != "现场.png" and photo.original_name == "现场.png"  # a random stored name
    for static_dir in [*django_settings.STATICFILES_DIRS, django_settings.STATIC_ROOT]:
        assert not path.is_relative_to(Path(static_dir).resolve())
    client = as_(world.people.county_a_officer)
    for prefix in ("/media/", "/static/", "/uploads/"):
        assert client.get(prefix + photo.file.name).status_code == 404


def test_adding_a_hazard_with_photos_through_the_page(planning, inspection, world, as_, media):
    client = as_(world.people.county_a_officer)
    url = reverse("cases:hazard_create", args=[inspection.pk])
    deadline = today() + datetime.timedelta(days=7)
    response = client.post(
        url,
        {
            "description": "消防通道堵塞",
            "location": "成品仓库",
            "is_major": "on",
            "rectification_deadline": deadline.isoformat(),
            "photos": [photo_upload("通道.png"), photo_upload("仓库.jpg", jpeg_bytes(), "image/jpeg")],
        },
    )
    hazard = Hazard.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:inspection_detail", args=[inspection.pk]) + f"#hazard-{hazard.pk}"
    assert hazard.is_major and hazard.location == "成品仓库" and hazard.rectification_deadline == deadline
    assert hazard.organisation == world.orgs.county_a and hazard.status == Hazard.Status.OPEN
    assert sorted(hazard.photos.values_list("original_name", flat=True)) == ["仓库.jpg", "通道.png"]
    assert len(stored_files(media / "hazard_photos")) == 2
    body = client.get(reverse("cases:inspection_detail", args=[inspection.pk])).content.decode()
    assert "消防通道堵塞" in body and "重大事故隐患" in body and deadline.isoformat() in body


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("病毒.exe", b"MZ\x90\x00 not a photo", "格式不支持"),
        ("假照片.png", b"<html>not an image at all</html>", "内容与文件类型不符"),
        ("超大.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * PHOTO.max_bytes, "超过15MB的上限"),
    ],
    ids=["wrong-type", "fake-content", "too-big"],
)
def test_a_bad_photo_is_refused_and_nothing_is_stored(planning, inspection, world, as_, media, name, data, message):
    client = as_(world.people.county_a_officer)
    response = client.post(
        reverse("cases:hazard_create", args=[inspection.pk]),
        {
            "description": "配电箱门缺失",
            "location": "一号车间",
            "rectification_deadline": (today() + datetime.timedelta(days=5)).isoformat(),
            "photos": [photo_upload("好照片.png"), photo_upload(name, data, "application/octet-stream")],
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body and name in body
    assert 'id="hazard-errors"' in body
    assert "配电箱门缺失" in body and 'value="一号车间"' in body  # the typed text is kept
    # The good photo is kept for the next submit (tests/cases/test_pending_photos.py), the bad one is not.
    assert 'id="kept-photos"' in body and "好照片.png" in body
    assert PendingPhoto.objects.get().original_name == "好照片.png"
    assert not Hazard.objects.exists() and not HazardPhoto.objects.exists()
    assert stored_files(media / "hazard_photos") == []


def test_hazard_deadline_before_the_inspection_is_refused(planning, inspection, world, as_, media):
    response = as_(world.people.county_a_officer).post(
        reverse("cases:hazard_create", args=[inspection.pk]),
        {"description": "梯子损坏", "rectification_deadline": (today() - datetime.timedelta(days=1)).isoformat()},
    )
    assert "整改期限不能早于检查日期" in response.content.decode()
    assert not Hazard.objects.exists()


def test_hazard_on_another_countys_inspection_is_404(planning, inspection, world, as_, media):
    response = as_(world.people.county_b_officer).post(
        reverse("cases:hazard_create", args=[inspection.pk]),
        {
            "description": "x",
            "rectification_deadline": today().isoformat(),
            "photos": [photo_upload()],
        },
    )
    assert response.status_code == 404
    assert not Hazard.objects.exists() and stored_files(media / "hazard_photos") == []


def test_completing_needs_both_meetings(planning, inspection, world, as_):
    url = reverse("cases:inspection_complete", args=[inspection.pk])
    assert as_(world.people.county_b_officer).post(url, {"feedback_meeting_held": "on"}).status_code == 404
    client = as_(world.people.county_a_officer)
    response = client.post(url, {"ended_at": local_minute()}, follow=True)
    assert "须召开启动会和反馈会后方可完成" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.IN_PROGRESS

    response = client.post(url, {"feedback_meeting_held": "on", "ended_at": local_minute()}, follow=True)
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.COMPLETED and inspection.feedback_meeting_held
    body = response.content.decode()
    assert "检查已完成" in body and 'id="add-hazard"' not in body and 'id="complete"' not in body
    # No more hazards on a completed inspection.
    client.post(
        reverse("cases:hazard_create", args=[inspection.pk]),
        {"description": "晚到的隐患", "rectification_deadline": today().isoformat()},
    )
    assert not Hazard.objects.filter(description="晚到的隐患").exists()


# --- re-inspection and the hazard list -------------------------------------------------------------


def test_reinspection_closed_loop_through_the_pages(planning, hazard, world, as_):
    """GIVEN an open hazard WHEN re-inspection fails, then passes (on the order's re-inspection page) THEN it
    gets a new deadline beside its original one, then closes."""
    url = reverse("cases:inspection_reinspect", args=[hazard.inspection_id])
    assert as_(world.people.county_b_officer).get(url).status_code == 404
    client = as_(world.people.county_a_officer)
    page = client.get(url)
    assert page.status_code == 200 and "配电箱未接地" in page.content.decode()
    assert sorted(page.context["visit_form"]["officers"].value()) == sorted(o.pk for o in planning.officers)
    officers = [o.pk for o in planning.officers]
    original = hazard.rectification_deadline

    def post(day, team, result, **row):
        data = {
            "inspected_on": day.isoformat(),
            "officers": team,
            "rows-TOTAL_FORMS": "1",
            "rows-INITIAL_FORMS": "1",
            "rows-0-hazard": hazard.pk,
            "rows-0-result": result,
        }
        data.update({f"rows-0-{k}": v for k, v in row.items()})
        return client.post(url, data, follow=True)

    response = post(today(), officers, "failed")
    assert "复查不合格时须重新确定晚于复查日期的整改期限" in response.content.decode()
    response = post(today(), officers[:1], "passed")
    assert "执法人员不得少于2人" in response.content.decode()
    assert not ReInspection.objects.exists()

    new_deadline = today() + datetime.timedelta(days=5)
    response = post(today(), officers, "failed", note="接地线未更换", new_deadline=new_deadline.isoformat())
    hazard.refresh_from_db()
    assert hazard.status == Hazard.Status.OPEN and hazard.current_deadline == new_deadline
    assert hazard.rectification_deadline == original
    body = response.content.decode()
    assert "整改不合格" in body and "接地线未更换" in body

    listing = client.get(HAZARDS, {"state": "open"}).content.decode()
    assert "配电箱未接地" in table(listing, "hazard-table") and "复查 1 次" in listing

    response = post(today() + datetime.timedelta(days=1), officers, "passed")
    hazard.refresh_from_db()
    assert hazard.status == Hazard.Status.CLOSED and hazard.closed_on == today() + datetime.timedelta(days=1)
    assert "合格 1 项" in response.content.decode()
    assert hazard.reinspections.count() == 2

    response = client.get(url, follow=True)
    assert "没有待复查的隐患" in response.content.decode()
    assert "配电箱未接地" in table(client.get(HAZARDS, {"state": "closed"}).content.decode(), "hazard-table")
    assert "配电箱未接地" not in table(client.get(HAZARDS, {"state": "open"}).content.decode(), "hazard-table")


def test_hazard_list_scope_filters_and_rate(planning, inspection, world, as_, media):
    overdue = add_hazard(planning, inspection, description="应急预案未演练", photos=[])
    Hazard.objects.filter(pk=overdue.pk).update(
        found_on=today() - datetime.timedelta(days=30),
        rectification_deadline=today() - datetime.timedelta(days=3),
        current_deadline=today() - datetime.timedelta(days=3),
    )
    add_hazard(planning, inspection, description="安全警示标志缺失", is_major=True, photos=[])
    client = as_(world.people.county_a_officer)

    def listed(**params):
        return table(client.get(HAZARDS, params).content.decode(), "hazard-table")

    rows = listed()
    assert "应急预案未演练" in rows and "安全警示标志缺失" in rows
    assert "安全警示标志缺失" not in listed(state="overdue") and "应急预案未演练" in listed(state="overdue")
    assert "应急预案未演练" not in listed(is_major="true") and "安全警示标志缺失" in listed(is_major="true")
    body = client.get(HAZARDS).content.decode()
    assert "整改复查率 0%" in body  # one hazard past its deadline, not re-inspected

    assert "应急预案未演练" not in table(
        as_(world.people.county_b_officer).get(HAZARDS).content.decode(), "hazard-table"
    )
    assert "应急预案未演练" in table(as_(world.people.city_legal).get(HAZARDS).content.decode(), "hazard-table")


@pytest.mark.parametrize("extra", [2, 12])
def test_hazard_list_query_count(planning, inspection, world, as_, django_assert_max_num_queries, extra):
    for i in range(extra):
        add_hazard(planning, inspection, description=f"隐患{i}", photos=[])
    client = as_(world.people.county_a_officer)
    client.get(HAZARDS)
    with django_assert_max_num_queries(10):
        response = client.get(HAZARDS)
    assert response.content.decode().count('data-hazard="') == extra
