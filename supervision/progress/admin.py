"""Admin for the monthly progress reports and the job's runs: read-only (the job writes them)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from enforcement.orgs.admin_scoping import ReadOnlyAdminMixin, ScopedAdminMixin
from supervision.progress.models import MonthlyProgress, MonthlyProgressRun


@admin.register(MonthlyProgress)
class MonthlyProgressAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "month",
        "organisation",
        "planned",
        "done",
        "completion",
        "hazards_due",
        "hazards_reinspected",
        "reinspection",
        "confirmed_at",
    )
    list_filter = ("month", ("organisation", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("organisation",)
    search_fields = ("organisation__name",)
    date_hierarchy = "month"
    fieldsets = (
        (None, {"fields": ("organisation", "month", "generated_at")}),
        (_("计划执行"), {"fields": ("planned", "done", "planned_in_month", "inspections_in_month", "behind_count")}),
        (
            _("隐患整改"),
            {
                "fields": (
                    "hazards_found",
                    "hazards_found_in_month",
                    "hazards_closed",
                    "hazards_due",
                    "hazards_reinspected",
                )
            },
        ),
        (_("检查覆盖"), {"fields": ("key_total", "key_covered", "general_total", "general_covered")}),
        (_("滞后计划检查（部分）"), {"fields": ("behind",)}),
        (_("确认"), {"fields": ("confirmed_at", "confirmed_by")}),
    )

    @admin.display(description=_("计划检查任务完成率"))
    def completion(self, report):
        rate = report.completion_rate
        return "—" if rate is None else f"{rate:g}%"

    @admin.display(description=_("隐患整改复查率"))
    def reinspection(self, report):
        rate = report.reinspection_rate
        return "—" if rate is None else f"{rate:g}%"


@admin.register(MonthlyProgressRun)
class MonthlyProgressRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """One row per month for the whole system (no organisation's data), so not scoped."""

    list_display = ("month", "status", "started_at", "finished_at", "organisations", "changed")
    list_filter = ("status",)
    date_hierarchy = "month"
