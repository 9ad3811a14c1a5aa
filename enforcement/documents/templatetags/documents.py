"""Template filters for official documents."""

import datetime

from django import template

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
