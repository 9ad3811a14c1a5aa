import pytest

from tests.factories import UserFactory


@pytest.fixture
def county_a_admin(world):
    """A system administrator of county A (role "admin" at the county, with admin-site access)."""
    return UserFactory(username="county_a_admin", organisation=world.orgs.county_a, roles=["admin"], is_staff=True)


@pytest.fixture
def city_admin(world):
    user = world.people.city_admin
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def admin_as(client):
    def as_(user):
        client.logout()
        client.force_login(user)
        return client

    return as_
