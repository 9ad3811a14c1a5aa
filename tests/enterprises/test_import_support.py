"""Helpers shared by the import/export tests: workbooks built in memory with openpyxl."""

import io
import zipfile

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enforcement.enterprises.importing import COLUMNS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [c.header for c in COLUMNS]


def workbook_bytes(rows, header=None, before=()):
    """An .xlsx with optional title rows ``before``, a header row, then ``rows`` (lists or dicts)."""
    header = list(HEADERS if header is None else header)
    book = openpyxl.Workbook()
    sheet = book.active
    for line in before:
        sheet.append(list(line))
    sheet.append(header)
    for row in rows:
        if isinstance(row, dict):
            row = [row.get(h) for h in header]
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(content, name="名录.xlsx", content_type=XLSX):
    return SimpleUploadedFile(name, content, content_type=content_type)


def row(code, name, org, sector="机械", **extra):
    """A data row as a dict keyed by the canonical headers."""
    data = {"统一社会信用代码": code, "单位名称": name, "属地": org, "行业领域": sector, "监管类别": "一般"}
    data.update(extra)
    return data


def post_workbook(client, content, name="名录.xlsx", content_type=XLSX):
    return client.post(reverse("enterprises:import"), {"file": upload(content, name, content_type)})


def read_sheet(content):
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    return rows


def exact_integers(content, numbers):
    """Store the given numbers as exact integers, as some generators (WPS, Java POI) write long numbers.

    openpyxl itself writes an 18-digit int as a float (9.144030019220383e+17), which — like Excel's own
    15-digit numbers — can no longer carry the code.
    """
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                for number in numbers:
                    data = data.replace(f"<v>{float(number)!r}</v>".encode(), f"<v>{number}</v>".encode())
            target.writestr(item, data)
    return out.getvalue()


def registrar(world):
    """County A's business section (业务科室): a register administrator, who may load county workbooks (an
    officer may not: issue 9 item 1). Made once per test world."""
    from tests.factories import UserFactory

    people = world.people
    if not hasattr(people, "county_a_registrar"):
        people.county_a_registrar = UserFactory(
            username="county_a_registrar", organisation=world.orgs.county_a, roles=["business"]
        )
    return people.county_a_registrar
