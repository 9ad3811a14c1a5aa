"""Compact CJK font embedding: small PDFs that viewers draw exactly as WeasyPrint's own embedding does."""

import io
import subprocess
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from fontTools.cffLib import CFFFontSet
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops
from pypdf import PdfReader

from enforcement.documents import cff, compact_fonts
from enforcement.documents.rendering import render_html, render_pdf
from tests.documents.helpers import letter_context
from tests.documents.pdfcheck import glyphs_for, pdffonts

NOTO_SERIF = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
LETTER = "documents/guidance_letter.html"


def letter(**overrides):
    return {
        "doc": SimpleNamespace(number="（川）应急指导〔2026〕3号", title="安全生产执法指导意见书"),
        **letter_context(**overrides),
    }


def uncompacted_pdf(monkeypatch, html):
    """The same HTML through WeasyPrint's own font embedding (original classes, fresh font configuration)."""
    from weasyprint import HTML
    from weasyprint import pdf as weasy_pdf
    from weasyprint.pdf import fonts as weasy_fonts
    from weasyprint.pdf import stream as weasy_stream
    from weasyprint.text.fonts import FontConfiguration

    monkeypatch.setattr(weasy_stream, "Font", weasy_fonts.Font)
    monkeypatch.setattr(weasy_pdf, "build_fonts_dictionary", weasy_fonts.build_fonts_dictionary)
    return HTML(string=html).write_pdf(font_config=FontConfiguration())


def poppler_pages(pdf: bytes) -> list[Image.Image]:
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "doc.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "72", "-gray", "-png", f"{tmp}/doc.pdf", f"{tmp}/page"], check=True)  # noqa: S603, S607 - fixed poppler tool, no user input
        return [Image.open(path).convert("L") for path in sorted(Path(tmp).glob("page*.png"))]


def pdfium_pages(pdf: bytes) -> list[Image.Image]:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    return [page.render(scale=1).to_pil().convert("L") for page in document]


def largest_difference(first: list[Image.Image], second: list[Image.Image]) -> int:
    assert len(first) == len(second)
    return max(max(ImageChops.difference(a, b).getextrema()) for a, b in zip(first, second, strict=True))


@pytest.mark.parametrize(
    "overrides", [{}, {"county_name": "𡈼𪚥乡县应急管理局", "findings": [{"problem": "𠮷䶮龘", "opinion": "整改"}]}]
)
def test_viewers_draw_the_compact_pdf_like_weasyprints_own(monkeypatch, overrides):
    """Poppler (evince, okular, pdftotext) and PDFium (Chrome, Edge) draw the same glyphs, pixel for pixel
    but for anti-aliasing: a glyph found by the wrong CID would differ by full black."""
    html = render_html(LETTER, letter(**overrides))
    compact, _ = render_pdf(LETTER, letter(**overrides))
    reference = uncompacted_pdf(monkeypatch, html)
    assert len(compact) < len(reference) / 3
    for rasterise in (poppler_pages, pdfium_pages):
        assert largest_difference(rasterise(compact), rasterise(reference)) <= 32, rasterise.__name__


def test_guidance_letter_is_small_and_embeds_bare_cid_keyed_programs():
    pdf, _ = render_pdf(LETTER, letter())
    assert len(pdf) <= 100 * 1024  # issue 4: the one-page letter ≤ 100 KB
    types = {row["name"].split("+", 1)[1]: row["type"] for row in pdffonts(pdf)}
    assert types == {"Noto-Serif-CJK-SC": "CID Type 0C", "Noto-Serif-CJK-SC-Bold": "CID Type 0C"}
    # Poppler and PDFium sniff the program; a strict reader (Acrobat) goes by the declared subtype.
    assert embedded_program_subtypes(pdf) == ["/CIDFontType0C", "/CIDFontType0C"]


def embedded_program_subtypes(pdf: bytes) -> list[str]:
    subtypes = []
    for font in PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values():
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        subtypes.append(descriptor["/FontFile3"].get_object()["/Subtype"])
    return subtypes


def test_truetype_fallback_faces_keep_weasyprints_embedding():
    # 𪚥 (Extension B) is not in Noto CJK: it comes from the HanaMin fallback, a TrueType face.
    pdf, _ = render_pdf(LETTER, letter(county_name="𪚥乡县应急管理局"))
    types = {row["name"].split("+", 1)[1]: row["type"] for row in pdffonts(pdf)}
    assert types["HanaMinA-Medium"] == "CID TrueType"
    assert glyphs_for(pdf, "𪚥")["𪚥"] and all(ink for _, _, ink in glyphs_for(pdf, "𪚥")["𪚥"])


# --- the CFF reader ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def noto_cff():
    return TTFont(NOTO_SERIF, fontNumber=2, lazy=True).reader["CFF "]


def fonttools_cids(program: bytes) -> list[int]:
    fonts = CFFFontSet()
    fonts.decompile(io.BytesIO(program), None)
    return [0 if name == ".notdef" else int(name.removeprefix("cid")) for name in fonts[fonts.fontNames[0]].charset]


def test_noto_cjk_is_cid_keyed_with_cid_equal_to_glyph_id(noto_cff):
    assert cff.is_identity(noto_cff)
    assert cff.glyph_cids(noto_cff) == fonttools_cids(noto_cff)


def test_a_subset_keeps_each_glyphs_cid_and_is_therefore_not_the_identity(monkeypatch):
    """The subset carries the original CIDs (what makes it correct) in new glyph order; read as fontTools does."""
    captured = []
    original = compact_fonts.cid_keyed_subset

    def capture(*args):
        program = original(*args)
        captured.append((sorted(args[1] | {0}), program))
        return program

    monkeypatch.setattr(compact_fonts, "cid_keyed_subset", capture)
    render_pdf(LETTER, letter())
    assert captured
    for wanted, program in captured:
        cids = cff.glyph_cids(program)
        assert cids == fonttools_cids(program)
        assert set(wanted) <= set(cids) and cids == sorted(cids)
        assert not cff.is_identity(program)


def name_keyed_cff() -> bytes:
    builder = FontBuilder(1000, isTTF=False)
    builder.setupGlyphOrder([".notdef", "A"])
    builder.setupCharacterMap({0x41: "A"})
    pen = T2CharStringPen(500, None)
    pen.moveTo((0, 0))
    pen.lineTo((500, 700))
    pen.lineTo((0, 700))
    pen.closePath()
    box = T2CharStringPen(500, None)
    box.endPath()
    builder.setupCFF("Test", {}, {".notdef": box.getCharString(), "A": pen.getCharString()}, {})
    builder.setupHorizontalMetrics({".notdef": (500, 0), "A": (500, 0)})
    builder.setupHorizontalHeader()
    builder.setupOS2()
    builder.setupPost()
    builder.setupNameTable({"familyName": "Test", "styleName": "Regular"})
    out = io.BytesIO()
    builder.font.save(out)
    return TTFont(io.BytesIO(out.getvalue())).reader["CFF "]


def test_name_keyed_fonts_are_left_to_weasyprint():
    program = name_keyed_cff()
    assert cff.glyph_cids(program) is None
    assert not cff.is_identity(program)


def test_garbage_is_not_a_font():
    with pytest.raises(cff.CFFError):
        cff.is_identity(b"\x01\x00\x04\x01\x00\x01\x01\x01\xff")
