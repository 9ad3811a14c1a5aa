"""Forms of the monthly progress pages: the month picker and the re-run request."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# "2026-06"; a full date ("2026-06-01", as the API returns months) names its month too.
MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")


def parse_month(value) -> datetime.date:
    """ "YYYY-MM" (or a date) → the first day of that month; ValidationError in Chinese otherwise."""
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    match = MONTH_RE.match(str(value or "").strip())
    if match:
        year, month = int(match[1]), int(match[2])
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            if match[3] is None:
                return datetime.date(year, month, 1)
            try:
                return datetime.date(year, month, int(match[3])).replace(day=1)
            except ValueError:
                pass
    raise ValidationError(_("月份格式应为“年-月”，如 2026-06。"), code="invalid_month")


def month_label(month: datetime.date) -> str:
    return _("%(year)d年%(month)02d月") % {"year": month.year, "month": month.month}


class MonthField(forms.CharField):
    """A month typed or picked as "YYYY-MM"; cleans to the first day of the month."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        return parse_month(value)

    def prepare_value(self, value):
        if isinstance(value, datetime.date):
            return f"{value:%Y-%m}"
        return value


class RebuildForm(forms.Form):
    """Re-run the monthly job for one past month (supervision.rebuild_monthlyprogress)."""

    month = MonthField(label=gettext_lazy("月份"))
