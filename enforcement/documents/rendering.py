"""HTML templates → PDF with WeasyPrint, in the GB/T 9704-2012 typography (see templates/documents/base.html).

Fonts come from the system (bin/bootstrap installs them): a 仿宋 face for the body, Noto CJK for titles and
headings, and HanaMin as the explicit fallback for CJK Extension A/B characters that people's and
places' names use (𠮷, 𡈼, 䶮 …). The font configuration is built once per process: it is the slow part.
CJK faces are embedded by compact_fonts (a few KB per face instead of ~170 KB, and ~5× faster subsetting).
"""

import functools
import time

from django.conf import settings
from django.template.loader import render_to_string

from enforcement.documents import compact_fonts, glyphs


@functools.cache
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    compact_fonts.install()
    return FontConfiguration()


def font_settings():
    """CSS font-family values from settings, quoted for the stylesheet."""
    body = getattr(settings, "DOCUMENT_BODY_FONT", "Noto Serif CJK SC")
    return {"body": ", ".join(f'"{name.strip()}"' for name in body.split(",") if name.strip())}


def render_html(template, context, marks="") -> str:
    html = render_to_string(template, {"fonts": font_settings(), **context})
    if marks:
        # The marks are the same for every document type, so they go in here rather than into each template.
        end = html.rfind("</body>")
        html = html[:end] + marks + html[end:] if end >= 0 else html + marks
    # Stored text no font draws, or a control or bidi override, shows as □ rather than blank or reversed.
    return glyphs.drawable(html)


def document_marks(document, voided=False) -> str:
    """What every page of ``document`` carries besides its template: the version from the second one on
    (“第2版”), and on a voided document's copy the 作废 mark with when and why."""
    if document.version <= 1 and not voided:
        return ""
    return render_to_string("documents/_marks.html", {"doc": document, "voided": voided})


def render_pdf(template: str, context: dict, marks: str = "") -> tuple[bytes, int]:
    """Render ``template`` with ``context`` (and ``marks``) to PDF bytes; returns (pdf, milliseconds)."""
    start = time.perf_counter()
    pdf = html_to_pdf(render_html(template, context, marks))
    return pdf, int((time.perf_counter() - start) * 1000)


def html_to_pdf(html: str) -> bytes:
    """The PDF of a rendered document's HTML (no database access: it may run in a child process)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=_font_config())
