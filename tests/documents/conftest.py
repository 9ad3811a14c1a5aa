import pytest
from django.db import connection

from tests.planning import planning  # noqa: F401 - the planning fixture for these tests too


@pytest.fixture(autouse=True)
def _postgres_only(request):
    """Tests marked ``postgres`` prove PostgreSQL row-locking behaviour; SQLite locks the whole file."""
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip(f"needs PostgreSQL (DATABASE_URL); this run uses {connection.vendor}")
