"""Form fields the step forms share: people (stored as the user's pk), lists of items typed one per line, and
the bounds of typed text that a document prints (a table cell, a narrative)."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.text.inputs import check_text

# Typed text printed in a table cell stays below what one cell can carry; narratives run to a few pages.
CELL_MAX = 1000
NARRATIVE_MAX = 5000
ITEMS_MAX = 30


def cell_text(label, required=True, max_length=CELL_MAX, **kwargs):
    return forms.CharField(label=label, required=required, max_length=max_length, widget=forms.Textarea, **kwargs)


def narrative(label, required=True, **kwargs):
    return forms.CharField(label=label, required=required, max_length=NARRATIVE_MAX, widget=forms.Textarea, **kwargs)


def line(label, max_length=200, required=True, **kwargs):
    return forms.CharField(label=label, required=required, max_length=max_length, **kwargs)


class PersonField(forms.ModelChoiceField):
    """An active user of the product, chosen by name; stored in StepRecord.data as the user's pk."""

    def __init__(self, label, required=True, **kwargs):
        super().__init__(
            queryset=get_user_model().objects.filter(is_active=True).order_by("full_name", "pk"),
            label=label,
            required=required,
            error_messages={"invalid_choice": gettext_lazy("所选人员不存在或已停用。")},
            **kwargs,
        )

    def label_from_instance(self, obj):
        return obj.full_name or obj.username


class ItemListField(forms.CharField):
    """Rows of a list printed as a table (the items sampled or preserved): typed one item per line with its
    columns separated by "|" (or a tab), or given as a list of objects through the API. Cleaned to a list of
    dicts with every column as a string; the first column is required, at most ``ITEMS_MAX`` rows."""

    widget = forms.Textarea

    def __init__(self, columns, *, label, required=True, **kwargs):
        self.columns = columns  # ((key, Chinese label), …)
        names = "｜".join(str(name) for _key, name in columns)
        kwargs.setdefault("help_text", gettext_lazy("每行一项，各栏以“|”分隔：%(names)s") % {"names": names})
        super().__init__(label=label, required=required, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(" | ".join(str(row.get(key, "")) for key, _name in self.columns) for row in value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            rows = [self._row_from_dict(item, n) for n, item in enumerate(value, start=1)]
        else:
            text = super().to_python(value)
            rows = [self._row_from_line(text_line, n) for n, text_line in enumerate(text.splitlines(), start=1)]
        rows = [row for row in rows if row is not None]
        if len(rows) > ITEMS_MAX:
            raise ValidationError(_("%(label)s最多%(n)d项。") % {"label": self.label, "n": ITEMS_MAX})
        return rows

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(_("请填写%(label)s。") % {"label": self.label}, code="required")

    def run_validators(self, value):
        pass  # each cell is bounded in _row

    def _row_from_line(self, text_line, n):
        if not text_line.strip():
            return None
        cells = [cell.strip() for cell in text_line.replace("｜", "|").replace("\t", "|").split("|")]
        if len(cells) > len(self.columns):
            raise ValidationError(
                _("%(label)s第%(n)d行的栏数多于%(count)d栏。")
                % {"label": self.label, "n": n, "count": len(self.columns)}
            )
        return self._row(dict(zip((key for key, _name in self.columns), cells, strict=False)), n)

    def _row_from_dict(self, item, n):
        if not isinstance(item, dict):
            raise ValidationError(_("%(label)s第%(n)d项格式不正确。") % {"label": self.label, "n": n})
        return self._row(item, n)

    def _row(self, item, n):
        row = {}
        for key, name in self.columns:
            value = str(item.get(key, "") or "").strip()
            check_text(value, label=name)
            if len(value) > 200:
                raise ValidationError(
                    _("%(label)s第%(n)d项的“%(name)s”不能超过200字。") % {"label": self.label, "n": n, "name": name}
                )
            row[key] = value
        first_key, first_name = self.columns[0]
        if not row[first_key]:
            raise ValidationError(
                _("%(label)s第%(n)d项缺少“%(name)s”。") % {"label": self.label, "n": n, "name": first_name}
            )
        return row
