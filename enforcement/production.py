"""What production mode refuses at start-up.

Production mode is one flag (env PRODUCTION=1, settings.PRODUCTION): with it the app refuses to start on a
placeholder or weak SECRET_KEY, and the demo city's published logins are never seeded. The key signs
sessions, password-reset links and CSRF tokens; a key printed in a README or an example file is a key
everybody has (等保2.0 8.1.4.1 身份鉴别, OWASP ASVS V6.4).
"""

from django.core.exceptions import ImproperlyConfigured

# The embedded development default, the example values of .env.example and docker-compose.yml, and the
# values people type when told to "change me".
PLACEHOLDER_SECRET_KEYS = frozenset(
    {
        "insecure-dev-key-change-me",
        "change-me",
        "changeme",
        "change_me",
        "change-me-too",
        "secret",
        "secret-key",
        "secret_key",
        "django-insecure",
        "dev",
        "development",
        "test",
    }
)
# Django's own check (security.W009) asks for at least 50 characters with 5 distinct ones.
MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_DISTINCT = 5


def secret_key_problem(key: str) -> str | None:
    """Why ``key`` must not sign anything in production, or None when it may."""
    if not key:
        return "SECRET_KEY is empty"
    lowered = key.strip().lower()
    if lowered in PLACEHOLDER_SECRET_KEYS or lowered.startswith("django-insecure-"):
        return "SECRET_KEY is a published placeholder value"
    if len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < MIN_SECRET_KEY_DISTINCT:
        return (
            f"SECRET_KEY is too short (at least {MIN_SECRET_KEY_LENGTH} characters, {MIN_SECRET_KEY_DISTINCT} distinct)"
        )
    return None


def require_production_secret_key(key: str) -> None:
    """Raise ImproperlyConfigured naming the variable when ``key`` is unfit for production."""
    problem = secret_key_problem(key)
    if problem:
        raise ImproperlyConfigured(
            f"{problem}: set the SECRET_KEY environment variable to a long random string, e.g. "
            '`python3 -c "import secrets; print(secrets.token_urlsafe(50))"`'
        )
