"""Schemathesis over every API operation as a county officer and as the city's legal section (issue 9 item 4).

The world is county A's working year (tests/access/world.py), built once for the module inside a transaction
rolled back at its end; each example runs in a savepoint of its own, so DELETE and POST run against rows the
run can afford to lose. FUZZ_EXAMPLES (default 6) sets the examples per operation and persona; the full run is
``bench/fuzz_api.py``. Any server error or response that contradicts the schema fails the operation's test,
with the curl command that reproduces it.
"""

import os

import pytest
from django.test import override_settings

from tests.access.world import build_walk_world
from tests.fuzz.runner import Fuzzer, api_schema, summary

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
PERSONAS = ["county_a_officer", "city_legal"]
OPERATIONS = [
    f"{method.upper()} {path}"
    for path, methods in api_schema()["paths"].items()
    for method in methods
    if method in ("get", "put", "post", "patch", "delete")
]


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.db import transaction

    media = tmp_path_factory.mktemp("fuzz-media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_walk_world(), Fuzzer(EXAMPLES)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_operation_answers_without_server_error_and_as_documented(db, fuzz_world, persona, operation):
    """GIVEN county A's records and a signed-in persona
    WHEN schemathesis sends valid and invalid requests to the operation
    THEN none answers 5xx and every documented response matches the schema."""
    world, fuzzer = fuzz_world
    [result] = fuzzer.run(getattr(world.people, persona), only=operation, exact=True)
    assert result.requests > 0
    assert not result.failures, "\n".join(summary([result], persona))
