"""Shared reference tables (sectors, the check-item library) are changed by the city, only looked at by counties."""

import pytest

from enforcement.enterprises.models import Sector
from plans.models import CheckItem

SECTORS = "/admin/enterprises/sector/"
CHECK_ITEMS = "/admin/plans/checkitem/"


@pytest.fixture
def sector():
    return Sector.objects.order_by("pk").first()


def test_county_admin_sees_sectors_but_cannot_add_change_or_delete(world, admin_as, county_a_admin, sector):
    client = admin_as(county_a_admin)
    assert client.get(SECTORS).status_code == 200
    assert client.get(f"{SECTORS}add/").status_code == 403
    assert client.post(f"{SECTORS}add/", {"name": "县里新增", "code": "X99", "sort_order": 1}).status_code == 403
    assert client.post(f"{SECTORS}{sector.pk}/change/", {"name": "改名"}).status_code == 403
    assert client.post(f"{SECTORS}{sector.pk}/delete/", {"post": "yes"}).status_code == 403
    sector.refresh_from_db()
    assert sector.name != "改名" and not Sector.objects.filter(code="X99").exists()


def test_county_admin_cannot_edit_the_check_item_library(world, admin_as, county_a_admin):
    item = CheckItem.objects.order_by("pk").first()
    client = admin_as(county_a_admin)
    assert client.get(CHECK_ITEMS).status_code == 200
    assert client.get(f"{CHECK_ITEMS}add/").status_code == 403
    assert client.post(f"{CHECK_ITEMS}{item.pk}/change/", {"text": "改写"}).status_code == 403


def test_city_admin_maintains_the_sector_table(world, admin_as, city_admin):
    client = admin_as(city_admin)
    response = client.post(
        f"{SECTORS}add/",
        {
            "name": "储能电站",
            "code": "ES1",
            "sort_order": 99,
            "high_risk": "on",
            "is_active": "on",
            # The sector's aliases inline (issue 9 item 7), left empty.
            "aliases-TOTAL_FORMS": "0",
            "aliases-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Sector.objects.filter(code="ES1", name="储能电站").exists()


ALIASES = "/admin/enterprises/sectoralias/"


def test_city_admin_extends_the_sector_aliases_counties_only_look(world, admin_as, city_admin, county_a_admin, sector):
    """Issue 9 item 7: the names counties write for sectors are a table the city's administrators extend."""
    from enforcement.enterprises.models import SectorAlias

    county = admin_as(county_a_admin)
    assert county.get(ALIASES).status_code == 200
    assert county.post(f"{ALIASES}add/", {"alias": "县里别名", "sector": sector.pk}).status_code == 403
    city = admin_as(city_admin)
    response = city.post(f"{ALIASES}add/", {"alias": "储能", "sector": sector.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SectorAlias.objects.get(alias="储能").sector == sector
    assert "危化" in city.get(ALIASES).content.decode()  # the seeded aliases are listed
