"""Seed the document types issues name; type codes from domain §6 (provinces differ: edit in the admin)."""

from django.db import migrations

TYPES = [
    ("guidance_letter", "安全生产执法指导意见书", "应急指导", "documents/guidance_letter.html"),
    ("onsite_plan", "现场检查方案", "应急检方", "documents/onsite_plan.html"),
    ("inspection_record", "现场检查记录", "应急检记", "documents/inspection_record.html"),
    ("rectification_order", "责令限期整改指令书", "应急责改", "documents/rectification_order.html"),
    ("reinspection_opinion", "整改复查意见书", "应急复查", "documents/reinspection_opinion.html"),
    ("monthly_progress", "月度执法计划执行情况报告", "应急调度", "documents/monthly_progress.html"),
]


def seed(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    for key, name, code, template in TYPES:
        DocumentType.objects.get_or_create(key=key, defaults={"name": name, "type_code": code, "template": template})


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
