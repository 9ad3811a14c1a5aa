"""The navigation shows each role only what it uses, and nothing it cannot open."""

import re

import pytest

from tests.factories import UserFactory


def nav(body):
    """The navigation entries' keys, in order."""
    block = body[body.index('class="site-nav"') : body.index("</nav>", body.index('class="site-nav"'))]
    return re.findall(r'data-nav="([\w]+)"', block)


def nav_links(body):
    block = body[body.index('class="site-nav"') : body.index("</nav>", body.index('class="site-nav"'))]
    return re.findall(r'<a href="([^"]+)" data-nav="([\w]+)"', block)


@pytest.fixture
def personas(world):
    city, county_a = world.orgs.city, world.orgs.county_a
    return {
        "officer": world.people.county_a_officer,
        "township_officer": world.people.township_a_user,
        "county_leader": UserFactory(username="a_leader", organisation=county_a, roles=["leader"]),
        "county_legal": UserFactory(username="a_legal", organisation=county_a, roles=["legal"]),
        "city_leader": UserFactory(username="c_leader", organisation=city, roles=["leader"]),
        "city_legal": world.people.city_legal,
        "city_business": UserFactory(username="c_business", organisation=city, roles=["business"]),
        "reviewer": UserFactory(username="c_reviewer", organisation=city, roles=["reviewer"]),
        "city_admin": world.people.city_admin,
        "technical": world.people.technical,
        "social_supervisor": world.people.social_supervisor,
        "nobody": world.people.nobody,
        "auditor": UserFactory(username="c_auditor", organisation=city, roles=["auditor"]),
    }


EXPECTED = {
    # Officers: the register, plans and draws to read, inspections, guidance letters, documents.
    "officer": ["home", "enterprises", "plans", "draws", "cases", "penalties", "guidance", "documents"],
    "township_officer": ["home", "enterprises", "plans", "draws", "cases", "penalties", "guidance", "documents"],
    # Leaders read everything of their scope; they do not import workbooks or read API documentation.
    "county_leader": [
        "home",
        "enterprises",
        "plans",
        "draws",
        "cases",
        "penalties",
        "progress",
        "guidance",
        "documents",
    ],
    "city_leader": ["home", "enterprises", "plans", "draws", "cases", "penalties", "progress", "guidance", "documents"],
    # The legal section administers the register (导入) and runs plans, inspections and supervision.
    "county_legal": [
        "home",
        "enterprises",
        "import",
        "plans",
        "draws",
        "cases",
        "penalties",
        "progress",
        "guidance",
        "documents",
    ],
    "city_legal": [
        "home",
        "enterprises",
        "import",
        "plans",
        "draws",
        "cases",
        "penalties",
        "progress",
        "guidance",
        "documents",
    ],
    "city_business": ["home", "enterprises", "import", "plans", "draws", "cases", "penalties", "progress", "documents"],
    "reviewer": ["home", "enterprises", "plans", "draws", "cases", "penalties", "progress", "documents"],
    # System administrators: the register and its import, the check-item library behind plans, API docs.
    "city_admin": ["home", "enterprises", "import", "plans", "draws", "documents", "api_docs"],
    "technical": ["home", "enterprises"],
    "social_supervisor": ["home", "enterprises"],
    "nobody": ["home"],
    # The auditor (等保2.0 审计管理员) reads the audit log and nothing else.
    "auditor": ["home", "audit"],
}


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_navigation_per_persona(browse, personas, persona):
    body = browse.as_(personas[persona]).get("/").content.decode()
    assert nav(body) == EXPECTED[persona]


@pytest.mark.parametrize("persona", ["officer", "county_leader", "city_leader", "township_officer"])
def test_officers_and_leaders_see_no_import_or_api_docs(browse, personas, persona):
    body = browse.as_(personas[persona]).get("/").content.decode()
    assert 'href="/enterprises/import/"' not in body
    assert 'href="/api/docs/"' not in body
    assert "导入" not in nav(body) and "接口文档" not in body


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_every_entry_opens(browse, personas, persona):
    """Nothing in the navigation answers 403 or 404 to the role it is shown to."""
    user = personas[persona]
    if persona == "city_admin":
        user.is_staff = True
        user.save()
    client = browse.as_(user)
    links = nav_links(client.get("/").content.decode())
    assert [key for _url, key in links][:1] == ["home"]
    for url, key in links:
        response = client.get(url)
        assert response.status_code == 200, (persona, key, url, response.status_code)


def test_staff_see_system_administration(browse, personas):
    admin = personas["city_admin"]
    admin.is_staff = True
    admin.save()
    body = browse.as_(admin).get("/").content.decode()
    assert nav(body)[-1] == "admin" and 'href="/admin/"' in body


def test_the_current_section_is_marked(browse, personas):
    client = browse.as_(personas["city_legal"])
    for url, key in [("/enterprises/", "enterprises"), ("/enterprises/import/", "import"), ("/plans/draws/", "draws")]:
        body = client.get(url).content.decode()
        active = re.findall(r'data-nav="(\w+)" class="is-active"', body)
        assert active == [key], url
