"""createsuperuser that also validates a password given by environment (--noinput).

Django's own command checks settings.AUTH_PASSWORD_VALIDATORS only when it asks interactively; a
DJANGO_SUPERUSER_PASSWORD given to a container went in unchecked (等保2.0 8.1.4.1 a): every path that
sets a password checks it).
"""

import os

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import createsuperuser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError


class Command(createsuperuser.Command):
    def handle(self, *args, **options):
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        if not options["interactive"] and password:
            model = get_user_model()
            username = options.get(model.USERNAME_FIELD) or os.environ.get(
                f"DJANGO_SUPERUSER_{model.USERNAME_FIELD.upper()}", ""
            )
            try:
                validate_password(password, model(**{model.USERNAME_FIELD: username}))
            except ValidationError as exc:
                raise CommandError("DJANGO_SUPERUSER_PASSWORD: " + " ".join(exc.messages)) from exc
        return super().handle(*args, **options)
