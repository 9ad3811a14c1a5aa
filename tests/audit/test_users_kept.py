"""A user with audit history is deactivated, never deleted (issue 9 item 3)."""

import pytest
from django.db.models import ProtectedError

from enforcement.orgs.models import User
from tests.audit.helpers import some_events
from tests.factories import UserFactory

USERS = "/admin/orgs/user/"


def test_deleting_an_audited_user_is_refused_in_chinese(world):
    officer = world.people.county_a_officer
    some_events(world, 1)
    with pytest.raises(ProtectedError, match="已有操作日志，不能删除；请停用该账号"):
        officer.delete()
    with pytest.raises(ProtectedError, match="county_a_officer"):
        User.objects.filter(organisation=world.orgs.county_a).delete()
    assert User.objects.filter(pk=officer.pk).exists()


def test_a_user_without_history_can_still_be_deleted(world):
    stray = UserFactory(username="typo_account", organisation=world.orgs.county_a)
    stray.delete()
    assert not User.objects.filter(username="typo_account").exists()


def test_the_admin_refuses_the_delete_and_offers_deactivation(client, world):
    root = UserFactory(username="root", is_superuser=True, is_staff=True, organisation=world.orgs.city)
    officer = world.people.county_a_officer
    some_events(world, 1)
    client.force_login(root)
    page = client.get(f"{USERS}{officer.pk}/delete/")
    assert "已有操作日志，不能删除" in page.content.decode()
    client.post(f"{USERS}{officer.pk}/delete/", {"post": "yes"})
    assert User.objects.filter(pk=officer.pk).exists()
    client.post(USERS, {"action": "delete_selected", "_selected_action": [officer.pk], "post": "yes"})
    assert User.objects.filter(pk=officer.pk).exists()
    client.post(USERS, {"action": "deactivate_users", "_selected_action": [officer.pk]})
    officer.refresh_from_db()
    assert officer.is_active is False
