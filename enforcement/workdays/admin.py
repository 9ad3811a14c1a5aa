"""Admin for the holiday calendar: the city's (or province's) administrators enter a new year's holidays and
调休 working days once the State Council has announced them, then mark the year complete. Counties look."""

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from enforcement.audit.admin_changes import AuditedAdminMixin
from enforcement.orgs.admin_scoping import SharedTableAdminMixin
from enforcement.workdays.models import CalendarDay, CalendarYear, Source

WEEKDAYS = "一二三四五六日"


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdminMixin, SharedTableAdminMixin, admin.ModelAdmin):
    list_display = ("date", "weekday", "kind", "name", "source", "created_by")
    list_filter = ("kind", "source")
    search_fields = ("name",)
    date_hierarchy = "date"
    fields = ("date", "kind", "name", "source", "created_by", "created_at")
    readonly_fields = ("source", "created_by", "created_at")

    @admin.display(description=_("星期"))
    def weekday(self, obj):
        return _("星期%(day)s") % {"day": WEEKDAYS[obj.date.weekday()]}

    def save_model(self, request, obj, form, change):
        if not change:
            obj.source = Source.ADMIN
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedAdminMixin, SharedTableAdminMixin, admin.ModelAdmin):
    list_display = ("year", "complete", "notice", "source", "confirmed_by", "confirmed_at")
    list_filter = ("complete", "source")
    fields = ("year", "complete", "notice", "source", "confirmed_by", "confirmed_at", "entered_days")
    readonly_fields = ("source", "confirmed_by", "confirmed_at", "entered_days")

    @admin.display(description=_("已录入的日期"))
    def entered_days(self, obj):
        if obj.year is None:
            return "-"
        days = CalendarDay.objects.filter(date__year=obj.year).order_by("date")
        if not days:
            return _("尚未录入（请在“节假日调整”中逐日添加放假的工作日和调休上班的周末）")
        return format_html_join("", "<div>{}</div>", ((str(day),) for day in days))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.source = Source.ADMIN
        if obj.complete and (not change or "complete" in form.changed_data):
            obj.confirmed_by = request.user
            obj.confirmed_at = timezone.now()
        if not obj.complete:
            obj.confirmed_by, obj.confirmed_at = None, None
        super().save_model(request, obj, form, change)
