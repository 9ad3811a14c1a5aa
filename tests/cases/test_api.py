"""/api/inspections/, /api/hazards/, /api/hazard-photos/, /api/reinspections/: scoped like the pages."""

import datetime
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from cases.models import Hazard, HazardPhoto, Inspection, ReInspection
from tests.api.helpers import refused
from tests.cases.helpers import add_hazard, photo_upload, png_bytes, publish_plan_with_due_item, record
from tests.dates import today


@pytest.fixture
def due_item(planning, media):
    return publish_plan_with_due_item(planning)


@pytest.fixture
def inspection(planning, due_item):
    return record(planning, due_item)


@pytest.fixture
def hazard(planning, inspection):
    return add_hazard(planning, inspection)


@pytest.fixture
def api():
    client = APIClient()

    def as_(user):
        client.logout()
        client.force_login(user)
        return client

    client.as_ = as_
    return client


def ids(response):
    assert response.status_code == 200, response.content.decode()
    return {row["id"] for row in response.json()["results"]}


def files_under(root):
    root = Path(root)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- inspections -------------------------------------------------------------------------------------


def test_inspections_list_and_retrieve_are_scoped(planning, inspection, world, api):
    url = f"/api/inspections/{inspection.pk}/"
    assert ids(api.as_(world.people.county_a_officer).get("/api/inspections/")) == {inspection.pk}
    assert ids(api.as_(world.people.city_legal).get("/api/inspections/")) == {inspection.pk}
    assert ids(api.as_(world.people.county_b_officer).get("/api/inspections/")) == set()
    # No permission to view inspections: refused, not an empty page.
    assert refused(api.as_(world.people.social_supervisor).get("/api/inspections/"))

    data = api.as_(world.people.county_a_officer).get(url).json()
    assert data["enterprise_name"] == planning.general[2].name
    assert data["plan_item"] == inspection.plan_item_id
    assert data["results"] == [
        {
            "id": inspection.results.get().pk,
            "check_item": None,
            "text": "特种作业持证",
            "compliant": False,
            "note": "1人无证",
        }
    ]
    assert {o["id"] for o in data["officer_details"]} == {o.pk for o in planning.officers}
    assert api.as_(world.people.county_b_officer).get(url).status_code == 404
    assert api.as_(world.people.nobody).get(url).status_code == 404


def test_inspections_list_filters_and_query_count(planning, due_item, world, api, django_assert_max_num_queries):
    from tests.factories import EnterpriseFactory

    done = [record(planning, due_item)]
    for i in range(8):
        enterprise = EnterpriseFactory(name=f"东城抽查{i}", organisation=world.orgs.county_a)
        done.append(record(planning, enterprise_id=enterprise.pk))
    add_hazard(planning, done[1], photos=[])
    client = api.as_(world.people.county_a_officer)
    client.get("/api/inspections/")
    # Constant: one query per prefetched relation (officers, results, partner organisations, corrections).
    with django_assert_max_num_queries(12):
        assert len(ids(client.get("/api/inspections/"))) == 9
    assert ids(client.get("/api/inspections/", {"has_open_hazards": "true"})) == {done[1].pk}
    assert ids(client.get("/api/inspections/", {"q": "东城抽查0"})) == {done[1].pk}
    assert client.get("/api/inspections/", {"organisation": world.orgs.county_b.pk}).status_code == 400


def test_create_inspection_with_nested_results(planning, due_item, world, api):
    check = due_item.check_items.first()
    payload = {
        "plan_item": due_item.pk,
        "inspected_on": today().isoformat(),
        "officers": [o.pk for o in planning.officers],
        "principal_present": True,
        "launch_meeting_held": True,
        "operators_present": "王五",
        "results": [
            {"check_item": check.pk, "compliant": True},
            {"text": "现场临时用电", "compliant": False, "note": "私拉乱接"},
            {"text": "消防器材", "compliant": None},
        ],
    }
    response = api.as_(world.people.county_a_officer).post("/api/inspections/", payload, format="json")
    assert response.status_code == 201, response.content.decode()
    inspection = Inspection.objects.get(pk=response.json()["id"])
    assert inspection.enterprise == planning.general[2] and inspection.organisation == world.orgs.county_a
    rows = list(inspection.results.values_list("check_item", "text", "compliant", "note"))
    assert rows == [
        (check.pk, check.text, True, ""),
        (None, "现场临时用电", False, "私拉乱接"),
        (None, "消防器材", None, ""),
    ]
    assert response.json()["status"] == "in_progress"


def test_create_inspection_refusals(planning, due_item, world, api):
    client = api.as_(world.people.county_a_officer)
    base = {"plan_item": due_item.pk, "inspected_on": today().isoformat()}
    response = client.post("/api/inspections/", {**base, "officers": [planning.officers[0].pk]}, format="json")
    assert response.status_code == 400 and "执法人员不得少于2人" in str(response.json())
    response = client.post(
        "/api/inspections/", {"inspected_on": today().isoformat(), "officers": [o.pk for o in planning.officers]}
    )
    assert response.status_code == 400 and "二者选一" in str(response.json())
    # County B cannot reference county A's plan item or officers: they do not exist for it.
    response = api.as_(world.people.county_b_officer).post(
        "/api/inspections/", {**base, "officers": [world.people.county_b_officer.pk]}, format="json"
    )
    assert response.status_code == 400 and "plan_item" in response.json()
    assert not Inspection.objects.exists()


def test_complete_inspection(planning, inspection, world, api):
    url = f"/api/inspections/{inspection.pk}/complete/"
    assert api.as_(world.people.county_b_officer).post(url, {}, format="json").status_code == 404
    client = api.as_(world.people.county_a_officer)
    response = client.post(url, {}, format="json")
    assert response.status_code == 400 and "须召开启动会和反馈会" in str(response.json())
    response = client.post(url, {"feedback_meeting_held": True}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "completed"
    assert response.json()["feedback_meeting_held"] is True


# --- hazards and photos ------------------------------------------------------------------------------


def test_hazards_list_and_retrieve_are_scoped(planning, hazard, world, api):
    url = f"/api/hazards/{hazard.pk}/"
    assert ids(api.as_(world.people.county_a_officer).get("/api/hazards/")) == {hazard.pk}
    assert ids(api.as_(world.people.county_a_officer).get("/api/hazards/", {"state": "closed"})) == set()
    assert ids(api.as_(world.people.county_b_officer).get("/api/hazards/")) == set()
    data = api.as_(world.people.city_legal).get(url).json()
    assert data["description"] == "配电箱未接地" and data["is_overdue"] is False
    photo = hazard.photos.get()
    assert data["photos"][0]["download_url"].endswith(f"/api/hazard-photos/{photo.pk}/download/")
    assert api.as_(world.people.county_b_officer).get(url).status_code == 404


def test_create_hazard_with_multipart_photos(planning, inspection, world, api, media):
    response = api.as_(world.people.county_a_officer).post(
        "/api/hazards/",
        {
            "inspection": inspection.pk,
            "description": "消防通道堵塞",
            "location": "仓库",
            "is_major": "true",
            "rectification_deadline": (today() + datetime.timedelta(days=7)).isoformat(),
            "photo_files": [photo_upload("a.png"), photo_upload("b.png")],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content.decode()
    hazard = Hazard.objects.get(pk=response.json()["id"])
    assert hazard.is_major and hazard.photos.count() == 2
    assert sorted(p["original_name"] for p in response.json()["photos"]) == ["a.png", "b.png"]
    assert len(files_under(media / "hazard_photos")) == 2


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [("x.exe", b"MZ....", "格式不支持"), ("x.png", b"GIF89a fake", "内容与文件类型不符")],
    ids=["wrong-type", "fake-content"],
)
def test_create_hazard_refuses_bad_photos(planning, inspection, world, api, media, name, data, message):
    response = api.as_(world.people.county_a_officer).post(
        "/api/hazards/",
        {
            "inspection": inspection.pk,
            "description": "x",
            "rectification_deadline": today().isoformat(),
            "photo_files": [photo_upload(name, data)],
        },
        format="multipart",
    )
    assert response.status_code == 400 and message in str(response.json()["photo_files"])
    assert not Hazard.objects.exists() and files_under(media / "hazard_photos") == []


def test_create_hazard_on_another_countys_inspection(planning, inspection, world, api, media):
    response = api.as_(world.people.county_b_officer).post(
        "/api/hazards/",
        {"inspection": inspection.pk, "description": "x", "rectification_deadline": today().isoformat()},
        format="multipart",
    )
    assert response.status_code == 400 and "inspection" in response.json()
    assert not Hazard.objects.exists()


def test_photo_download_is_scoped(planning, hazard, world, api):
    photo = hazard.photos.get()
    url = f"/api/hazard-photos/{photo.pk}/download/"
    client = api.as_(world.people.county_a_officer)
    assert ids(client.get("/api/hazard-photos/")) == {photo.pk}
    assert ids(client.get("/api/hazard-photos/", {"hazard": hazard.pk})) == {photo.pk}
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes()
    response = client.get(url, {"size": "thumb"}, HTTP_ACCEPT="image/*")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"

    other = api.as_(world.people.county_b_officer)
    assert ids(other.get("/api/hazard-photos/")) == set()
    assert other.get(f"/api/hazard-photos/{photo.pk}/").status_code == 404
    assert other.get(url).status_code == 404
    assert api.as_(world.people.technical).get(url).status_code == 404


# --- re-inspections ----------------------------------------------------------------------------------


def test_reinspection_closed_loop_through_the_api(planning, hazard, world, api):
    client = api.as_(world.people.county_a_officer)
    officers = [o.pk for o in planning.officers]
    base = {"hazard": hazard.pk, "inspected_on": today().isoformat(), "officers": officers}
    response = client.post("/api/reinspections/", {**base, "result": "failed"}, format="json")
    assert response.status_code == 400 and "new_deadline" in response.json()
    deadline = today() + datetime.timedelta(days=3)
    response = client.post(
        "/api/reinspections/", {**base, "result": "failed", "new_deadline": deadline.isoformat()}, format="json"
    )
    assert response.status_code == 201, response.content.decode()
    assert response.json()["result_label"] == "整改不合格"
    hazard.refresh_from_db()
    assert hazard.status == Hazard.Status.OPEN and hazard.current_deadline == deadline
    assert hazard.rectification_deadline != deadline  # the order's date stays
    response = client.post("/api/reinspections/", {**base, "result": "passed"}, format="json")
    assert response.status_code == 201
    hazard.refresh_from_db()
    assert hazard.status == Hazard.Status.CLOSED
    assert ids(client.get("/api/reinspections/", {"hazard": hazard.pk})) == set(
        ReInspection.objects.values_list("pk", flat=True)
    )

    other = api.as_(world.people.county_b_officer)
    first = ReInspection.objects.first()
    assert ids(other.get("/api/reinspections/")) == set()
    assert other.get(f"/api/reinspections/{first.pk}/").status_code == 404
    response = other.post(
        "/api/reinspections/",
        {**base, "officers": [world.people.county_b_officer.pk], "result": "passed"},
        format="json",
    )
    assert response.status_code == 400 and "hazard" in response.json()
    assert ReInspection.objects.count() == 2


def test_nothing_is_listed_for_anonymous_callers(hazard, api):
    api.logout()
    for url in ("/api/inspections/", "/api/hazards/", "/api/hazard-photos/", "/api/reinspections/"):
        assert api.get(url).status_code in (401, 403)
    assert HazardPhoto.objects.exists()


def test_hazard_and_photo_lists_query_count(planning, inspection, world, api, django_assert_max_num_queries):
    for i in range(6):
        add_hazard(planning, inspection, description=f"隐患{i}", photos=[photo_upload(f"{i}.png")])
    client = api.as_(world.people.county_a_officer)
    client.get("/api/hazards/")
    with django_assert_max_num_queries(9):
        assert len(ids(client.get("/api/hazards/"))) == 6
    with django_assert_max_num_queries(8):
        assert len(ids(client.get("/api/hazard-photos/"))) == 6
