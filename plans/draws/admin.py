"""Admin for 双随机 draws and conflict declarations: scoped and read-only.

Draws and declarations change only through plans.draws.services (the pages and the API), where the audit
trail is written; the admin shows them, it does not edit.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from enforcement.orgs.admin_scoping import ReadOnlyAdminMixin, ScopedAdminMixin
from plans.draws.models import ConflictDeclaration, Draw


@admin.register(Draw)
class DrawAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """双随机 draws, read-only; the stored pools are summarised, not listed (they can hold 100,000 ids)."""

    list_display = ("title", "organisation", "created_at", "created_by", "sample_size", "published_at")
    list_filter = (("organisation", admin.RelatedOnlyFieldListFilter), "published_at")
    search_fields = ("title", "seed")
    list_select_related = ("organisation", "created_by")
    fields = (
        "title",
        "organisation",
        "plan",
        "created_by",
        "created_at",
        "pool_definition",
        "pool_sizes",
        "sample_size",
        "officers_per_enterprise",
        "seed",
        "algorithm_version",
        "result",
        "redraw_of",
        "redraw_reason",
        "published_at",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("changelist"):
            return queryset.defer("enterprise_pool", "officer_pool", "excluded_pairs", "result")
        return queryset

    @admin.display(description=_("企业库/人员库/回避关系"))
    def pool_sizes(self, obj):
        return _("%(e)d家 / %(o)d人 / %(x)d对") % {
            "e": len(obj.enterprise_pool),
            "o": len(obj.officer_pool),
            "x": len(obj.excluded_pairs),
        }


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Declarations are made and withdrawn by the officers themselves (回避申报 page)."""

    list_display = ("officer", "enterprise", "relation", "declared_at")
    list_filter = (("officer__organisation", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("officer__full_name", "officer__username", "enterprise__name", "relation")
    list_select_related = ("officer", "enterprise")
    fields = ("officer", "enterprise", "relation", "declared_at")
    readonly_fields = fields
