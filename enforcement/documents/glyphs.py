"""Which characters the document fonts can draw, and how text they cannot draw is shown.

WeasyPrint draws a character no font has as nothing or as an empty box that a PDF viewer may not show: an
emoji typed into a name would silently vanish from an official document. No colour-emoji or symbol font is
vendored (and none may be downloaded), so instead:
- input refuses a character no document font draws (enforcement.text.inputs, with the field's name);
- a document renders what was stored before as □ (U+25A1, in every CJK face; the customary mark for a
  character that cannot be set, 缺字符号), and the refused controls and bidi overrides the same way.

The fonts are the families templates/documents/base.html names (DOCUMENT_FONT_FAMILIES; a test keeps the
two in step), found the way WeasyPrint finds them (fontconfig), their character maps read once per process.
Where fontconfig or the fonts are missing nothing is refused and nothing replaced: the check must never
turn a machine without fonts into one that refuses Chinese.
"""

import functools
import logging
import re
import unicodedata

from django.conf import settings

from enforcement.text.characters import LINE_BREAKS, pattern

logger = logging.getLogger(__name__)

MISSING_GLYPH = "\u25a1"  # □
DOCUMENT_FONT_FAMILIES = (
    "Noto Serif CJK SC",
    "Noto Sans CJK SC",
    "AR PL UMing CN",
    "AR PL UKai CN",
    "HanaMinA",
    "HanaMinB",
)
# Characters every CJK document face draws: checked without reading any font (the common case).
_SURELY_DRAWN = re.compile(r"[\t\n\r\x20-\x7e\u3000-\u303f\u4e00-\u9fff\uff01-\uff5e]*")
# Marks, format characters and separators are not drawn on their own (a variation selector picks a glyph
# variant, a joiner joins): a font's character map does not list them, so they are never "missing".
_NOT_DRAWN_ALONE = {"Mn", "Me", "Cf", "Zs", "Zl", "Zp"}


def families() -> tuple[str, ...]:
    body = getattr(settings, "DOCUMENT_BODY_FONT", "")
    extra = tuple(name.strip() for name in body.split(",") if name.strip())
    return tuple(dict.fromkeys(extra + DOCUMENT_FONT_FAMILIES))


@functools.cache
def _coverage(names: tuple[str, ...]) -> frozenset[int] | None:
    try:
        from fontTools.ttLib import TTFont

        paths = _font_files(names)
        covered = set()
        for path in paths:
            covered.update(TTFont(path, fontNumber=0, lazy=True).getBestCmap())
    except Exception:  # no fontconfig, an unreadable font: never refuse because the check itself failed
        logger.warning("document font coverage unavailable; undrawable characters are not checked", exc_info=True)
        return None
    return frozenset(covered) if covered else None


def _font_files(names) -> list[str]:
    """The font file fontconfig gives each family; a family it substitutes (not installed) is left out."""
    from weasyprint.text.ffi import ffi, fontconfig

    config = fontconfig.FcInitLoadConfigAndFonts()
    files = []
    try:
        for name in names:
            wanted = fontconfig.FcPatternCreate()
            fontconfig.FcPatternAddString(wanted, b"family", name.encode())
            fontconfig.FcConfigSubstitute(config, wanted, 0)  # FcMatchPattern
            fontconfig.FcDefaultSubstitute(wanted)
            match = fontconfig.FcFontMatch(config, wanted, ffi.new("FcResult *"))
            fontconfig.FcPatternDestroy(wanted)
            if match == ffi.NULL:
                continue
            found = {}
            for key in (b"family", b"file"):
                value = ffi.new("FcChar8 **")
                if fontconfig.FcPatternGetString(match, key, 0, value) == 0:
                    found[key] = ffi.string(value[0]).decode()
            fontconfig.FcPatternDestroy(match)
            if found.get(b"family", "").casefold() == name.casefold() and b"file" in found:
                files.append(found[b"file"])
    finally:
        fontconfig.FcConfigDestroy(config)
    return list(dict.fromkeys(files))


def coverage() -> frozenset[int] | None:
    """The code points the document fonts draw, or None where they cannot be read."""
    return _coverage(families())


def _missing(char: str, covered) -> bool:
    return ord(char) not in covered and unicodedata.category(char) not in _NOT_DRAWN_ALONE


def first_undrawable(value: str) -> str | None:
    """The first character of ``value`` that no document font draws, or None (also when fonts are unknown)."""
    if _SURELY_DRAWN.fullmatch(value):
        return None
    covered = coverage()
    if covered is None:
        return None
    return next((char for char in value if _missing(char, covered)), None)


def drawable(text: str) -> str:
    """``text`` as a document can show it: refused controls and bidi overrides, and characters no document
    font draws, each as □ — visible, never blank, never reversing the line."""
    text = pattern(multiline=True).sub(MISSING_GLYPH, text)
    if _SURELY_DRAWN.fullmatch(text):
        return text
    covered = coverage()
    if covered is None:
        return text
    return "".join(MISSING_GLYPH if char not in LINE_BREAKS and _missing(char, covered) else char for char in text)
