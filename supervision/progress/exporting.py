"""Excel export of the monthly progress roll-up: one sheet, a title row, Chinese headers, rates as percentages."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from enforcement import xlsx
from supervision.progress.forms import month_label

PERCENT = "0.0%"
TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
LOW_FONT = Font(color="B42318", bold=True)  # below the 100% target
TOTAL_FONT = Font(bold=True)

# (header, how to read the value from a Row, kind, column width). A "rate" is a percentage 0–100 or None.
COLUMNS = (
    (gettext_lazy("排名"), lambda row: _rank(row), "int", 6),
    (gettext_lazy("执法主体"), lambda row: _unit(row.report), "text", 26),
    (gettext_lazy("截至本月计划检查数"), lambda row: row.report.planned, "int", 12),
    (gettext_lazy("已完成计划检查数"), lambda row: row.report.done, "int", 12),
    (gettext_lazy("计划检查任务完成率"), lambda row: row.completion.value, "rate", 12),
    (gettext_lazy("本月计划检查数"), lambda row: row.report.planned_in_month, "int", 10),
    (gettext_lazy("本月实施检查数"), lambda row: row.report.inspections_in_month, "int", 10),
    (gettext_lazy("滞后计划检查数"), lambda row: row.report.behind_count, "int", 10),
    (gettext_lazy("本年发现隐患数"), lambda row: row.report.hazards_found, "int", 10),
    (gettext_lazy("本月发现隐患数"), lambda row: row.report.hazards_found_in_month, "int", 10),
    (gettext_lazy("已整改销号隐患数"), lambda row: row.report.hazards_closed, "int", 10),
    (gettext_lazy("整改期限已到隐患数"), lambda row: row.report.hazards_due, "int", 10),
    (gettext_lazy("已复查隐患数"), lambda row: row.report.hazards_reinspected, "int", 10),
    (gettext_lazy("隐患整改复查率"), lambda row: row.reinspection.value, "rate", 12),
    (gettext_lazy("重点单位数"), lambda row: row.report.key_total, "int", 10),
    (gettext_lazy("已检查重点单位数"), lambda row: row.report.key_covered, "int", 10),
    (gettext_lazy("重点单位覆盖率"), lambda row: row.key_coverage.value, "rate", 12),
    (gettext_lazy("一般单位数"), lambda row: row.report.general_total, "int", 10),
    (gettext_lazy("已检查一般单位数"), lambda row: row.report.general_covered, "int", 10),
    (gettext_lazy("一般单位覆盖率"), lambda row: row.general_coverage.value, "rate", 12),
    (gettext_lazy("确认状态"), lambda row: _confirmation(row.report), "text", 10),
    (gettext_lazy("确认时间"), lambda row: _local(row.report.confirmed_at), "text", 18),
)


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _rank(row):
    # A unit with nothing planned is listed without a rank ("—"); the totals row has no rank cell.
    if row.rank is None and row.report.pk is not None:
        return "—"
    return row.rank


def _unit(report):
    return report.organisation.name if report.organisation_id else _("合计")


def _confirmation(report):
    if report.pk is None:  # the totals row
        return ""
    return _("已确认") if report.confirmed_at else _("未确认")


def _row_cells(sheet, row, *, bold=False):
    cells = []
    for _header, read, kind, _width in COLUMNS:
        value = read(row)
        if kind == "rate":
            # Stored as a fraction with a percent format, so Excel can still sort and average it.
            fraction = None if value is None else round(value / 100, 4)
            low = value is not None and value < 100
            cells.append(
                xlsx.cell(
                    sheet,
                    fraction if fraction is not None else "—",
                    number_format=PERCENT,
                    font=LOW_FONT if low else (TOTAL_FONT if bold else None),
                    alignment=Alignment(horizontal="right"),
                )
            )
        else:
            cells.append(xlsx.cell(sheet, value, font=TOTAL_FONT if bold else None))
    return cells


COUNTING_NOTE = gettext_lazy(
    "说明：已完成 = 检查已办结（检查中的不计）。计划检查事项有办结的检查才计为已完成；本月实施检查数和单位覆盖"
    "也只计已办结的检查，按办结时间计入月份；到期隐患按原定整改期限计。只对有计划检查任务的单位排名。"
)


def write_workbook(user, month, rows, total=None, unranked=()):
    """The roll-up as .xlsx (write-only mode) in a temporary file, returned open at position 0.

    ``rows`` are the ranked units; ``unranked`` (units with nothing planned) follow under a heading of
    their own with no rank; the totals row (of all of them) comes last, then the note on what counts.
    """

    def fill(workbook):
        sheet = workbook.create_sheet(_("月度调度汇总"))
        for index, (_header, _read, _kind, width) in enumerate(COLUMNS, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "C3"
        org = user.organisation.name if user.organisation_id else ""
        title = _("%(month)s 安全生产监督检查计划执行情况月度调度汇总表") % {"month": month_label(month)}
        if org:
            title = f"{org} {title}"
        sheet.append([xlsx.cell(sheet, title, font=TITLE_FONT)])
        centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.append(
            [xlsx.cell(sheet, str(h), font=HEADER_FONT, fill=HEADER_FILL, alignment=centred) for h, *_rest in COLUMNS]
        )
        for row in rows:
            sheet.append(_row_cells(sheet, row))
        if unranked:
            sheet.append([xlsx.cell(sheet, _("本月无计划检查任务的单位（不参加排名）"), font=HEADER_FONT)])
            for row in unranked:
                sheet.append(_row_cells(sheet, row))
        if total is not None:
            sheet.append(_row_cells(sheet, total, bold=True))
        sheet.append([])
        sheet.append([xlsx.cell(sheet, str(COUNTING_NOTE))])

    return xlsx.write(fill)
