"""The API's token authentication (a module of its own: DRF imports it while its views are loading)."""

from knox.auth import TokenAuthentication

from enforcement.accounts import first_login


class ExpiringTokenAuthentication(TokenAuthentication):
    """knox's token check (expiry, digest, active user) plus the first-login rule: 403 until changed."""

    def authenticate_credentials(self, token):
        user, auth_token = super().authenticate_credentials(token)
        first_login.refuse_api(user)
        return user, auth_token
