"""The auditors' page: only the 审计员 role searches and exports the audit log, and the export is itself
audited (issue 9 item 3; 等保2.0 8.1.4.3 d) 应对审计进程进行保护 / 三权分立)."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from enforcement.audit.models import AuditEvent
from enforcement.audit.services import record
from enforcement.orgs.models import Role
from tests.audit.helpers import last_event
from tests.dates import today
from tests.factories import UserFactory

LOG, EXPORT = "/audit/", "/audit/export/"


@pytest.fixture
def auditor(world):
    return UserFactory(username="city_auditor", organisation=world.orgs.city, roles=["auditor"])


@pytest.fixture
def history(client, world):
    """A login from one address, a failed login of a made-up name, and a record change."""
    officer = world.people.county_a_officer
    client.post("/login/", {"username": officer.username, "password": "pass-1234-word"}, REMOTE_ADDR="10.7.7.7")
    client.logout()
    client.post("/login/", {"username": '=HYPERLINK("http://x")', "password": "x"}, REMOTE_ADDR="10.8.8.8")
    record(officer, AuditEvent.Action.UPDATE, world.ent.a_general, {"address": ["旧", "新"]})


def rows(response):
    return [event.pk for event in response.context["page"]]


def test_the_role_carries_only_the_audit_permissions(db):
    role = Role.objects.get(code="auditor")
    assert role.name == "审计员"
    assert {p.codename for p in role.permissions.all()} == {"view_auditevent", "export_auditevent"}
    # System administrators no longer read the log they are audited by.
    assert not Role.objects.get(code="admin").permissions.filter(content_type__app_label="audit").exists()


@pytest.mark.parametrize("key", ["city_admin", "city_legal", "county_a_officer", "technical"])
def test_nobody_else_sees_the_log(client, world, history, key):
    client.force_login(getattr(world.people, key))
    for url in (LOG, EXPORT):
        response = client.get(url)
        assert response.status_code == 403
        assert "10.7.7.7" not in response.content.decode()


def test_the_auditor_searches_by_user_action_time_object_and_address(client, world, history, auditor):
    client.force_login(auditor)
    page = client.get(LOG)
    assert page.status_code == 200
    body = page.content.decode()
    assert "10.7.7.7" in body and "county_a_officer" in body and "登录失败" in body
    by_user = rows(client.get(LOG, {"user": "county_a_off"}))
    officer_rows = AuditEvent.objects.filter(actor_username="county_a_officer").values_list("pk", flat=True)
    assert set(by_user) == set(officer_rows)
    failed = rows(client.get(LOG, {"action": "login_failed"}))
    assert [AuditEvent.objects.get(pk=pk).ip_address for pk in failed] == ["10.8.8.8"]
    assert rows(client.get(LOG, {"ip_address": "10.7.7.7", "action": "login"}))
    changed = rows(client.get(LOG, {"target": "东城机械"}))
    assert [AuditEvent.objects.get(pk=pk).action for pk in changed] == ["update"]
    tomorrow = today() + datetime.timedelta(days=1)
    assert rows(client.get(LOG, {"date_from": today().isoformat(), "date_to": today().isoformat()}))
    assert rows(client.get(LOG, {"date_from": tomorrow.isoformat()})) == []
    refused = client.get(LOG, {"date_from": tomorrow.isoformat(), "date_to": today().isoformat()})
    assert "起始日期不能晚于截止日期" in refused.content.decode() and rows(refused) == []


def test_the_export_is_a_workbook_of_what_was_found_and_is_itself_audited(client, world, history, auditor):
    client.force_login(auditor)
    response = client.get(EXPORT, {"action": "login_failed"}, REMOTE_ADDR="10.9.0.1")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = list(sheet.iter_rows(values_only=True))
    assert "操作：登录失败" in cells[0][0]
    assert cells[1][:5] == ("时间", "用户名", "姓名", "IP地址", "操作")
    assert [row[3] for row in cells[2:]] == ["10.8.8.8"]
    # OWASP formula injection: the username a stranger typed stays text in the auditor's spreadsheet.
    raw = sheet.cell(row=3, column=2)
    assert raw.value.startswith("=HYPERLINK") and raw.data_type == "s"
    event = last_event(action=AuditEvent.Action.EXPORT)
    assert (event.actor, event.ip_address) == (auditor, "10.9.0.1")
    assert event.changes == {"export": "操作日志", "filters": {"操作": "登录失败"}, "rows": 1}


def test_an_auditor_without_the_export_permission_only_reads(client, world, history):
    reader = Role.objects.create(code="audit_reader", name="日志查阅", data_scope="all")
    reader.permissions.set(Role.objects.get(code="auditor").permissions.filter(codename="view_auditevent"))
    user = UserFactory(username="reader", organisation=world.orgs.city, roles=["audit_reader"])
    client.force_login(user)
    assert client.get(LOG).status_code == 200
    assert "导出Excel" not in client.get(LOG).content.decode()
    assert client.get(EXPORT).status_code == 403


def test_a_too_large_export_asks_for_narrower_conditions(client, world, history, auditor, settings):
    settings.AUDIT_EXPORT_MAX_ROWS = 1
    client.force_login(auditor)
    response = client.get(EXPORT, follow=True)
    assert "超过单次导出上限1条" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_a_change_reads_with_the_fields_label_old_and_new(client, world, history, auditor):
    """GIVEN an address changed from 旧 to 新 WHEN the auditor reads the log THEN the row says 地址：旧 → 新
    (the field's label, not its column name, nor a Python list)."""
    client.force_login(auditor)
    page = client.get(LOG).content.decode()
    label = str(world.ent.a_general._meta.get_field("address").verbose_name)
    assert f"<strong>{label}</strong>：<del>旧</del> → 新" in page
    assert "[&#x27;旧&#x27;, &#x27;新&#x27;]" not in page and "['旧', '新']" not in page


def test_a_failed_login_reads_with_chinese_labels(client, world, history, auditor):
    client.force_login(auditor)
    page = client.get(LOG, {"action": AuditEvent.Action.LOGIN_FAILED}).content.decode()
    assert "<strong>用户名</strong>：=HYPERLINK" in page and "<strong>username</strong>" not in page
