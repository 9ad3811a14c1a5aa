"""Excel import of the enterprise register (生产经营单位名录), in the form the counties send it.

Two stages, so that nothing is written until the user confirms:

1. ``parse_workbook`` reads the workbook (openpyxl read-only mode) into plain, JSON-able row inputs:
   it finds the header row, maps Chinese column names (with aliases, full-width characters and spaces)
   to fields and checks every cell on its own (credit-code check character, 是/否, 重点/一般 …). This
   stage does not touch the database; its output is stored on the ImportBatch.
2. ``resolve_rows`` checks those inputs against the register and the user's data scope *as it is now*
   (organisation and sector look-ups, duplicates, codes registered in another county, what would change)
   and yields a report plus a write plan. The preview stores the report; the confirm (a Celery task)
   runs the same resolution again inside its transaction — the scope may have changed in between —
   and writes the plan with bulk_create / bulk_update.

Blank cells in a column that is present mean "empty" (the workbook is the register's truth, so an
exported file re-imports unchanged); a column that is absent leaves that field of existing rows alone.
"""

import logging
import re
import sqlite3
import time
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.audit.models import AuditEvent
from enforcement.audit.services import build_event
from enforcement.enterprises.credit_code import normalise as normalise_code
from enforcement.enterprises.credit_code import validate_credit_code
from enforcement.enterprises.import_guard import WorkbookRefused, check_workbook_file
from enforcement.enterprises.import_lookup import OrgIndex, SectorIndex, fold
from enforcement.enterprises.models import Enterprise, ImportBatch
from enforcement.enterprises.services import manages_register
from enforcement.text.inputs import check_text

__all__ = ["OrgIndex", "SectorIndex", "fold"]  # re-exported: callers and tests import them from here

logger = logging.getLogger(__name__)

HEADER_SEARCH_ROWS = 10
MAX_BLANK_RUN = 1000  # this many empty rows in a row end the table
DB_CHUNK = 500  # stays far below SQLite's bound-parameter limit
WRITE_BATCH = 1000

E = Enterprise.SupervisionClass
G = Enterprise.StandardisationGrade
C = Enterprise.CreditStatus


class WorkbookError(Exception):
    """The file as a whole cannot be imported; the message is shown to the user (Chinese)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # canonical Chinese header, also used by the export and the template
    kind: str
    aliases: tuple = ()
    required: bool = False


# The register's columns, in the order the export writes them.
COLUMNS = (
    Column(
        "credit_code",
        "统一社会信用代码",
        "code",
        ("社会信用代码", "信用代码", "统一代码", "统一信用代码", "统一社会信用代码(注册号)", "社会统一信用代码"),
        required=True,
    ),
    Column(
        "name",
        "单位名称",
        "text",
        ("企业名称", "生产经营单位名称", "生产经营单位", "单位全称", "企业全称", "名称"),
        required=True,
    ),
    Column("address", "地址", "text", ("单位地址", "企业地址", "注册地址", "经营地址", "生产经营地址", "详细地址")),
    Column(
        "organisation",
        "属地",
        "org",
        (
            "属地单位",
            "属地名称",
            "属地管理单位",
            "所属单位",
            "属地监管单位",
            "所在地",
            "所属辖区",
            "辖区",
            "所属乡镇",
            "所属县区",
            "所属区县",
        ),
        required=True,
    ),
    Column("responsible_org", "执法主体", "org", ("执法单位", "监管主体", "执法层级", "负责执法单位", "执法机关")),
    Column(
        "sector",
        "行业领域",
        "sector",
        ("行业", "所属行业", "行业类别", "行业名称", "所属行业领域", "行业领域名称"),
        required=True,
    ),
    Column(
        "supervision_class",
        "监管类别",
        "class",
        ("监管类型", "重点/一般", "重点或一般", "企业类别", "单位类别", "监管分类", "类别"),
    ),
    Column("class_reason", "列为重点的理由", "text", ("列为重点理由", "重点理由", "列入重点理由", "理由")),
    Column("major_hazard_source", "重大危险源", "flag", ("是否重大危险源", "涉及重大危险源")),
    Column("dust_explosion", "涉爆粉尘", "flag", ("涉爆粉尘(30人以上)", "是否涉爆粉尘", "涉爆粉尘30人以上")),
    Column("confined_space", "有限空间", "flag", ("有限空间作业", "是否有限空间", "涉及有限空间")),
    Column(
        "molten_metal",
        "高温熔融金属/煤气",
        "flag",
        ("高温熔融金属", "涉高温熔融金属", "高温熔融金属煤气", "高温熔融金属、煤气", "涉及高温熔融金属/煤气"),
    ),
    Column("deep_well_casting", "深井铸造", "flag", ("是否深井铸造",)),
    Column("key_chemical", "两重点一重大", "flag", ("是否两重点一重大", "涉及两重点一重大")),
    Column(
        "standardisation_grade",
        "安全生产标准化等级",
        "grade",
        ("标准化等级", "安全生产标准化", "标准化达标等级", "标准化"),
    ),
    Column("credit_status", "信用状况", "credit", ("信用状态", "信用等级", "信用")),
    Column("principal_person", "主要负责人", "text", ("法定代表人", "负责人", "法人代表", "主要负责人姓名")),
    Column(
        "principal_phone",
        "主要负责人电话",
        "phone",
        ("主要负责人联系电话", "负责人电话", "法定代表人电话", "负责人联系电话", "主要负责人手机"),
    ),
    Column(
        "contact_person",
        "安全管理联系人",
        "text",
        ("联系人", "安全联系人", "安全管理人员", "安全负责人", "安全管理负责人"),
    ),
    Column("contact_phone", "联系人电话", "phone", ("安全管理联系人电话", "联系电话", "联系人手机", "安全联系人电话")),
)
COLUMN_BY_FIELD = {c.field: c for c in COLUMNS}
FK_FIELDS = ("organisation", "responsible_org", "sector")


# --- Normalisation ---------------------------------------------------------------------------------


def fold_text(value) -> str:
    """Comparison key for free text: NFKC, no whitespace; case is kept (it may be a real correction)."""
    return "".join(unicodedata.normalize("NFKC", str(value or "")).split())


_FULLWIDTH_ALNUM = re.compile(r"[０-９Ａ-Ｚａ-ｚ]")


def cell_text(value) -> str:
    """A cell as text: numbers without a spurious ".0", whitespace (incl. U+3000) collapsed.

    Full-width letters and digits become half-width; full-width punctuation such as （） stays, as
    Chinese names are registered with it. Comparisons use ``fold`` so either form matches.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    text = _FULLWIDTH_ALNUM.sub(lambda m: unicodedata.normalize("NFKC", m.group()), str(value))
    return " ".join(text.split())


def phone_text(value) -> str:
    """Phone numbers often arrive as numbers (13800138000.0) or with full-width digits."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if value is None:
        return ""
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


def _choice_map(pairs):
    return {fold(k): v for keys, v in pairs for k in keys}


FLAG_VALUES = _choice_map(
    [
        (("是", "√", "✓", "✔", "☑", "y", "yes", "1", "true", "有", "涉及", "t"), True),
        (("否", "×", "✗", "✘", "n", "no", "0", "false", "无", "不涉及", "-", "—", "/", "f", ""), False),
    ]
)
CLASS_VALUES = _choice_map(
    [
        (("重点", "key", "重点单位", "重点企业", "重点生产经营单位", "重点监管"), E.KEY),
        (("一般", "general", "一般单位", "一般企业", "一般生产经营单位", "一般监管", ""), E.GENERAL),
    ]
)
GRADE_VALUES = _choice_map(
    [
        (("未达标", "none", "无", "未评定", "未评级", "未定级", "否", ""), G.NONE),
        (("一级", "1", "一级达标", "一级企业", "一级标准化"), G.GRADE_1),
        (("二级", "2", "二级达标", "二级企业", "二级标准化"), G.GRADE_2),
        (("三级", "3", "三级达标", "三级企业", "三级标准化"), G.GRADE_3),
        (("小微企业达标", "small", "小微", "小微企业", "小微达标"), G.SMALL),
    ]
)
CREDIT_VALUES = _choice_map(
    [
        (("正常", "normal", ""), C.NORMAL),
        (("守信", "trustworthy", "诚信", "良好"), C.TRUSTWORTHY),
        (("重点关注", "watchlist", "关注"), C.WATCHLIST),
        (("严重失信(黑名单)", "严重失信（黑名单）", "dishonest", "严重失信", "黑名单", "失信"), C.DISHONEST),
    ]
)
CHOICE_MAPS = {"flag": FLAG_VALUES, "class": CLASS_VALUES, "grade": GRADE_VALUES, "credit": CREDIT_VALUES}


def _header_key(text):
    key = fold(text).strip("*:：")
    return key.replace("*", "")


HEADER_ALIASES = {}
for _col in COLUMNS:
    for _name in (_col.header, *_col.aliases):
        HEADER_ALIASES[_header_key(_name)] = _col.field
_PARENTHESES = re.compile(r"\(.*?\)")


def match_header(text):
    """The field a header cell names, or None. "统一社会信用代码（必填）" still matches."""
    if text is None:
        return None
    key = _header_key(text)
    if not key:
        return None
    if key in HEADER_ALIASES:
        return HEADER_ALIASES[key]
    return HEADER_ALIASES.get(_PARENTHESES.sub("", key))


def cell_error(row, column_label, message):
    return _("第%(row)d行“%(column)s”：%(message)s") % {"row": row, "column": column_label, "message": message}


def row_error(row, message):
    return _("第%(row)d行：%(message)s") % {"row": row, "message": message}


# --- Stage 1: reading the workbook -----------------------------------------------------------------


@dataclass
class ParsedWorkbook:
    header_row: int
    columns: dict  # field → header text as written in the workbook
    ignored: list  # headers that matched nothing
    rows: list = field(default_factory=list)  # [{"row": n, "values": {...}, "errors": [...]}]
    footer: list = field(default_factory=list)  # [{"row": n, "text": …}]: signature and date lines, ignored


def _open_sheet(fileobj):
    import openpyxl
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:  # entity-expansion bombs would otherwise reach the XML parser
        raise RuntimeError("defusedxml must be installed for workbook imports")
    try:
        check_workbook_file(fileobj)
    except WorkbookRefused as exc:
        raise WorkbookError(exc.message) from exc
    try:
        workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on damaged files
        logger.info("unreadable workbook: %r", exc)
        raise WorkbookError(_("文件已损坏或不是有效的Excel（.xlsx）工作簿，无法读取。")) from exc
    if not workbook.worksheets:
        raise WorkbookError(_("工作簿中没有工作表。"))
    sheet = workbook.worksheets[0]
    # Some generators write a wrong <dimension>; without this read-only mode would cut rows short.
    sheet.reset_dimensions()
    return workbook, sheet


def _find_header(rows):
    for index, values in enumerate(rows, start=1):
        mapped = {}
        ignored = []
        duplicates = []
        for col, value in enumerate(values):
            name = match_header(value)
            if name is None:
                if value is not None and str(value).strip():
                    ignored.append(str(value).strip())
                continue
            if name in mapped:
                duplicates.append(str(value).strip())
                continue
            mapped[name] = (col, str(value).strip())
        if "credit_code" in mapped and "name" in mapped:
            return index, mapped, ignored, duplicates
    return None


def parse_workbook(fileobj) -> ParsedWorkbook:
    """Read every data row of the first sheet into JSON-able inputs with per-cell errors."""
    max_rows = settings.ENTERPRISE_IMPORT_MAX_ROWS
    deadline = time.monotonic() + settings.ENTERPRISE_IMPORT_PARSE_SECONDS
    workbook, sheet = _open_sheet(fileobj)
    try:
        # Columns past the limit are never materialised (a row of 16,384 cells costs nothing more).
        iterator = sheet.iter_rows(values_only=True, max_col=settings.ENTERPRISE_IMPORT_MAX_COLUMNS)
        head = []
        try:
            for _i in range(HEADER_SEARCH_ROWS):
                head.append(next(iterator))
        except StopIteration:
            pass
        except Exception as exc:
            raise WorkbookError(_("文件已损坏或不是有效的Excel（.xlsx）工作簿，无法读取。")) from exc
        found = _find_header(head)
        if found is None:
            raise WorkbookError(
                _("未找到表头：前%(n)d行中没有同时包含“统一社会信用代码”和“单位名称”的行。请使用导入模板。")
                % {"n": HEADER_SEARCH_ROWS}
            )
        header_row, mapped, ignored, duplicates = found
        if duplicates:
            raise WorkbookError(_("表头中有重复的列：%(cols)s。") % {"cols": "、".join(duplicates)})
        missing = [c.header for c in COLUMNS if c.required and c.field not in mapped]
        if missing:
            raise WorkbookError(_("缺少必填列：%(cols)s。") % {"cols": "、".join(missing)})
        parsed = ParsedWorkbook(
            header_row=header_row, columns={f: header for f, (_c, header) in mapped.items()}, ignored=ignored
        )
        positions = [(COLUMN_BY_FIELD[f], col, header) for f, (col, header) in mapped.items()]
        code_index = mapped["credit_code"][0]

        def data_rows():
            yield from enumerate(head[header_row:], start=header_row + 1)
            yield from enumerate(iterator, start=len(head) + 1)

        blank_run = 0
        try:
            for number, values in data_rows():
                if number % 1000 == 0 and time.monotonic() > deadline:
                    raise WorkbookError(
                        _("工作簿读取超过%(s)d秒，已停止。请删除无关内容或拆分后分批导入。")
                        % {"s": settings.ENTERPRISE_IMPORT_PARSE_SECONDS}
                    )
                if not any(v is not None and str(v).strip() for v in values):
                    # Sheets formatted down to row 1,048,576 end in a million empty rows: stop early.
                    blank_run += 1
                    if blank_run >= MAX_BLANK_RUN:
                        break
                    continue
                blank_run = 0
                footer = signature_line(values, code_index)
                if footer:
                    parsed.footer.append({"row": number, "text": footer[:200]})
                    continue
                row = _parse_row(number, values, positions)
                if row is None:
                    continue  # blank rows are skipped, not errors
                parsed.rows.append(row)
                if len(parsed.rows) > max_rows:
                    raise WorkbookError(
                        _("数据行数超过上限：一次最多导入%(max)d行，请拆分后分批导入。") % {"max": max_rows}
                    )
        except WorkbookError:
            raise
        except Exception as exc:
            logger.info("unreadable worksheet: %r", exc)
            raise WorkbookError(_("文件已损坏或不是有效的Excel（.xlsx）工作簿，无法读取。")) from exc
    finally:
        workbook.close()
    if not parsed.rows:
        raise WorkbookError(_("表头下方没有数据行。"))
    return parsed


# Lines under the table that counties sign and date (填报人：…  审核人：…  填报日期：…  单位（盖章）).
_SIGNATURE = re.compile(
    r"^(填报人|填表人|制表人|审核人|审批人|复核人|统计人|经办人|单位负责人|主要负责人|分管负责人|分管领导|负责人|"
    r"联系人|联系电话|填报日期|填表日期|报送日期|制表日期|日期|填报单位|报送单位|单位\(盖章\)|单位盖章|盖章)[:：]"
)
_SIGNATURE_MARKS = ("(盖章)", "(签字)", "(签名)", "签字:", "盖章:")


def signature_line(values, code_index):
    """The text of a signature or date line under the table, or None for any other row.

    A row that carries a valid credit code is data, whatever else it says.
    """
    texts = [cell_text(v) for v in values if v is not None and str(v).strip()]
    if not texts:
        return None
    code = values[code_index] if code_index < len(values) else None
    if code is not None and str(code).strip():
        try:
            validate_credit_code(normalise_code(code))
            return None
        except ValidationError:
            pass
    key = fold(" ".join(texts))
    if _SIGNATURE.match(key) or any(mark in key for mark in _SIGNATURE_MARKS):
        return " ".join(texts)
    return None


def _parse_row(number, values, positions):
    cells = {}
    blank = True
    for column, index, _header in positions:
        value = values[index] if index < len(values) else None
        if isinstance(value, str) and not value.strip():
            value = None
        if value is not None:
            blank = False
        cells[column.field] = value
    if blank:
        return None
    out = {}
    errors = []
    code_ok = False
    for column, _index, header in positions:
        value = cells[column.field]
        label = header  # messages name the sheet's own column header
        if isinstance(value, str):
            # The refusal every form and serializer applies (issue 9 item 6): control characters, bidi
            # overrides and characters no document font draws. Line breaks typed in a cell (Alt+Enter) are
            # allowed here as in a multi-line field.
            try:
                check_text(value, multiline=True)
            except ValidationError as exc:
                errors.append(cell_error(number, label, exc.messages[0]))
                out[column.field] = None
                continue
        if column.kind == "code":
            code = normalise_code(value)
            out["credit_code"] = code
            try:
                validate_credit_code(code)
                code_ok = True
            except ValidationError as exc:
                message = exc.messages[0]
                if isinstance(value, float) and abs(value) >= 1e15:
                    # Excel keeps 15 significant digits: an 18-digit code typed as a number is already lost.
                    message = _(
                        "该单元格是数字格式，Excel只保留15位有效数字，18位代码已被截断（读到“%(code)s”）。"
                        "请将该列设为文本格式后重新填写。"
                    ) % {"code": code}
                errors.append(cell_error(number, label, message))
        elif column.kind == "phone":
            out[column.field] = phone_text(value)
        elif column.kind in CHOICE_MAPS:
            text = cell_text(value)
            mapping = CHOICE_MAPS[column.kind]
            key = fold(text)
            if key in mapping:
                out[column.field] = mapping[key]
            else:
                out[column.field] = None
                errors.append(cell_error(number, label, _choice_message(column.kind, text)))
        else:  # text, org, sector
            out[column.field] = cell_text(value)
        if column.required and not out.get(column.field) and column.kind != "code":
            errors.append(cell_error(number, label, _("不能为空。")))
    return {"row": number, "values": out, "errors": errors, "code_ok": code_ok}


def _choice_message(kind, text):
    if kind == "flag":
        return _("“%(value)s”无法识别，请填写“是”或“否”。") % {"value": text}
    if kind == "class":
        return _("“%(value)s”无法识别，请填写“重点”或“一般”。") % {"value": text}
    if kind == "grade":
        choices = "、".join(str(label) for label in G.labels)
        return _("“%(value)s”无法识别，可选：%(choices)s。") % {"value": text, "choices": choices}
    choices = "、".join(str(label) for label in C.labels)
    return _("“%(value)s”无法识别，可选：%(choices)s。") % {"value": text, "choices": choices}


# --- Stage 2: resolving against the register and the user's scope ---------------------------------


TEXT_FIELDS = {c.field for c in COLUMNS if c.kind in ("text", "phone")}


@dataclass
class Resolution:
    report: list  # JSON-able rows for the pages
    creates: list  # Enterprise instances to insert
    updates: list  # (Enterprise instance, changes) to save
    changed_fields: set
    counts: dict
    aliases_used: dict = field(default_factory=dict)  # sheet's sector name → sector, through an alias
    unknown_sectors: list = field(default_factory=list)  # sector names no sector or alias matched


def _existing_by_code(codes, lock=False):
    found = {}
    codes = sorted(codes)
    for start in range(0, len(codes), DB_CHUNK):
        # Unscoped on purpose: a code registered in another county must be reported, not duplicated.
        qs = Enterprise.objects.filter(credit_code__in=codes[start : start + DB_CHUNK])
        if lock:
            qs = qs.select_for_update()
        found.update({e.credit_code: e for e in qs})
    return found


def _changeable_ids(user, ids):
    ids = sorted(ids)
    allowed = set()
    for start in range(0, len(ids), DB_CHUNK):
        allowed.update(
            Enterprise.objects.restrict(user, "change")
            .filter(pk__in=ids[start : start + DB_CHUNK])
            .values_list("pk", flat=True)
        )
    return allowed


def display_value(field_name, value, orgs, sectors):
    if value is None or value == "":
        return ""
    if field_name in ("organisation", "responsible_org"):
        return orgs.label(value)
    if field_name == "sector":
        sector = sectors.by_id.get(value)
        return sector.name if sector else str(value)
    model_field = Enterprise._meta.get_field(field_name)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def resolve_rows(user, rows, columns, lock=False, key_reason="") -> Resolution:
    """Check parsed rows against the register and ``user``'s scope now; nothing is written here.

    ``columns`` maps fields to the sheet's own headers (messages name them). ``key_reason`` is the
    batch-wide reason chosen in the preview for key enterprises whose row gives none.
    """
    present = set(columns)
    scalars = [c.field for c in COLUMNS if c.field in present and c.field not in FK_FIELDS]
    orgs = OrgIndex(user)
    sectors = SectorIndex()
    can_add = user.has_perm("enterprises.add_enterprise")

    def label(name):
        return columns.get(name) or COLUMN_BY_FIELD[name].header

    valid_codes = {}
    for row in rows:
        code = row["values"].get("credit_code")
        if code and row.get("code_ok"):
            valid_codes.setdefault(code, []).append(row["row"])
    existing = _existing_by_code(valid_codes, lock=lock)
    changeable = _changeable_ids(user, [e.pk for e in existing.values()])

    report, creates, updates = [], [], []
    changed_fields = set()
    counts = {"create": 0, "update": 0, "unchanged": 0, "error": 0, "warning": 0}
    aliases_used, unknown_sectors = {}, []
    code_label = label("credit_code")
    for row in rows:
        number, values = row["row"], row["values"]
        errors = list(row["errors"])
        code = values.get("credit_code", "")
        entry = {"row": number, "code": code, "name": values.get("name", "")}
        first = valid_codes[code][0] if code in valid_codes else number
        if first != number:
            # The first row with a code is the one imported; later ones point at it (a county sheet
            # lists a unit twice by mistake far more often than it means two different units).
            errors.append(
                cell_error(
                    number,
                    code_label,
                    _("与第%(first)d行的统一社会信用代码重复，已按第%(first)d行导入，本行未导入。") % {"first": first},
                )
            )
        current = existing.get(code) if code in valid_codes and first == number else None
        if current is not None and current.pk not in changeable:
            errors.append(cell_error(number, code_label, _("该统一社会信用代码已在其他辖区登记，请联系上级单位核实。")))
            current = None
        elif current is None and code in valid_codes and first == number and not can_add:
            errors.append(row_error(number, _("您没有新增生产经营单位的权限。")))

        org = responsible = sector = None
        org_text = values.get("organisation", "")
        if org_text:
            org, message = orgs.find(org_text)
            if message:
                errors.append(cell_error(number, label("organisation"), message))
        sector_text = values.get("sector", "")
        if sector_text:
            sector, message, by_alias = sectors.find(sector_text)
            if message:
                errors.append(cell_error(number, label("sector"), message))
                if sector_text not in unknown_sectors:
                    unknown_sectors.append(sector_text)
            elif by_alias:
                aliases_used[sector_text] = sector.name
        if org is not None:
            resp_text = values.get("responsible_org", "")
            resp_label = label("responsible_org")
            if resp_text:
                responsible, message = orgs.find_responsible(resp_text, org)
                if message:
                    errors.append(cell_error(number, resp_label, message))
            elif current is not None and current.responsible_org_id in {o.pk for o in orgs.chain(org)}:
                responsible = orgs.by_id[current.responsible_org_id]  # absent or blank: keep what is valid
            else:
                responsible = org  # defaults to the territorial body
            reassigned = current is None or (responsible is not None and responsible.pk != current.responsible_org_id)
            if responsible is not None and reassigned and responsible.pk not in orgs.scope_ids:
                # Same rule as services: only organisations the user can reach may be assigned.
                errors.append(cell_error(number, resp_label, _("执法主体不在您的管辖范围内。")))

        if errors:
            counts["error"] += 1
            entry.update(status="error", errors=errors)
            report.append(entry)
            continue

        fks = {"organisation": org, "responsible_org": responsible, "sector": sector}
        if current is None:
            target = Enterprise(**{name: values[name] for name in scalars}, **fks)
            before = None
        else:
            target = current
            before = fast_snapshot(current)
            for name in scalars:
                value = values[name]
                if name in TEXT_FIELDS and fold_text(getattr(current, name)) == fold_text(value):
                    continue  # only full-width/half-width or spacing differs: not a change
                setattr(target, name, value)
            for name, value in fks.items():
                # Also when unchanged: caches the related rows that clean() reads (no query per row).
                setattr(target, name, value)
            if not target.class_reason.strip() and before["class_reason"]:
                target.class_reason = before["class_reason"]  # a blank cell never erases a given reason
        warnings = _reason_follow_up(target, number, key_reason, label("supervision_class"))
        message_list = _model_errors(target, number, scalars, label)
        if message_list:
            counts["error"] += 1
            entry.update(status="error", errors=message_list)
            report.append(entry)
            continue
        entry["name"] = target.name
        entry["org"] = org.name
        if warnings:
            counts["warning"] += 1
            entry["warnings"] = warnings
        after = fast_snapshot(target)
        if before is None:
            counts["create"] += 1
            entry["status"] = "create"
            entry["sector"] = sector.name
            # A creation records the values it registered; blank ones (the history hides them) are left out.
            creates.append((target, {k: [None, v] for k, v in after.items() if v not in (None, "", False)}))
        else:
            changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
            if changes:
                counts["update"] += 1
                changed_fields.update(changes)
                entry["status"] = "update"
                entry["changes"] = [
                    [
                        str(Enterprise._meta.get_field(f).verbose_name),
                        display_value(f, old, orgs, sectors),
                        display_value(f, new, orgs, sectors),
                    ]
                    for f, (old, new) in changes.items()
                ]
                updates.append((target, changes))
            else:
                counts["unchanged"] += 1
                entry["status"] = "unchanged"
        report.append(entry)
    return Resolution(
        report=report,
        creates=creates,
        updates=updates,
        changed_fields=changed_fields,
        counts=counts,
        aliases_used=aliases_used,
        unknown_sectors=unknown_sectors,
    )


# (field name, attribute name) of the tracked fields: FKs as their ids, the format of audit.snapshot.
_TRACKED = tuple((name, Enterprise._meta.get_field(name).attname) for name in Enterprise.TRACKED_FIELDS)
_MAX_LENGTHS = {
    f.name: f.max_length for f in Enterprise._meta.concrete_fields if getattr(f, "max_length", None) and not f.choices
}


def fast_snapshot(obj):
    """audit.services.snapshot for Enterprise's tracked fields (all plain values), without the lookups."""
    return {name: getattr(obj, attname) for name, attname in _TRACKED}


def _reason_follow_up(enterprise, number, key_reason, class_label):
    """A key enterprise without a reason is imported, never refused: with the batch's reason if one was
    chosen, otherwise flagged 重点理由待补充 with a warning (R-01 still wants the reason; county sheets have
    no such column, and refusing would drop exactly the most important rows)."""
    if enterprise.supervision_class != E.KEY or enterprise.class_reason.strip():
        enterprise.class_reason_pending = False
        return []
    if key_reason:
        enterprise.class_reason = key_reason
        enterprise.class_reason_pending = False
        return []
    enterprise.class_reason_pending = True
    return [
        cell_error(
            number,
            class_label,
            _("列为重点但未填写理由，将导入并标记为“重点理由待补充”，请导入后补填（或在预览中选择统一理由）。"),
        )
    ]


def _model_errors(enterprise, number, scalars, label):
    """Field lengths plus Enterprise.clean() (R-03, 重点 needs a reason), without per-row queries.

    Choices and FKs were resolved from loaded indexes above; the full clean_fields() would query once
    per FK per row.
    """
    errors = {}
    for name in scalars:
        limit = _MAX_LENGTHS.get(name)
        value = getattr(enterprise, name)
        if limit and value and len(value) > limit:
            errors[name] = [_("长度不能超过%(max)d个字符（当前%(n)d个）。") % {"max": limit, "n": len(value)}]
    try:
        enterprise.clean()
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            if key == "class_reason" and enterprise.class_reason_pending:
                continue  # imported with a warning and a follow-up flag (_reason_follow_up)
            errors.setdefault(key, []).extend(messages)
    out = []
    for name, messages in errors.items():
        heading = label(name) if name in COLUMN_BY_FIELD else str(Enterprise._meta.get_field(name).verbose_name)
        out.extend(cell_error(number, heading, m) for m in dict.fromkeys(messages))
    return out


# --- Preview and apply -----------------------------------------------------------------------------


def can_import(user):
    # The rule the navigation offers 导入 by: an officer who may add or correct one enterprise could open the
    # import page by its URL while add *or* change was enough (issue 9 item 1).
    return manages_register(user)


def create_preview(user, uploaded) -> ImportBatch:
    """Parse and check an uploaded workbook in the caller's process, store it as an ImportBatch.

    Writes no enterprise. Raises WorkbookError (Chinese message) when the file as a whole cannot be used.
    The web page and the API parse in a task instead (start_upload, then parse_batch).
    """
    parsed = parse_workbook(uploaded)
    uploaded.seek(0)
    batch = ImportBatch(
        owner=user,
        organisation=user.organisation,
        original_name=(getattr(uploaded, "name", "") or "workbook.xlsx")[:255],
    )
    _store_parse(batch, user, parsed)
    batch.file.save("upload.xlsx", uploaded, save=False)
    batch.save()
    return batch


def start_upload(user, uploaded) -> ImportBatch:
    """Store an uploaded workbook as a batch waiting to be parsed (解析中); nothing is read yet."""
    batch = ImportBatch(
        owner=user,
        organisation=user.organisation,
        original_name=(getattr(uploaded, "name", "") or "workbook.xlsx")[:255],
        status=ImportBatch.Status.PARSING,
    )
    uploaded.seek(0)
    batch.file.save("upload.xlsx", uploaded, save=False)
    batch.save()
    return batch


def parse_batch(batch: ImportBatch) -> ImportBatch:
    """Parse a claimed batch's stored workbook into its preview, or refuse it with the reason."""
    user = type(batch.owner).objects.get(pk=batch.owner_id)
    try:
        with batch.file.open("rb") as fileobj:
            parsed = parse_workbook(fileobj)
    except WorkbookError as exc:
        ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PARSING).update(
            status=ImportBatch.Status.REJECTED, error_message=exc.message, finished_at=timezone.now()
        )
        batch.refresh_from_db()
        return batch
    _store_parse(batch, user, parsed)
    batch.status = ImportBatch.Status.PREVIEWED
    batch.save(
        update_fields=[
            "header_row",
            "columns",
            "rows",
            "status",
            *STORED_COUNTS,
        ]
    )
    return batch


def _store_parse(batch, user, parsed):
    batch.header_row = parsed.header_row
    batch.columns = {"fields": parsed.columns, "ignored": parsed.ignored, "footer": parsed.footer}
    batch.rows = parsed.rows
    _store_counts(batch, resolve_rows(user, parsed.rows, parsed.columns))


def column_mapping(batch):
    """(the sheet's own header, the register column it was read as), in the register's column order."""
    fields = batch.columns.get("fields", {})
    return [(fields[c.field], c.header) for c in COLUMNS if c.field in fields]


STORED_COUNTS = ("report", "row_count", "create_count", "update_count", "unchanged_count", "error_count", "columns")


def _store_counts(batch, resolution):
    batch.report = resolution.report
    batch.row_count = len(resolution.report)
    batch.create_count = resolution.counts["create"]
    batch.update_count = resolution.counts["update"]
    batch.unchanged_count = resolution.counts["unchanged"]
    batch.error_count = resolution.counts["error"]
    batch.columns = {
        **batch.columns,
        "warning_count": resolution.counts["warning"],
        "sector_aliases": resolution.aliases_used,
        "unknown_sectors": resolution.unknown_sectors,
    }


def apply_batch(batch: ImportBatch) -> ImportBatch:
    """Write every valid row of a claimed batch in one transaction; bad rows are skipped and listed.

    The rows are resolved again here, against the owner's scope and the register as they are now.
    """
    user = type(batch.owner).objects.get(pk=batch.owner_id)  # fresh roles and scope
    if not can_import(user):
        raise PermissionDenied(_("您已没有导入生产经营单位的权限。"))
    now = timezone.now()
    with transaction.atomic():
        resolution = resolve_rows(
            user, batch.rows, batch.columns.get("fields", {}), lock=True, key_reason=batch.key_reason
        )
        new_objects = [obj for obj, _changes in resolution.creates]
        for start in range(0, len(new_objects), WRITE_BATCH):
            Enterprise.objects.bulk_create(new_objects[start : start + WRITE_BATCH])
        if any(obj.pk is None for obj in new_objects):  # backends that do not return ids
            ids = dict(
                Enterprise.objects.filter(credit_code__in=[o.credit_code for o in new_objects]).values_list(
                    "credit_code", "pk"
                )
            )
            for obj in new_objects:
                obj.pk = obj.id = ids[obj.credit_code]
        changed = [obj for obj, _changes in resolution.updates]
        _write_updates(resolution.updates, now)
        written = [*new_objects, *changed]
        # A write that would leave the writer's scope is refused and rolled back (design: NetBox).
        if len(_changeable_ids(user, [o.pk for o in written])) != len(written):
            raise PermissionDenied(_("部分记录将超出您的数据权限范围，导入已撤销。"))
        events = [build_event(user, AuditEvent.Action.IMPORT, obj, changes) for obj, changes in resolution.creates]
        events += [build_event(user, AuditEvent.Action.IMPORT, obj, changes) for obj, changes in resolution.updates]
        AuditEvent.objects.bulk_create(events, batch_size=1000)
        _store_counts(batch, resolution)
        batch.status = ImportBatch.Status.APPLIED
        batch.finished_at = timezone.now()
        batch.confirmed_at = batch.confirmed_at or now
        batch.error_message = ""
        batch.save(
            update_fields=[
                *STORED_COUNTS,
                "status",
                "finished_at",
                "confirmed_at",
                "error_message",
            ]
        )
    return batch


def _chunks(items, size=DB_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _write_updates(updates, now):
    """Save changed enterprises with a number of queries that does not grow with the rows.

    Django's bulk_update builds a CASE over every row for every field, which costs seconds of Python
    for 10,000 rows. Here each field is written only for the rows whose value changed: fields with few
    possible values (choices, flags, organisations, sectors) as one UPDATE per value, free text as one
    UPDATE … FROM (VALUES …) per chunk. Every statement also sets updated_at (bulk paths skip auto_now).
    """
    by_field = {}
    for obj, changes in updates:
        obj.updated_at = now
        for name in changes:
            by_field.setdefault(name, []).append(obj)
    for name, objs in by_field.items():
        model_field = Enterprise._meta.get_field(name)
        if model_field.choices or model_field.is_relation or isinstance(model_field, models.BooleanField):
            by_value = {}
            for obj in objs:
                by_value.setdefault(getattr(obj, model_field.attname), []).append(obj.pk)
            for value, pks in by_value.items():
                for chunk in _chunks(pks):
                    Enterprise.objects.filter(pk__in=chunk).update(**{model_field.attname: value, "updated_at": now})
        else:
            _update_text_column(model_field, objs, now)


def _update_text_column(model_field, objs, now):
    connection = connections[Enterprise.objects.db]
    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 33):
        Enterprise.objects.bulk_update(objs, [model_field.name, "updated_at"], batch_size=WRITE_BATCH)
        return
    qn = connection.ops.quote_name
    meta = Enterprise._meta
    table, pk = qn(meta.db_table), qn(meta.pk.column)
    column, stamp = qn(model_field.column), qn(meta.get_field("updated_at").column)
    stamp_value = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        for chunk in _chunks(objs, 400):  # 801 parameters: within SQLite's oldest limit (999)
            rows = ", ".join(["(%s, %s)"] * len(chunk))
            params = [stamp_value]
            for obj in chunk:
                params += [obj.pk, getattr(obj, model_field.attname)]
            # VALUES columns are called column1, column2 … on both PostgreSQL and SQLite (3.33+).
            cursor.execute(
                f"UPDATE {table} SET {column} = v.column2, {stamp} = %s "  # noqa: S608 - quoted identifiers only
                f"FROM (VALUES {rows}) AS v WHERE {table}.{pk} = CAST(v.column1 AS BIGINT)",
                params,
            )


def failure_message(exc) -> str:
    if isinstance(exc, PermissionDenied) and exc.args:
        return str(exc.args[0])
    if isinstance(exc, IntegrityError):
        return _("导入期间有其他用户登记了相同的统一社会信用代码，导入已撤销，请重新上传预览。")
    return _("导入过程中发生错误，所有更改均未写入。请稍后重试或联系系统管理员。")
