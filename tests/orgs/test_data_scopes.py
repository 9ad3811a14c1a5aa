"""The data scopes no built-in role uses — "全部数据" (all) and "本单位数据" (own organisation only).

Every built-in role reaches its own subtree or only what is shared with it, so the other two branches of
``restrict()`` are exercised here directly, through roles an administrator could create (RuoYi's 数据权限).
"""

import pytest
from guardian.shortcuts import assign_perm

from enforcement.enterprises.models import Enterprise
from enforcement.orgs.models import Organisation, Role, User
from enforcement.orgs.scoping import DataScope
from tests.factories import UserFactory

OWN_A = {"河川化工集团有限公司", "东城机械厂"}  # county A's own; its township and park hold one each
ALL_ENTERPRISES = OWN_A | {"城关纺织有限公司", "园区建材有限公司", "西山矿业有限公司", "西山镇烟花爆竹店"}


def names(qs):
    return set(qs.values_list("name", flat=True))


def role_like(code, builtin, scope):
    """A custom role with the permissions of a built-in one and another data scope."""
    role = Role.objects.create(code=code, name=f"{code}（测试）", data_scope=scope)
    role.permissions.set(Role.objects.get(code=builtin).permissions.all())
    return role


@pytest.fixture
def own_officer(world):
    role_like("officer_own", "officer", DataScope.OWN)
    return UserFactory(username="own_officer", organisation=world.orgs.county_a, roles=["officer_own"])


@pytest.fixture
def all_admin(world):
    role_like("admin_all", "admin", DataScope.ALL)
    return UserFactory(username="all_admin", organisation=world.orgs.township_b, roles=["admin_all"])


def test_own_scope_sees_its_organisation_but_not_the_ones_below(world, own_officer):
    """GIVEN a county-A user whose only role has the "own organisation" scope WHEN the register is read
    THEN only enterprises of county A itself are visible — not its township's or its park's, whose
    rows a subtree-scoped colleague sees."""
    assert names(Enterprise.objects.restrict(own_officer)) == OWN_A
    assert "城关纺织有限公司" in names(Enterprise.objects.restrict(world.people.county_a_officer))
    assert names(Enterprise.objects.restrict(own_officer, "change")) == OWN_A
    assert names(Organisation.objects.restrict(own_officer)) == {"东城区应急管理局"}


def test_own_scope_out_of_scope_rows_are_not_found(world, own_officer):
    from enforcement.enterprises import services

    with pytest.raises(Enterprise.DoesNotExist):
        services.update_enterprise(own_officer, world.ent.a_township.pk, {"principal_person": "李四"})
    services.update_enterprise(own_officer, world.ent.a_general.pk, {"principal_person": "李四"})
    world.ent.a_general.refresh_from_db()
    assert world.ent.a_general.principal_person == "李四"


def test_all_scope_sees_every_organisation_whatever_its_own(world, all_admin):
    """GIVEN a township-B user whose role has the "all" scope WHEN the register and the organisation tree
    are read THEN every row is visible, including the city's and the other county's."""
    assert names(Enterprise.objects.restrict(all_admin)) == ALL_ENTERPRISES
    assert names(Enterprise.objects.restrict(all_admin, "change")) == ALL_ENTERPRISES
    assert Organisation.objects.restrict(all_admin).count() == Organisation.objects.count() == 6


def test_all_scope_grants_no_permission_the_role_lacks(world):
    """Scope widens *where* a permission applies, never *what* is permitted: deny by default."""
    role_like("supervisor_all", "social_supervisor", DataScope.ALL)
    reader = UserFactory(username="all_reader", organisation=world.orgs.city, roles=["supervisor_all"])
    assert names(Enterprise.objects.restrict(reader)) == ALL_ENTERPRISES
    assert not Enterprise.objects.restrict(reader, "change").exists()
    assert not Organisation.objects.restrict(reader).exists()


def test_the_widest_scope_of_a_users_roles_wins(world, own_officer):
    def fresh():  # a user's scope and permissions are cached per instance, as in a request
        return User.objects.get(pk=own_officer.pk)

    own_officer.roles.add(Role.objects.get(code="officer"))  # subtree
    assert fresh().data_scope == DataScope.SUBTREE
    assert "城关纺织有限公司" in names(Enterprise.objects.restrict(fresh()))
    own_officer.roles.add(role_like("viewer_all", "reviewer", DataScope.ALL))
    assert fresh().data_scope == DataScope.ALL
    assert names(Enterprise.objects.restrict(fresh())) == ALL_ENTERPRISES


def test_own_scope_plus_a_share(world, own_officer):
    assign_perm("enterprises.view_enterprise", own_officer, world.ent.b_general)
    assert names(Enterprise.objects.restrict(own_officer)) == OWN_A | {"西山矿业有限公司"}


def test_own_scope_without_an_organisation_sees_nothing(world):
    role_like("officer_own", "officer", DataScope.OWN)
    homeless = UserFactory(username="homeless", organisation=None, roles=["officer_own"])
    assert not Enterprise.objects.restrict(homeless).exists()
