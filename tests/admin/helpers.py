"""Helpers for driving the Django admin in tests."""

from django.forms import MultiWidget


def form_data(response):
    """The POST data the admin change form would submit as rendered (fields, inlines, management forms)."""
    assert response.status_code == 200, response.status_code
    data = {}

    def add(form, name):
        bound = form[name]
        if bound.field.disabled:
            return
        value = bound.value()
        widget = bound.field.widget
        key = form.add_prefix(name)
        if value is None:
            return
        if isinstance(widget, MultiWidget):
            for i, part in enumerate(widget.decompress(value)):
                if part is not None:
                    data[f"{key}_{i}"] = str(part)
        elif isinstance(value, bool):
            if value:
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
        else:
            data[key] = str(value)

    form = response.context["adminform"].form
    for name in form.fields:
        add(form, name)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            value = management[name].value()
            data[management.add_prefix(name)] = "" if value is None else str(value)
        for inline_form in formset.forms:
            for name in inline_form.fields:
                add(inline_form, name)
    return data


def changelist_rows(response):
    assert response.status_code == 200, response.status_code
    return list(response.context["cl"].result_list)
