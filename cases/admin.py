"""Django's admin finds the app's admin here; each feature registers its own models."""

from cases.inspections import admin as inspections_admin  # noqa: F401
