"""Re-export the planning fixture for these tests."""

from tests.planning import planning  # noqa: F401
