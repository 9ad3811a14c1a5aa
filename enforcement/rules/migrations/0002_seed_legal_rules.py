"""Seed the legal parameters (domain §3, §3.2, §11). Values marked [U] in the domain reference are seeded
"to be confirmed" so that pages warn until the legal section has checked them; provinces add their own rows."""

import datetime

from django.db import migrations

LAW_2021 = datetime.date(2021, 7, 15)  # 行政处罚法 (2021 revision) in force
SECTOR_2015 = datetime.date(2015, 5, 1)  # 安监总局令第77号 (2015) amending the sector rule [U: date to confirm]
SECTOR_2015_END = datetime.date(2026, 1, 31)
ORDER_18 = datetime.date(2026, 2, 1)  # 应急管理部令第18号 in force

SECTOR_RULE = "安全生产违法行为行政处罚办法"
SOURCE_2015 = "安监总局令第77号(2015)"
SOURCE_18 = "应急管理部令第18号"
NOTE_2015 = "2015年版办法的数值，2026-02-01起由应急管理部令第18号取代。"
NOTE_18 = "应急管理部令第18号条文未能取得，暂沿用2015年版数值，待法规科核实后修改本记录并改为“有效”。"
NOTE_TOTAL = "延长后自立案之日起的总期限（不是另加的天数）。"

# (key, value, unit, article, basis, note) of the sector rule: seeded twice, 2015 superseded and 18号令 to confirm.
SECTOR_VALUES = [
    ("decision_limit_days", 30, "日", f"{SECTOR_RULE}（办案期限）", ""),
    ("extension_head_days", 90, "日", f"{SECTOR_RULE}（经负责人批准延长）", NOTE_TOTAL),
    ("extension_superior_days", 180, "日", f"{SECTOR_RULE}（经上一级部门批准延长）", NOTE_TOTAL),
    ("hearing_threshold_person", 20000, "元", f"行政处罚法 第63条；{SECTOR_RULE}", "省级有规定的，按省级规定另行录入。"),
    ("hearing_threshold_unit", 50000, "元", f"行政处罚法 第63条；{SECTOR_RULE}", "省级有规定的，按省级规定另行录入。"),
]

# (key, value, unit, article, source, basis, status, note) from the law, in force since 2021-07-15.
LAW_VALUES = [
    ("decision_limit_days", 90, "日", "行政处罚法 第60条", "行政处罚法", "law", "in_force",
     "法律默认值：规章另有规定的，从其规定（行业办法的办案期限优先）。"),
    ("hearing_request_working_days", 5, "个工作日", "行政处罚法 第64条第1项", "行政处罚法", "law", "in_force",
     "2016年版文书式样写3日，已过时。"),
    ("hearing_notice_working_days", 7, "个工作日", "行政处罚法 第64条第2项、第85条", "行政处罚法", "law", "in_force", ""),
    ("statement_window_working_days", 3, "个工作日", "行政处罚法 第44条、第45条", "安全生产行政执法文书式样（2016年版）",
     "rule", "in_force", "2021年《行政处罚法》未规定陈述申辩期限；3个工作日沿用2016年版文书式样，可按本省规定调整。"),
    ("summary_max_person", 200, "元", "行政处罚法 第51条", "行政处罚法", "law", "in_force", ""),
    ("summary_max_unit", 3000, "元", "行政处罚法 第51条", "行政处罚法", "law", "in_force", ""),
    ("payment_days", 15, "日", "行政处罚法 第67条", "行政处罚法", "law", "in_force", ""),
    ("surcharge_rate_percent", 3, "%", "行政处罚法 第72条", "行政处罚法", "law", "in_force", "每日按罚款数额的3%加处，总额不超过罚款数额。"),
    ("absent_delivery_working_days", 7, "个工作日", "行政处罚法 第61条", "行政处罚法", "law", "in_force", ""),
    ("preservation_disposal_working_days", 7, "个工作日", "行政处罚法 第56条", "行政处罚法", "law", "in_force", ""),
    ("review_required_all_general", 1, "", "行政处罚法 第58条", "本省规定", "rule", "in_force",
     "1：一般程序案件均须法制审核（多数省份的做法）；0：仅第58条所列情形。"),
    ("collective_discussion_threshold_person", 20000, "元", "行政处罚法 第57条第2款", "本省规定", "rule", "to_confirm",
     "多数局采用听证数额标准，请按本局规定核实。"),
    ("collective_discussion_threshold_unit", 50000, "元", "行政处罚法 第57条第2款", "本省规定", "rule", "to_confirm",
     "多数局采用听证数额标准，请按本局规定核实。"),
]


def seed(apps, schema_editor):
    LegalRule = apps.get_model("rules", "LegalRule")
    rows = []
    for key, value, unit, article, note in SECTOR_VALUES:
        common = {"key": key, "value": value, "unit": unit, "article": article, "basis": "rule"}
        rows.append(
            LegalRule(
                **common,
                source=SOURCE_2015,
                effective_from=SECTOR_2015,
                effective_to=SECTOR_2015_END,
                status="superseded",
                note=" ".join(filter(None, [NOTE_2015, note])),
            )
        )
        rows.append(
            LegalRule(
                **common,
                source=SOURCE_18,
                effective_from=ORDER_18,
                status="to_confirm",
                note=" ".join(filter(None, [NOTE_18, note])),
            )
        )
    for key, value, unit, article, source, basis, status, note in LAW_VALUES:
        rows.append(
            LegalRule(
                key=key,
                value=value,
                unit=unit,
                article=article,
                source=source,
                basis=basis,
                status=status,
                effective_from=LAW_2021,
                note=note,
            )
        )
    LegalRule.objects.bulk_create(rows)


def unseed(apps, schema_editor):
    apps.get_model("rules", "LegalRule").objects.filter(province__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
