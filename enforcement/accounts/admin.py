"""Administrators' side of account security: lift a user's login lock, revoke a user's API tokens, and
make a password an administrator set a one-time password (changed at first login).

The user admin (enforcement.orgs.admin.UserAdmin) mixes AccountSecurityAdminMixin in, so these act only
on the users an administrator's scope reaches. django-axes' own admin (访问尝试, superusers) lists every
lock, addresses included, and deleting an entry lifts it.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from knox.admin import AuthTokenAdmin as KnoxAuthTokenAdmin
from knox.models import AuthToken, get_token_model

from enforcement.accounts import lockout


class AccountSecurityAdminMixin:
    actions = ("unlock_logins", "revoke_api_tokens", "require_password_change")

    def get_queryset(self, request):
        # Whether each user is locked out, in the list's own query (no query per row).
        return super().get_queryset(request).annotate(locked_out=lockout.locked_out_expression())

    @admin.display(description=_("登录锁定"), boolean=True, ordering="locked_out")
    def is_locked_out(self, obj):
        return obj.locked_out

    @admin.action(description=_("解除所选用户的登录锁定"), permissions=["change"])
    def unlock_logins(self, request, queryset):
        unlocked = [user.username for user in queryset if lockout.unlock(user.username)]
        self.message_user(
            request,
            ngettext("已解除 %(count)d 个用户的登录锁定。", "已解除 %(count)d 个用户的登录锁定。", len(unlocked))
            % {"count": len(unlocked)},
            messages.SUCCESS,
        )

    @admin.action(description=_("作废所选用户的全部 API 令牌"), permissions=["change"])
    def revoke_api_tokens(self, request, queryset):
        count, _deleted = get_token_model().objects.filter(user__in=queryset).delete()
        self.message_user(request, _("已作废 %(count)d 个 API 令牌。") % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("要求所选用户下次登录时修改密码"), permissions=["change"])
    def require_password_change(self, request, queryset):
        count = queryset.update(must_change_password=True)
        self.message_user(request, _("已要求 %(count)d 个用户下次登录时修改密码。") % {"count": count})

    def save_model(self, request, obj, form, change):
        # A new account's password was typed by the administrator: its owner replaces it at first login.
        if not change and obj.has_usable_password():
            obj.must_change_password = True
        super().save_model(request, obj, form, change)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        # Django answers a successful reset with a redirect; a reset of somebody else's password is theirs
        # to replace at first login (an administrator changing their own password is not).
        if request.method == "POST" and response.status_code == 302 and str(request.user.pk) != str(id):
            self.model._default_manager.filter(pk=id).update(must_change_password=True)
        return response


admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class AuthTokenAdmin(KnoxAuthTokenAdmin):
    """Tokens are listed and revoked (deleted) here, never created: a token minted by an administrator
    would let them act as someone else. The digest is what is stored; the token itself is never kept."""

    list_display = ("token_key", "user", "created", "expiry")
    list_select_related = ("user",)
    readonly_fields = ("token_key", "user", "created", "expiry")
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
