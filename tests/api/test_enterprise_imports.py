"""Issue 9 item 7: the register import in the API — upload → preview → confirm, the pages' own steps.

Before: /api/enterprise-imports/ did not exist (404).
"""

import pytest
import yaml

from enforcement.enterprises.models import Enterprise, ImportBatch
from tests.enterprises.county_sheet import DUPLICATES, VALID_ROWS, code, county_townships, county_workbook
from tests.enterprises.test_import_support import registrar, row, upload, workbook_bytes

URL = "/api/enterprise-imports/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True


def test_a_county_workbook_is_uploaded_previewed_and_confirmed_through_the_api(world, api):
    county_townships(world.orgs.county_a)
    client = api.as_(registrar(world))

    response = client.post(URL, {"file": upload(county_workbook())}, format="multipart")
    assert response.status_code == 201, response.json()
    batch = response.json()
    assert (batch["status"], batch["create_count"], batch["error_count"]) == ("previewed", VALID_ROWS, len(DUPLICATES))
    assert {"sheet_header": "所属乡镇", "field": "属地"} in batch["column_mapping"]
    assert {"written": "危化", "sector": "危险化学品"} in batch["sector_aliases"]
    assert [line["text"] for line in batch["ignored_lines"]][1:] == ["填报日期：2026年3月5日", "单位（盖章）"]
    assert batch["warning_count"] == 11

    errors = client.get(f"{URL}{batch['id']}/rows/", {"status": "error"}).json()
    assert errors["count"] == len(DUPLICATES)
    assert "已按第" in errors["results"][0]["errors"][0]
    warnings = client.get(f"{URL}{batch['id']}/rows/", {"status": "warning"}).json()
    assert warnings["count"] == 11 and "重点理由待补充" in warnings["results"][0]["warnings"][0]
    assert client.get(f"{URL}{batch['id']}/rows/", {"status": "bogus"}).status_code == 400

    response = client.post(f"{URL}{batch['id']}/confirm/", {"key_reason": "涉及重大危险源"}, format="json")
    assert response.status_code == 202, response.json()
    assert (response.json()["status"], response.json()["create_count"]) == ("applied", VALID_ROWS)
    assert Enterprise.objects.get(credit_code=code(5)).class_reason == "涉及重大危险源"
    again = client.post(f"{URL}{batch['id']}/confirm/", {}, format="json")
    assert again.status_code == 409 and "已经确认过" in again.json()["detail"]
    assert client.post(f"{URL}{batch['id']}/retry/").status_code == 409


def test_a_refused_workbook_answers_400_with_the_reason(world, api):
    client = api.as_(registrar(world))
    response = client.post(URL, {"file": upload(b"PK\x03\x04broken")}, format="multipart")
    assert response.status_code == 400
    assert "文件已损坏" in response.json()["file"][0]
    response = client.post(URL, {"file": upload(b"x", name="名录.xls")}, format="multipart")
    assert response.status_code == 400 and "旧版Excel" in response.json()["file"][0]
    assert not ImportBatch.objects.exists()


def test_a_batch_is_private_to_its_uploader(world, api):
    client = api.as_(registrar(world))
    content = workbook_bytes([row(code(300), "私有批次公司", "城关镇")])
    batch_id = client.post(URL, {"file": upload(content)}, format="multipart").json()["id"]
    for user in (world.people.county_a_officer2, world.people.county_b_officer, world.people.city_admin):
        other = api.as_(user)
        # Who may import sees no such batch (404); an officer, who may not import at all, is refused (403).
        assert other.get(f"{URL}{batch_id}/").status_code in (403, 404)
        assert other.post(f"{URL}{batch_id}/confirm/", {}, format="json").status_code in (403, 404)
        listing = other.get(URL)
        assert listing.status_code == 403 or batch_id not in [b["id"] for b in listing.json()["results"]]
    assert api.as_(world.people.city_admin).get(f"{URL}{batch_id}/").status_code == 404


def test_a_user_who_may_not_import_is_refused(world, api):
    response = api.as_(world.people.technical).post(URL, {"file": upload(b"x")}, format="multipart")
    assert response.status_code == 403


def test_the_broker_down_answers_503_and_loses_nothing(world, api, monkeypatch):
    from enforcement.enterprises import tasks

    client = api.as_(registrar(world))
    content = workbook_bytes([row(code(301), "队列测试公司", "城关镇")])
    batch_id = client.post(URL, {"file": upload(content)}, format="multipart").json()["id"]

    def down(*args, **kwargs):
        raise ConnectionError("Connection refused")

    monkeypatch.setattr(tasks.apply_enterprise_import, "delay", down)
    response = client.post(f"{URL}{batch_id}/confirm/", {}, format="json")
    assert response.status_code == 503 and "任务队列暂时不可用" in response.json()["detail"]
    assert ImportBatch.objects.get(pk=batch_id).confirmed_at is None  # may be confirmed again later


def test_the_schema_describes_the_import(world, api):
    schema = yaml.safe_load(api.as_(world.people.city_legal).get("/api/schema/").content)
    paths = schema["paths"]
    assert "multipart/form-data" in paths["/api/enterprise-imports/"]["post"]["requestBody"]["content"]
    assert set(paths["/api/enterprise-imports/{id}/confirm/"]["post"]["responses"]) == {"202", "400", "409", "503"}
    assert "/api/enterprise-imports/{id}/rows/" in paths
