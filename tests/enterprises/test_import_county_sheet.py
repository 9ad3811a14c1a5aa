"""Issue 9 item 7: a register as a county really writes it imports all its valid rows.

Before: 0 of the 53 valid rows (townships written the short way, no reason column, both duplicates refused,
signature lines as errors, dialect sectors unknown).
"""

import io

import openpyxl
import pytest
from django.urls import reverse

from enforcement.enterprises import importing
from enforcement.enterprises.models import Enterprise, ImportBatch, Sector, SectorAlias
from enforcement.orgs.models import Organisation
from tests.enterprises.county_sheet import (
    DUPLICATES,
    HEADER_ROW,
    VALID_ROWS,
    code,
    county_townships,
    county_workbook,
    sheet_row,
)
from tests.enterprises.test_import_support import post_workbook, registrar, row, upload, workbook_bytes
from tests.factories import OrganisationFactory


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True


def preview(client, content):
    response = post_workbook(client, content)
    assert response.status_code == 302, response.content.decode()[:3000]
    return ImportBatch.objects.latest("id")


def page(client, batch, tab=None):
    response = client.get(reverse("enterprises:import_batch", args=[batch.pk]), {"tab": tab} if tab else {})
    assert response.status_code == 200
    return response.content.decode()


def test_a_county_workbook_imports_all_its_valid_rows(client, world):
    """GIVEN 东城区's own register (short township names, no reason column, two units listed twice, dialect
    sectors, signature lines) WHEN previewed and confirmed THEN all 53 valid rows are written."""
    townships = county_townships(world.orgs.county_a)
    client.force_login(registrar(world))

    batch = preview(client, county_workbook())

    assert batch.status == ImportBatch.Status.PREVIEWED
    assert batch.header_row == HEADER_ROW
    assert (batch.create_count, batch.error_count) == (VALID_ROWS, len(DUPLICATES)), batch.report
    errors = page(client, batch, "error")
    for position, first in DUPLICATES.items():
        # The later row is refused, pointing at the first; the message names the sheet's own header.
        assert (
            f"第{sheet_row(position)}行“统一社会信用代码”：与第{sheet_row(first)}行的统一社会信用代码重复，"
            f"已按第{sheet_row(first)}行导入，本行未导入。"
        ) in errors
    html = page(client, batch)
    assert "填报人：王小明 审核人：李建国" in html and "单位（盖章）" in html  # listed as ignored lines
    assert 'id="ignored-lines"' in html
    assert "<td>所属乡镇</td><td>属地</td>" in html and "<td>企业名称</td><td>单位名称</td>" in html
    assert "“危化”按别名导入为“危险化学品”" in html and "“工贸(机械)”按别名导入为“机械”" in html
    warnings = page(client, batch, "warning")
    assert "列为重点但未填写理由" in warnings
    assert 'id="key-reason-field"' in html

    response = client.post(reverse("enterprises:import_confirm", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.create_count) == (ImportBatch.Status.APPLIED, VALID_ROWS)
    imported = Enterprise.objects.filter(credit_code__in=[code(i) for i in range(VALID_ROWS)])
    assert imported.count() == VALID_ROWS
    by_code = {e.credit_code: e for e in imported.select_related("organisation", "sector")}
    assert by_code[code(0)].organisation == world.orgs.township_a  # "城关镇"
    assert by_code[code(1)].organisation == townships["河口"]  # "河口"
    assert by_code[code(2)].organisation == townships["东关"]  # "东关街道"
    assert by_code[code(3)].organisation == townships["河口"]  # "东城区河口镇"
    assert by_code[code(6)].organisation == townships["东关"]  # its division code
    assert by_code[code(0)].sector.name == "危险化学品"
    assert by_code[code(3)].sector.name == "冶金"  # "工贸（冶金）", full-width parentheses
    assert by_code[code(3)].name == "东城区县域企业03有限公司"  # the first of the two rows
    key = by_code[code(5)]
    assert (key.supervision_class, key.class_reason, key.class_reason_pending) == ("key", "", True)
    assert sum(e.class_reason_pending for e in imported) == 11
    detail = client.get(reverse("enterprises:detail", args=[key.pk])).content.decode()
    assert "重点理由待补充" in detail


def test_a_batch_wide_reason_chosen_in_the_preview_is_given_to_key_rows(client, world):
    county_townships(world.orgs.county_a)
    client.force_login(registrar(world))
    batch = preview(client, county_workbook())
    client.post(reverse("enterprises:import_confirm", args=[batch.pk]), {"key_reason": "县级确定的重点监管单位"})
    key = Enterprise.objects.get(credit_code=code(5))
    assert (key.class_reason, key.class_reason_pending) == ("县级确定的重点监管单位", False)
    assert not Enterprise.objects.filter(class_reason_pending=True).exists()


def test_the_reason_pending_flag_ends_when_the_reason_is_given(world):
    enterprise = world.ent.a_general
    Enterprise.objects.filter(pk=enterprise.pk).update(supervision_class="key", class_reason_pending=True)
    enterprise.refresh_from_db()
    enterprise.class_reason = "涉及重大危险源"
    enterprise.save(update_fields=["class_reason"])
    enterprise.refresh_from_db()
    assert enterprise.class_reason_pending is False


def test_an_ambiguous_short_name_lists_the_candidates(world):
    """ "城关" is both 城关镇 and 城关街道 in one county: the message names both; the full name still works."""
    OrganisationFactory(
        name="东城区城关街道办事处",
        short_name="城关",  # as the demo city names them: the place without 镇 / 街道
        level=Organisation.Level.TOWNSHIP,
        parent=world.orgs.county_a,
        division_code="419901009",
    )
    index = importing.OrgIndex(world.people.county_a_officer)
    org, message = index.find("城关")
    assert org is None
    assert "“城关”对应多个单位：" in message
    assert "城关镇人民政府（419901001）" in message and "东城区城关街道办事处（419901009）" in message
    assert index.find("城关镇")[0] == world.orgs.township_a
    assert index.find("城关街道")[0].name == "东城区城关街道办事处"
    assert index.find("东城区城关街道")[0].name == "东城区城关街道办事处"


def test_a_short_name_is_unique_within_the_importing_county_only(world):
    """西山县 also has a 城关镇: for 东城区's officer "城关镇" is still theirs; for the city it is ambiguous."""
    OrganisationFactory(
        name="西山县城关镇人民政府",
        short_name="西城关",
        level=Organisation.Level.TOWNSHIP,
        parent=world.orgs.county_b,
        division_code="419902005",
    )
    assert importing.OrgIndex(world.people.county_a_officer).find("城关镇")[0] == world.orgs.township_a
    city = importing.OrgIndex(world.people.city_admin)
    assert "对应多个单位" in city.find("城关镇")[1]
    assert city.find("西山县城关镇")[0].name == "西山县城关镇人民政府"  # the county prefix decides


def test_messages_name_the_sheets_own_header(client, world):
    client.force_login(registrar(world))
    header = ["企业名称", "社会信用代码", "所属乡镇", "行业"]
    rows = [{"企业名称": "", "社会信用代码": code(90), "所属乡镇": "城关镇", "行业": "造船"}]
    batch = preview(client, workbook_bytes(rows, header=header))
    html = page(client, batch, "error")
    assert "第2行“企业名称”：不能为空。" in html
    assert "第2行“行业”：“造船”不是已登记的行业领域或别名" in html
    assert "“造船”" in page(client, batch) and 'id="unknown-sectors"' in page(client, batch)


def test_an_alias_an_administrator_adds_is_used_by_the_next_import(client, world):
    SectorAlias.objects.create(alias="造船", sector=Sector.objects.get(code="machinery"))
    client.force_login(registrar(world))
    batch = preview(client, workbook_bytes([row(code(91), "船厂", "城关镇", "造船")]))
    assert (batch.create_count, batch.error_count) == (1, 0)


@pytest.mark.django_db
def test_a_seeded_alias_exists_for_the_dialect_names():
    assert set(
        SectorAlias.objects.filter(alias__in=["危化", "工贸(机械)", "烟花"]).values_list("sector__code", flat=True)
    ) == {
        "hazardous_chemicals",
        "machinery",
        "fireworks",
    }


def test_signature_lines_are_recognised_but_a_row_with_a_valid_code_is_data():
    assert importing.signature_line(("填报人：张三", None, "审核人：李四"), 1)
    assert importing.signature_line(("单位（盖章）",), 1)
    assert importing.signature_line(("填 报 日 期 ： 2026-03-05",), 1)
    assert importing.signature_line(("日期：", code(1)), 1) is None
    assert importing.signature_line(("负责人公司", code(1)), 1) is None
    assert importing.signature_line(("某某有限公司", "123"), 1) is None


def encrypted_workbook():
    """The head of what Excel writes for a password-protected .xlsx (MS-OFFCRYPTO): an OLE2 compound file
    whose directory holds the EncryptionInfo and EncryptedPackage streams."""
    directory = b"".join(
        name.encode("utf-16-le").ljust(64, b"\0") + bytes([len(name) * 2 + 2, 0]) + b"\0" * 62
        for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage")
    )
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + directory + b"\0" * 1024


def test_an_encrypted_workbook_is_called_encrypted(client, world):
    client.force_login(registrar(world))
    response = post_workbook(client, encrypted_workbook())
    assert response.status_code == 400
    html = response.content.decode()
    assert "工作簿已加密" in html and ".xls" not in html.split("工作簿已加密")[1][:60]


def test_formatted_empty_rows_below_the_table_end_it(client, world, settings):
    """A sheet formatted down to its last row yields a run of empty rows; reading stops after the run."""
    client.force_login(registrar(world))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["统一社会信用代码", "单位名称", "属地", "行业领域"])
    sheet.append([code(92), "格式公司", "城关镇", "机械"])
    sheet.cell(row=importing.MAX_BLANK_RUN + 10, column=1).value = " "
    sheet.cell(row=importing.MAX_BLANK_RUN + 20, column=1).value = code(93)
    out = io.BytesIO()
    book.save(out)
    parsed = importing.parse_workbook(upload(out.getvalue()))
    assert [r["values"]["credit_code"] for r in parsed.rows] == [code(92)]


def test_a_cell_with_a_bidi_override_or_control_character_is_refused_like_a_form_field(client, world):
    """GIVEN a sheet whose unit name hides U+202E (which reverses text in printed documents) and whose address
    holds a control character WHEN previewed THEN those rows are refused naming the column and the code point,
    and a clean row beside them still imports (issue 9 item 6 applies to the import as to every form)."""
    client.force_login(registrar(world))
    rows = [
        row(code(901), "东城\u202e司公限有工化", "城关镇"),
        row(code(902), "东城控制符有限公司", "城关镇", 地址="东城区\x85人民路1号"),
        row(code(903), "东城干净有限公司", "城关镇"),
    ]
    batch = preview(client, workbook_bytes(rows))
    assert (batch.create_count, batch.error_count) == (1, 2), batch.report
    errors = page(client, batch, "error")
    assert "单位名称" in errors and "U+202E" in errors
    assert "地址" in errors and "U+0085" in errors
