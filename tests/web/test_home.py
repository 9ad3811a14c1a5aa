"""The home page tells each persona who they are and what they reach."""

import re

from guardian.shortcuts import assign_perm

from enforcement.enterprises.models import Sector
from tests.factories import EnterpriseFactory


def stat(body, name):
    match = re.search(rf'id="count-{name}">(\d+)<', body)
    assert match, f"count-{name} missing"
    return int(match.group(1))


def home(browse, user):
    response = browse.as_(user).get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_county_officer_home(browse, world):
    body = home(browse, world.people.county_a_officer)
    assert "东城区应急管理局" in body
    assert "县（市、区）级" in body
    assert "法定执法主体" in body
    assert "执法人员" in body
    assert "可查看本单位（东城区应急管理局）及其下级单位的数据" in body
    # county A, its township and its park
    assert "共 3 个单位" in body
    assert (stat(body, "total"), stat(body, "key"), stat(body, "general")) == (4, 1, 3)
    assert stat(body, "hazard") == 1
    assert "西山" not in body
    assert 'href="/enterprises/new/"' in body  # officers may add an enterprise …
    assert 'href="/enterprises/import/"' not in body  # … but loading workbooks is the register administrators'
    assert 'href="/admin/"' not in body
    assert 'href="/api/docs/"' not in body


def test_township_user_home_shows_delegated_powers(browse, world):
    body = home(browse, world.people.township_a_user)
    assert "城关镇人民政府" in body
    assert "受委托执法" in body
    assert "委托机关：东城区应急管理局" in body
    assert "工贸企业日常检查" in body
    assert "共 1 个单位" in body
    assert stat(body, "total") == 1


def test_city_user_home_counts_every_county(browse, world):
    body = home(browse, world.people.city_legal)
    assert "市级" in body
    assert "法规科（执法监督）" in body
    assert "共 6 个单位" in body
    assert (stat(body, "total"), stat(body, "key"), stat(body, "general")) == (6, 1, 5)


def test_home_counts_by_sector(browse, world):
    second = Sector.objects.order_by("sort_order")[1]
    EnterpriseFactory(
        name="东城危化仓储",
        organisation=world.orgs.county_a,
        sector=second,
        supervision_class="key",
        class_reason="重大危险源",
    )
    body = home(browse, world.people.county_a_officer)
    table = body[body.index('id="by-sector"') :]
    rows = re.findall(
        r"sector=(\d+)\">([^<]+)</a>.*?<td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>"
        r"<td class=\"num strong\">(\d+)</td>",
        table,
        re.S,
    )
    by_name = {name: (int(key), int(general), int(total)) for _pk, name, key, general, total in rows}
    first = Sector.objects.order_by("sort_order")[0]
    assert by_name == {first.name: (1, 3, 4), second.name: (1, 0, 1)}


def test_social_supervisor_home_before_and_after_sharing(browse, world):
    supervisor = world.people.social_supervisor
    body = home(browse, supervisor)
    assert "仅可查看明确共享给您的数据" in body
    assert stat(body, "total") == 0
    assert 'href="/enterprises/import/"' not in body
    assert 'href="/enterprises/new/"' not in body
    assign_perm("enterprises.view_enterprise", supervisor, world.ent.b_general)
    assert stat(home(browse, supervisor), "total") == 1


def test_staff_admin_sees_admin_link(browse, world):
    admin = world.people.city_admin
    admin.is_staff = True
    admin.save()
    body = home(browse, admin)
    assert 'href="/admin/"' in body
    assert "系统管理员" in body


def test_user_without_roles_sees_nothing(browse, world):
    body = home(browse, world.people.nobody)
    assert "未分配角色" in body
    assert stat(body, "total") == 0


def test_home_is_a_handful_of_queries(browse, world, django_assert_max_num_queries):
    client = browse.as_(world.people.city_legal)
    for n in range(30):
        EnterpriseFactory(organisation=world.orgs.county_b, sector=Sector.objects.order_by("sort_order")[n % 5])
    # 12 for the cards (with restrict()'s "any shared grants?" probe) and 26 for the city legal section's
    # to-do list and key figures, each a fixed number of queries whatever the data (tests/web/test_todo.py).
    with django_assert_max_num_queries(38):
        assert client.get("/").status_code == 200
