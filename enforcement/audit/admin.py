"""Read-only admin for the audit log, scoped by the organisation each event belongs to."""

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from enforcement.audit.models import AuditEvent
from enforcement.orgs.admin_scoping import ScopedAdminMixin


@admin.register(AuditEvent)
class AuditEventAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Events are evidence (R-20): nobody adds, edits or deletes them here, superusers included."""

    list_display = ("created_at", "actor_username", "actor_name", "ip_address", "organisation", "action", "target_repr")
    list_filter = ("action", ("target_type", admin.RelatedOnlyFieldListFilter))
    search_fields = ("target_repr", "target_id", "actor_username", "actor_name", "ip_address")
    list_select_related = ("organisation", "target_type")
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "actor",
        "actor_username",
        "actor_name",
        "ip_address",
        "organisation",
        "action",
        "target_type",
        "target_id",
        "target_repr",
        "changes_table",
        "prev_hash",
        "hash",
    )
    readonly_fields = fields

    @admin.display(description=_("变更内容"))
    def changes_table(self, obj):
        model = obj.target_type.model_class() if obj.target_type_id else None

        def label(name):
            try:
                return model._meta.get_field(name).verbose_name if model else name
            except FieldDoesNotExist:
                return name

        def shown(value):
            # Record changes are [old, new]; security events carry plain details (username, file, rows).
            if isinstance(value, list) and len(value) == 2:
                return f"{value[0]} → {value[1]}"
            return value

        return format_html_join(
            "\n", "<div><strong>{}</strong>：{}</div>", ((label(k), shown(v)) for k, v in obj.changes.items())
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
