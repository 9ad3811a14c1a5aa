"""Excel import of the register: preview writes nothing, confirm writes the valid rows, re-import is a no-op."""

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcement.audit.models import AuditEvent
from enforcement.audit.services import history_for
from enforcement.enterprises import importing, tasks
from enforcement.enterprises.credit_code import make_code
from enforcement.enterprises.models import Enterprise, ImportBatch
from tests.enterprises.test_import_support import (
    HEADERS,
    XLSX,
    exact_integers,
    post_workbook,
    registrar,
    row,
    upload,
    workbook_bytes,
)
from tests.factories import UserFactory

CODE_NEW = make_code("91419901000000001")
CODE_FW = make_code("91419901000000002")
CODE_NUM = 914403001922038216  # all digits: may arrive as a number
CODE_DUP = make_code("91419901000000003")
CODE_KEY = make_code("91419901000000004")
OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls format


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # These tests check the import itself, so the confirm task runs in-process also when a broker is
    # configured. Celery reads Django's CELERY_* settings live; its own unprefixed key would be shadowed.
    settings.CELERY_TASK_ALWAYS_EAGER = True


def fullwidth(text):
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def wrong_check(code):
    return code[:17] + ("0" if code[17] != "0" else "1")


def mixed_rows(world):
    """Good rows (three new) and bad rows (one per kind of mistake), with a blank row in between."""
    return [
        row(CODE_NEW, "东城新材料有限公司", "东城区应急管理局", "建材", 地址="东城区工业路8号"),  # row 3
        row(CODE_NUM, "城关五金制品厂", "城关", 重大危险源="√", 主要负责人电话=13800138000),  # row 4
        {},  # row 5: blank
        row(  # row 6: full-width code, division code and sector, spaces everywhere
            fullwidth(CODE_FW),
            "  东城\u3000食品厂 ",
            "４１９９０１",
            " 轻 工 ",
            有限空间="Y",
            联系人电话="０３９５－１２３４５６７",
        ),
        row(wrong_check(make_code("91419901000000005")), "校验位错误公司", "东城区应急管理局"),  # row 7
        row(make_code("91419901000000006"), "跨县公司", "西山县应急管理局"),  # row 8
        row(make_code("91419901000000007"), "造船公司", "东城区应急管理局", "造船"),  # row 9
        row(CODE_KEY, "无理由重点公司", "东城区应急管理局", 监管类别="重点"),  # row 10
        row(make_code("91419901000000008"), "标识有误公司", "东城区应急管理局", 深井铸造="可能"),  # row 11
        row(CODE_DUP, "重复甲", "东城区应急管理局"),  # row 12
        row(CODE_DUP, "重复乙", "东城区应急管理局"),  # row 13
        row(world.ent.b_general.credit_code, "西山矿业有限公司", "东城区应急管理局"),  # row 14
        row(make_code("91419901000000009"), "", "东城区应急管理局"),  # row 15
    ]


def mixed_workbook(world):
    content = workbook_bytes(mixed_rows(world), before=[["东城区生产经营单位名录（2024年）"]])
    return exact_integers(content, [CODE_NUM, 13800138000])


def preview(client, content):
    response = post_workbook(client, content)
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.latest("id")
    assert response.url == reverse("enterprises:import_batch", args=[batch.pk])
    return batch


def confirm(client, batch):
    response = client.post(reverse("enterprises:import_confirm", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    return batch


def page(client, batch, tab=None):
    url = reverse("enterprises:import_batch", args=[batch.pk])
    response = client.get(url, {"tab": tab} if tab else {})
    assert response.status_code == 200
    return response.content.decode()


def test_preview_lists_every_bad_row_and_writes_nothing(client, world):
    """GIVEN a county A workbook with good and bad rows WHEN previewed THEN each bad row is listed with
    its row number, column and reason, and no enterprise or audit event is written."""
    client.force_login(registrar(world))
    enterprises, events = Enterprise.objects.count(), AuditEvent.objects.count()

    batch = preview(client, mixed_workbook(world))

    # Issue 9 item 7: the key enterprise without a reason (row 10) and the first of two rows with one
    # code (row 12) import; only the later duplicate (row 13) is refused, pointing at the first.
    assert (batch.create_count, batch.update_count, batch.unchanged_count, batch.error_count) == (5, 0, 0, 7)
    assert batch.header_row == 2
    assert Enterprise.objects.count() == enterprises
    assert AuditEvent.objects.count() == events
    html = page(client, batch, "error")
    assert "第7行“统一社会信用代码”：统一社会信用代码校验位错误" in html
    assert "第8行“属地”：“西山县应急管理局”不存在或不在您的管辖范围内。" in html
    assert "第9行“行业领域”：“造船”不是已登记的行业领域" in html
    assert "第11行“深井铸造”：“可能”无法识别，请填写“是”或“否”。" in html
    assert "第10行“" not in html and "第12行“" not in html
    assert "第13行“统一社会信用代码”：与第12行的统一社会信用代码重复，已按第12行导入，本行未导入。" in html
    warnings = page(client, batch, "warning")
    assert "第10行“监管类别”：列为重点但未填写理由，将导入并标记为“重点理由待补充”" in warnings
    assert "第14行“统一社会信用代码”：该统一社会信用代码已在其他辖区登记，请联系上级单位核实。" in html
    assert "第15行“单位名称”：不能为空。" in html
    assert "第5行" not in html  # the blank row is skipped, not an error
    created = page(client, batch, "create")
    for name in ("东城新材料有限公司", "城关五金制品厂", "东城 食品厂"):
        assert name in created
    assert 'id="btn-confirm"' in created


def test_confirm_writes_the_valid_rows_and_skips_the_bad_ones(client, world):
    client.force_login(registrar(world))
    before = Enterprise.objects.count()
    batch = confirm(client, preview(client, mixed_workbook(world)))

    assert batch.status == ImportBatch.Status.APPLIED
    assert (batch.create_count, batch.update_count, batch.error_count) == (5, 0, 7)
    assert Enterprise.objects.count() == before + 5
    flagged = Enterprise.objects.get(credit_code=CODE_KEY)
    assert (flagged.supervision_class, flagged.class_reason, flagged.class_reason_pending) == ("key", "", True)
    assert Enterprise.objects.get(credit_code=CODE_DUP).name == "重复甲"
    new = Enterprise.objects.get(credit_code=CODE_NEW)
    assert (new.organisation, new.responsible_org) == (world.orgs.county_a, world.orgs.county_a)
    assert new.sector.name == "建材"
    assert new.address == "东城区工业路8号"
    numeric = Enterprise.objects.get(credit_code=str(CODE_NUM))
    assert numeric.organisation == world.orgs.township_a  # found by its short name
    assert numeric.major_hazard_source is True
    assert numeric.principal_phone == "13800138000"
    full = Enterprise.objects.get(credit_code=CODE_FW)
    assert full.name == "东城 食品厂"
    assert full.organisation == world.orgs.county_a  # found by division code
    assert full.sector.name == "轻工"
    assert full.confined_space is True and full.contact_phone == "0395-1234567"
    # History shows the import
    (event,) = history_for(new)
    assert event.action == AuditEvent.Action.IMPORT
    assert event.actor == registrar(world)
    assert event.changes["name"] == [None, "东城新材料有限公司"]
    html = page(client, batch)
    assert "导入完成：新增 5 家" in html
    assert "第7行“统一社会信用代码”" in html  # skipped rows stay listed


def test_reimporting_the_same_workbook_changes_nothing(client, world):
    client.force_login(registrar(world))
    content = mixed_workbook(world)
    confirm(client, preview(client, content))
    enterprises, events = Enterprise.objects.count(), AuditEvent.objects.count()
    stamps = dict(Enterprise.objects.values_list("credit_code", "updated_at"))

    again = preview(client, content)
    assert (again.create_count, again.update_count, again.unchanged_count) == (0, 0, 5)
    again = confirm(client, again)

    assert again.status == ImportBatch.Status.APPLIED
    assert (again.create_count, again.update_count) == (0, 0)
    assert Enterprise.objects.count() == enterprises
    assert AuditEvent.objects.count() == events
    assert dict(Enterprise.objects.values_list("credit_code", "updated_at")) == stamps


def test_an_updated_cell_updates_that_enterprise_and_records_history(client, world):
    client.force_login(registrar(world))
    rows = [row(CODE_NEW, "东城新材料有限公司", "东城区应急管理局", "建材", 主要负责人="王五")]
    confirm(client, preview(client, workbook_bytes(rows)))
    rows[0]["主要负责人"] = "赵六"
    rows[0]["监管类别"] = "重点"
    rows[0]["列为重点的理由"] = "涉爆粉尘"

    batch = preview(client, workbook_bytes(rows))
    assert (batch.create_count, batch.update_count) == (0, 1)
    html = page(client, batch, "update")
    assert "王五" in html and "赵六" in html and "监管类别" in html
    assert (
        '列为重点的理由</span>：<span class="changes__old">（空）</span> → <span class="changes__new">涉爆粉尘' in html
    )
    assert Enterprise.objects.get(credit_code=CODE_NEW).principal_person == "王五"  # not before confirming
    confirm(client, batch)

    enterprise = Enterprise.objects.get(credit_code=CODE_NEW)
    assert (enterprise.principal_person, enterprise.supervision_class) == ("赵六", "key")
    latest = history_for(enterprise).first()
    assert latest.action == AuditEvent.Action.IMPORT
    assert latest.changes == {
        "principal_person": ["王五", "赵六"],
        "supervision_class": ["general", "key"],
        "class_reason": ["", "涉爆粉尘"],
    }
    detail = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert "赵六" in detail and "导入" in detail


def test_full_width_variants_of_existing_values_are_not_changes(client, world):
    """The register has "河川化工集团有限公司"; a workbook with full-width punctuation or stray spaces in
    text cells, a lower-case code and flags as 1/0 does not count as a change."""
    client.force_login(registrar(world))
    ent = world.ent.a_general
    ent.name = "东城机械厂（一分厂）"
    ent.save()
    rows = [
        row(
            ent.credit_code.lower(),
            " 东城机械厂(一分厂) ",
            "东城区应急管理局",
            ent.sector.name,
            地址=fullwidth(ent.address),
            主要负责人=" 张 三 ",
            重大危险源=0,
        )
    ]
    batch = preview(client, workbook_bytes(rows))
    assert (batch.create_count, batch.update_count, batch.unchanged_count, batch.error_count) == (0, 0, 1, 0)


def test_header_aliases_spaces_full_width_and_trailing_columns(client, world):
    client.force_login(registrar(world))
    header = ["序号", "企业 名称", "统一社会\n信用代码", "所属单位", "行业", "地 址", "主要负责人（法人）", "备注"]
    rows = [[1, "东城新材料有限公司", CODE_NEW, "东城区应急管理局", "建材", "东城区工业路8号", "王五", "", None, None]]
    batch = preview(client, workbook_bytes(rows, header=header, before=[[], ["名录"], []]))
    assert batch.header_row == 4
    assert batch.create_count == 1, batch.report
    assert set(batch.columns["fields"]) == {
        "name",
        "credit_code",
        "organisation",
        "sector",
        "address",
        "principal_person",
    }
    assert "序号" in batch.columns["ignored"]


def test_absent_optional_columns_leave_existing_values_alone(client, world):
    client.force_login(registrar(world))
    ent = world.ent.city_key  # county A territory, city responsible, key with reason
    header = ["统一社会信用代码", "单位名称", "属地", "行业领域"]
    rows = [[ent.credit_code, ent.name, "东城区应急管理局", ent.sector.name]]
    batch = preview(client, workbook_bytes(rows, header=header))
    assert (batch.update_count, batch.unchanged_count, batch.error_count) == (0, 1, 0), batch.report


def test_rows_for_another_countys_organisation_are_rejected(client, world):
    client.force_login(registrar(world))
    rows = [
        row(make_code("91419902000000001"), "西山新厂", "西山县应急管理局"),
        row(make_code("91419902000000002"), "西山镇新厂", "419902001"),
        row(make_code("91419902000000003"), "越级新厂", "东城区应急管理局", 执法主体="西山县应急管理局"),
        row(make_code("91419902000000004"), "市级负责新厂", "东城区应急管理局", 执法主体="河川市应急管理局"),
    ]
    batch = confirm(client, preview(client, workbook_bytes(rows)))
    assert (batch.create_count, batch.error_count) == (0, 4)
    assert not Enterprise.objects.filter(name__contains="新厂").exists()
    html = page(client, batch, "error")
    assert "第2行“属地”：“西山县应急管理局”不存在或不在您的管辖范围内。" in html
    assert "第3行“属地”：“419902001”不存在或不在您的管辖范围内。" in html
    assert "第4行“执法主体”：“西山县应急管理局”不是属地单位本身或其上级单位" in html
    assert "第5行“执法主体”：执法主体不在您的管辖范围内。" in html


def test_city_user_may_name_the_city_as_responsible_body(client, world):
    client.force_login(world.people.city_legal)
    rows = [row(make_code("91419902000000004"), "市级负责新厂", "东城区应急管理局", 执法主体="川")]
    confirm(client, preview(client, workbook_bytes(rows)))
    ent = Enterprise.objects.get(name="市级负责新厂")
    assert (ent.organisation, ent.responsible_org) == (world.orgs.county_a, world.orgs.city)


def test_county_user_keeps_the_city_as_responsible_body_of_an_existing_enterprise(client, world):
    """A county may update an enterprise for which the city is responsible without re-assigning it."""
    client.force_login(registrar(world))
    ent = world.ent.city_key
    rows = [
        row(
            ent.credit_code,
            ent.name,
            "东城区应急管理局",
            ent.sector.name,
            执法主体="河川市应急管理局",
            监管类别="重点",
            列为重点的理由="重大危险源",
            重大危险源="是",
            地址="新地址1号",
            主要负责人="张三",
        )
    ]
    confirm(client, preview(client, workbook_bytes(rows)))
    ent.refresh_from_db()
    assert (ent.address, ent.responsible_org) == ("新地址1号", world.orgs.city)


def test_a_township_user_cannot_update_a_county_enterprise(client, world):
    township_registrar = UserFactory(
        username="township_registrar", organisation=world.orgs.township_a, roles=["business"]
    )
    client.force_login(township_registrar)
    ent = world.ent.a_general
    batch = preview(client, workbook_bytes([row(ent.credit_code, "改名", "城关镇人民政府")]))
    assert batch.error_count == 1
    assert "该统一社会信用代码已在其他辖区登记，请联系上级单位核实。" in page(client, batch, "error")


def test_numbers_as_floats_give_a_clear_message(client, world):
    client.force_login(registrar(world))
    rows = [row(float(CODE_NUM), "浮点数代码公司", "东城区应急管理局")]
    batch = preview(client, workbook_bytes(rows))
    assert batch.error_count == 1
    assert "Excel只保留15位有效数字" in page(client, batch, "error")


# --- ownership, confirmation, task --------------------------------------------------------------------


def test_another_users_batch_is_404(client, world):
    client.force_login(registrar(world))
    batch = preview(client, mixed_workbook(world))
    for other in (world.people.county_b_officer, world.people.county_a_officer2, world.people.city_legal):
        client.force_login(other)
        assert client.get(reverse("enterprises:import_batch", args=[batch.pk])).status_code == 404
        assert client.post(reverse("enterprises:import_confirm", args=[batch.pk])).status_code == 404
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED and batch.confirmed_at is None
    assert not Enterprise.objects.filter(credit_code=CODE_NEW).exists()


def test_a_batch_is_confirmed_only_once(client, world):
    client.force_login(registrar(world))
    batch = confirm(client, preview(client, mixed_workbook(world)))
    events = AuditEvent.objects.count()
    response = client.post(reverse("enterprises:import_confirm", args=[batch.pk]), follow=True)
    assert "该批次已经确认过，不能重复导入。" in response.content.decode()
    assert AuditEvent.objects.count() == events
    assert 'id="btn-confirm"' not in response.content.decode()


def confirmed(batch):
    """What the confirm view does before it queues the write (the task claims only confirmed batches)."""
    ImportBatch.objects.filter(pk=batch.pk).update(confirmed_at=timezone.now())
    batch.refresh_from_db()
    return batch


def test_task_claims_the_batch_so_a_duplicate_delivery_does_nothing(world):
    user = registrar(world)
    batch = confirmed(importing.create_preview(user, _file(mixed_workbook(world))))
    assert tasks.apply_enterprise_import(batch.pk) == ImportBatch.Status.APPLIED
    events = AuditEvent.objects.count()
    assert tasks.apply_enterprise_import(batch.pk) is None
    assert AuditEvent.objects.count() == events
    assert tasks.apply_enterprise_import(999999) is None  # gone: nothing to do


def test_a_failed_apply_rolls_back_and_says_why(world, monkeypatch):
    user = registrar(world)
    batch = confirmed(importing.create_preview(user, _file(mixed_workbook(world))))
    real_bulk_create = AuditEvent.objects.bulk_create

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(AuditEvent.objects, "bulk_create", explode)
    assert tasks.apply_enterprise_import(batch.pk) == ImportBatch.Status.FAILED
    monkeypatch.setattr(AuditEvent.objects, "bulk_create", real_bulk_create)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert "所有更改均未写入" in batch.error_message
    assert not Enterprise.objects.filter(credit_code=CODE_NEW).exists()  # the enterprises were rolled back


def test_scope_is_checked_again_when_confirming(client, world):
    """GIVEN a preview by county A WHEN the township is moved to county B before the confirm THEN its row
    is refused at confirmation and the other rows are written."""
    client.force_login(registrar(world))
    rows = [row(CODE_NEW, "东城新材料有限公司", "东城区应急管理局"), row(CODE_FW, "城关新厂", "城关镇人民政府")]
    batch = preview(client, workbook_bytes(rows))
    assert batch.create_count == 2
    township = world.orgs.township_a
    township.parent = world.orgs.county_b
    township.save()

    batch = confirm(client, batch)
    assert (batch.status, batch.create_count, batch.error_count) == (ImportBatch.Status.APPLIED, 1, 1)
    assert not Enterprise.objects.filter(credit_code=CODE_FW).exists()
    assert "第3行“属地”：“城关镇人民政府”不存在或不在您的管辖范围内。" in page(client, batch, "error")


def test_a_user_who_lost_the_permission_cannot_apply(client, world):
    user = registrar(world)
    batch = confirmed(importing.create_preview(user, _file(mixed_workbook(world))))
    user.roles.clear()
    assert tasks.apply_enterprise_import(batch.pk) == ImportBatch.Status.FAILED
    batch.refresh_from_db()
    assert batch.error_message == "您已没有导入生产经营单位的权限。"
    assert not Enterprise.objects.filter(credit_code=CODE_NEW).exists()


def test_result_page_refreshes_while_applying(client, world):
    client.force_login(registrar(world))
    batch = preview(client, mixed_workbook(world))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.APPLYING)
    response = client.get(reverse("enterprises:import_batch", args=[batch.pk]))
    html = response.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "正在导入" in html
    assert 'id="btn-confirm"' not in html
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.APPLIED)
    assert "http-equiv" not in page(client, batch)


# --- upload checks ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, name, content_type, message",
    [
        (b"credit_code,name\n1,2\n", "名录.csv", "text/csv", "只能导入Excel工作簿（.xlsx）文件。"),
        (OLE_HEADER + b"\0" * 100, "名录.xls", "application/vnd.ms-excel", "旧版Excel（.xls）"),
        (OLE_HEADER + b"\0" * 100, "名录.xlsx", XLSX, "旧版Excel（.xls）"),
        (b"this is not a workbook", "名录.xlsx", "application/octet-stream", "不是有效的Excel（.xlsx）工作簿"),
        (b"PK\x03\x04broken zip", "名录.xlsx", XLSX, "文件已损坏"),
        (b"%PDF-1.4", "名录.xlsx", "application/pdf", "文件类型“application/pdf”不正确"),
    ],
)
def test_a_file_that_is_not_an_xlsx_gets_a_message(client, world, content, name, content_type, message):
    client.force_login(registrar(world))
    response = post_workbook(client, content, name=name, content_type=content_type)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_zip_that_is_no_workbook_gets_a_message(client, world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    client.force_login(registrar(world))
    response = post_workbook(client, buffer.getvalue())
    assert response.status_code == 400
    assert "文件已损坏或不是有效的Excel（.xlsx）工作簿" in response.content.decode()


def test_size_and_row_limits(client, world, settings):
    client.force_login(registrar(world))
    rows = [row(make_code(f"914199010000001{i:02d}"), f"公司{i}", "东城区应急管理局") for i in range(5)]
    content = workbook_bytes(rows)
    settings.ENTERPRISE_IMPORT_MAX_BYTES = len(content) - 1
    response = post_workbook(client, content)
    assert response.status_code == 400
    assert "文件过大" in response.content.decode()
    settings.ENTERPRISE_IMPORT_MAX_BYTES = 10 * 1024 * 1024
    settings.ENTERPRISE_IMPORT_MAX_ROWS = 4
    response = post_workbook(client, content)
    assert "数据行数超过上限：一次最多导入4行" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_missing_header_or_required_columns(client, world):
    client.force_login(registrar(world))
    response = post_workbook(client, workbook_bytes([["a", "b"]], header=["名字", "电话"]))
    assert "未找到表头" in response.content.decode()
    response = post_workbook(client, workbook_bytes([[CODE_NEW, "某公司"]], header=["统一社会信用代码", "单位名称"]))
    assert "缺少必填列：属地、行业领域。" in response.content.decode()
    response = post_workbook(client, workbook_bytes([], header=HEADERS))
    assert "表头下方没有数据行。" in response.content.decode()


def test_import_pages_need_the_permission(client, world):
    client.force_login(world.people.technical)
    assert client.get(reverse("enterprises:import")).status_code == 403
    assert client.get(reverse("enterprises:import_template")).status_code == 403
    client.logout()
    assert client.get(reverse("enterprises:import")).status_code == 302  # to the login page


def test_import_page_lists_columns_and_links_the_template(client, world):
    client.force_login(registrar(world))
    html = client.get(reverse("enterprises:import")).content.decode()
    assert reverse("enterprises:import_template") in html
    assert "统一社会信用代码" in html and "上传并预览" in html


def _file(content):
    return upload(content)


def _many_rows(world, n):
    ent = world.ent.a_general  # one update (its name), the rest new
    existing = [row(ent.credit_code, "东城机械制造厂", ent.organisation.name, ent.sector.name, 地址=ent.address)]
    existing[0]["主要负责人"] = ent.principal_person
    fresh = [row(make_code(f"9141990110{i:07d}"), f"批量单位{i}", "东城区应急管理局") for i in range(n)]
    return existing + fresh


@pytest.mark.parametrize("n", [5, 60])
def test_preview_and_confirm_queries_do_not_grow_with_rows(world, n, django_assert_max_num_queries):
    """The import resolves organisations, sectors and existing codes in a few set queries, not per row."""
    user = registrar(world)
    content = workbook_bytes(_many_rows(world, n))
    # 11: one more than before issue 9 for the sector aliases, still not per row.
    with django_assert_max_num_queries(11):
        batch = importing.create_preview(user, upload(content))
    assert (batch.create_count, batch.update_count) == (n, 1)
    confirmed(batch)
    with django_assert_max_num_queries(24):
        assert tasks.apply_enterprise_import(batch.pk) == ImportBatch.Status.APPLIED
    with django_assert_max_num_queries(11):
        again = importing.create_preview(user, upload(content))
    assert again.unchanged_count == n + 1


def test_updates_of_several_rows_write_only_what_changed(client, world):
    """Several rows, each with its own changes (organisation, flags, text): each row gets exactly its own."""
    client.force_login(registrar(world))
    machine, textile, park = world.ent.a_general, world.ent.a_township, world.ent.a_park

    def as_row(ent, **extra):
        data = row(ent.credit_code, ent.name, ent.organisation.name, ent.sector.name, 主要负责人=ent.principal_person)
        data.update(地址=ent.address, 执法主体=ent.responsible_org.name, **extra)
        return data

    stamp = park.updated_at
    rows = [
        as_row(machine, 属地="城关镇人民政府", 有限空间="是"),  # moves to the township, responsible stays county A
        as_row(textile, 单位名称="城关纺织集团有限公司", 重大危险源="是", 有限空间="是"),
        as_row(park),
    ]
    batch = confirm(client, preview(client, workbook_bytes(rows)))
    assert (batch.update_count, batch.unchanged_count, batch.error_count) == (2, 1, 0), batch.report

    machine.refresh_from_db()
    textile.refresh_from_db()
    park.refresh_from_db()
    assert (machine.organisation, machine.responsible_org) == (world.orgs.township_a, world.orgs.county_a)
    assert machine.confined_space and not machine.major_hazard_source and machine.name == "东城机械厂"
    assert textile.name == "城关纺织集团有限公司" and textile.major_hazard_source and textile.confined_space
    assert textile.organisation == world.orgs.township_a
    assert park.updated_at == stamp
    assert machine.updated_at > stamp
    assert history_for(machine).first().changes == {
        "organisation": [world.orgs.county_a.pk, world.orgs.township_a.pk],
        "confined_space": [False, True],
    }


def test_an_officer_cannot_open_the_import_by_its_url(client, world):
    """GIVEN a county officer, who may add or correct one enterprise but is no register administrator
    WHEN they open the import page, the template or post a workbook by URL
    THEN each is refused (403), as the navigation that never offers them 导入 says, and nothing is previewed."""
    client.force_login(world.people.county_a_officer)
    assert client.get(reverse("enterprises:import")).status_code == 403
    assert client.get(reverse("enterprises:import_template")).status_code == 403
    assert post_workbook(client, mixed_workbook(world)).status_code == 403
    assert not ImportBatch.objects.exists()
    assert not importing.can_import(world.people.county_a_officer)
    assert importing.can_import(registrar(world))
