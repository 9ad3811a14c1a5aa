"""The signed-in user's own account pages: change the password, list and revoke the API tokens.

Each page shows and touches only the signed-in user's own account (no organisation's records, so no
restrict() scope applies); login is the permission they declare.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from knox.models import get_token_model


class PasswordChangeView(auth_views.PasswordChangeView):
    # Django's view validates the new password (settings.AUTH_PASSWORD_VALIDATORS) and keeps this session.
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        messages.success(self.request, _("密码已修改。API 令牌已全部作废，如需使用请重新获取。"))
        return response


@login_required
def tokens(request):
    own = get_token_model().objects.filter(user=request.user).order_by("-created")
    return render(request, "accounts/tokens.html", {"tokens": own})


@login_required
@require_POST
def revoke_tokens(request):
    # One token (by its digest, the stored key) or all of them; only ever the caller's own.
    own = get_token_model().objects.filter(user=request.user)
    if request.POST.get("all"):
        count, _deleted = own.delete()
    else:
        count, _deleted = own.filter(digest=request.POST.get("digest", "")).delete()
    if count:
        messages.success(request, _("已作废 %(count)d 个 API 令牌。") % {"count": count})
    else:
        messages.warning(request, _("没有可作废的令牌。"))
    return redirect("tokens")
