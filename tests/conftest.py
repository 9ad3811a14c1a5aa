"""Named personas shared by all tests.

A small fictional city: 河川市 (city) with two counties, 东城区 (county A, with township 城关镇 and
industrial park 东城工业园) and 西山县 (county B, with township 西山镇). Each persona is a user in one of
these with the roles they would really hold.
"""

import os
from types import SimpleNamespace

import pytest

from enforcement.orgs.models import Organisation
from tests import clock
from tests.factories import CertificateFactory, EnterpriseFactory, OrganisationFactory, UserFactory

pytest_plugins = ["tests.celery_fixture"]

# Playwright's sync API runs an event loop in the test thread; Django must still allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

L = Organisation.Level


def pytest_configure(config):
    # TEST_CLOCK moves the clock for the whole session (tests/clock.py): the suite must pass on any day.
    config._test_clock = clock.start_from_environment()
    config.addinivalue_line(
        "markers",
        "clock(instant): run the test with the clock moved to this ISO 8601 instant (ticking from there); for "
        "tests built on a dated data set that needs one calendar position. See tests/clock.py.",
    )


def pytest_unconfigure(config):
    traveller = getattr(config, "_test_clock", None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config):
    return clock.describe()


@pytest.fixture(autouse=True)
def _clock_marker(request):
    """``@pytest.mark.clock("2026-11-20T10:00:00+08:00")``: move the clock before any other fixture runs, so
    the personas' certificates and every "today" agree with the dated data set the test builds."""
    marker = request.node.get_closest_marker("clock")
    if marker is not None:
        request.getfixturevalue("time_machine").move_to(clock.parse(marker.args[0]), tick=True)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness buys nothing in tests and costs seconds per persona.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _sessions_outlive_clock_jumps(settings):
    # Many tests move the clock by hours or days between two requests of one signed-in client (a deadline
    # passes, a photo expires); a real user would sign in again after the 30-minute idle limit. The idle
    # limit itself is tested in tests/accounts/test_deployment.py, which sets it back.
    settings.SESSION_COOKIE_AGE = 14 * 24 * 3600


@pytest.fixture(autouse=True)
def _empty_cache():
    # DRF's throttles (the token endpoint) count in the cache: one test's requests must not slow the next.
    from django.core.cache import cache

    from enforcement.workdays import calendar

    cache.clear()
    # The holiday calendar's per-process copy: a rolled-back test's calendar rows send no signal.
    calendar.forget()


@pytest.fixture
def world(db):
    return build_world()


def build_world():
    """The personas' world, for fixtures of any scope (the access walk builds it once per module)."""
    city = OrganisationFactory(name="河川市应急管理局", short_name="川", level=L.CITY, division_code="419900")
    county_a = OrganisationFactory(
        name="东城区应急管理局", short_name="东", level=L.COUNTY, parent=city, division_code="419901"
    )
    county_b = OrganisationFactory(
        name="西山县应急管理局", short_name="西", level=L.COUNTY, parent=city, division_code="419902"
    )
    township_a = OrganisationFactory(
        name="城关镇人民政府",
        short_name="城关",
        level=L.TOWNSHIP,
        parent=county_a,
        division_code="419901001",
        authority=Organisation.Authority.DELEGATED,
        delegated_by=county_a,
        delegated_powers=["工贸企业日常检查"],
    )
    township_b = OrganisationFactory(
        name="西山镇人民政府", short_name="西山镇", level=L.TOWNSHIP, parent=county_b, division_code="419902001"
    )
    park_a = OrganisationFactory(
        name="东城工业园管委会",
        short_name="东园",
        level=L.ZONE,
        parent=county_a,
        authority=Organisation.Authority.DELEGATED,
        delegated_by=county_a,
        delegated_powers=["园区企业日常检查"],
    )
    orgs = SimpleNamespace(
        city=city, county_a=county_a, county_b=county_b, township_a=township_a, township_b=township_b, park_a=park_a
    )

    def user(username, org, roles, certified=False):
        u = UserFactory(username=username, organisation=org, roles=roles)
        if certified:
            CertificateFactory(holder=u)
        return u

    people = SimpleNamespace(
        city_legal=user("city_legal", city, ["legal"]),
        city_admin=user("city_admin", city, ["admin"]),
        county_a_officer=user("county_a_officer", county_a, ["officer"], certified=True),
        county_a_officer2=user("county_a_officer2", county_a, ["officer"], certified=True),
        county_b_officer=user("county_b_officer", county_b, ["officer"], certified=True),
        township_a_user=user("township_a_user", township_a, ["officer"], certified=True),
        social_supervisor=user("social_supervisor", city, ["social_supervisor"]),
        technical=user("technical", city, ["technical"]),
        nobody=user("nobody", county_a, []),
    )
    enterprises = SimpleNamespace(
        city_key=EnterpriseFactory(
            name="河川化工集团有限公司",
            organisation=county_a,
            responsible_org=city,
            supervision_class="key",
            class_reason="重大危险源",
            major_hazard_source=True,
        ),
        a_general=EnterpriseFactory(name="东城机械厂", organisation=county_a),
        a_township=EnterpriseFactory(name="城关纺织有限公司", organisation=township_a, responsible_org=county_a),
        a_park=EnterpriseFactory(name="园区建材有限公司", organisation=park_a),
        b_general=EnterpriseFactory(name="西山矿业有限公司", organisation=county_b),
        b_township=EnterpriseFactory(name="西山镇烟花爆竹店", organisation=township_b, responsible_org=county_b),
    )
    return SimpleNamespace(orgs=orgs, people=people, ent=enterprises)
