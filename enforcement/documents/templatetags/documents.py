"""Template filters for official documents."""

import datetime
import re

from django import template
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

# What may end a typed phrase; the document decides the punctuation that follows it.
TRAILING_PUNCTUATION = "。．.，,、；;：:！!？?\u3000 "


@register.filter
def cn_date(value):
    """ "2026-03-05" or a date → "2026年3月5日": Arabic numerals, full year, no leading zeros (GB/T 9704 7.3.5)."""
    if not value:
        return "____年____月____日"
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value[:10])
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def clause(value):
    """Typed text without its trailing punctuation, for the template to continue it (“…堵塞；整改期限：…”)."""
    return str(value or "").strip().rstrip(TRAILING_PUNCTUATION)


@register.filter
def sentence(value, end="。"):
    """Typed text ended with exactly one ``end`` (default 。): a label that follows never runs on from it,
    whether or not the user typed the full stop (“…不规范。意见：…”, not “…不规范意见：…”)."""
    text = clause(value)
    return f"{text}{end}" if text else ""


# Longest run of text laid out as one paragraph inside a table cell. WeasyPrint lays out a paragraph that a
# table cell splits across pages again for every line and every page it tries, so one 5,000-character cell took
# 33 s of CPU and the time grew with the square of its length (issue 9 item 5); cut into pieces of this size it
# grows linearly (3,000 characters: 8.4 s as one paragraph, 0.5 s in pieces).
CELL_PIECE = 200
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;\n])")


def cell_pieces(text, size=CELL_PIECE):
    """``text`` cut after sentence ends into pieces of at most ``size`` characters (a longer sentence is cut
    at ``size``), whole sentences packed together so that short text stays one piece."""
    pieces, current = [], ""
    for part in _SENTENCE_END.split(str(text)):
        while len(part) > size:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(part[:size])
            part = part[size:]
        if len(current) + len(part) > size:
            pieces.append(current)
            current = ""
        current += part
    if current:
        pieces.append(current)
    return [piece for piece in pieces if piece.strip()]


@register.filter
def in_pieces(value):
    """Typed text for a table cell: the first piece runs on from what precedes it, each later one is a block
    (class "piece") starting its own line, so no paragraph in the cell is longer than CELL_PIECE."""
    pieces = cell_pieces(value)
    if not pieces:
        return ""
    first = conditional_escape(pieces[0])
    rest = format_html_join("", '<span class="piece">{}</span>', ((piece,) for piece in pieces[1:]))
    return mark_safe(first + rest)  # noqa: S308 - both parts are escaped above
