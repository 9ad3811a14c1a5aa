"""PDF inspection helpers for document tests: text, fonts, and whether each character has a real glyph."""

import io
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

from fontTools.cffLib import CFFFontSet
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont
from pypdf import PdfReader


def pdf_text(pdf: bytes) -> str:
    """The text of the PDF with all whitespace removed (justification and letter-spacing split lines)."""
    if shutil.which("pdftotext"):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(pdf)
            handle.flush()
            text = subprocess.run(["pdftotext", handle.name, "-"], capture_output=True, check=True, text=True).stdout  # noqa: S603, S607 - fixed poppler/LibreOffice tools, no user input
    else:
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", "", text)


def pdffonts(pdf: bytes) -> list[dict]:
    """pdffonts' table as dicts (name, type, emb, sub, uni)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        out = subprocess.run(["pdffonts", handle.name], capture_output=True, check=True, text=True).stdout  # noqa: S603, S607 - fixed poppler/LibreOffice tools, no user input
    rows = []
    for line in out.splitlines()[2:]:
        # name, type (may contain spaces), encoding, emb, sub, uni, object id, generation
        match = re.match(r"(\S+)\s+(.+?)\s{2,}(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+", line)
        if match:
            rows.append(dict(zip(("name", "type", "encoding", "emb", "sub", "uni"), match.groups(), strict=True)))
    return rows


def _to_unicode(cmap: bytes) -> dict[int, str]:
    mapping = {}
    text = cmap.decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for cid, uni in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[int(cid, 16)] = bytes.fromhex(uni).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for start, end, uni in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            first = bytes.fromhex(uni).decode("utf-16-be")
            for offset, cid in enumerate(range(int(start, 16), int(end, 16) + 1)):
                mapping[cid] = chr(ord(first[-1]) + offset) if len(first) == 1 else first
    return mapping


def glyphs_for(pdf: bytes, chars: str) -> dict[str, list[tuple[str, int, bool]]]:
    """For each character: the (font, glyph id, glyph has ink) triples that draw it in the PDF.

    A character drawn with glyph 0 (.notdef) or with an empty outline is a missing glyph (tofu or blank).
    """
    found = {char: [] for char in chars}
    fonts_seen = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font_ref in page["/Resources"]["/Font"].values():
            font = font_ref.get_object()
            name = str(font["/BaseFont"])
            if name in fonts_seen or "/ToUnicode" not in font:
                continue
            fonts_seen[name] = True
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            stream = descriptor.get("/FontFile3") or descriptor.get("/FontFile2")
            embedded = _embedded_glyphs(stream.get_object()) if stream is not None else None
            for cid, text in _to_unicode(font["/ToUnicode"].get_object().get_data()).items():
                for char in chars:
                    if char in text:
                        found[char].append((name, cid, _has_ink(embedded, cid)))
    return found


def _embedded_glyphs(stream) -> dict:
    """Code → glyph (anything with ``draw(pen)``) of an embedded font program, the way a viewer finds it.

    A bare CID-keyed CFF program (/CIDFontType0C) is looked up by CID through its charset; an OpenType or
    TrueType program (with /CIDToGIDMap /Identity) by glyph id.
    """
    data = stream.get_data()
    if stream.get("/Subtype") == "/CIDFontType0C":
        fonts = CFFFontSet()
        fonts.decompile(io.BytesIO(data), None)
        top = fonts[fonts.fontNames[0]]
        return {
            0 if name == ".notdef" else int(name.removeprefix("cid")): top.CharStrings[name] for name in top.charset
        }
    font = TTFont(io.BytesIO(data))
    glyph_set = font.getGlyphSet()
    return {gid: glyph_set[name] for gid, name in enumerate(font.getGlyphOrder())}


def _has_ink(glyphs, code) -> bool:
    if glyphs is None or code == 0 or code not in glyphs:
        return False
    pen = BoundsPen(None)
    glyphs[code].draw(pen)
    return pen.bounds is not None


# --- layout: where each character is ----------------------------------------------------------------

MM = 72 / 25.4  # PDF points per millimetre
FOOTER_TOP = 30 * MM  # the page number sits in the 35 mm bottom margin (GB/T 9704): below this is footer


@dataclass(frozen=True)
class Glyph:
    char: str
    page: int  # 0-based
    top: float  # points from the top of the page, of the font's box (the same for every glyph of a line)
    bottom: float


class PdfLayout:
    """The characters of a PDF with their pages and lines, in content-stream order (WeasyPrint draws a
    table row cell by cell, so a cell's text is one run). Whitespace and the page-number footer are left
    out: ``text`` is what a reader sees, without spaces, and indices into it address ``glyphs``."""

    def __init__(self, pdf: bytes):
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(pdf)
        self.page_count = len(document)
        self.glyphs: list[Glyph] = []
        self.footers: list[str] = []
        for number in range(self.page_count):
            page = document[number]
            height = page.get_height()
            textpage = page.get_textpage()
            footer = []
            for index in range(textpage.count_chars()):
                char = textpage.get_text_range(index, 1)
                if not char or char.isspace():
                    continue
                _left, bottom, _right, top = textpage.get_charbox(index, loose=True)
                if top < FOOTER_TOP:
                    footer.append(char)
                    continue
                self.glyphs.append(Glyph(char, number, height - top, height - bottom))
            self.footers.append("".join(footer))
        self.text = "".join(g.char for g in self.glyphs)

    def find(self, text: str, start: int = 0) -> tuple[int, int]:
        """(first, end) indices of ``text`` (whitespace ignored) at or after ``start``; AssertionError if absent."""
        wanted = re.sub(r"\s+", "", text)
        first = self.text.find(wanted, start)
        assert first >= 0, f"“{wanted}” is not in the PDF text (from index {start}): …{self.text[start : start + 80]}…"
        return first, first + len(wanted)

    def find_all(self, text: str) -> list[tuple[int, int]]:
        wanted = re.sub(r"\s+", "", text)
        return [(m.start(), m.end()) for m in re.finditer(re.escape(wanted), self.text)]

    def pages(self, first: int, end: int) -> set[int]:
        return {g.page for g in self.glyphs[first:end]}

    def lines(self, first: int, end: int) -> int:
        """How many lines the characters first…end-1 are set on: a character whose middle is outside the
        height of the one before starts a new line (or a new page, or a new table cell)."""
        count, previous = 0, None
        for glyph in self.glyphs[first:end]:
            middle = (glyph.top + glyph.bottom) / 2
            if previous is None or glyph.page != previous.page or not previous.top < middle < previous.bottom:
                count += 1
            previous = glyph
        return count

    def page_text(self, page: int) -> str:
        return "".join(g.char for g in self.glyphs if g.page == page)

    def top_on_page(self, index: int) -> float:
        """How far below the top of the text block the character at ``index`` is, in millimetres."""
        return (self.glyphs[index].top / MM) - 37
