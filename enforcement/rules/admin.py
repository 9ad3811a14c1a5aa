"""Admin for legal parameters. National rows are a superuser's; a city or provincial administrator adds and
edits the rows of its own area (a province's hearing amounts, say). Every change leaves an audit event, and
a changed value is a new row with its own effective date rather than an edit of history."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from enforcement.audit.admin_changes import AuditedAdminMixin
from enforcement.orgs.admin_scoping import ScopedChoicesMixin, SharedTableAdminMixin
from enforcement.orgs.models import Organisation
from enforcement.rules.keys import RuleKey
from enforcement.rules.models import LegalRule


class LegalRuleForm(forms.ModelForm):
    key = forms.ChoiceField(label=_("参数"), choices=RuleKey.choices)

    class Meta:
        model = LegalRule
        fields = [
            "key",
            "province",
            "basis",
            "value",
            "unit",
            "article",
            "source",
            "effective_from",
            "effective_to",
            "status",
            "note",
        ]


class KeyFilter(admin.SimpleListFilter):
    title = _("参数")
    parameter_name = "key"

    def lookups(self, request, model_admin):
        return RuleKey.choices

    def queryset(self, request, queryset):
        return queryset.filter(key=self.value()) if self.value() else queryset


@admin.register(LegalRule)
class LegalRuleAdmin(AuditedAdminMixin, SharedTableAdminMixin, ScopedChoicesMixin, admin.ModelAdmin):
    form = LegalRuleForm
    list_display = (
        "key_label",
        "area",
        "value",
        "unit",
        "article",
        "source",
        "effective_from",
        "effective_to",
        "status",
    )
    list_filter = (KeyFilter, "status", "basis", ("province", admin.RelatedOnlyFieldListFilter))
    search_fields = ("article", "source", "note")
    list_select_related = ("province",)
    readonly_fields = ("updated_at",)

    @admin.display(description=_("参数"), ordering="key")
    def key_label(self, obj):
        return obj.key_label

    @admin.display(description=_("适用地区"), ordering="province__path")
    def area(self, obj):
        return obj.province.name if obj.province_id else _("全国")

    def _may_edit_area(self, request, obj):
        if request.user.is_superuser:
            return True
        # National rows are the superuser's; an administrator edits the rows of areas within its scope.
        return obj.province_id is not None and (
            Organisation.objects.restrict(request.user, "change").filter(pk=obj.province_id).exists()
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or self._may_edit_area(request, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or self._may_edit_area(request, obj))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not request.user.is_superuser and "province" in form.base_fields:
            field = form.base_fields["province"]
            field.required = True
            field.queryset = Organisation.objects.restrict(request.user, "change")
            field.help_text = _("只能为本单位管辖范围内的地区设置参数；全国参数由超级管理员维护")
        return form
