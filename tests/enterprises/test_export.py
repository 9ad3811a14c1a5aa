"""Excel export of the register: scoped, filtered, same columns as the import, re-imports unchanged."""

import io

import openpyxl
import pytest
from django.urls import reverse

from enforcement.enterprises.importing import COLUMNS
from enforcement.enterprises.models import Enterprise, ImportBatch
from tests.enterprises.test_import_support import HEADERS, read_sheet, registrar, upload
from tests.factories import EnterpriseFactory, OrganisationFactory

CODE_COL = HEADERS.index("统一社会信用代码")
NAME_COL = HEADERS.index("单位名称")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def export(client, **params):
    response = client.get(reverse("enterprises:export"), params)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def exported_names(content):
    return {r[NAME_COL] for r in read_sheet(content)[1:]}


def test_county_a_export_contains_no_county_b_rows(client, world):
    client.force_login(world.people.county_a_officer)
    rows = read_sheet(export(client))
    assert rows[0] == HEADERS
    assert {r[NAME_COL] for r in rows[1:]} == {
        "河川化工集团有限公司",
        "东城机械厂",
        "城关纺织有限公司",
        "园区建材有限公司",
    }
    codes = {r[CODE_COL] for r in rows[1:]}
    assert world.ent.b_general.credit_code not in codes and world.ent.b_township.credit_code not in codes


def test_city_export_has_every_county_and_writes_labels(client, world):
    client.force_login(world.people.city_legal)
    rows = read_sheet(export(client))
    assert len(rows) == 7
    by_name = {r[NAME_COL]: dict(zip(HEADERS, r, strict=True)) for r in rows[1:]}
    key = by_name["河川化工集团有限公司"]
    assert key["属地"] == "东城区应急管理局"
    assert key["执法主体"] == "河川市应急管理局"
    assert (key["监管类别"], key["列为重点的理由"], key["重大危险源"], key["有限空间"]) == (
        "重点",
        "重大危险源",
        "是",
        "否",
    )
    assert key["信用状况"] == "正常" and key["安全生产标准化等级"] == "未达标"


def test_credit_codes_and_phones_are_written_as_text(client, world):
    ent = world.ent.a_general
    Enterprise.objects.filter(pk=ent.pk).update(credit_code="914403001922038216", principal_phone="13800138000")
    client.force_login(world.people.county_a_officer)
    book = openpyxl.load_workbook(io.BytesIO(export(client)))
    sheet = book.worksheets[0]
    cells = {row[NAME_COL].value: row for row in sheet.iter_rows(min_row=2)}
    code_cell = cells["东城机械厂"][CODE_COL]
    assert code_cell.value == "914403001922038216" and code_cell.data_type == "s"
    assert cells["东城机械厂"][HEADERS.index("主要负责人电话")].data_type == "s"


def test_export_honours_the_list_filter(client, world):
    client.force_login(world.people.county_a_officer)
    assert exported_names(export(client, organisation=world.orgs.township_a.pk)) == {"城关纺织有限公司"}
    assert exported_names(export(client, q="机械")) == {"东城机械厂"}
    assert exported_names(export(client, supervision_class="key")) == {"河川化工集团有限公司"}


def test_an_organisation_filter_outside_the_scope_does_not_leak(client, world):
    client.force_login(world.people.county_a_officer)
    response = client.get(reverse("enterprises:export"), {"organisation": world.orgs.county_b.pk})
    assert response.status_code == 400
    html = response.content.decode()
    assert "导出条件有误，未生成文件" in html
    assert "西山矿业有限公司" not in html


def test_users_without_scope_get_an_empty_file(client, world):
    client.force_login(world.people.social_supervisor)
    assert read_sheet(export(client)) == [HEADERS]


def test_export_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries):
    client.force_login(world.people.county_a_officer)
    for i in range(40):
        EnterpriseFactory(name=f"批量单位{i}", organisation=world.orgs.county_a)
    # 13: the export's audit row (issue 9 item 3) is one more query, still not one per row.
    with django_assert_max_num_queries(13):
        content = export(client)
    assert len(read_sheet(content)) == 45


def test_export_round_trips_through_import_as_all_unchanged(client, world):
    """GIVEN county A's export WHEN imported again by the same user THEN every row is unchanged."""
    ent = world.ent.a_park
    ent.supervision_class = "key"
    ent.class_reason = "有限空间作业"
    ent.confined_space = ent.key_chemical = True
    ent.standardisation_grade = "small"
    ent.credit_status = "dishonest"
    ent.contact_phone = "0395-1234567"
    ent.save()
    client.force_login(registrar(world))
    content = export(client)
    response = client.post(reverse("enterprises:import"), {"file": upload(content)})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert (batch.create_count, batch.update_count, batch.unchanged_count, batch.error_count) == (0, 0, 4, 0), (
        batch.report
    )


def test_ambiguous_organisation_names_are_exported_as_division_codes(client, world):
    """Two townships named 城关镇 in one city: the export writes division codes so that it re-imports."""
    twin = OrganisationFactory(
        name="城关镇人民政府",
        short_name="西城关",
        level="township",
        parent=world.orgs.county_b,
        division_code="419902009",
    )
    EnterpriseFactory(name="西城关商店", organisation=twin)
    client.force_login(world.people.city_legal)
    content = export(client)
    by_name = {r[NAME_COL]: dict(zip(HEADERS, r, strict=True)) for r in read_sheet(content)[1:]}
    assert by_name["西城关商店"]["属地"] == "419902009"
    assert by_name["城关纺织有限公司"]["属地"] == "419901001"
    client.post(reverse("enterprises:import"), {"file": upload(content)})
    batch = ImportBatch.objects.get()
    assert (batch.unchanged_count, batch.error_count) == (7, 0), batch.report


def test_template_has_the_import_columns_and_an_example_row(client, world):
    client.force_login(registrar(world))
    response = client.get(reverse("enterprises:import_template"))
    assert response.status_code == 200
    rows = read_sheet(b"".join(response.streaming_content))
    assert rows[0] == [c.header for c in COLUMNS]
    assert len(rows) == 2
    example = dict(zip(HEADERS, rows[1], strict=True))
    assert example["统一社会信用代码"] == "91350100M000100Y43"
    assert example["属地"] == "东城区应急管理局"


def test_the_template_example_previews_as_one_new_row(client, world):
    client.force_login(registrar(world))
    content = b"".join(client.get(reverse("enterprises:import_template")).streaming_content)
    client.post(reverse("enterprises:import"), {"file": upload(content, name="模板.xlsx")})
    batch = ImportBatch.objects.get()
    assert (batch.create_count, batch.error_count) == (1, 0), batch.report
    assert not Enterprise.objects.filter(credit_code="91350100M000100Y43").exists()
