"""The signed-in user's account pages (enforcement.accounts.pages)."""

from django.urls import path

from enforcement.accounts import pages

urlpatterns = [
    path("password/", pages.PasswordChangeView.as_view(), name="password_change"),
    path("tokens/", pages.tokens, name="tokens"),
    path("tokens/revoke/", pages.revoke_tokens, name="tokens_revoke"),
]
