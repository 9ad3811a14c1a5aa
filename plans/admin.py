"""Django's admin finds the app's admin here; each feature registers its own models."""

from plans.annual import admin as annual_admin  # noqa: F401
from plans.draws import admin as draws_admin  # noqa: F401
