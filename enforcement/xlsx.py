"""The one way every Excel export writes its cells and its file.

Cells (``cell``, ``row``, ``put``):
- Text stored before input refused control characters (or brought in by an import) is written with them
  replaced by U+FFFD (characters.neutralise): openpyxl refuses most C0 controls outright (the XML of a
  worksheet cannot hold them), which made a whole register export answer 500; a kept bidi override would
  reverse the text in Excel. U+FFFD is the standard replacement character and shows where something was.
- Formula injection (OWASP “CSV Injection”; CWE-1236): a text that begins with = + - @ TAB or CR could run
  as a formula. openpyxl itself turns a string beginning with “=” into a live formula. Every text is written
  with ``data_type = "s"`` (a string cell, never a formula, whatever it begins with), and one that begins
  with a trigger also gets the cell style's ``quotePrefix`` — what Excel itself sets when someone types
  '=…: the cell shows the text as it is and stays text when edited (F2, Enter), where a plain string
  cell would be re-parsed as a formula. Why not OWASP's leading apostrophe in the value: the value would
  change (“'=HYPERLINK…”), so an exported register would not re-import unchanged and every reader of the
  file would see a character nobody typed. Numbers, dates and booleans are written as they are.

The file (``write``): the workbook is built and saved into a temporary file that is returned open at 0;
on any failure the half-written worksheet files openpyxl keeps in the temporary directory (write-only mode
spools each sheet to its own file, removed only when the workbook is saved or at interpreter exit) and the
output file are removed before the error goes on.
"""

import contextlib
import os
import tempfile

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.worksheet import _writer as openpyxl_sheet_writer

from enforcement.text.characters import neutralise

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32767  # Excel's limit on the characters of one cell


def safe_text(value: str) -> str:
    return neutralise(value)[:MAX_CELL_TEXT]


def assign(cell, value):
    """Give ``cell`` (any openpyxl cell) ``value``, text neutralised and never a formula."""
    if isinstance(value, str):
        value = safe_text(value)
        cell.value = value
        cell.data_type = "s"
        if value.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def cell(sheet, value, *, font=None, fill=None, number_format=None, alignment=None):
    """A write-only cell for ``sheet.append``, with ``value`` written safely and the given style."""
    if isinstance(value, Cell):  # already written (WriteOnlyCell makes a Cell)
        return value
    written = assign(WriteOnlyCell(sheet), value)
    if font:
        written.font = font
    if fill:
        written.fill = fill
    if number_format:
        written.number_format = number_format
    if alignment:
        written.alignment = alignment
    return written


def row(sheet, values):
    """A row of values (or ready cells) for ``sheet.append``, each written safely.

    Only a text that begins with a formula trigger needs a cell of its own (string type, quotePrefix); any
    other text is appended as a neutralised plain string, which openpyxl writes as a string cell. That keeps
    a 10,000-row register export as fast as appending the raw values.
    """
    return [_appendable(sheet, value) for value in values]


def _appendable(sheet, value):
    if isinstance(value, str):
        value = safe_text(value)
        if value.startswith(FORMULA_TRIGGERS):
            return cell(sheet, value)
    return value


def put(sheet, row_number, column, value):
    """Set a cell of an ordinary (not write-only) worksheet safely; returns the cell for styling."""
    return assign(sheet.cell(row=row_number, column=column), value)


def write(fill, *, write_only=True):
    """Build a workbook with ``fill(workbook)`` and save it to a temporary file, returned open at position 0
    (a FileResponse closes it). Nothing is left in the temporary directory when anything fails."""
    workbook = Workbook(write_only=write_only)
    out = tempfile.TemporaryFile()  # noqa: SIM115 - returned open; FileResponse closes it
    try:
        fill(workbook)
        workbook.save(out)
    except BaseException:
        out.close()
        _discard_sheet_files(workbook)
        raise
    out.seek(0)
    return out


def _discard_sheet_files(workbook):
    for sheet in workbook.worksheets:
        writer = getattr(sheet, "_writer", None)
        if writer is None or not isinstance(writer.out, str):
            continue
        # Close the sheet's row generator before its file, or it writes into the closed file when collected.
        for stream in (getattr(sheet, "_rows", None), writer):
            if stream is not None:
                with contextlib.suppress(Exception):
                    stream.close()
        with contextlib.suppress(FileNotFoundError):
            os.remove(writer.out)
        with contextlib.suppress(ValueError):
            openpyxl_sheet_writer.ALL_TEMP_FILES.remove(writer.out)
