"""Admin for inspections, hazards and re-inspections: scoped and read-only.

These are enforcement records (安全生产法 第67-68条: the written inspection record is signed on site), so
they are written only through the inspection pages and the API, which call cases.inspections.services and leave an
audit trail. The admin lets administrators look things up within their own data scope; it never edits.
Photos are linked through the scoped photo view, never a /media/ URL.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cases.inspections.corrections import CORRECTABLE
from cases.inspections.models import (
    CheckResult,
    Hazard,
    HazardPhoto,
    Inspection,
    InspectionCorrection,
    ReInspection,
    ReInspectionVisit,
)
from enforcement.orgs.admin_scoping import ReadOnlyAdminMixin, ScopedAdminMixin, ScopedInlineMixin


def _photo_link(photo):
    url = reverse("cases:photo", args=[photo.pk])
    return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, photo.original_name or _("照片"))


class CheckResultInline(ReadOnlyAdminMixin, admin.TabularInline):
    # Rows of a scoped inspection; the parent admin has already scoped the inspection itself.
    model = CheckResult
    fields = ("text", "compliant", "note")
    readonly_fields = fields
    extra = 0


class CorrectionInline(ReadOnlyAdminMixin, admin.TabularInline):
    # Corrections of a scoped inspection: who, when, why and what (old → new).
    model = InspectionCorrection
    fields = ("corrected_at", "corrected_by", "reason", "changes")
    readonly_fields = fields
    extra = 0


class HazardInline(ReadOnlyAdminMixin, ScopedInlineMixin, admin.TabularInline):
    model = Hazard
    fields = ("description", "location", "is_major", "rectification_deadline", "current_deadline", "status")
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "inspected_on",
        "enterprise",
        "organisation",
        "status",
        "launch_meeting_held",
        "feedback_meeting_held",
    )
    list_filter = ("status", ("organisation", admin.RelatedOnlyFieldListFilter), "inspected_on")
    search_fields = ("enterprise__name", "enterprise__credit_code")
    list_select_related = ("enterprise", "organisation")
    date_hierarchy = "inspected_on"
    fields = (
        "organisation",
        "enterprise",
        "plan_item",
        *CORRECTABLE,
        "officers",
        "partner_organisations",
        "status",
        "created_by",
        "created_at",
    )
    readonly_fields = fields
    inlines = [CheckResultInline, CorrectionInline, HazardInline]


class HazardPhotoInline(ReadOnlyAdminMixin, ScopedInlineMixin, admin.TabularInline):
    model = HazardPhoto
    fields = ("photo", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    extra = 0

    @admin.display(description=_("照片"))
    def photo(self, obj):
        return _photo_link(obj)


class ReInspectionInline(ReadOnlyAdminMixin, ScopedInlineMixin, admin.TabularInline):
    model = ReInspection
    fields = ("inspected_on", "result", "note", "new_deadline", "created_by")
    readonly_fields = fields
    extra = 0


@admin.register(Hazard)
class HazardAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "description",
        "enterprise",
        "organisation",
        "is_major",
        "rectification_deadline",
        "current_deadline",
        "status",
    )
    list_filter = ("status", "is_major", ("organisation", admin.RelatedOnlyFieldListFilter))
    search_fields = ("description", "location", "inspection__enterprise__name")
    list_select_related = ("inspection__enterprise", "organisation")
    fields = (
        "inspection",
        "organisation",
        "description",
        "location",
        "is_major",
        "found_on",
        "rectification_deadline",
        "current_deadline",
        "status",
        "rectified_on",
        "closed_on",
    )
    readonly_fields = fields
    inlines = [HazardPhotoInline, ReInspectionInline]

    @admin.display(description=_("被检查单位"), ordering="inspection__enterprise__name")
    def enterprise(self, obj):
        return obj.inspection.enterprise


@admin.register(ReInspection)
class ReInspectionAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("hazard", "inspected_on", "result", "new_deadline", "created_by")
    list_filter = ("result", "inspected_on")
    search_fields = ("hazard__description", "hazard__inspection__enterprise__name")
    list_select_related = ("hazard", "created_by")
    fields = (
        "hazard",
        "visit",
        "inspected_on",
        "officers",
        "result",
        "note",
        "new_deadline",
        "created_by",
        "created_at",
    )
    readonly_fields = fields


class VisitReInspectionInline(ReadOnlyAdminMixin, ScopedInlineMixin, admin.TabularInline):
    model = ReInspection
    fields = ("hazard", "result", "note", "new_deadline")
    readonly_fields = fields
    extra = 0


@admin.register(ReInspectionVisit)
class ReInspectionVisitAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("inspection", "inspected_on", "organisation", "created_by")
    list_filter = ("inspected_on", ("organisation", admin.RelatedOnlyFieldListFilter))
    search_fields = ("inspection__enterprise__name",)
    list_select_related = ("inspection__enterprise", "organisation", "created_by")
    fields = ("inspection", "organisation", "inspected_on", "officers", "created_by", "created_at")
    readonly_fields = fields
    inlines = [VisitReInspectionInline]
