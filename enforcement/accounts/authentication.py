"""The API's token authentication (a module of its own: DRF imports it while its views are loading)."""

from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication

from enforcement.accounts import first_login


class ExpiringTokenAuthentication(TokenAuthentication):
    """knox's token check (expiry, digest, active user) plus the first-login rule: 403 until changed."""

    def authenticate_credentials(self, token):
        user, auth_token = super().authenticate_credentials(token)
        first_login.refuse_api(user)
        return user, auth_token


class ExpiringTokenScheme(KnoxTokenScheme):
    """The schema's security scheme for these tokens: "Authorization: Token <token>" (drf-spectacular's knox
    extension, pointed at our subclass)."""

    target_class = "enforcement.accounts.authentication.ExpiringTokenAuthentication"
    name = "tokenAuth"
