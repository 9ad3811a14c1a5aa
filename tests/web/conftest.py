import pytest

from tests.planning import planning  # noqa: F401 - the shared planning fixture, for the to-do and history tests


@pytest.fixture
def browse(client):
    """The Django test client; ``browse.as_(user)`` signs in as that persona."""

    def as_(user):
        client.logout()
        client.force_login(user)
        return client

    client.as_ = as_
    return client
