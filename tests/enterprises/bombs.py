"""Hostile workbooks for the bounded-parsing tests and bench/bench_import_bombs.py (issue 9 item 5).

Each is a valid .xlsx container written in streaming fashion (a few MB of memory whatever the inflated
size): the shared-strings bomb (a small file whose string table inflates to hundreds of MB) and the
whitespace sheet (a worksheet padded with whitespace between its elements).
"""

import zipfile

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="名录" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
)
SHEET_TAIL = "</sheetData></worksheet>"
SST_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
HEADER_STRINGS = "<si><t>统一社会信用代码</t></si><si><t>单位名称</t></si>"
MB = 1024 * 1024


def _write_parts(archive, sheet_writer, strings_writer):
    archive.writestr("[Content_Types].xml", CONTENT_TYPES)
    archive.writestr("_rels/.rels", ROOT_RELS)
    archive.writestr("xl/workbook.xml", WORKBOOK)
    archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
    with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
        sheet_writer(part)
    with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
        strings_writer(part)


def _plain_sheet(part):
    part.write((SHEET_HEAD + SHEET_TAIL).encode())


def _plain_strings(part):
    part.write((SST_HEAD + HEADER_STRINGS + "</sst>").encode())


def shared_strings_bomb(path, inflated_mb=200, string_chars=1000):
    """A workbook whose shared-strings table inflates to ``inflated_mb`` MB of long, repeated strings."""
    item = ("<si><t>" + "炸" * string_chars + "</t></si>").encode()
    count = inflated_mb * MB // len(item)

    def strings(part):
        part.write((SST_HEAD + HEADER_STRINGS).encode())
        block = item * 256
        for _i in range(count // 256):
            part.write(block)
        part.write(b"</sst>")

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        _write_parts(archive, _plain_sheet, strings)
    return path


def many_strings(path, count):
    """A workbook with ``count`` tiny distinct-looking shared strings (the count limit, not the size)."""

    def strings(part):
        part.write((SST_HEAD + HEADER_STRINGS).encode())
        for start in range(0, count, 10_000):
            part.write("".join(f"<si><t>{i:x}</t></si>" for i in range(start, min(count, start + 10_000))).encode())
        part.write(b"</sst>")

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        _write_parts(archive, _plain_sheet, strings)
    return path


def whitespace_sheet(path, inflated_mb=199):
    """A workbook whose one worksheet is ``inflated_mb`` MB, nearly all whitespace inside the sheet data."""

    def sheet(part):
        part.write(SHEET_HEAD.encode())
        block = b" " * MB
        for _i in range(inflated_mb):
            part.write(block)
        part.write(SHEET_TAIL.encode())

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        _write_parts(archive, sheet, _plain_strings)
    return path
