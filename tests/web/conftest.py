import pytest


@pytest.fixture
def browse(client):
    """The Django test client; ``browse.as_(user)`` signs in as that persona."""

    def as_(user):
        client.logout()
        client.force_login(user)
        return client

    client.as_ = as_
    return client
