"""Plans in the admin: the check-item library is maintained there; plans, draws and declarations are
shown read-only, within the user's data scope."""

import pytest
from django.urls import reverse

from plans.annual import services
from plans.draws import services as draw_services
from plans.models import CheckItem, ConflictDeclaration, PlanType
from tests.factories import UserFactory
from tests.planning import fill_valid_plan


@pytest.fixture
def staff(client):
    def as_(user):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        client.logout()
        client.force_login(user)
        return client

    return as_


def test_admin_maintains_the_check_item_library(world, staff):
    client = staff(world.people.city_admin)
    page = client.get(reverse("admin:plans_checkitem_changelist"), {"q": "第21条"}).content.decode()
    assert "建立健全并落实全员安全生产责任制" in page
    response = client.post(
        reverse("admin:plans_checkitem_add"),
        {
            "category": "有限空间",
            "text": "有限空间作业审批制度落实",
            "basis": "工贸企业有限空间作业安全规定",
            "sort_order": 5,
        },
    )
    assert response.status_code == 302
    item = CheckItem.objects.get(text="有限空间作业审批制度落实")
    # Library items are switched off, never deleted (plans refer to them).
    assert client.get(reverse("admin:plans_checkitem_delete", args=[item.pk])).status_code == 403


def test_plans_and_draws_are_read_only_and_scoped(world, planning, staff):
    fill_valid_plan(planning)
    b_legal = UserFactory(username="county_b_legal", organisation=world.orgs.county_b, roles=["legal"])
    b_plan = services.create_plan(b_legal, world.orgs.county_b, 2026, PlanType.WORK_SAFETY, "西山县计划")
    county_a_admin = UserFactory(username="county_a_admin", organisation=world.orgs.county_a, roles=["admin"])
    client = staff(county_a_admin)
    page = client.get(reverse("admin:plans_inspectionplan_changelist")).content.decode()
    assert planning.plan.title in page and b_plan.title not in page
    response = client.get(reverse("admin:plans_inspectionplan_change", args=[planning.plan.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="_save"' not in body and "创建计划" in body  # the transitions inline
    assert client.get(reverse("admin:plans_inspectionplan_change", args=[b_plan.pk])).status_code == 302
    assert client.get(reverse("admin:plans_inspectionplan_add")).status_code == 403
    draw = draw_services.create_draw(planning.legal, world.orgs.county_a, "抽查", {"supervision_class": "general"}, 1)
    page = client.get(reverse("admin:plans_draw_change", args=[draw.pk])).content.decode()
    assert "6家 / 2人 / 0对" in page


def test_conflict_declarations_in_admin_follow_the_officers_scope(world, staff):
    ConflictDeclaration.objects.create(
        officer=world.people.county_a_officer, enterprise=world.ent.a_general, relation="亲属"
    )
    ConflictDeclaration.objects.create(
        officer=world.people.county_b_officer, enterprise=world.ent.b_general, relation="同学"
    )
    admin_user = UserFactory(username="root", organisation=world.orgs.city, is_superuser=True)
    page = staff(admin_user).get(reverse("admin:plans_conflictdeclaration_changelist")).content.decode()
    assert "亲属" in page and "同学" in page
    a_legal = UserFactory(username="a_legal", organisation=world.orgs.county_a, roles=["legal"])
    page = staff(a_legal).get(reverse("admin:plans_conflictdeclaration_changelist")).content.decode()
    assert "亲属" in page and "同学" not in page
