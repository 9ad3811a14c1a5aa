"""Admin for organisations, roles, users and enforcement certificates, scoped to the signed-in user."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.accounts.admin import AccountSecurityAdminMixin
from enforcement.audit.actors import KeepsAuditedUsersAdminMixin
from enforcement.orgs.admin_scoping import ScopedAdminMixin, ScopedInlineMixin
from enforcement.orgs.models import EnforcementCertificate, Organisation, Role, User
from enforcement.orgs.scoping import DataScope

admin.site.site_header = _("安全生产行政执法监督系统 · 管理后台")
admin.site.site_title = _("管理后台")
admin.site.index_title = _("系统管理")

SCOPE_ORDER = [DataScope.SHARED, DataScope.OWN, DataScope.SUBTREE, DataScope.ALL]


class LinesField(forms.CharField):
    """A list of strings edited one per line (the delegated powers of a 委托 unit, R-55)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class OrganisationAdminForm(forms.ModelForm):
    delegated_powers = LinesField(label=_("委托事项"), required=False, help_text=_("每行一项"))

    class Meta:
        model = Organisation
        fields = [
            "name",
            "short_name",
            "division_code",
            "level",
            "parent",
            "is_active",
            "authority",
            "delegated_by",
            "delegated_powers",
        ]


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    form = OrganisationAdminForm
    list_display = ("indented_name", "short_name", "level", "division_code", "authority", "parent", "is_active")
    list_filter = ("level", "authority", "is_active")
    search_fields = ("name", "short_name", "division_code")
    list_select_related = ("parent",)
    readonly_fields = ("path",)
    fieldsets = (
        (None, {"fields": ("name", "short_name", "division_code", "level", "parent", "is_active")}),
        (_("执法权来源（R-55 委托执法）"), {"fields": ("authority", "delegated_by", "delegated_powers")}),
        (_("技术信息"), {"classes": ("collapse",), "fields": ("path",)}),
    )

    @admin.display(description=_("名称"), ordering="path")
    def indented_name(self, obj):
        return "　" * max(obj.depth - 1, 0) + obj.name


def assignable_roles(user):
    """Roles a non-superuser may hand out: none reaching wider than the user's own data scope.

    Permissions are not compared: handing out the built-in roles is what a county administrator is
    for, and whatever a role grants stays inside the administrator's subtree (the user being edited
    must belong to it). Superuser status and raw permissions stay with superusers.
    """
    if user.is_superuser:
        return Role.objects.all()
    own_scope = SCOPE_ORDER.index(DataScope(user.data_scope))
    return Role.objects.filter(data_scope__in=[scope.value for scope in SCOPE_ORDER[: own_scope + 1]])


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    """Roles are shared by every organisation, so only superusers edit them; administrators look."""

    list_display = ("code", "name", "data_scope", "builtin")
    list_filter = ("data_scope", "builtin")
    search_fields = ("code", "name")
    filter_horizontal = ("permissions",)
    fieldsets = (
        (
            None,
            {
                "fields": ("code", "name", "data_scope", "permissions", "builtin"),
                "description": _("内置角色的权限在每次系统升级（migrate）后恢复为默认配置；需要不同权限时请新建角色。"),
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        # The sync after migrate finds built-in roles by code: renaming the code would orphan them.
        return ("code", "builtin") if obj is not None and obj.builtin else ("builtin",)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "permissions":
            kwargs["queryset"] = Permission.objects.select_related("content_type")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and not (obj is not None and obj.builtin)


class CertificateInline(ScopedInlineMixin, admin.StackedInline):
    # Stacked, not tabular: five date/text columns do not fit beside the admin sidebar on a tablet.
    model = EnforcementCertificate
    fields = ("number", "issuer", "valid_from", "valid_until", "revoked_at")
    extra = 0


class CertificateValidFilter(admin.SimpleListFilter):
    title = _("执法证状态")
    parameter_name = "valid"

    def lookups(self, request, model_admin):
        return (("yes", _("有效")), ("no", _("无效（过期、未生效或已注销）")))

    def queryset(self, request, queryset):
        today = timezone.localdate()
        valid = Q(valid_from__lte=today, valid_until__gte=today, revoked_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(valid)
        if self.value() == "no":
            return queryset.exclude(valid)
        return queryset


@admin.register(User)
class UserAdmin(AccountSecurityAdminMixin, ScopedAdminMixin, KeepsAuditedUsersAdminMixin, DjangoUserAdmin):
    # Both mixins bring admin actions; a class attribute would keep only the first one's.
    actions = (*AccountSecurityAdminMixin.actions, *KeepsAuditedUsersAdminMixin.actions)
    list_display = ("username", "full_name", "organisation", "role_names", "is_staff", "is_active", "is_locked_out")
    list_filter = ("is_active", "is_staff", "roles", ("organisation", admin.RelatedOnlyFieldListFilter))
    search_fields = ("username", "full_name", "phone", "email")
    list_select_related = ("organisation",)
    ordering = ("username",)
    filter_horizontal = ("roles", "groups", "user_permissions")
    inlines = (CertificateInline,)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("full_name", "phone", "email")}),
        (_("单位与角色"), {"fields": ("organisation", "roles")}),
        (
            _("账号权限"),
            {
                "fields": (
                    "is_active",
                    "must_change_password",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        (_("单位与角色"), {"classes": ("wide",), "fields": ("full_name", "organisation", "roles", "is_staff")}),
    )
    # Only superusers grant superuser status or permissions outside the role system.
    superuser_only_fields = ("is_superuser", "groups", "user_permissions")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("roles")

    @admin.display(description=_("角色"))
    def role_names(self, obj):
        return "、".join(role.name for role in obj.roles.all())

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += self.superuser_only_fields
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not request.user.is_superuser and "organisation" in form.base_fields:
            # A user without an organisation is outside every data scope but "all".
            form.base_fields["organisation"].required = True
        return form

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "roles":
            kwargs["queryset"] = assignable_roles(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _guards_superuser(self, request, obj):
        return obj is not None and obj.is_superuser and not request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return not self._guards_superuser(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._guards_superuser(request, obj) and super().has_delete_permission(request, obj)


@admin.register(EnforcementCertificate)
class EnforcementCertificateAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("number", "holder", "holder_organisation", "issuer", "valid_from", "valid_until", "is_valid")
    list_filter = (CertificateValidFilter, "issuer", "valid_until")
    search_fields = ("number", "holder__username", "holder__full_name", "issuer")
    list_select_related = ("holder__organisation",)
    autocomplete_fields = ("holder",)
    date_hierarchy = "valid_until"

    @admin.display(description=_("持证人单位"), ordering="holder__organisation__path")
    def holder_organisation(self, obj):
        return obj.holder.organisation

    @admin.display(description=_("当前有效"), boolean=True)
    def is_valid(self, obj):
        today = timezone.localdate()
        return obj.revoked_at is None and obj.valid_from <= today <= obj.valid_until
