"""Template filters for official documents."""

import datetime

from django import template

register = template.Library()


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
    """Text typed as a sentence, ready to continue (“…不足1米。” → “…不足1米”), so a document can go on with
    “，限于…前整改完毕” or “（重大事故隐患）” without “。，” in between."""
    return str(value or "").rstrip().rstrip("。．.；;，,、 ")
