"""Django's admin finds the app's admin here; each feature registers its own models."""

from supervision.progress import admin as progress_admin  # noqa: F401
