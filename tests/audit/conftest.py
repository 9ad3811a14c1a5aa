from tests.documents.conftest import _postgres_only  # noqa: F401 - tests marked postgres skip visibly on SQLite
