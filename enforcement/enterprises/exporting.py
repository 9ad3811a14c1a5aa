"""Excel export of the enterprise register: the same columns as the import, so a file re-imports unchanged."""

from collections import Counter

from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from enforcement import xlsx
from enforcement.enterprises.importing import COLUMNS, fold
from enforcement.enterprises.models import Enterprise
from enforcement.orgs.models import Organisation

FETCH_CHUNK = 2000
COLUMN_WIDTHS = {
    "credit_code": 22,
    "name": 36,
    "address": 36,
    "organisation": 20,
    "responsible_org": 20,
    "sector": 12,
    "class_reason": 24,
    "standardisation_grade": 16,
    "credit_status": 16,
    "principal_phone": 16,
    "contact_phone": 16,
}
TEXT_FORMAT = "@"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _choice_labels(field_name):
    return {value: str(label) for value, label in Enterprise._meta.get_field(field_name).choices}


def organisation_labels(user):
    """How each organisation is written: its name, or its division code where the name is ambiguous.

    The importer finds 属地 by name among the organisations the user can reach; two townships of the
    same name in one city would otherwise not re-import.
    """
    orgs = list(Organisation.objects.restrict(user, "view").values_list("pk", "name", "division_code"))
    counts = Counter(fold(name) for _pk, name, _code in orgs)
    return {pk: (code if counts[fold(name)] > 1 and code else name) for pk, name, code in orgs}


def _header_cells(sheet):
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return [
        xlsx.cell(sheet, column.header, font=HEADER_FONT, fill=HEADER_FILL, alignment=centred) for column in COLUMNS
    ]


def _set_widths(sheet):
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTHS.get(column.field, 12)


def export_rows(user, queryset):
    """Yield one list of cell values per enterprise, in COLUMNS order, with a constant number of queries."""
    labels = organisation_labels(user)
    choices = {name: _choice_labels(name) for name in ("supervision_class", "standardisation_grade", "credit_status")}
    yes, no = _("是"), _("否")
    scalar = [
        "credit_code",
        "name",
        "address",
        "organisation_id",
        "organisation__name",
        "responsible_org_id",
        "responsible_org__name",
        "sector__name",
        "supervision_class",
        "class_reason",
        *Enterprise.RISK_FLAGS,
        "standardisation_grade",
        "credit_status",
        "principal_person",
        "principal_phone",
        "contact_person",
        "contact_phone",
    ]
    for values in queryset.values(*scalar).iterator(chunk_size=FETCH_CHUNK):
        row = []
        for column in COLUMNS:
            name = column.field
            if name in ("organisation", "responsible_org"):
                value = labels.get(values[f"{name}_id"]) or values[f"{name}__name"]
            elif name == "sector":
                value = values["sector__name"]
            elif name in choices:
                value = choices[name].get(values[name], values[name])
            elif column.kind == "flag":
                value = yes if values[name] else no
            else:
                value = values[name]
            row.append(value)
        yield row


def write_workbook(user, queryset):
    """Build the export workbook (write-only mode) in a temporary file; returns the open file at 0."""

    def fill(workbook):
        sheet = workbook.create_sheet(_("生产经营单位"))
        _set_widths(sheet)
        sheet.freeze_panes = "A2"
        sheet.append(_header_cells(sheet))
        for values in export_rows(user, queryset):
            # Codes and phones are strings, so Excel keeps them as text (no 9.14403E+17).
            sheet.append(xlsx.row(sheet, values))

    return xlsx.write(fill)


def write_template(user):
    """An empty import template: the header row and one example row."""
    org = user.organisation
    example = {
        "credit_code": "91350100M000100Y43",
        "name": _("（示例，请删除本行）某某机械制造有限公司"),
        "address": _("某某路1号"),
        "organisation": org.name if org else _("某某区应急管理局"),
        "responsible_org": "",
        "sector": _("机械"),
        "supervision_class": _("重点"),
        "class_reason": _("涉爆粉尘30人以上"),
        "dust_explosion": _("是"),
        "standardisation_grade": _("三级"),
        "credit_status": _("正常"),
        "principal_person": _("张三"),
        "principal_phone": "13800000000",
        "contact_person": _("李四"),
        "contact_phone": "0395-1234567",
    }

    def fill(workbook):
        sheet = workbook.active
        sheet.title = _("生产经营单位")
        for index, column in enumerate(COLUMNS, start=1):
            header = xlsx.put(sheet, 1, index, column.header)
            header.font = HEADER_FONT
            header.fill = HEADER_FILL
            header.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            default = _("否") if column.kind == "flag" else ""
            cell = xlsx.put(sheet, 2, index, example.get(column.field, default))
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = COLUMN_WIDTHS.get(column.field, 12)
            if column.kind in ("code", "phone"):
                # Text format for the whole column so that typed codes and phone numbers stay text.
                sheet.column_dimensions[letter].number_format = TEXT_FORMAT
                cell.number_format = TEXT_FORMAT
        sheet.freeze_panes = "A2"

    return xlsx.write(fill, write_only=False)
