"""双随机 draws: reproducible from stored inputs, conflicts excluded, redraw keeps history."""

import pytest
from django.core.exceptions import ValidationError

from plans.draws import services
from plans.draws.algorithm import run_draw
from plans.models import ConflictDeclaration, Draw
from tests.factories import CertificateFactory, UserFactory
from tests.planning import seed_sending_a_conflicted_officer, sent_ignoring_conflicts

DEFINITION = {"supervision_class": "general"}


@pytest.fixture
def officers(planning, world):
    extra = [
        UserFactory(username=f"county_a_o{i}", organisation=world.orgs.county_a, roles=["officer"]) for i in range(3)
    ]
    for user in extra:
        CertificateFactory(holder=user)
    return [*planning.officers, *extra]


def test_same_stored_inputs_give_the_same_result():
    pool, officers = list(range(1, 501)), list(range(1000, 1010))
    first = run_draw(pool, officers, [], 50, 2, "seed-1")
    assert first == run_draw(list(reversed(pool)), officers, [], 50, 2, "seed-1")
    assert first != run_draw(pool, officers, [], 50, 2, "seed-2")
    assert len({row["enterprise"] for row in first}) == 50
    assert all(len(set(row["officers"])) == 2 for row in first)


def test_stored_draw_verifies_and_uses_only_certified_officers(planning, officers):
    draw = services.create_draw(planning.legal, planning.plan.organisation, "一般企业抽查", DEFINITION, 3)
    assert services.verify_draw(draw)
    assert planning.uncertified.pk not in draw.officer_pool and planning.expired.pk not in draw.officer_pool
    assert set(draw.enterprise_pool) == {e.pk for e in planning.general}
    # Tampering with the stored result is detected.
    draw.result[0]["officers"] = [planning.uncertified.pk, planning.expired.pk]
    assert not services.verify_draw(draw)


def test_declared_conflicts_are_excluded(planning, officers):
    """GIVEN three of five officers declared a conflict with one enterprise, and a seed with which a draw
    ignoring conflicts would send one of them there WHEN all six are drawn THEN that enterprise gets the two
    others; with a fourth declaration too few are left and the draw says so."""
    target = planning.general[0]
    for officer in officers[:3]:
        ConflictDeclaration.objects.create(officer=officer, enterprise=target, relation="亲属在该单位任职")
    organisation = planning.plan.organisation
    seed = seed_sending_a_conflicted_officer(organisation, DEFINITION, 6, target, officers[:3])
    draw = services.create_draw(planning.legal, organisation, "全部一般企业", DEFINITION, 6, seed=seed)
    # Without the exclusion this very draw would send a conflicted officer: the test cannot pass by chance.
    assert sent_ignoring_conflicts(draw.enterprise_pool, draw.officer_pool, 6, seed, target) & {
        o.pk for o in officers[:3]
    }
    row = next(r for r in draw.result if r["enterprise"] == target.pk)
    assert set(row["officers"]) == {o.pk for o in officers[3:]}
    # Only one officer left for that enterprise → too few to draw two.
    ConflictDeclaration.objects.create(officer=officers[3], enterprise=target, relation="曾在该单位工作")
    with pytest.raises(ValidationError) as exc:
        services.create_draw(planning.legal, planning.plan.organisation, "全部一般企业", DEFINITION, 6)
    assert "回避后可选执法人员不足2人" in exc.value.messages[0]


def test_redraw_needs_a_reason_and_keeps_the_previous_draw(planning, officers):
    first = services.create_draw(planning.legal, planning.plan.organisation, "抽查", DEFINITION, 2, seed="a")
    with pytest.raises(ValidationError):
        services.redraw(planning.legal, first.pk, "  ")
    second = services.redraw(planning.legal, first.pk, "抽中企业已停产", seed="b")
    assert second.redraw_of == first and second.redraw_reason == "抽中企业已停产"
    first.refresh_from_db()
    assert not first.is_current and Draw.objects.filter(pk=first.pk).exists()
    with pytest.raises(ValidationError):
        services.redraw(planning.legal, first.pk, "再抽一次")


def test_drawn_enterprises_count_towards_general_coverage(planning, officers):
    from plans.annual.coverage import check_plan

    draw = services.create_draw(planning.legal, planning.plan.organisation, "抽查", DEFINITION, 2)
    services.add_draw_to_plan(planning.legal, draw.pk, planning.plan.pk, 6)
    rule = {r.code: r for r in check_plan(planning.plan)}["general_coverage"]
    assert rule.ok, rule.message
    assert planning.plan.items.filter(mode="random", draw=draw).count() == 2


def test_too_large_sample_is_explained(planning, officers):
    with pytest.raises(ValidationError) as exc:
        services.create_draw(planning.legal, planning.plan.organisation, "抽查", DEFINITION, 99)
    assert "超过企业库数量" in exc.value.messages[0]


def test_other_county_cannot_see_the_draw(planning, officers, world):
    draw = services.create_draw(planning.legal, planning.plan.organisation, "抽查", DEFINITION, 2)
    assert not Draw.objects.restrict(world.people.county_b_officer).filter(pk=draw.pk).exists()
    assert Draw.objects.restrict(world.people.city_legal).filter(pk=draw.pk).exists()
