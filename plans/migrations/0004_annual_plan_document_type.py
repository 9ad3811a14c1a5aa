"""The annual plan as an official document (年度监督检查计划, R-04): its document type.

The type code is data like every other type's (domain §6: codes vary by province); edit it in the admin.
"""

from django.db import migrations

KEY = "annual_plan"


def seed(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    DocumentType.objects.get_or_create(
        key=KEY,
        defaults={"name": "年度监督检查计划", "type_code": "应急计划", "template": "documents/annual_plan.html"},
    )


def unseed(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    # A type with issued documents stays: their numbers and PDFs refer to it.
    DocumentType.objects.filter(key=KEY, documents__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_plan_approved_on"), ("documents", "0002_document_types")]

    operations = [migrations.RunPython(seed, unseed)]
