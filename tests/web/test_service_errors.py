"""``refusals_on``: a service's refusal lands on the form the user filled in; a vanished row is a 404."""

import pytest
from django import forms
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404

from enforcement.web.service_errors import refusals_on


class TeamForm(forms.Form):
    title = forms.CharField()
    officers = forms.CharField(required=False)


class Gone(ObjectDoesNotExist):
    """Stands for a model's DoesNotExist: the row was deleted or left the user's scope meanwhile."""


class OtherGone(ObjectDoesNotExist):
    pass


@pytest.fixture
def form():
    bound = TeamForm({"title": "二〇二六年度监督检查计划", "officers": "张三"})
    assert bound.is_valid()
    return bound


def test_success_is_ok_and_leaves_the_form_alone(form):
    """GIVEN a valid form WHEN the service call finishes THEN ok is set, the result is kept and no error
    is added."""
    with refusals_on(form, not_found=(Gone,)) as call:
        result = "new row"
    assert call.ok is True
    assert result == "new row"
    assert form.errors == {}


REFUSALS = {
    # A field the form has gets its message; a key it does not have becomes a non-field error.
    "keyed by field": (
        ValidationError({"title": "标题已存在。", "year": "年度不在可选范围内。"}),
        "officers",
        {"title": ["标题已存在。"], "__all__": ["年度不在可选范围内。"]},
    ),
    "field-less, on the default field": (
        ValidationError("至少需要两名持证执法人员。"),
        "officers",
        {"officers": ["至少需要两名持证执法人员。"]},
    ),
    "field-less, no default field": (
        ValidationError(["计划已报批，不能修改。", "请先撤回。"]),
        None,
        {"__all__": ["计划已报批，不能修改。", "请先撤回。"]},
    ),
    # A permission refusal is about the whole action, never one field.
    "permission, the service's reason": (
        PermissionDenied("只有本级执法机构可以修改该计划。"),
        "officers",
        {"__all__": ["只有本级执法机构可以修改该计划。"]},
    ),
    "permission, no reason given": (PermissionDenied(), None, {"__all__": ["您没有执行该操作的权限。"]}),
}


@pytest.mark.parametrize(("refusal", "default_field", "expected"), REFUSALS.values(), ids=REFUSALS.keys())
def test_a_refusal_goes_on_the_form(form, refusal, default_field, expected):
    """GIVEN a service refusing WHEN run under refusals_on THEN the reason is on the form where it belongs,
    what was typed is still there, and ok stays False so the view renders the form again."""
    with refusals_on(form, not_found=(Gone,), default_field=default_field) as call:
        raise refusal
    assert call.ok is False
    assert form.errors == expected
    assert form.data["title"] == "二〇二六年度监督检查计划"


def test_adapt_rewrites_the_validation_error_first(form):
    """GIVEN adapt moving a message to a field the form has WHEN the service refuses THEN it lands there."""

    def onto_title(exc):
        return ValidationError({"title": exc.messages})

    with refusals_on(form, adapt=onto_title) as call:
        raise ValidationError("检查日期不能晚于今天。")
    assert call.ok is False
    assert form.errors == {"title": ["检查日期不能晚于今天。"]}


def test_not_found_becomes_http404_from_the_original(form):
    """GIVEN a listed not-found exception WHEN the service raises it THEN Http404 is raised with the original
    as its cause, and nothing goes on the form."""
    original = Gone("InspectionPlan matching query does not exist.")
    with pytest.raises(Http404) as raised, refusals_on(form, not_found=(Gone, OtherGone)):
        raise original
    assert raised.value.__cause__ is original
    assert form.errors == {}


def test_unlisted_not_found_and_other_errors_propagate(form):
    """GIVEN exceptions refusals_on was not told about WHEN raised THEN they propagate unchanged and ok stays
    False."""
    with pytest.raises(OtherGone), refusals_on(form, not_found=(Gone,)) as call:
        raise OtherGone
    assert call.ok is False
    with pytest.raises(ZeroDivisionError), refusals_on(form, not_found=(Gone,)) as call:
        1 / 0  # noqa: B018 - the service failing for a reason that is no refusal
    assert call.ok is False
    assert form.errors == {}
