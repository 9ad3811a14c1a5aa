"""Small, fast embedding of CID-keyed CJK fonts in WeasyPrint's PDFs.

Why this exists: WeasyPrint writes each glyph into the page as its glyph id and declares
``/CIDToGIDMap /Identity``, so it subsets every font with HarfBuzz's ``RETAIN_GIDS`` flag: the subset
keeps a slot for every glyph id up to the highest one used. A CJK face has 65,535 glyphs (Noto CJK), so
a one-page letter carried ~170 KB of empty slots per face and spent ~40 ms per face building them.

A CID-keyed CFF font program finds its glyphs by CID through its own charset, not by position
(ISO 32000-1 §9.7.4.2, FontFile3 with ``/Subtype /CIDFontType0C``, table 126). Noto CJK is CID-keyed
with CID n = glyph n, and HarfBuzz's subsetter keeps every glyph's CID when it renumbers glyphs. So the
ordinary subset (no retained ids), embedded as the bare CFF table, is found by the very codes WeasyPrint
already wrote: a few KB per face and a fraction of the time.

Every subset is checked before it is used: its charset must list exactly the CIDs 0 and the glyph ids
used, in order. Anything else (TrueType faces such as HanaMin, name-keyed CFF, a charset that is not the
identity, variable or colour fonts) keeps WeasyPrint's own path unchanged.

WeasyPrint has no hook for font embedding, so ``install()`` swaps in two things, once per process:
the ``Font`` class its PDF writer instantiates, and a wrapper around ``build_fonts_dictionary`` that
labels the bare programs ``/CIDFontType0C`` (WeasyPrint would call them ``/OpenType``). Both were
written against WeasyPrint 66; ``install()`` leaves WeasyPrint alone if those names are missing.
"""

import functools
import logging

from enforcement.documents import cff

logger = logging.getLogger(__name__)

_DROPPED_TABLES = (
    b"BASE",
    b"GPOS",
    b"GSUB",
    b"JSTF",
    b"VORG",
    b"vhea",
    b"vmtx",
    b"cmap",
    b"hmtx",
    b"hhea",
    b"OS/2",
    b"name",
    b"post",
    b"DSIG",
)


@functools.cache
def install() -> bool:
    """Make WeasyPrint embed qualifying CJK fonts as compact CFF programs. Returns whether it did."""
    try:
        from weasyprint import pdf as weasy_pdf
        from weasyprint.pdf import fonts as weasy_fonts
        from weasyprint.pdf import stream as weasy_stream
        from weasyprint.text.ffi import harfbuzz_subset
    except ImportError:  # pragma: no cover - WeasyPrint is a hard dependency
        return False
    if harfbuzz_subset is None or not all(
        hasattr(module, name)
        for module, name in ((weasy_stream, "Font"), (weasy_pdf, "build_fonts_dictionary"), (weasy_fonts, "Font"))
    ):
        logger.warning("WeasyPrint internals changed: CJK fonts are embedded the large, slow way.")
        return False

    weasy_stream.Font = _compact_font_class(weasy_fonts.Font)
    weasy_pdf.build_fonts_dictionary = _labelling_bare_programs(weasy_pdf.build_fonts_dictionary)
    return True


def _compact_font_class(base):
    class CompactFont(base):
        bare_cff = False

        def subset(self, cmap, hinting):
            if cmap and self._may_be_cid_keyed():
                program = cid_keyed_subset(self.hb_face, set(cmap), hinting)
                if program is not None:
                    self.file_content = program
                    self.bare_cff = True
                    return
            super().subset(cmap, hinting)

        def _may_be_cid_keyed(self):
            # Variable and colour fonts are rewritten by WeasyPrint after subsetting, through fontTools'
            # OpenType reader: they must stay OpenType.
            return "CFF " in self.tables and "fvar" not in self.tables and not (self.png or self.svg)

        @property
        def type(self):
            # "otf" makes WeasyPrint write FontFile3 and /CIDFontType0, which a bare CFF program needs too.
            return "otf" if self.bare_cff else super().type

    return CompactFont


def _labelling_bare_programs(build_fonts_dictionary):
    @functools.wraps(build_fonts_dictionary)
    def build(pdf, fonts, *args, **kwargs):
        first_new = len(pdf.objects)
        result = build_fonts_dictionary(pdf, fonts, *args, **kwargs)
        programs = {id(font.file_content) for font in fonts.values() if getattr(font, "bare_cff", False)}
        for obj in pdf.objects[first_new:]:
            stream = getattr(obj, "stream", None)
            if stream and id(stream[0]) in programs:
                obj.extra["Subtype"] = "/CIDFontType0C"
        return result

    return build


def cid_keyed_subset(hb_face, glyph_ids: set[int], hinting: bool) -> bytes | None:
    """The bare CFF table of a plain subset of ``hb_face`` to ``glyph_ids``, or None unless the font is
    CID-keyed with CID = glyph id (only then do the glyph ids WeasyPrint wrote find the right glyphs)."""
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset

    if not _table(hb_face, b"CFF ", cff.is_identity):
        return None
    wanted = sorted(glyph_ids | {0})
    subset_input = ffi.gc(harfbuzz_subset.hb_subset_input_create_or_fail(), harfbuzz_subset.hb_subset_input_destroy)
    if subset_input == ffi.NULL:
        return None
    glyph_set = harfbuzz_subset.hb_subset_input_glyph_set(subset_input)
    harfbuzz.hb_set_add_sorted_array(glyph_set, ffi.new("hb_codepoint_t[]", wanted), len(wanted))
    drop = harfbuzz_subset.hb_subset_input_set(subset_input, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG)
    tags = sorted(harfbuzz.hb_tag_from_string(tag, -1) for tag in _DROPPED_TABLES)
    harfbuzz.hb_set_add_sorted_array(drop, ffi.new("hb_codepoint_t[]", tags), len(tags))
    flags = harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE | harfbuzz_subset.HB_SUBSET_FLAGS_NO_LAYOUT_CLOSURE
    if not hinting:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
    harfbuzz_subset.hb_subset_input_set_flags(subset_input, flags)
    face = harfbuzz_subset.hb_subset_or_fail(hb_face, subset_input)
    if face == ffi.NULL:
        return None
    face = ffi.gc(face, harfbuzz.hb_face_destroy)
    program = _table(face, b"CFF ", bytes)
    # HarfBuzz may add glyphs (variation-sequence alternates of the same characters), never drop one.
    cids = cff.glyph_cids(program) if program else None
    return program if cids and set(wanted) <= set(cids) and cids == sorted(cids) else None


def _table(hb_face, tag: bytes, read):
    """``read`` applied to a memoryview of the face's table ``tag`` (no copy), or None without one."""
    from weasyprint.text.ffi import ffi, harfbuzz

    blob = harfbuzz.hb_face_reference_table(hb_face, harfbuzz.hb_tag_from_string(tag, -1))
    try:
        length = ffi.new("unsigned int *")
        data = harfbuzz.hb_blob_get_data(blob, length)
        if data == ffi.NULL or not length[0]:
            return None
        try:
            return read(memoryview(ffi.buffer(data, length[0])))
        except cff.CFFError:
            return None
    finally:
        harfbuzz.hb_blob_destroy(blob)
