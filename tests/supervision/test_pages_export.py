"""Excel export of the monthly progress roll-up: what the user sees, in ranking order, rates as percentages."""

import io
from urllib.parse import unquote

import openpyxl
import pytest

from supervision.progress import services
from tests.supervision.test_pages import browse, progress  # noqa: F401 - fixtures

URL = "/supervision/progress/export/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(book.worksheets) == 1
    return book.worksheets[0]


def table(sheet):
    """{header: column index} and the data rows (below the title and header rows, down to the blank row
    before the note) as lists."""
    rows = list(sheet.iter_rows(values_only=True))
    headers = {name: i for i, name in enumerate(rows[1]) if name}
    data = []
    for row in rows[2:]:
        if not any(value is not None for value in row):
            break
        data.append(row)
    return headers, data


def test_city_export_is_the_ranked_roll_up(progress, browse):  # noqa: F811
    services.confirm_progress(progress.people.a_legal, progress.reports.county_a.pk)
    response = browse.as_(progress.people.city_legal).get(URL, {"month": "2026-06"})
    assert "%E6%9C%88%E5%BA%A6%E8%B0%83%E5%BA%A6%E6%B1%87%E6%80%BB_2026-06.xlsx" in response["Content-Disposition"]
    assert "月度调度汇总_2026-06.xlsx" in unquote(response["Content-Disposition"])
    sheet = workbook(response)
    assert sheet.title == "月度调度汇总"
    title = sheet["A1"].value
    assert "2026年06月" in title and "河川市应急管理局" in title
    headers, rows = table(sheet)
    for header in ("排名", "执法主体", "计划检查任务完成率", "隐患整改复查率", "重点单位覆盖率", "确认状态"):
        assert header in headers, header
    unit, rank = headers["执法主体"], headers["排名"]
    completion, reinspection = headers["计划检查任务完成率"], headers["隐患整改复查率"]
    assert [(r[rank], r[unit]) for r in rows] == [
        (1, "东城工业园管委会"),
        (2, "河川市应急管理局"),
        (3, "东城区应急管理局"),
        (4, "西山县应急管理局"),
        (4, "西山镇人民政府"),
        (None, "合计"),
    ]
    by_unit = {r[unit]: r for r in rows}
    county_a = by_unit["东城区应急管理局"]
    assert (county_a[headers["截至本月计划检查数"]], county_a[headers["已完成计划检查数"]]) == (10, 8)
    assert (county_a[completion], county_a[reinspection]) == (0.8, 1.0)
    assert county_a[headers["确认状态"]] == "已确认"
    assert by_unit["西山县应急管理局"][headers["确认状态"]] == "未确认"
    assert by_unit["河川市应急管理局"][reinspection] == "—"  # nothing due: no rate, not 0%
    total = by_unit["合计"]
    assert (total[headers["截至本月计划检查数"]], total[headers["已完成计划检查数"]]) == (31, 26)
    assert (total[completion], total[reinspection]) == (0.839, 0.667)  # 83.9% and 66.7%, as on the page
    # Rates are numbers formatted as percentages, so Excel can sort and average them.
    assert sheet.cell(row=3 + 2, column=completion + 1).number_format == "0.0%"


def test_county_export_holds_only_its_scope(progress, browse):  # noqa: F811
    response = browse.as_(progress.people.b_legal).get(URL, {"month": "2026-06"})
    headers, rows = table(workbook(response))
    assert [r[headers["执法主体"]] for r in rows] == ["西山县应急管理局", "西山镇人民政府", "合计"]
    assert all("东城" not in str(value) for row in rows for value in row)


def test_export_defaults_to_the_latest_month(progress, browse):  # noqa: F811
    sheet = workbook(browse.as_(progress.people.a_legal).get(URL))
    assert "2026年06月" in sheet["A1"].value
    headers, rows = table(sheet)
    assert [r[headers["执法主体"]] for r in rows] == ["东城工业园管委会", "东城区应急管理局", "合计"]


def test_export_of_another_month(progress, browse):  # noqa: F811
    headers, rows = table(workbook(browse.as_(progress.people.a_legal).get(URL, {"month": "2026-05"})))
    assert [(r[headers["执法主体"]], r[headers["计划检查任务完成率"]]) for r in rows] == [
        ("东城区应急管理局", 1.0),
        ("合计", 1.0),
    ]


def test_export_needs_the_permission(progress, browse):  # noqa: F811
    assert browse.as_(progress.people.a_officer).get(URL).status_code == 403


@pytest.mark.parametrize("month", ["2026-13", "abc"])
def test_export_with_a_malformed_month_goes_back_to_the_page(progress, browse, month):  # noqa: F811
    response = browse.as_(progress.people.a_legal).get(URL, {"month": month})
    assert response.status_code == 302 and response["Location"] == "/supervision/progress/"
