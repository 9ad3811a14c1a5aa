"""The annual plan's items as an Excel list (R-04: with the plan text for approval and publication): one row
per planned inspection, by month, in the order the plan document's attachment lists them."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from enforcement import xlsx
from enforcement.orgs.models import User
from plans.annual.documents import plan_items

TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TEXT = "@"  # credit codes stay text (no 9.14403E+17)


def _sector(item):
    return item.enterprise.sector.name if item.enterprise.sector_id else ""


# (header, how to read the value from a PlanItem and its number in the list, column width, cell format)
COLUMNS = (
    (gettext_lazy("序号"), lambda item, n: n, 6, None),
    (gettext_lazy("计划月份"), lambda item, n: item.planned_month, 9, None),
    (gettext_lazy("生产经营单位"), lambda item, n: item.enterprise.name, 36, None),
    (gettext_lazy("统一社会信用代码"), lambda item, n: item.enterprise.credit_code, 22, TEXT),
    (gettext_lazy("地址"), lambda item, n: item.enterprise.address, 36, None),
    (gettext_lazy("行业领域"), lambda item, n: _sector(item), 14, None),
    (gettext_lazy("监管类别"), lambda item, n: item.enterprise.get_supervision_class_display(), 9, None),
    (gettext_lazy("检查方式"), lambda item, n: item.get_mode_display(), 12, None),
    (gettext_lazy("责任科室/执法队"), lambda item, n: item.team, 18, None),
    (
        gettext_lazy("执法人员"),
        lambda item, n: "、".join(o.full_name or o.username for o in item.officers.all()),
        20,
        None,
    ),
)


def _cell(sheet, value, *, font=None, fill=None, number_format=None):
    alignment = Alignment(horizontal="center", vertical="center", wrap_text=True) if fill else None
    return xlsx.cell(sheet, value, font=font, fill=fill, number_format=number_format, alignment=alignment)


def workbook_name(plan):
    return _("%(title)s检查单位名单.xlsx") % {"title": plan.title}


def write_plan_items(plan):
    """The plan's items as .xlsx (write-only mode) in a temporary file, returned open at position 0."""

    def fill(workbook):
        sheet = workbook.create_sheet(_("检查单位名单"))
        for index, (_header, _read, width, _format) in enumerate(COLUMNS, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "C3"
        title = _("%(title)s（第%(v)d版，%(status)s）检查单位名单") % {
            "title": plan.title,
            "v": plan.version,
            "status": plan.get_status_display(),
        }
        sheet.append([_cell(sheet, title, font=TITLE_FONT)])
        sheet.append([_cell(sheet, str(header), font=HEADER_FONT, fill=HEADER_FILL) for header, *_rest in COLUMNS])
        items = plan_items(plan).prefetch_related(
            Prefetch("officers", queryset=User.objects.order_by("full_name", "username"))
        )
        for n, item in enumerate(items, start=1):
            sheet.append([_cell(sheet, read(item, n), number_format=fmt) for _header, read, _width, fmt in COLUMNS])

    return xlsx.write(fill)
