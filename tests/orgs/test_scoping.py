"""The scoping primitive: each role sees exactly its data scope, deny by default."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from guardian.shortcuts import assign_perm

from enforcement.enterprises import services
from enforcement.enterprises.models import Enterprise
from enforcement.orgs.models import Organisation


def names(qs):
    return set(qs.values_list("name", flat=True))


def test_city_user_sees_every_county(world):
    assert Enterprise.objects.restrict(world.people.city_legal).count() == 6


def test_county_user_sees_only_its_subtree(world):
    visible = names(Enterprise.objects.restrict(world.people.county_a_officer))
    assert visible == {"河川化工集团有限公司", "东城机械厂", "城关纺织有限公司", "园区建材有限公司"}


def test_township_user_sees_only_its_township(world):
    assert names(Enterprise.objects.restrict(world.people.township_a_user)) == {"城关纺织有限公司"}


def test_user_without_roles_sees_nothing(world):
    assert not Enterprise.objects.restrict(world.people.nobody).exists()


def test_social_supervisor_sees_nothing_until_shared(world):
    supervisor = world.people.social_supervisor
    assert not Enterprise.objects.restrict(supervisor).exists()
    assign_perm("enterprises.view_enterprise", supervisor, world.ent.b_general)
    assert names(Enterprise.objects.restrict(supervisor)) == {"西山矿业有限公司"}
    # sharing for viewing does not grant changing
    assert not Enterprise.objects.restrict(supervisor, "change").exists()


def test_cross_county_share_adds_to_the_scope(world):
    officer = world.people.county_b_officer
    assign_perm("enterprises.view_enterprise", officer, world.ent.a_general)
    assert "东城机械厂" in names(Enterprise.objects.restrict(officer))
    assert "园区建材有限公司" not in names(Enterprise.objects.restrict(officer))


def test_organisation_subtree_is_a_path_prefix(world):
    county_a = world.orgs.county_a
    assert names(county_a.descendants()) == {"东城区应急管理局", "城关镇人民政府", "东城工业园管委会"}
    assert names(Organisation.objects.restrict(world.people.county_b_officer)) == {"西山县应急管理局", "西山镇人民政府"}


def test_moving_an_organisation_moves_its_subtree(world):
    township = world.orgs.township_a
    township.parent = world.orgs.county_b
    township.save()
    assert township.path.startswith(world.orgs.county_b.path)
    assert "城关纺织有限公司" in names(Enterprise.objects.restrict(world.people.county_b_officer))


def test_county_cannot_move_an_enterprise_into_another_county(world):
    officer = world.people.county_a_officer
    with pytest.raises(ValidationError) as exc:
        services.update_enterprise(
            officer,
            world.ent.a_general.pk,
            {"organisation": world.orgs.county_b, "responsible_org": world.orgs.county_b},
        )
    assert "不在您的管辖范围内" in str(exc.value)
    world.ent.a_general.refresh_from_db()
    assert world.ent.a_general.organisation == world.orgs.county_a


def test_write_leaving_scope_is_rolled_back(world, monkeypatch):
    """Even if the organisation check were bypassed, the post-save scope check rolls the write back."""
    officer = world.people.county_a_officer
    monkeypatch.setattr(services, "_check_org_in_scope", lambda *a, **k: None)
    with pytest.raises(PermissionDenied):
        services.update_enterprise(
            officer,
            world.ent.a_general.pk,
            {"organisation": world.orgs.county_b, "responsible_org": world.orgs.county_b},
        )
    world.ent.a_general.refresh_from_db()
    assert world.ent.a_general.organisation == world.orgs.county_a


def test_out_of_scope_update_is_not_found(world):
    with pytest.raises(Enterprise.DoesNotExist):
        services.update_enterprise(world.people.county_a_officer, world.ent.b_general.pk, {"name": "x"})


def test_responsible_org_must_be_territorial_or_ancestor(world):
    with pytest.raises(ValidationError) as exc:
        services.update_enterprise(
            world.people.city_legal, world.ent.a_general.pk, {"responsible_org": world.orgs.county_b}
        )
    assert "执法主体必须是属地单位本身或其上级单位" in str(exc.value)


def test_history_records_old_and_new_values(world):
    from enforcement.audit.services import history_for

    services.update_enterprise(world.people.county_a_officer, world.ent.a_general.pk, {"principal_person": "李四"})
    event = history_for(world.ent.a_general).get()
    assert event.actor == world.people.county_a_officer
    assert event.changes == {"principal_person": ["张三", "李四"]}
