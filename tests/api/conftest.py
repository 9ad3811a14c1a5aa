import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api():
    """An API client; ``api.as_(user)`` signs in with a session, like the browser would."""
    client = APIClient()

    def as_(user):
        client.logout()
        client.force_login(user)
        return client

    client.as_ = as_
    return client
