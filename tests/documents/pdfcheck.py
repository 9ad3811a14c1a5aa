"""PDF inspection helpers for document tests: text, fonts, and whether each character has a real glyph."""

import io
import re
import shutil
import subprocess
import tempfile

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
