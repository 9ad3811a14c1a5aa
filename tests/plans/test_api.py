"""Plans API: the same scoping as the pages (out of scope 404), the workflow as POST actions, items,
draws, the check-item library and conflict declarations."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from plans.annual import services
from plans.draws import services as draw_services
from plans.models import ConflictDeclaration, Draw, InspectionPlan, PlanItem, PlanTransition, PlanType
from tests.api.helpers import refused
from tests.factories import CertificateFactory, UserFactory
from tests.planning import fill_valid_plan
from tests.plans import test_pages

# Fixtures shared with the page tests.
county_b_legal = test_pages.county_b_legal
county_b_plan = test_pages.county_b_plan
media = test_pages.media

S = InspectionPlan.Status
PDF = b"%PDF-1.4 approval"


@pytest.fixture
def api():
    client = APIClient()

    def as_(user):
        client.logout()
        client.force_login(user)
        return client

    client.as_ = as_
    return client


@pytest.fixture
def officers(planning, world):
    extra = [
        UserFactory(username=f"county_a_o{i}", organisation=world.orgs.county_a, roles=["officer"]) for i in range(3)
    ]
    for user in extra:
        CertificateFactory(holder=user)
    return [*planning.officers, *extra]


def rows(response):
    assert response.status_code == 200, response.content.decode()
    return response.json()["results"]


def pdf(name="批复.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# --- plans ---------------------------------------------------------------------------------------


def test_plan_list_is_scoped(api, world, planning, county_b_plan):
    titles = lambda user: {p["title"] for p in rows(api.as_(user).get("/api/plans/"))}  # noqa: E731
    assert titles(world.people.city_legal) == {planning.plan.title, county_b_plan.title}
    assert titles(world.people.county_a_officer) == {planning.plan.title}
    assert titles(world.people.county_b_officer) == {county_b_plan.title}
    assert titles(world.people.township_a_user) == set()
    assert refused(api.as_(world.people.social_supervisor).get("/api/plans/"))


def test_plan_list_filters_and_fields(api, world, planning, county_b_plan):
    client = api.as_(world.people.city_legal)
    data = rows(client.get("/api/plans/", {"organisation": world.orgs.county_a.pk}))
    assert [p["id"] for p in data] == [planning.plan.pk]
    assert data[0]["status"] == "draft" and data[0]["status_label"] == "草稿" and data[0]["item_count"] == 0
    assert rows(client.get("/api/plans/", {"status": "published"})) == []
    assert len(rows(client.get("/api/plans/", {"year": planning.plan.year, "plan_type": "work_safety"}))) == 2
    assert len(rows(client.get("/api/plans/", {"within": world.orgs.county_b.pk}))) == 1
    # A filter naming an organisation outside the scope is refused, not ignored.
    response = api.as_(world.people.county_a_officer).get("/api/plans/", {"organisation": world.orgs.county_b.pk})
    assert response.status_code == 400


def test_plan_retrieve_and_check_out_of_scope_is_404(api, world, planning):
    for user, code in ((world.people.city_legal, 200), (world.people.county_a_officer, 200)):
        client = api.as_(user)
        assert client.get(f"/api/plans/{planning.plan.pk}/").status_code == code
    for user in (world.people.county_b_officer, world.people.township_a_user, world.people.nobody):
        client = api.as_(user)
        for url in ("", "check/", "transitions/"):
            assert client.get(f"/api/plans/{planning.plan.pk}/{url}").status_code == 404


def test_plan_list_query_count(api, world, planning, django_assert_max_num_queries):
    for year in range(planning.plan.year + 1, planning.plan.year + 31):
        services.create_plan(planning.legal, world.orgs.county_a, year, PlanType.WORK_SAFETY, f"{year}计划")
    client = api.as_(world.people.city_legal)
    with django_assert_max_num_queries(12):
        response = client.get("/api/plans/")
    assert response.json()["count"] == 31


def test_create_plan(api, world, planning):
    client = api.as_(planning.legal)
    response = client.post(
        "/api/plans/", {"organisation": world.orgs.county_a.pk, "year": 2031, "plan_type": "flood_drought"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["title"] == "东城区应急管理局2031年度防汛抗旱监督检查计划"
    response = client.post(
        "/api/plans/", {"organisation": world.orgs.county_a.pk, "year": 2031, "plan_type": "flood_drought"}
    )
    assert response.status_code == 400 and "已有同类计划" in response.content.decode()
    response = client.post(
        "/api/plans/", {"organisation": world.orgs.county_b.pk, "year": 2031, "plan_type": "work_safety"}
    )
    assert response.status_code == 400 and "organisation" in response.json()
    response = api.as_(world.people.county_a_officer).post(
        "/api/plans/", {"organisation": world.orgs.county_a.pk, "year": 2032, "plan_type": "work_safety"}
    )
    assert response.status_code == 403


def test_check_endpoint(api, planning):
    client = api.as_(planning.legal)
    data = client.get(f"/api/plans/{planning.plan.pk}/check/").json()
    assert data["ok"] is False
    key = next(r for r in data["rules"] if r["code"] == "key_coverage")
    assert not key["ok"] and key["details"] == ["东城危化储运公司"]
    fill_valid_plan(planning)
    assert client.get(f"/api/plans/{planning.plan.pk}/check/").json()["ok"] is True


def test_workflow_through_the_api(api, world, planning, media):
    """GIVEN a plan WHEN the steps are posted in order THEN each succeeds once its conditions hold."""
    client = api.as_(planning.legal)
    url = f"/api/plans/{planning.plan.pk}"
    response = client.post(f"{url}/submit/", {"note": "报批"})
    assert response.status_code == 400 and "重点单位全覆盖" in " ".join(response.json()["non_field_errors"])
    fill_valid_plan(planning)
    # A skipped step is refused with its reason.
    response = client.post(f"{url}/file/", {})
    assert response.status_code == 400 and "不能直接变为" in response.content.decode()
    assert client.post(f"{url}/submit/", {"note": "报区政府"}).json()["status"] == "submitted"
    response = client.post(f"{url}/approve/", {"approval_kind": "document", "approval_reference": "东政文〔2026〕3号"})
    assert response.status_code == 400 and "attachment" in response.json()
    response = client.post(
        f"{url}/approve/",
        {
            "approval_kind": "document",
            "approval_reference": "东政文〔2026〕3号",
            "approved_on": timezone.localdate().isoformat(),
            "attachment": pdf(),
        },
        format="multipart",
    )
    assert response.status_code == 200 and response.json()["approval_reference"] == "东政文〔2026〕3号"
    assert client.post(f"{url}/file/", {"note": "报市局"}, format="multipart").json()["status"] == "filed"
    response = client.post(f"{url}/acknowledge/", {})
    assert response.status_code == 403 and "上级" in response.json()["detail"]
    assert api.as_(world.people.city_legal).post(f"{url}/acknowledge/", {}).status_code == 200
    client = api.as_(planning.legal)
    response = client.post(f"{url}/publish/", {"published_where": "东城区应急管理局网站"})
    assert response.status_code == 200 and response.json()["status"] == "published"
    transitions = client.get(f"{url}/transitions/").json()
    assert [(t["from_status"], t["to_status"], t["by"]) for t in transitions][-3:] == [
        ("approved", "filed", "county_a_legal"),
        ("filed", "filed", "city_legal"),
        ("filed", "published", "county_a_legal"),
    ]
    approved = next(t for t in transitions if t["to_status"] == "approved")
    assert approved["has_attachment"]
    response = client.get(f"{url}/attachments/{approved['id']}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    # Revise: a new draft version, 201.
    response = client.post(f"{url}/revise/", {"reason": "增加专项检查"})
    assert response.status_code == 201 and response.json()["version"] == 2 and response.json()["status"] == "draft"


def test_workflow_actions_out_of_scope_are_404(api, world, planning, county_b_legal, media):
    fill_valid_plan(planning)
    services.submit_plan(planning.legal, planning.plan.pk)
    services.approve_plan(planning.legal, planning.plan.pk, "document", "x", pdf(), approved_on=timezone.localdate())
    transition = PlanTransition.objects.get(plan=planning.plan, to_status=S.APPROVED)
    client = api.as_(county_b_legal)
    url = f"/api/plans/{planning.plan.pk}"
    for action in ("submit", "approve", "file", "acknowledge", "publish", "revise"):
        assert client.post(f"{url}/{action}/", {}).status_code == 404, action
    assert client.get(f"{url}/attachments/{transition.pk}/").status_code == 404
    planning.plan.refresh_from_db()
    assert planning.plan.status == S.APPROVED


def test_officer_may_not_take_workflow_steps(api, world, planning):
    fill_valid_plan(planning)
    response = api.as_(world.people.county_a_officer).post(f"/api/plans/{planning.plan.pk}/submit/", {})
    assert response.status_code == 403


# --- plan items ----------------------------------------------------------------------------------


def test_plan_item_crud(api, world, planning):
    client = api.as_(planning.legal)
    payload = {
        "plan": planning.plan.pk,
        "enterprise": planning.general[0].pk,
        "planned_month": 5,
        "mode": "key",
        "officers": [o.pk for o in planning.officers],
    }
    response = client.post("/api/plan-items/", payload, format="json")
    assert response.status_code == 201, response.content
    item_id = response.json()["id"]
    response = client.patch(f"/api/plan-items/{item_id}/", {"planned_month": 8, "team": "二队"}, format="json")
    assert response.status_code == 200 and response.json()["planned_month"] == 8
    data = rows(client.get("/api/plan-items/", {"plan": planning.plan.pk}))
    assert [(d["enterprise_name"], d["planned_month"]) for d in data] == [("东城一般企业0", 8)]
    assert client.delete(f"/api/plan-items/{item_id}/").status_code == 204
    assert not PlanItem.objects.exists()


def test_plan_item_for_another_levels_enterprise_is_refused(api, world, planning):
    client = api.as_(planning.legal)
    response = client.post(
        "/api/plan-items/",
        {"plan": planning.plan.pk, "enterprise": world.ent.city_key.pk, "planned_month": 5},
        format="json",
    )
    assert response.status_code == 400
    assert "一家生产经营单位对应一个层级的执法主体" in " ".join(response.json()["enterprise"])
    response = client.post(
        "/api/plan-items/",
        {
            "plan": planning.plan.pk,
            "enterprise": planning.general[0].pk,
            "planned_month": 5,
            "officers": [planning.expired.pk],
        },
        format="json",
    )
    assert response.status_code == 400 and "officers" in response.json()
    assert not PlanItem.objects.exists()


def test_plan_items_out_of_scope_are_404(api, world, planning, county_b_legal):
    item = services.add_item(planning.legal, planning.plan.pk, planning.general[0], 6, officers=planning.officers)
    client = api.as_(county_b_legal)
    assert client.get(f"/api/plan-items/{item.pk}/").status_code == 404
    assert client.patch(f"/api/plan-items/{item.pk}/", {"planned_month": 1}, format="json").status_code == 404
    assert client.delete(f"/api/plan-items/{item.pk}/").status_code == 404
    assert rows(client.get("/api/plan-items/")) == []
    response = client.post(
        "/api/plan-items/", {"plan": planning.plan.pk, "enterprise": world.ent.b_general.pk, "planned_month": 2}
    )
    assert response.status_code == 400 and "plan" in response.json()
    assert PlanItem.objects.count() == 1


def test_items_of_a_submitted_plan_cannot_change(api, planning):
    fill_valid_plan(planning)
    services.submit_plan(planning.legal, planning.plan.pk)
    item = planning.plan.items.first()
    response = api.as_(planning.legal).patch(f"/api/plan-items/{item.pk}/", {"planned_month": 1}, format="json")
    assert response.status_code == 400 and "只有草稿状态的计划可以修改" in response.content.decode()


# --- draws ---------------------------------------------------------------------------------------

DRAW = {
    "title": "一般单位抽查",
    "sample_size": 3,
    "officers_per_enterprise": 2,
    "definition": {"supervision_class": "general"},
}


def test_draw_create_verify_redraw_publish_and_add(api, world, planning, officers):
    client = api.as_(planning.legal)
    response = client.post("/api/draws/", {**DRAW, "organisation": world.orgs.county_a.pk}, format="json")
    assert response.status_code == 201, response.content
    draw = response.json()
    assert draw["enterprise_pool_size"] == 6 and len(draw["result"]) == 3 and draw["is_current"]
    assert client.get(f"/api/draws/{draw['id']}/verify/").json()["verified"] is True
    response = client.post(f"/api/draws/{draw['id']}/redraw/", {"reason": ""}, format="json")
    assert response.status_code == 400
    response = client.post(f"/api/draws/{draw['id']}/redraw/", {"reason": "停产"}, format="json")
    assert response.status_code == 201 and response.json()["redraw_of"] == draw["id"]
    new_id = response.json()["id"]
    listed = {d["id"]: d for d in rows(client.get("/api/draws/"))}
    assert listed[draw["id"]]["is_current"] is False and listed[new_id]["is_current"] is True
    assert "result" not in listed[new_id]
    response = client.post(
        f"/api/draws/{new_id}/add-to-plan/", {"plan": planning.plan.pk, "planned_month": 6}, format="json"
    )
    assert response.json() == {"added": 3, "plan": planning.plan.pk, "already_planned": []}
    response = client.post(f"/api/draws/{new_id}/publish/")
    assert response.status_code == 200 and response.json()["published_at"]
    assert rows(client.get("/api/draws/", {"published": "true"}))[0]["id"] == new_id


def test_draws_out_of_scope_are_404(api, world, planning, officers, county_b_legal):
    draw = draw_services.create_draw(planning.legal, world.orgs.county_a, "抽查", {"supervision_class": "general"}, 2)
    client = api.as_(county_b_legal)
    assert client.get(f"/api/draws/{draw.pk}/").status_code == 404
    assert client.get(f"/api/draws/{draw.pk}/verify/").status_code == 404
    assert client.post(f"/api/draws/{draw.pk}/redraw/", {"reason": "x"}).status_code == 404
    assert client.post(f"/api/draws/{draw.pk}/publish/").status_code == 404
    assert rows(client.get("/api/draws/")) == []
    response = client.post("/api/draws/", {**DRAW, "organisation": world.orgs.county_a.pk}, format="json")
    assert response.status_code == 400 and Draw.objects.count() == 1


# --- library and conflicts -----------------------------------------------------------------------


def test_check_item_library(api, world):
    from enforcement.enterprises.models import Sector

    chemicals = Sector.objects.get(code="hazardous_chemicals")
    client = api.as_(world.people.county_a_officer)
    data = client.get("/api/check-items/", {"sector": chemicals.pk, "page_size": 100}).json()["results"]
    assert {d["sector"] for d in data} == {None, chemicals.pk}
    assert sum(d["principal_duty"] for d in data) == 7
    assert client.post("/api/check-items/", {}).status_code == 405


def test_conflict_declarations(api, world, planning, county_b_legal):
    officer = world.people.county_a_officer
    client = api.as_(officer)
    response = client.post("/api/conflict-declarations/", {"enterprise": world.ent.a_general.pk, "relation": "亲属"})
    assert response.status_code == 201, response.content
    declaration_id = response.json()["id"]
    response = client.post("/api/conflict-declarations/", {"enterprise": world.ent.a_general.pk, "relation": "亲属"})
    assert response.status_code == 400 and "已申报过" in response.content.decode()
    assert [d["id"] for d in rows(client.get("/api/conflict-declarations/"))] == [declaration_id]
    # A colleague sees nothing and cannot withdraw it; the legal sections of the county and city see it.
    assert rows(api.as_(world.people.county_a_officer2).get("/api/conflict-declarations/")) == []
    assert (
        api.as_(world.people.county_a_officer2).delete(f"/api/conflict-declarations/{declaration_id}/").status_code
        == 404
    )
    for user in (planning.legal, world.people.city_legal):
        assert [d["id"] for d in rows(api.as_(user).get("/api/conflict-declarations/"))] == [declaration_id]
        # They read it but declare nothing themselves: refused, and it stays.
        assert api.as_(user).delete(f"/api/conflict-declarations/{declaration_id}/").status_code == 403
        assert ConflictDeclaration.objects.filter(pk=declaration_id).exists()
    assert rows(api.as_(county_b_legal).get("/api/conflict-declarations/")) == []
    assert api.as_(county_b_legal).get(f"/api/conflict-declarations/{declaration_id}/").status_code == 404
    # The officer withdraws it.
    assert api.as_(officer).delete(f"/api/conflict-declarations/{declaration_id}/").status_code == 204
    assert not ConflictDeclaration.objects.exists()
