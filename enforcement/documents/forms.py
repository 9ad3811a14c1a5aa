"""The documents register's filter, and the reason a user gives for re-issuing or voiding a document."""

from django import forms
from django.utils.translation import gettext_lazy as _

from enforcement.documents.models import DocumentType, IssuedDocument

REISSUE_REQUIRED = _("请填写重新出具的原因。")
VOID_REQUIRED = _("请填写作废原因。")


class ReasonForm(forms.Form):
    """One reason, required: it goes into the register next to the version or the void."""

    reason = forms.CharField(
        label=_("原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, required_message, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = required_message


def reissue_form(data=None):
    return ReasonForm(data, required_message=REISSUE_REQUIRED)


def void_form(data=None):
    return ReasonForm(data, required_message=VOID_REQUIRED)


class RegisterFilterForm(forms.Form):
    """文书登记 filter: type, year and status (in force, superseded by a new version, voided)."""

    type = forms.ChoiceField(label=_("文书类型"), required=False)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *IssuedDocument.Status.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        types = DocumentType.objects.filter(is_active=True).values_list("key", "name")
        self.fields["type"].choices = [("", _("全部")), *types]

    def apply(self, documents):
        if not self.is_valid():
            return documents.none()
        data = self.cleaned_data
        if data["type"]:
            documents = documents.filter(doc_type__key=data["type"])
        if data["year"]:
            documents = documents.filter(year=data["year"])
        if data["status"]:
            documents = documents.filter(status=data["status"])
        return documents
