"""Issue 9 item 6: text the document fonts cannot draw is never blank in a PDF, and input refuses it.

An emoji the fonts have (HanaMinA draws the Unicode 6 ones, 😀) is drawn by that fallback; one they do
not have (🥲, a skin-tone modifier) is refused at input and, already stored, printed as □; a stored bidi
override is printed as □ rather than reversing the enterprise's name on an official document.
"""

import copy
import re
from pathlib import Path

import pytest
from django.conf import settings

from enforcement.documents import glyphs
from enforcement.documents.rendering import render_pdf
from tests.documents.pdfcheck import PdfLayout, glyphs_for
from tests.documents.samples import SAMPLES

pytestmark = pytest.mark.skipif(glyphs.coverage() is None, reason="the document fonts are not installed")

DRAWN_BY_FALLBACK = "😀"
NEVER_DRAWN = "\U0001f972"  # 🥲 (Unicode 13): no installed document font has it


def rendered_with_name(name):
    sample = SAMPLES["rectification_order"](1)
    context = copy.deepcopy(sample.context)
    context["enterprise"] = {**context["enterprise"], "name": name}
    pdf, _ms = render_pdf(sample.template, context)
    return pdf


def test_stored_undrawable_characters_print_as_a_visible_box():
    pdf = rendered_with_name(f"恒泰{NEVER_DRAWN}化工\u202e有限公司")
    text = PdfLayout(pdf).text
    assert "恒泰□化工□有限公司" in text
    assert NEVER_DRAWN not in text and "\u202e" not in text
    box = glyphs_for(pdf, glyphs.MISSING_GLYPH)[glyphs.MISSING_GLYPH]
    assert box and all(ink for _font, _gid, ink in box)  # the box itself has ink: never blank


def test_an_emoji_the_fallback_font_has_is_drawn_with_ink():
    pdf = rendered_with_name(f"恒泰{DRAWN_BY_FALLBACK}化工有限公司")
    drawn = glyphs_for(pdf, DRAWN_BY_FALLBACK)[DRAWN_BY_FALLBACK]
    assert drawn and all(ink for _font, _gid, ink in drawn)


def test_the_checked_fonts_are_the_ones_the_document_stylesheet_names():
    stylesheet = (Path(settings.BASE_DIR) / "templates/documents/base.html").read_text(encoding="utf-8")
    named = set(re.findall(r'"([^"{}]+)"', " ".join(re.findall(r"font-family:([^;]+);", stylesheet))))
    assert named <= set(glyphs.families()), named - set(glyphs.families())


def test_drawable_keeps_what_the_fonts_draw():
    text = "𠮷野家 葛\U000e0100城 ①★é\n第二行"  # Extension B, an ideographic variation sequence, symbols
    assert glyphs.drawable(text) == text
