"""Issue 9 item 6: every text field — web forms, admin forms, API serializers, every model's text fields —
refuses control characters and bidi overrides, and single-line fields refuse line breaks.

The refusal lives in one place (enforcement/text/inputs.py); these tests walk the whole product so that a
new form, serializer or model field that escaped it would fail here.
"""

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import modelform_factory
from django.test import RequestFactory
from rest_framework import serializers

from enforcement.text.characters import first_forbidden
from enforcement.text.inputs import CODE, is_installed
from tests.factories import UserFactory
from tests.text.walk import PROJECT_PACKAGES, project_forms, project_serializers

CLEAN = "甲乙"
OVERRIDE = "甲\u202e乙"
HOSTILE = ["甲\x00乙", "甲\x1b乙", "甲\x7f乙", OVERRIDE, "甲\u2066乙", "甲\u200f乙", "甲\x85乙"]


def holds_refused(cleaned):
    strings = cleaned if isinstance(cleaned, list | tuple) else [cleaned]
    return any(isinstance(text, str) and first_forbidden(text, multiline=True) for text in strings)


def form_text_fields(fields):
    for name, field in fields.items():
        if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
            yield name, field


def assert_form_field_refuses(where, field):
    """``field`` refuses every hostile value with our code; a single-line one refuses a line break too.
    Returns False when the field refuses even plain Chinese text (an e-mail, a code): nothing to prove then."""
    try:
        field.clean(CLEAN)
    except ValidationError:
        return False
    for value in HOSTILE:
        try:
            cleaned = field.clean(value)
        except ValidationError as refused:
            codes = [e.code for e in refused.error_list]
        else:
            # Accepted only where the field's own cleaning dropped it (a list field splits lines on U+0085).
            assert not holds_refused(cleaned), (where, value, cleaned)
            continue
        assert codes == [CODE], (where, value, codes)
    if not isinstance(field.widget, forms.Textarea):
        with pytest.raises(ValidationError):
            field.clean("甲\n乙")
    return True


def test_the_refusal_is_installed():
    assert is_installed()


def test_every_project_form_refuses_control_characters_in_its_text_fields():
    checked = []
    for where, form_class in project_forms().items():
        for name, field in form_text_fields(form_class.base_fields):
            if assert_form_field_refuses(f"{where}.{name}", field):
                checked.append(f"{where}.{name}")
    assert len(checked) > 30, checked  # the walk found the product's forms


@pytest.mark.django_db
def test_every_admin_form_refuses_control_characters_in_its_text_fields():
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    checked = []
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith(PROJECT_PACKAGES) and model._meta.app_label != "auth":
            continue
        form_class = model_admin.get_form(request, obj=None)
        for name, field in form_text_fields(form_class.base_fields):
            if assert_form_field_refuses(f"admin {model.__name__}.{name}", field):
                checked.append(f"{model.__name__}.{name}")
    assert checked


def project_model_text_fields():
    for model in apps.get_models():
        if not model.__module__.startswith(PROJECT_PACKAGES):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.CharField | models.TextField) and field.editable and not field.choices:
                yield model, field


@pytest.mark.django_db
def test_every_model_text_field_refuses_control_characters_in_model_forms_and_serializers():
    """Whatever form or ModelSerializer the next page or API builds on a model field, it refuses."""
    checked = 0
    for model, field in project_model_text_fields():
        form_field = modelform_factory(model, fields=[field.name]).base_fields[field.name]
        assert_form_field_refuses(f"{model.__name__}.{field.name}", form_field)
        meta = type("Meta", (), {"model": model, "fields": [field.name]})
        serializer = type("Probe", (serializers.ModelSerializer,), {"Meta": meta})()
        serializer_field = serializer.fields[field.name]
        if isinstance(serializer_field, serializers.CharField):
            assert_serializer_field_refuses(f"{model.__name__}.{field.name}", serializer_field)
        checked += 1
    assert checked > 50, checked


def serializer_text_fields(serializer):
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        child = getattr(field, "child", None)
        if isinstance(child, serializers.CharField):
            yield f"{name}[]", child
        if isinstance(field, serializers.CharField) and field.style.get("input_type") != "password":
            yield name, field


def assert_serializer_field_refuses(where, field):
    try:
        field.run_validation(CLEAN)
    except serializers.ValidationError:
        return False
    for value in HOSTILE:
        with pytest.raises(serializers.ValidationError) as refused:
            field.run_validation(value)
        codes = refused.value.get_codes()
        assert codes == [CODE], (where, value, codes)
    multiline = field.style.get("base_template") == "textarea.html" or field.max_length is None
    if not multiline:
        with pytest.raises(serializers.ValidationError):
            field.run_validation("甲\n乙")
    else:
        assert field.run_validation("甲\n乙") == "甲\n乙"
    return True


@pytest.mark.django_db
def test_every_project_serializer_refuses_control_characters_in_its_text_fields():
    checked = []
    for where, serializer_class in project_serializers().items():
        try:
            serializer = serializer_class(context={"request": None})
            fields = list(serializer_text_fields(serializer))
        except (TypeError, AssertionError, AttributeError, KeyError):
            continue  # a serializer built only by its view with arguments; the model walk covers its fields
        for name, field in fields:
            if assert_serializer_field_refuses(f"{where}.{name}", field):
                checked.append(f"{where}.{name}")
    assert len(checked) > 30, checked
