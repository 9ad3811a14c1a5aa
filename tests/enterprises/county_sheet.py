"""A county register workbook as counties really write it (issue 9 item 7), built in memory.

东城区's sheet: a title and a date line above the table, its own headers (序号, 企业名称, 所属乡镇, 行业 …),
no "列为重点的理由" column, townships written the short way (城关镇, 河口, 东关街道, 东城区河口镇, a division
code), dialect sectors (危化, 工贸(机械), 烟花, 工贸（冶金）…), two units listed twice, and the signature
and date lines under the table. 53 rows are valid; the two repeated units are the only bad rows.
"""

import io

import openpyxl

from enforcement.enterprises.credit_code import make_code
from enforcement.orgs.models import Organisation
from tests.factories import OrganisationFactory

VALID_ROWS = 53
HEADERS = ["序号", "企业名称", "统一社会信用代码", "所属乡镇", "行业", "监管类别", "法定代表人", "联系电话", "备注"]
# How the county writes its townships and sectors, cycled through the rows.
TOWNSHIPS = ("城关镇", "河口", "东关街道", "东城区河口镇", "城关", "东关街道办事处", "419901003")
SECTORS = ("危化", "工贸(机械)", "烟花", "工贸（冶金）", "非煤", "商贸", "危化品", "机械")
FOOTER = (
    ("填报人：王小明", None, None, "审核人：李建国"),
    ("填报日期：2026年3月5日",),
    ("单位（盖章）",),
)
DUPLICATES = {20: 3, 41: 17}  # sheet position of a repeated unit → position of its first row


def county_townships(county):
    """The townships of 东城区 as the demo city names them (full name with county prefix and suffix)."""
    township = Organisation.Level.TOWNSHIP
    return {
        "河口": OrganisationFactory(
            name="东城区河口镇人民政府", short_name="河口", level=township, parent=county, division_code="419901002"
        ),
        "东关": OrganisationFactory(
            name="东城区东关街道办事处", short_name="东关", level=township, parent=county, division_code="419901003"
        ),
    }


def code(i):
    return make_code(f"9141990170000{i:04d}")


def county_rows():
    """(rows as written, sheet row numbers of the valid ones)."""
    rows = []
    for i in range(VALID_ROWS):
        key = i % 5 == 0  # every fifth unit is key; the sheet has no column for the reason
        rows.append(
            [
                i + 1,
                f"东城区县域企业{i:02d}有限公司",
                code(i),
                TOWNSHIPS[i % len(TOWNSHIPS)],
                SECTORS[i % len(SECTORS)],
                "重点" if key else "一般",
                f"负责人{i:02d}",
                f"1380000{i:04d}",
                "",
            ]
        )
    for position, first in sorted(DUPLICATES.items()):
        again = list(rows[first])
        again[0] = position + 1
        again[1] += "（重复填报）"
        rows.insert(position, again)
    return rows


HEADER_ROW = 3  # title on row 1, the county and date on row 2


def county_workbook():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "重点企业名录"
    sheet.append(["东城区安全生产监管企业名录（2026年）"])
    sheet.append(["填报单位：东城区应急管理局", None, None, None, "2026年3月"])
    sheet.append(HEADERS)
    for line in county_rows():
        sheet.append(line)
    sheet.append([])
    for line in FOOTER:
        sheet.append(list(line))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheet_row(position):
    """The sheet row number of the data row at ``position`` (0-based, duplicates included)."""
    return HEADER_ROW + 1 + position
