"""Admin edits of configuration tables (the holiday calendar, legal parameters) leave audit events: who
changed which value, old → new, like the services do for case records (等保2.0 8.1.4.3 a))."""

from enforcement.audit.models import AuditEvent
from enforcement.audit.services import diff, record, snapshot


def _fields(obj):
    return [field.name for field in obj._meta.concrete_fields if not field.primary_key]


class AuditedAdminMixin:
    """For a ModelAdmin whose model has no service of its own: records create, update and delete."""

    def save_model(self, request, obj, form, change):
        before = {}
        if change:
            before = snapshot(type(obj)._default_manager.get(pk=obj.pk), _fields(obj))
        super().save_model(request, obj, form, change)
        action = AuditEvent.Action.UPDATE if change else AuditEvent.Action.CREATE
        changes = diff(before, snapshot(obj, _fields(obj)))
        record(request.user, action, obj, changes, organisation_id=getattr(request.user, "organisation_id", None))

    def delete_model(self, request, obj):
        changes = diff(snapshot(obj, _fields(obj)), {})
        record(request.user, AuditEvent.Action.DELETE, obj, changes, getattr(request.user, "organisation_id", None))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # One event per row, as for a single delete.
        for obj in queryset:
            self.delete_model(request, obj)
