"""双随机 draw pages and conflict declarations: create, verify, redraw with history, add to plan, publish,
the public list; scope (county B cannot see county A's draws); officers declare and withdraw their own
conflicts."""

import pytest

from plans.draws import services
from plans.models import ConflictDeclaration, Draw, PlanItem
from tests.factories import CertificateFactory, UserFactory
from tests.plans import test_pages
from tests.plans.test_pages import body, login

# Fixtures shared with the page tests.
county_b_legal = test_pages.county_b_legal

DEFINITION = {"supervision_class": "general", "sectors": [], "organisations": [], "responsible_only": True}


@pytest.fixture
def officers(planning, world):
    extra = [
        UserFactory(username=f"county_a_o{i}", organisation=world.orgs.county_a, roles=["officer"]) for i in range(3)
    ]
    for user in extra:
        CertificateFactory(holder=user)
    return [*planning.officers, *extra]


@pytest.fixture
def draw(planning, officers):
    return services.create_draw(planning.legal, planning.plan.organisation, "一般单位抽查", DEFINITION, 3, seed="s1")


def draw_form(planning, **overrides):
    data = {
        "title": "2026年第二季度双随机抽查",
        "organisation": planning.plan.organisation_id,
        "plan": "",
        "supervision_class": "general",
        "responsible_only": "on",
        "sample_size": 3,
        "officers_per_enterprise": 2,
    }
    data.update(overrides)
    return data


def test_create_draw_through_the_page(client, planning, officers):
    login(client, planning.legal)
    page = body(client.get("/plans/draws/new/", {"plan": planning.plan.pk}))
    assert f'<option value="{planning.plan.pk}" selected' in page
    response = client.post("/plans/draws/new/", draw_form(planning, plan=planning.plan.pk))
    draw = Draw.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/plans/draws/{draw.pk}/"
    assert draw.plan == planning.plan and len(draw.result) == 3
    assert set(draw.enterprise_pool) == {e.pk for e in planning.general}
    page = body(client.get(f"/plans/draws/{draw.pk}/"))
    assert draw.seed in page and "sha256-rank-v1" in page
    assert '<dd id="pool-enterprises">6 家</dd>' in page
    assert 'id="draw-verify"><span class="badge badge--ok">一致</span>' in page
    for row in draw.result:
        assert planning.general[0].__class__.objects.get(pk=row["enterprise"]).name in page


def test_create_draw_explains_an_impossible_sample(client, planning, officers):
    login(client, planning.legal)
    response = client.post("/plans/draws/new/", draw_form(planning, sample_size=50))
    assert response.status_code == 400
    assert "抽取数量（50）超过企业库数量（6）" in body(response)
    assert "2026年第二季度双随机抽查" in body(response)  # what was typed stays
    response = client.post("/plans/draws/new/", draw_form(planning, officers_per_enterprise=1))
    assert response.status_code == 400 and not Draw.objects.exists()


def test_tampered_draw_is_flagged(client, planning, draw):
    Draw.objects.filter(pk=draw.pk).update(
        result=[{"enterprise": r["enterprise"], "officers": [1, 2]} for r in draw.result]
    )
    login(client, planning.legal)
    assert "不一致" in body(client.get(f"/plans/draws/{draw.pk}/"))


def test_redraw_needs_a_reason_and_shows_the_history_chain(client, planning, draw):
    login(client, planning.legal)
    response = client.post(f"/plans/draws/{draw.pk}/redraw/", {"reason": ""})
    assert response.status_code == 400 and "该字段是必填项" in body(response)
    response = client.post(f"/plans/draws/{draw.pk}/redraw/", {"reason": "抽中企业已停产"})
    new = Draw.objects.get(redraw_of=draw)
    assert response["Location"] == f"/plans/draws/{new.pk}/"
    page = body(client.get(f"/plans/draws/{new.pk}/"))
    assert "抽中企业已停产" in page and f'href="/plans/draws/{draw.pk}/"' in page and 'id="redraw-history"' in page
    old_page = body(client.get(f"/plans/draws/{draw.pk}/"))
    assert "本批次已于" in old_page and f'href="/plans/draws/{new.pk}/"' in old_page
    assert 'id="redraw"' not in old_page and 'id="add-to-plan"' not in old_page
    # A superseded draw cannot be redrawn again.
    response = client.post(f"/plans/draws/{draw.pk}/redraw/", {"reason": "再抽"})
    assert response.status_code == 400 and "已被重新抽取" in body(response)


def test_add_draw_to_plan_through_the_page(client, planning, draw):
    login(client, planning.legal)
    response = client.post(f"/plans/draws/{draw.pk}/add-to-plan/", {"plan": planning.plan.pk, "planned_month": 7})
    assert response.status_code == 302 and response["Location"].startswith(f"/plans/{planning.plan.pk}/")
    items = PlanItem.objects.filter(plan=planning.plan, draw=draw)
    assert items.count() == 3 and all(i.mode == "random" and i.planned_month == 7 for i in items)
    assert all(i.officers.count() == 2 for i in items)
    page = body(client.get(f"/plans/draws/{draw.pk}/"))
    assert 'id="draw-added"' in page and "7月，3项" in page
    response = client.post(f"/plans/draws/{draw.pk}/add-to-plan/", {"plan": "", "planned_month": 7})
    assert response.status_code == 400


def test_publish_and_public_list(client, world, planning, draw):
    login(client, planning.legal)
    assert client.get(f"/plans/draws/{draw.pk}/public/").status_code == 404  # not published yet
    response = client.post(f"/plans/draws/{draw.pk}/publish/")
    assert response.status_code == 302
    draw.refresh_from_db()
    assert draw.published_at is not None
    page = body(client.get(f"/plans/draws/{draw.pk}/public/"))
    assert "抽查结果公示" in page and "data-print" in page  # static/js/app.js prints (no inline onclick: CSP)
    names = {e.name for e in planning.general if e.pk in {r["enterprise"] for r in draw.result}}
    assert all(name in page for name in names)
    # A published draw cannot be redrawn, nor published twice.
    response = client.post(f"/plans/draws/{draw.pk}/redraw/", {"reason": "x"})
    assert "已公示的抽取结果不能重新抽取" in body(response)
    response = client.post(f"/plans/draws/{draw.pk}/publish/", follow=True)
    assert "已于" in body(response)
    # In scope for the city and the county's officers; not for county B.
    for user in (world.people.city_legal, world.people.county_a_officer):
        login(client, user)
        assert client.get(f"/plans/draws/{draw.pk}/public/").status_code == 200


@pytest.mark.parametrize("persona", ["county_b_officer", "county_b_legal", "township_a_user"])
def test_draw_pages_are_404_outside_the_scope(client, world, planning, draw, persona, county_b_legal):
    services.publish_draw(planning.legal, draw.pk)
    user = county_b_legal if persona == "county_b_legal" else getattr(world.people, persona)
    login(client, user)
    for url in (f"/plans/draws/{draw.pk}/", f"/plans/draws/{draw.pk}/public/"):
        assert client.get(url).status_code == 404, url
    for url in (f"/plans/draws/{draw.pk}/redraw/", f"/plans/draws/{draw.pk}/publish/"):
        assert client.post(url, {"reason": "x"}).status_code == 404, url
    assert draw.title not in body(client.get("/plans/draws/"))
    assert Draw.objects.count() == 1


def test_draw_list_shows_the_scope_and_the_state(client, world, planning, draw, django_assert_max_num_queries):
    services.redraw(planning.legal, draw.pk, "重抽")
    login(client, world.people.city_legal)
    with django_assert_max_num_queries(10):
        page = body(client.get("/plans/draws/"))
    assert page.count("一般单位抽查") == 2 and "已重新抽取" in page and "待公示" in page


def test_officers_cannot_create_draws(client, world, planning):
    login(client, world.people.county_a_officer)
    assert client.get("/plans/draws/new/").status_code == 403
    assert 'id="link-create-draw"' not in body(client.get("/plans/draws/"))


# --- conflict declarations -----------------------------------------------------------------------


def test_officer_declares_sees_and_withdraws_their_own(client, world, planning, county_b_legal):
    officer, colleague = world.people.county_a_officer, world.people.county_a_officer2
    login(client, officer)
    page = body(client.get("/plans/conflicts/", {"q": "东城机械"}))
    assert "东城机械厂" in page and "西山" not in page
    response = client.post("/plans/conflicts/", {"enterprise": world.ent.a_general.pk, "relation": "配偶在该单位任职"})
    assert response.status_code == 302
    declaration = ConflictDeclaration.objects.get(officer=officer)
    page = body(client.get("/plans/conflicts/"))
    assert "配偶在该单位任职" in page and 'id="scope-conflicts"' not in page
    # Twice is explained.
    response = client.post("/plans/conflicts/", {"enterprise": world.ent.a_general.pk, "relation": "再报一次"})
    assert response.status_code == 400 and "已申报过" in body(response)
    # A colleague neither sees nor withdraws it.
    login(client, colleague)
    assert "配偶在该单位任职" not in body(client.get("/plans/conflicts/"))
    assert client.post(f"/plans/conflicts/{declaration.pk}/withdraw/").status_code == 404
    # The legal section of the county and of the city see it; county B does not.
    for user in (planning.legal, world.people.city_legal):
        login(client, user)
        page = body(client.get("/plans/conflicts/"))
        assert "配偶在该单位任职" in page[page.index('id="scope-conflicts"') :]
        assert client.post(f"/plans/conflicts/{declaration.pk}/withdraw/").status_code == 404
    login(client, county_b_legal)
    assert "配偶在该单位任职" not in body(client.get("/plans/conflicts/"))
    # The officer withdraws it.
    login(client, officer)
    assert client.post(f"/plans/conflicts/{declaration.pk}/withdraw/").status_code == 302
    assert not ConflictDeclaration.objects.exists()


def test_declaring_for_an_enterprise_out_of_scope_is_refused(client, world):
    login(client, world.people.county_a_officer)
    response = client.post("/plans/conflicts/", {"enterprise": world.ent.b_general.pk, "relation": "亲属"})
    assert response.status_code == 400 and not ConflictDeclaration.objects.exists()


def test_declared_conflict_is_excluded_from_the_next_draw(client, world, planning, officers):
    target = planning.general[0]
    login(client, officers[0])
    client.post("/plans/conflicts/", {"enterprise": target.pk, "relation": "曾在该单位工作"})
    draw = services.create_draw(planning.legal, planning.plan.organisation, "全部", DEFINITION, 6)
    assert [officers[0].pk, target.pk] in draw.excluded_pairs
    row = next(r for r in draw.result if r["enterprise"] == target.pk)
    assert officers[0].pk not in row["officers"]


def test_people_without_any_conflict_permission_are_refused(client, world):
    login(client, world.people.social_supervisor)
    assert client.get("/plans/conflicts/").status_code == 403
