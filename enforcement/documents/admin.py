"""Admin for documents: types are configuration; issued documents are read-only (immutable by law)."""

from django.contrib import admin

from enforcement.documents.models import DocumentType, IssuedDocument
from enforcement.orgs.admin_scoping import ScopedAdminMixin


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "type_code", "number_pattern", "template", "is_active")
    list_filter = ("is_active",)
    readonly_fields = ("key", "template")


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Read-only: a document changes only by re-issuing a new version or voiding it, on the documents pages."""

    list_display = ("number", "version", "title", "doc_type", "organisation", "status", "issued_at", "render_status")
    list_filter = ("doc_type", "year", "status", "render_status")
    search_fields = ("number", "title")
    date_hierarchy = "issued_at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
