"""Forms of the guidance pages (执法指导). They validate shape; the services decide who may do what."""

from django import forms
from django.utils.translation import gettext_lazy as _

from enforcement.orgs.models import User
from supervision.guidance.rules import SPOT_CHECK_MAX

MONTHS = [(m, _("%(m)d月") % {"m": m}) for m in range(1, 13)]
YES_NO = [("yes", _("符合")), ("no", _("不符合"))]


class ScheduleEntryForm(forms.Form):
    county = forms.ModelChoiceField(label=_("县区"), queryset=None, empty_label=_("请选择"))
    planned_month = forms.TypedChoiceField(label=_("计划月份"), choices=MONTHS, coerce=int)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        from enforcement.orgs.models import Organisation

        self.fields["county"].queryset = Organisation.objects.filter(pk__in=[u.pk for u in units])


class VisitForm(forms.Form):
    county = forms.ModelChoiceField(label=_("指导县区"), queryset=None, empty_label=_("请选择"))
    visit_date = forms.DateField(label=_("指导日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    team = forms.ModelMultipleChoiceField(
        label=_("指导组成员"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, units=(), city=None, **kwargs):
        super().__init__(*args, **kwargs)
        from enforcement.orgs.models import Organisation

        self.fields["county"].queryset = Organisation.objects.filter(pk__in=[u.pk for u in units])
        if city is not None:
            self.fields["team"].queryset = User.objects.filter(organisation=city, is_active=True).order_by("username")


CONFORMS = {"yes": True, "no": False}


class CheckItemForm(forms.Form):
    """One item of the visit's checklist, inside the page's single checklist form (prefix ``c<id>``)."""

    # Not required: an item left open stays open; "a non-conforming item needs its finding" is the
    # service's rule (record_check), so the API gets it too.
    conforms = forms.ChoiceField(label=_("是否符合"), choices=YES_NO, widget=forms.RadioSelect, required=False)
    finding = forms.CharField(
        label=_("发现情况"),
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("发现情况（不符合时必填）")}),
        required=False,
    )
    evidence = forms.FileField(label=_("佐证材料（文件或照片）"), required=False)

    def __init__(self, *args, check, **kwargs):
        initial = {"finding": check.finding, "conforms": {True: "yes", False: "no"}.get(check.conforms)}
        super().__init__(*args, prefix=f"c{check.pk}", initial=initial, **kwargs)
        self.item = check
        self.fields["evidence"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,.webp,.heic,.ofd"

    def change(self):
        """(finding, conforms) to record, or None when the item is as stored. The choice cannot be taken
        back on the page, so an empty one keeps what is stored."""
        finding = self.cleaned_data["finding"].strip()
        conforms = CONFORMS.get(self.cleaned_data["conforms"], self.item.conforms)
        if (finding, conforms) == (self.item.finding, self.item.conforms):
            return None
        return finding, conforms


class SpotCheckForm(forms.Form):
    count = forms.TypedChoiceField(
        label=_("抽查企业数"), choices=[(n, n) for n in range(1, SPOT_CHECK_MAX + 1)], coerce=int, initial=1
    )


class LetterForm(forms.Form):
    report_deadline = forms.DateField(
        label=_("整改报告期限"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    contact_name = forms.CharField(label=_("市局联系人"), max_length=50)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30)


class ReportForm(forms.Form):
    text = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 5}))
    file = forms.FileField(label=_("整改报告（PDF、图片或OFD）"))


class ReviewForm(forms.Form):
    # No default: accepting closes the letter for good, so the reviewer always chooses (issue 8 item 4).
    decision = forms.ChoiceField(
        label=_("审核结果"),
        choices=[("accept", _("通过，销号")), ("return", _("退回重报"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择审核结果：通过销号或退回重报。")},
    )
    reasons = forms.CharField(label=_("理由/意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
