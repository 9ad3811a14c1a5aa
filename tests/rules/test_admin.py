"""The legal parameters' admin: a city administrator sets its own area's values; national rows are a superuser's;
a county administrator only looks. Changes are audited."""

import pytest

from enforcement.audit.models import AuditEvent
from enforcement.rules.models import LegalRule
from tests.factories import UserFactory

RULES = "/admin/rules/legalrule/"


def new_row(province, **changes):
    data = {
        "key": "hearing_threshold_unit",
        "province": province.pk if province else "",
        "basis": "rule",
        "value": "100000",
        "unit": "元",
        "article": "河川市安全生产行政处罚听证规定 第3条",
        "source": "河川市人民政府令（测试）",
        "effective_from": "2026-12-01",
        "effective_to": "",
        "status": "in_force",
        "note": "",
    }
    return {**data, **changes}


def test_city_admin_sets_the_citys_hearing_amount(world, admin_as, city_admin):
    """GIVEN the city administrator WHEN it adds its own hearing amount THEN saved for the city and audited."""
    client = admin_as(city_admin)
    response = client.post(f"{RULES}add/", new_row(world.orgs.city))
    assert response.status_code == 302, response.content.decode()[:2000]
    row = LegalRule.objects.get(province=world.orgs.city)
    assert AuditEvent.objects.filter(actor=city_admin, action="create", target_id=str(row.pk)).exists()
    assert "听证罚款数额标准（单位）" in client.get(RULES).content.decode()


def test_city_admin_cannot_add_or_change_a_national_row(world, admin_as, city_admin):
    client = admin_as(city_admin)
    response = client.post(f"{RULES}add/", new_row(None))
    assert response.status_code == 200 and response.context["adminform"].form.errors["province"]
    national = LegalRule.objects.filter(province__isnull=True).first()
    assert client.post(f"{RULES}{national.pk}/change/", new_row(None, value="1")).status_code == 403
    national.refresh_from_db()
    assert national.value != 1


def test_an_overlap_is_shown_as_a_form_error(world, admin_as, city_admin):
    client = admin_as(city_admin)
    assert client.post(f"{RULES}add/", new_row(world.orgs.city)).status_code == 302
    response = client.post(f"{RULES}add/", new_row(world.orgs.city, effective_from="2027-01-01"))
    assert "有效期重叠" in str(response.context["adminform"].form.errors)


def test_county_admin_only_looks(world, admin_as, county_a_admin):
    client = admin_as(county_a_admin)
    assert client.get(RULES).status_code == 200
    assert client.post(f"{RULES}add/", new_row(world.orgs.county_a)).status_code == 403
    assert not LegalRule.objects.filter(province=world.orgs.county_a).exists()


def test_superuser_maintains_national_rows(world, admin_as):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    response = admin_as(root).post(
        f"{RULES}add/", new_row(None, key="summary_max_person", value="300", effective_from="2030-01-01")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert LegalRule.objects.filter(key="summary_max_person", province__isnull=True).count() == 2


@pytest.mark.parametrize("query", ["?key=hearing_threshold_unit", "?status__exact=to_confirm"])
def test_list_filters(world, admin_as, city_admin, query):
    response = admin_as(city_admin).get(RULES + query)
    assert response.status_code == 200 and response.context["cl"].result_count > 0
