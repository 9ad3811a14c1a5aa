"""The characters no text field of the product may hold, and what stands in for them where they are shown.

Refused everywhere:
- C0 control characters U+0000–U+001F and DEL U+007F: invisible, they break XML (the .xlsx exports and the
  PDFs) and PostgreSQL refuses U+0000 outright. TAB, LF and CR are kept in multi-line fields only.
- C1 control characters U+0080–U+009F: never typed, only left by mis-decoded text.
- Bidirectional formatting: embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069 and the marks
  U+200E, U+200F, U+061C. U+202E (RIGHT-TO-LEFT OVERRIDE) shows “gpj.exe” as “exe.jpg” and reverses a name in
  an official document (Unicode TR #36 §2.1 and CVE-2021-42574 “Trojan Source”); Chinese text needs none.
- Lone surrogates U+D800–U+DFFF: JSON can carry them (“\\ud800”), no encoding can store them.
"""

import re

REPLACEMENT = "\ufffd"
LINE_BREAKS = "\t\n\r"

# Bidirectional formatting characters, a regex character class (also neutralised on pages: text/middleware.py).
BIDI_CLASS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_ALWAYS = f"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI_CLASS}\ud800-\udfff"
_MULTILINE = re.compile(f"[{_ALWAYS}]")
_SINGLE_LINE = re.compile(f"[{_ALWAYS}{LINE_BREAKS}]")


def pattern(multiline: bool) -> re.Pattern:
    return _MULTILINE if multiline else _SINGLE_LINE


def first_forbidden(value: str, multiline: bool = False) -> str | None:
    """The first character of ``value`` that a (single- or multi-line) text field refuses, or None."""
    match = pattern(multiline).search(value)
    return match.group() if match else None


def code_point(char: str) -> str:
    return f"U+{ord(char):04X}"


def neutralise(value: str, replacement: str = REPLACEMENT) -> str:
    """``value`` with every refused character replaced, line breaks kept: for text stored before the refusal,
    written where a control character would break the file or a bidi override would reverse the text."""
    return _MULTILINE.sub(replacement, value)


def bidi_characters() -> list[str]:
    """Every character of BIDI_CLASS, its ranges expanded."""
    bidi = re.compile(f"[{BIDI_CLASS}]")
    return [chr(code) for code in range(0x0600, 0x2070) if bidi.fullmatch(chr(code))]
