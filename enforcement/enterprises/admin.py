"""Admin for the enterprise register (scoped) and the sector table."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from enforcement.enterprises import services
from enforcement.enterprises.models import Enterprise, Sector, SectorAlias
from enforcement.orgs.admin_scoping import ScopedAdminMixin, SharedTableAdminMixin


@admin.register(SectorAlias)
class SectorAliasAdmin(SharedTableAdminMixin, admin.ModelAdmin):
    """Names counties write for a sector (危化, 工贸(机械) …); the register import maps them (shared table)."""

    list_display = ("alias", "sector")
    list_filter = ("sector",)
    search_fields = ("alias", "sector__name")
    list_select_related = ("sector",)


@admin.register(Sector)
class SectorAdmin(SharedTableAdminMixin, admin.ModelAdmin):
    """Sectors are a shared reference table (not owned by an organisation)."""

    list_display = ("name", "code", "high_risk", "sort_order", "is_active")
    list_filter = ("high_risk", "is_active")
    search_fields = ("name", "code")
    ordering = ("sort_order", "code")


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Writes go through enterprises.services, so the admin keeps the history and the scope checks."""

    list_display = (
        "name",
        "credit_code",
        "organisation",
        "responsible_org",
        "sector",
        "supervision_class",
        "credit_status",
        "updated_at",
    )
    list_filter = (
        "supervision_class",
        "class_reason_pending",
        "sector",
        ("organisation", admin.RelatedOnlyFieldListFilter),
        "credit_status",
        "standardisation_grade",
        *Enterprise.RISK_FLAGS,
    )
    search_fields = ("name", "credit_code", "principal_person", "address")
    list_select_related = ("organisation", "responsible_org", "sector")
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("credit_code", "name", "address", "sector")}),
        (_("属地与执法主体（R-03）"), {"fields": ("organisation", "responsible_org")}),
        (
            _("监管类别"),
            {
                "fields": (
                    "supervision_class",
                    "class_reason",
                    "class_reason_pending",
                    *Enterprise.RISK_FLAGS,
                    "last_accident_on",
                )
            },
        ),
        (_("标准化与信用"), {"fields": ("standardisation_grade", "credit_status")}),
        (
            _("负责人与联系人"),
            {"fields": ("principal_person", "principal_phone", "contact_person", "contact_phone")},
        ),
        (_("登记信息"), {"fields": ("created_at", "updated_at")}),
    )

    def get_fieldsets(self, request, obj=None):
        # A register field added later still shows up (under "其他"), instead of silently not at all.
        fieldsets = list(super().get_fieldsets(request, obj))
        listed = {name for _, options in fieldsets for name in options["fields"]}
        rest = [f.name for f in Enterprise._meta.concrete_fields if f.editable and not f.primary_key]
        rest = [name for name in rest if name not in listed]
        if rest:
            fieldsets.insert(-1, (_("其他"), {"fields": rest}))
        return fieldsets

    def save_in_scope(self, request, obj, form, change):
        if not change:
            services.create_enterprise(request.user, obj)
            return
        changes = {name: getattr(obj, name) for name in form.changed_data}
        saved = services.update_enterprise(request.user, obj.pk, changes)
        obj.updated_at = saved.updated_at

    def delete_model(self, request, obj):
        services.delete_enterprise(request.user, obj.pk)

    def delete_queryset(self, request, queryset):
        # One service call per row: each deletion is scoped (delete action) and leaves its audit event.
        for pk in queryset.restrict(request.user, "delete").values_list("pk", flat=True):
            services.delete_enterprise(request.user, pk)
