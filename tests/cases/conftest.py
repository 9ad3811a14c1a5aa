"""Fixtures of the case tests: the planning fixture, uploads under a temporary media root, signing in."""

import pytest

from tests.planning import planning  # noqa: F401


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def as_(client):
    """``as_(user)`` signs the test client in as ``user`` (after signing out whoever was in)."""

    def sign_in(user):
        client.logout()
        client.force_login(user)
        return client

    return sign_in
