"""HTML forms of the inspection pages. They validate shape; cases.inspections.services decides and writes.

The legal checks (two certified officers, dates, deadlines, upload type and size) live in the services and
in enforcement.uploads; the views put the services' Chinese messages next to the field they concern.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.inspections.models import ReInspection
from enforcement.uploads import PHOTO, validate_upload

MAX_PHOTOS = 10

# A check item's three answers; "na" is stored as compliant=None.
CHECK_CHOICES = (("yes", _("符合")), ("no", _("不符合")), ("na", _("未检查")))
CHECK_VALUES = {"yes": True, "no": False, "na": None}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class OfficerChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.full_name or obj.username


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input; ``capture`` opens the tablet's rear camera."""

    def __init__(self, *args, **kwargs):
        attrs = {"accept": "image/*", "capture": "environment"}
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        items = data if isinstance(data, list | tuple) else [data]
        return [cleaned for cleaned in (single(item, initial) for item in items if item) if cleaned]


def _max_date_attrs():
    return {"max": timezone.localdate().isoformat()}


class InspectionForm(forms.Form):
    """现场检查记录 (R-11, R-12). One toggle per check item of the on-site plan, plus a note."""

    inspected_on = forms.DateField(label=_("检查日期"), widget=DateInput())
    officers = OfficerChoiceField(
        label=_("执法人员"),
        queryset=None,
        # The service enforces "at least two certified officers" and says so in Chinese; an empty choice
        # must reach it rather than stop at the generic "required" message.
        required=False,
        help_text=_("至少两名持有效行政执法证的执法人员（行政处罚法第42条）。"),
    )
    principal_present = forms.BooleanField(label=_("主要负责人在场"), required=False)
    safety_manager_present = forms.BooleanField(label=_("安全管理人员在场"), required=False)
    operators_present = forms.CharField(
        label=_("岗位操作人员"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("在场岗位操作人员姓名，如：王五、赵六")}),
    )
    experts = forms.CharField(
        label=_("参加检查的专家"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("专家姓名及单位")}),
    )
    launch_meeting_held = forms.BooleanField(label=_("已召开启动会"), required=False)
    feedback_meeting_held = forms.BooleanField(label=_("已召开反馈会"), required=False)
    summary = forms.CharField(
        label=_("检查情况"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("检查过程、发现的主要问题、现场处理情况")}),
    )

    def __init__(self, *args, officers, check_items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = officers
        self.fields["inspected_on"].widget.attrs.update(_max_date_attrs())
        self.check_items = list(check_items)
        for item in self.check_items:
            self.fields[f"check_{item.pk}"] = forms.ChoiceField(
                label=item.text, choices=CHECK_CHOICES, initial="na", required=False, widget=forms.RadioSelect
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("说明"),
                max_length=500,
                required=False,
                widget=forms.TextInput(attrs={"placeholder": _("不符合的情形、位置、涉及人员等")}),
            )

    def check_rows(self):
        """(check item, toggle field, note field) for the template."""
        return [(item, self[f"check_{item.pk}"], self[f"note_{item.pk}"]) for item in self.check_items]

    def results(self):
        """The rows record_inspection stores, one per check item of the on-site plan."""
        return [
            {
                "check_item": item,
                "text": item.text,
                "compliant": CHECK_VALUES.get(self.cleaned_data.get(f"check_{item.pk}") or "na"),
                "note": self.cleaned_data.get(f"note_{item.pk}", ""),
            }
            for item in self.check_items
        ]

    def attendance(self):
        names = (
            "principal_present",
            "safety_manager_present",
            "operators_present",
            "experts",
            "launch_meeting_held",
            "feedback_meeting_held",
            "summary",
        )
        return {name: self.cleaned_data[name] for name in names}


class HazardForm(forms.Form):
    """A hazard found on site (R-12) with its rectification deadline (R-13) and photos."""

    description = forms.CharField(
        label=_("隐患描述"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("如：二号车间配电箱未可靠接地")}),
    )
    location = forms.CharField(
        label=_("位置"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("车间、设备或部位")}),
    )
    is_major = forms.BooleanField(label=_("重大事故隐患"), required=False)
    rectification_deadline = forms.DateField(label=_("整改期限"), widget=DateInput())
    photos = MultiplePhotoField(
        label=_("现场照片"),
        required=False,
        help_text=_("可直接拍照，也可从相册选择多张；支持 JPG、PNG、WEBP、HEIC，每张不超过%(max)dMB。")
        % {"max": PHOTO.max_bytes // (1024 * 1024)},
    )

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > MAX_PHOTOS:
            raise ValidationError(_("每次最多上传%(n)d张照片。") % {"n": MAX_PHOTOS})
        errors = []
        for photo in photos:
            # The service checks again; checking here names every bad file at once, next to the field.
            try:
                validate_upload(photo, PHOTO)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return photos


class CompleteInspectionForm(forms.Form):
    """ "完成检查": the meetings can be ticked here, since the feedback meeting comes at the very end."""

    launch_meeting_held = forms.BooleanField(label=_("已召开启动会"), required=False)
    feedback_meeting_held = forms.BooleanField(label=_("已召开反馈会"), required=False)


class ReInspectionVisitForm(forms.Form):
    """整改复查 visit (R-13): the day and the team; the hazards' results are the rows below it."""

    inspected_on = forms.DateField(label=_("复查日期"), widget=DateInput())
    officers = OfficerChoiceField(
        label=_("复查人员"),
        queryset=None,
        required=False,
        help_text=_("至少两名持有效行政执法证的执法人员。"),
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = officers
        self.fields["inspected_on"].widget.attrs.update(_max_date_attrs())


# "" = not re-inspected on this visit: an order's hazards may be re-inspected on different days.
ROW_RESULTS = (("", _("本次不复查")), *ReInspection.Result.choices)


class ReInspectionRowForm(forms.Form):
    """One hazard's result on the visit: passed, or failed with its note and new deadline."""

    hazard = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(label=_("复查结果"), choices=ROW_RESULTS, required=False, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("复查意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("整改措施落实情况")}),
    )
    new_deadline = forms.DateField(
        label=_("重新整改期限"),
        required=False,
        widget=DateInput(),
        help_text=_("复查不合格时必填，须晚于复查日期。"),
    )

    def row(self):
        data = self.cleaned_data
        return {
            "hazard": data["hazard"],
            "result": data["result"],
            "note": data.get("note", ""),
            "new_deadline": data.get("new_deadline"),
        }


ReInspectionRowFormSet = forms.formset_factory(ReInspectionRowForm, extra=0)
