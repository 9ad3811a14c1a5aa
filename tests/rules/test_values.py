"""rule_value: the legal parameter in effect on a date for an organisation — by date (the sector rule reissued as
应急管理部令第18号 on 2026-02-01), by area (a province's own hearing amounts) and by basis (规章 over the law)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from enforcement.rules.keys import RuleKey
from enforcement.rules.models import LegalRule
from enforcement.rules.values import MissingRule, rule_value
from tests.factories import OrganisationFactory

D = datetime.date
K = RuleKey
pytestmark = pytest.mark.django_db


def add_rule(key, value, start, province=None, end=None, **extra):
    rule = LegalRule(
        key=key,
        value=value,
        province=province,
        effective_from=start,
        effective_to=end,
        article=extra.pop("article", "测试省安全生产行政处罚听证规定 第5条"),
        unit="元",
        **extra,
    )
    rule.full_clean()
    rule.save()
    return rule


def test_every_key_is_seeded():
    """GIVEN a migrated database THEN every key of the one key list has a national value today, with its article."""
    for key in RuleKey.values:
        value = rule_value(key, D(2026, 11, 20))
        assert value.article, key


def test_a_case_filed_before_and_after_order_18_reads_its_own_rule():
    """GIVEN a case filed 2026-01-15 WHEN its decision limit is read THEN the 2015 sector rule's 30 days (superseded
    since, but in effect on that day; nothing to confirm); GIVEN one filed 2026-03-01 THEN 应急管理部令第18号's row,
    the same 30 days but marked to be confirmed, with a warning for the page."""
    old = rule_value(K.DECISION_LIMIT_DAYS, D(2026, 1, 15))
    assert (old.value, old.source, old.status, old.to_confirm) == (
        Decimal(30),
        "安监总局令第77号(2015)",
        "superseded",
        False,
    )
    assert old.warning == ""
    new = rule_value(K.DECISION_LIMIT_DAYS, D(2026, 3, 1))
    assert (new.as_int(), new.source, new.to_confirm) == (30, "应急管理部令第18号", True)
    assert "应急管理部令第18号" in new.warning and "待核实" in new.warning
    assert rule_value(K.EXTENSION_HEAD_DAYS, D(2026, 3, 1)).as_int() == 90
    assert rule_value(K.EXTENSION_SUPERIOR_DAYS, D(2026, 1, 15)).as_int() == 180
    assert rule_value(K.HEARING_THRESHOLD_UNIT, D(2026, 1, 31)).status == "superseded"
    assert rule_value(K.HEARING_THRESHOLD_UNIT, D(2026, 2, 1)).status == "to_confirm"


def test_the_law_default_holds_where_no_sector_rule_is_in_effect():
    """GIVEN the sector rule's row ended (行政处罚法 第60条: 90 days "unless a rule says otherwise") WHEN the limit is
    read for a date after it THEN the law's 90 days."""
    order_18 = LegalRule.objects.get(key=K.DECISION_LIMIT_DAYS, source="应急管理部令第18号")
    order_18.effective_to = D(2026, 6, 30)
    order_18.save()
    value = rule_value(K.DECISION_LIMIT_DAYS, D(2026, 7, 1))
    assert (value.as_int(), value.article, value.to_confirm) == (90, "行政处罚法 第60条", False)


def test_a_province_override_applies_to_its_subtree_from_its_date(world):
    """GIVEN the city's own hearing amount for units (100,000 yuan) from 2026-03-01 WHEN a county under it reads the
    threshold THEN 100,000 from that date, the national value before it; another city's county reads the national
    value; the most specific area wins (a county row beats the city row)."""
    city_row = add_rule(K.HEARING_THRESHOLD_UNIT, 100000, D(2026, 3, 1), province=world.orgs.city)
    assert rule_value(K.HEARING_THRESHOLD_UNIT, D(2026, 3, 1), world.orgs.county_a).rule_id == city_row.pk
    assert rule_value(K.HEARING_THRESHOLD_UNIT, D(2026, 3, 1), world.orgs.township_a).value == Decimal(100000)
    assert rule_value(K.HEARING_THRESHOLD_UNIT, D(2026, 2, 28), world.orgs.county_a).value == Decimal(50000)
    assert rule_value(K.HEARING_THRESHOLD_UNIT, D(2026, 3, 1)).value == Decimal(50000)
    elsewhere = OrganisationFactory(name="别市应急管理局", level="city")
    assert rule_value(K.HEARING_THRESHOLD_UNIT, D(2026, 3, 1), elsewhere).value == Decimal(50000)
    add_rule(K.HEARING_THRESHOLD_UNIT, 80000, D(2026, 1, 1), province=world.orgs.county_b)
    assert rule_value(K.HEARING_THRESHOLD_UNIT, D(2026, 3, 1), world.orgs.county_b).value == Decimal(80000)
    assert rule_value(K.HEARING_THRESHOLD_UNIT, D(2026, 3, 1), world.orgs.county_a).value == Decimal(100000)


def test_one_query_whatever_the_depth(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        rule_value(K.HEARING_THRESHOLD_PERSON, D(2026, 3, 1), world.orgs.township_a)


def test_a_key_without_any_row_raises_a_chinese_error():
    LegalRule.objects.filter(key=K.PAYMENT_DAYS).delete()
    with pytest.raises(MissingRule, match="未配置法定参数“缴纳罚款期限”"):
        rule_value(K.PAYMENT_DAYS, D(2026, 3, 1))


def test_a_date_before_every_row_uses_the_nearest_and_asks_to_confirm():
    """GIVEN a case from 2010 (before every seeded row) THEN the earliest row is used, flagged, never an error."""
    value = rule_value(K.PAYMENT_DAYS, D(2010, 5, 1))
    assert (value.as_int(), value.in_effect, value.to_confirm) == (15, False, True)
    assert "没有有效的参数记录" in value.warning


def test_overlapping_periods_of_one_key_and_area_are_refused(world):
    """GIVEN the national open-ended 18号令 row WHEN another national rule row from 2026-06-01 is added THEN refused in
    Chinese (end the old row first); for another area, or after the old row's end, it is accepted."""
    with pytest.raises(ValidationError, match="有效期重叠"):
        add_rule(K.HEARING_THRESHOLD_UNIT, 60000, D(2026, 6, 1))
    add_rule(K.HEARING_THRESHOLD_UNIT, 60000, D(2026, 6, 1), province=world.orgs.city)
    with pytest.raises(ValidationError, match="有效期重叠"):
        add_rule(K.HEARING_THRESHOLD_UNIT, 70000, D(2025, 1, 1), province=world.orgs.city, end=D(2026, 6, 1))
    add_rule(K.HEARING_THRESHOLD_UNIT, 70000, D(2025, 1, 1), province=world.orgs.city, end=D(2026, 5, 31))
    with pytest.raises(ValidationError, match="失效日期不能早于生效日期"):
        add_rule(K.PAYMENT_DAYS, 15, D(2026, 6, 1), province=world.orgs.county_a, end=D(2026, 5, 1))
    with pytest.raises(ValidationError, match="未知的参数"):
        add_rule("no_such_key", 1, D(2026, 6, 1))
