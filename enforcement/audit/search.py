"""Searching the audit log: by user, action, time range, object and IP address (等保2.0 8.1.4.3 d) 审计分析)."""

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.audit.models import AuditEvent


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class AuditSearchForm(forms.Form):
    user = forms.CharField(label=_("用户"), required=False, max_length=150, help_text=_("用户名或姓名"))
    action = forms.ChoiceField(label=_("操作"), required=False, choices=[("", _("全部")), *AuditEvent.Action.choices])
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DateInput())
    target = forms.CharField(label=_("对象"), required=False, max_length=200, help_text=_("对象名称或编号"))
    ip_address = forms.CharField(label=_("IP地址"), required=False, max_length=45)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        return data

    def filter(self, queryset):
        """``queryset`` narrowed by the valid conditions (call after is_valid())."""
        data = self.cleaned_data
        if data.get("user"):
            queryset = queryset.filter(
                Q(actor_username__icontains=data["user"]) | Q(actor_name__icontains=data["user"])
            )
        if data.get("action"):
            queryset = queryset.filter(action=data["action"])
        if data.get("date_from"):
            queryset = queryset.filter(created_at__gte=_start_of(data["date_from"]))
        if data.get("date_to"):
            queryset = queryset.filter(created_at__lt=_start_of(data["date_to"] + datetime.timedelta(days=1)))
        if data.get("target"):
            queryset = queryset.filter(Q(target_repr__icontains=data["target"]) | Q(target_id=data["target"]))
        if data.get("ip_address"):
            queryset = queryset.filter(ip_address__startswith=data["ip_address"].strip())
        return queryset

    def summary(self):
        """The conditions used, as {label: value}, for the export's own audit row and its header."""

        def shown(name, value):
            choices = dict(getattr(self.fields[name], "choices", ()))
            return str(choices.get(value, value))

        return {
            str(self.fields[name].label): shown(name, value)
            for name, value in self.cleaned_data.items()
            if value not in ("", None)
        }


def _start_of(day):
    # Days are the bureau's (Beijing) days, not UTC's.
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
