from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Identification and authentication (等保2.0 身份鉴别): passwords, first-login change, lockout, API tokens."""

    name = "enforcement.accounts"
    label = "accounts"
    verbose_name = _("账号安全")

    def ready(self):
        from enforcement.accounts import sessions, token_signals  # noqa: F401 - connects the receivers
