"""Admin for annual plans: the check-item library administrators maintain, and scoped read-only views of
plans with their workflow.

Plans change only through plans.annual.services (the pages and the API), where the workflow, the coverage
rules and the audit trail are enforced; the admin shows them, it does not edit.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from enforcement.orgs.admin_scoping import ReadOnlyAdminMixin, ScopedAdminMixin, SharedTableAdminMixin
from plans.annual.models import CheckItem, InspectionPlan, PlanTransition


@admin.register(CheckItem)
class CheckItemAdmin(SharedTableAdminMixin, admin.ModelAdmin):
    """The library of check items (执法手册检查事项, R-10): shared reference data, not scoped."""

    list_display = ("text", "category", "sector", "basis", "principal_duty", "sort_order", "is_active")
    list_filter = ("sector", "category", "principal_duty", "is_active")
    search_fields = ("text", "basis", "category")
    list_select_related = ("sector",)
    list_editable = ("sort_order", "is_active")
    ordering = ("sector__sort_order", "sort_order", "id")
    fields = ("sector", "category", "text", "basis", "principal_duty", "sort_order", "is_active")

    def has_delete_permission(self, request, obj=None):
        # Plans and inspections refer to library items; an outdated item is switched off (启用), never
        # deleted, so the on-site plans that used it stay readable.
        return False


class PlanTransitionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PlanTransition
    fields = ("at", "from_status", "to_status", "by", "note", "attachment")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("at", "id")
    verbose_name_plural = _("办理记录")

    def has_view_permission(self, request, obj=None):
        # Transitions belong to their plan: whoever may see the plan (already scoped) sees its steps.
        return request.user.has_perm("plans.view_inspectionplan")


@admin.register(InspectionPlan)
class InspectionPlanAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Annual plans, read-only: the workflow runs on the plan pages (每一步留痕)."""

    list_display = ("title", "organisation", "year", "plan_type", "version", "status", "approved_on", "published_at")
    list_filter = ("status", "plan_type", "year", ("organisation", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "organisation__name", "approval_reference")
    list_select_related = ("organisation",)
    inlines = [PlanTransitionInline]
    fieldsets = (
        (None, {"fields": ("title", "organisation", "year", "plan_type", "version", "previous", "revision_reason")}),
        (_("状态"), {"fields": ("status", "created_by", "created_at")}),
        (
            _("批准、报备与公示（R-04）"),
            {
                "fields": (
                    "submitted_at",
                    "approved_on",
                    "approved_at",
                    "approval_kind",
                    "approval_reference",
                    "filed_at",
                    "filing_acknowledged_at",
                    "filing_acknowledged_by",
                    "published_at",
                    "published_where",
                )
            },
        ),
    )
    readonly_fields = [name for _title, options in fieldsets for name in options["fields"]]
