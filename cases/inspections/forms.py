"""HTML forms of the inspection pages. They validate shape; cases.inspections.services decides and writes.

The legal checks (two certified officers, dates, deadlines, upload type and size) live in the services and
in enforcement.uploads; the views put the services' Chinese messages next to the field they concern.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from cases.inspections.corrections import CORRECTABLE
from cases.inspections.models import TEXT_IN_DOCUMENT_CELL, ReInspection
from cases.inspections.pending import MAX_PHOTOS
from enforcement.uploads import PHOTO, validate_upload

# Printed in the 整改复查意见书's table: bounded (see TEXT_IN_DOCUMENT_CELL). Django's own wording is stilted.
TOO_LONG_FOR_DOCUMENT = _("最多%(limit_value)d个字（当前%(show_value)d个），请精简后再提交。")

# A check item's three answers; "na" is stored as compliant=None.
CHECK_CHOICES = (("yes", _("符合")), ("no", _("不符合")), ("na", _("未检查")))
CHECK_VALUES = {"yes": True, "no": False, "na": None}
CHECK_KEYS = {value: key for key, value in CHECK_VALUES.items()}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    """The tablet's own date-and-time picker, to the minute."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _now_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


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


def _max_datetime_attrs():
    return {"max": _now_minute().strftime("%Y-%m-%dT%H:%M")}


class CheckRow:
    """A stored check result as a line of the check list (when recording, the lines are the CheckItems)."""

    def __init__(self, pk, text, check_item=None):
        self.pk, self.text = pk, text
        self.category = check_item.category if check_item else ""
        self.basis = check_item.basis if check_item else ""


def _short_text(label, placeholder):
    """An optional line of names or units (max 200 characters, like the model fields)."""
    return forms.CharField(
        label=label, max_length=200, required=False, widget=forms.TextInput(attrs={"placeholder": placeholder})
    )


class TeamGroupsMixin:
    """Groups the officer checkboxes of a form by organisation, relative to ``self.organisation``."""

    @cached_property
    def officer_groups(self):
        """The officer checkboxes grouped for the template: {organisation, kind, boxes, checked}.

        kind is "own" (the recording body), "delegator" (the body that delegated it its powers, R-55) or
        "partner" (another bureau of the city, a joint inspection, R-09).
        """
        groups = {}
        delegator = self.organisation.delegated_by_id
        for checkbox in self["officers"]:
            person = checkbox.data["value"].instance
            org = person.organisation
            if org is None or org.pk == self.organisation.pk:
                kind = "own"
            else:
                kind = "delegator" if org.pk == delegator else "partner"
            key = org.pk if org else None
            group = groups.setdefault(key, {"organisation": org, "kind": kind, "boxes": [], "checked": False})
            group["boxes"].append(checkbox)
            group["checked"] |= bool(checkbox.data["selected"])
        order = {"own": 0, "delegator": 1, "partner": 2}
        return sorted(
            groups.values(), key=lambda g: (order[g["kind"]], g["organisation"].path if g["organisation"] else "")
        )


class InspectionFieldsForm(TeamGroupsMixin, forms.Form):
    """The fields of 现场检查记录 (R-09, R-11, R-12) shared by recording and correcting an inspection."""

    started_at = forms.DateTimeField(
        label=_("检查开始时间"), widget=DateTimeInput(), error_messages={"required": _("请填写检查开始时间。")}
    )
    ended_at = forms.DateTimeField(
        label=_("检查结束时间"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("检查结束时填写，也可在“完成检查”时填写。"),
    )
    officers = OfficerChoiceField(
        label=_("执法人员"),
        queryset=None,
        # The service enforces "at least two certified officers" and says so in Chinese; an empty choice
        # must reach it rather than stop at the generic "required" message.
        required=False,
        help_text=_("至少两名持有效行政执法证的执法人员（行政处罚法第42条），其中至少一名本单位人员。"),
    )
    other_departments = _short_text(_("其他参加部门"), _("未使用本系统的部门，如：区市场监管局、区消防救援大队"))
    principal_present = forms.BooleanField(label=_("主要负责人在场"), required=False)
    safety_manager_present = forms.BooleanField(label=_("安全管理人员在场"), required=False)
    operators_present = _short_text(_("岗位操作人员"), _("在场岗位操作人员姓名，如：王五、赵六"))
    experts = _short_text(_("参加检查的专家"), _("专家姓名及单位"))
    launch_meeting_held = forms.BooleanField(label=_("已召开启动会"), required=False)
    feedback_meeting_held = forms.BooleanField(label=_("已召开反馈会"), required=False)
    feedback_meeting_at = forms.DateTimeField(label=_("反馈会时间"), required=False, widget=DateTimeInput())
    feedback_attendees = _short_text(_("企业参会人员"), _("如：张三（总经理）、李四（安全科长）"))
    feedback_content = forms.CharField(
        label=_("反馈内容"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("向企业反馈的检查发现、整改要求等")}),
    )
    summary = forms.CharField(
        label=_("检查情况"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("检查过程、发现的主要问题、现场处理情况")}),
    )

    # The fields stored on Inspection as they are (the rest: officers, check rows); the date follows the start.
    PLAIN_FIELDS = tuple(name for name in CORRECTABLE if name != "inspected_on")

    def __init__(self, *args, officers, rows, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["officers"].queryset = officers
        for name in ("started_at", "ended_at", "feedback_meeting_at"):
            self.fields[name].widget.attrs.update(_max_datetime_attrs())
        self.rows = list(rows)
        for row in self.rows:
            self.fields[f"check_{row.pk}"] = forms.ChoiceField(
                label=row.text, choices=CHECK_CHOICES, initial="na", required=False, widget=forms.RadioSelect
            )
            self.fields[f"note_{row.pk}"] = forms.CharField(
                label=_("说明"),
                max_length=500,
                required=False,
                widget=forms.TextInput(attrs={"placeholder": _("不符合的情形、位置、涉及人员等")}),
            )

    @property
    def check_items(self):
        return self.rows

    def check_rows(self):
        """(row, toggle field, note field) for the template."""
        return [(row, self[f"check_{row.pk}"], self[f"note_{row.pk}"]) for row in self.rows]

    def joint_open(self):
        """Whether the joint-inspection part of the form starts open: something in it is filled in."""
        return bool(self["other_departments"].value()) or any(
            g["checked"] for g in self.officer_groups if g["kind"] == "partner"
        )

    def clean_feedback_content(self):
        return self.cleaned_data["feedback_content"].strip()

    def inspected_on(self):
        """The inspection date is the day the inspection started."""
        return timezone.localdate(self.cleaned_data["started_at"])

    def attendance(self):
        return {name: self.cleaned_data[name] for name in self.PLAIN_FIELDS}

    def verdict(self, row):
        return CHECK_VALUES.get(self.cleaned_data.get(f"check_{row.pk}") or "na")

    def note(self, row):
        return (self.cleaned_data.get(f"note_{row.pk}") or "").strip()


class InspectionForm(InspectionFieldsForm):
    """现场检查记录 (R-11, R-12). One toggle per check item of the on-site plan, plus a note."""

    def __init__(self, *args, check_items, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("started_at", _now_minute())
        # A plan's CheckItem has what a row needs (pk, text, category, basis).
        super().__init__(*args, rows=check_items, **kwargs)

    def results(self):
        """The rows record_inspection stores, one per check item of the on-site plan."""
        return [
            {"check_item": item, "text": item.text, "compliant": self.verdict(item), "note": self.note(item)}
            for item in self.rows
        ]


class CorrectionForm(InspectionFieldsForm):
    """更正: the saved inspection's values to change, and why (issue 8 item 2)."""

    reason = forms.CharField(
        label=_("更正原因"),
        error_messages={"required": _("请说明更正原因。")},
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("如：录入时误选执法人员；补记反馈会情况")}),
        help_text=_("更正人、更正时间和每项的原值与新值将记入检查记录的更正历史。"),
    )

    def __init__(self, *args, inspection, **kwargs):
        results = list(inspection.results.select_related("check_item"))
        rows = [CheckRow(r.pk, r.text, r.check_item) for r in results]
        initial = {name: getattr(inspection, name) for name in self.PLAIN_FIELDS}
        initial["officers"] = [u.pk for u in inspection.officers.all()]
        for r in results:
            initial[f"check_{r.pk}"] = CHECK_KEYS[r.compliant]
            initial[f"note_{r.pk}"] = r.note
        super().__init__(*args, rows=rows, organisation=inspection.organisation, initial=initial, **kwargs)

    def correction(self):
        """The keyword arguments of corrections.correct_inspection."""
        return {
            "reason": self.cleaned_data["reason"],
            "officers": list(self.cleaned_data["officers"]),
            "results": {row.pk: {"compliant": self.verdict(row), "note": self.note(row)} for row in self.rows},
            **self.attendance(),
        }


class HazardForm(forms.Form):
    """A hazard found on site (R-12) with its rectification deadline (R-13) and photos."""

    description = forms.CharField(
        label=_("隐患描述"),
        max_length=TEXT_IN_DOCUMENT_CELL,
        error_messages={"max_length": TOO_LONG_FOR_DOCUMENT},
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

    def __init__(self, *args, pending=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Photos kept from an earlier failed submit of this form (cases.inspections.pending).
        self.pending = list(pending)
        # The chosen photos that passed the checks: kept for the next submit if this one fails.
        self.good_photos = []

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        errors = []
        for photo in photos:
            # The service checks again; checking here names every bad file at once, next to the field.
            try:
                validate_upload(photo, PHOTO)
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                self.good_photos.append(photo)
        room = max(MAX_PHOTOS - len(self.pending), 0)
        if len(photos) > room:
            self.good_photos = self.good_photos[:room]
            errors.insert(
                0,
                _("每条隐患最多%(n)d张照片，已保留%(k)d张，其余请不要再选。")
                % {"n": MAX_PHOTOS, "k": len(self.pending) + len(self.good_photos)},
            )
        if errors:
            raise ValidationError(errors)
        return photos


class CompleteInspectionForm(forms.Form):
    """ "完成检查": the meetings, the end time and the feedback meeting come at the very end, so they can be
    recorded here. Only what is not recorded yet is asked for; a recorded value is changed by a correction."""

    launch_meeting_held = forms.BooleanField(label=_("已召开启动会"), required=False)
    feedback_meeting_held = forms.BooleanField(label=_("已召开反馈会"), required=False)
    ended_at = forms.DateTimeField(label=_("检查结束时间"), widget=DateTimeInput())
    feedback_meeting_at = forms.DateTimeField(label=_("反馈会时间"), required=False, widget=DateTimeInput())
    feedback_attendees = InspectionFieldsForm.base_fields["feedback_attendees"]
    feedback_content = InspectionFieldsForm.base_fields["feedback_content"]

    DETAILS = ("ended_at", "feedback_meeting_at", "feedback_attendees", "feedback_content")

    def __init__(self, *args, inspection, **kwargs):
        now = _now_minute()
        kwargs.setdefault(
            "initial",
            {
                "launch_meeting_held": inspection.launch_meeting_held,
                "feedback_meeting_held": inspection.feedback_meeting_held,
                "ended_at": now,
                "feedback_meeting_at": now,
            },
        )
        super().__init__(*args, **kwargs)
        for name in self.DETAILS:
            if getattr(inspection, name) not in (None, ""):
                del self.fields[name]
        for name in ("ended_at", "feedback_meeting_at"):
            if name in self.fields:
                self.fields[name].widget.attrs.update(_max_datetime_attrs())
        self.inspection = inspection

    def meeting_fields(self):
        return [self[name] for name in ("launch_meeting_held", "feedback_meeting_held")]

    def detail_fields(self):
        return [self[name] for name in self.DETAILS if name in self.fields]

    def completion(self):
        """The keyword arguments of services.complete_inspection. The feedback meeting's details count
        only once the meeting is ticked as held (now or before)."""
        data = self.cleaned_data
        held = data["feedback_meeting_held"] or self.inspection.feedback_meeting_held
        values = {
            "launch_meeting_held": data["launch_meeting_held"],
            "feedback_meeting_held": data["feedback_meeting_held"],
            "ended_at": data.get("ended_at"),
        }
        if held:
            values.update({name: data.get(name) for name in self.DETAILS[1:] if name in data})
        return values


class ReInspectionVisitForm(TeamGroupsMixin, forms.Form):
    """整改复查 visit (R-13): the day and the team; the hazards' results are the rows below it."""

    inspected_on = forms.DateField(label=_("复查日期"), widget=DateInput())
    officers = OfficerChoiceField(
        label=_("复查人员"),
        queryset=None,
        required=False,
        help_text=_("至少两名持有效行政执法证的执法人员。"),
    )

    def __init__(self, *args, officers, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
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
        max_length=TEXT_IN_DOCUMENT_CELL,
        error_messages={"max_length": TOO_LONG_FOR_DOCUMENT},
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
