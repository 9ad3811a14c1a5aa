"""The document type of the case file (案卷（首页）, 应急案): its number is the 案卷号 on the cover, its PDF the
whole file (cases/penalties/casefile.py)."""

from django.db import migrations

from enforcement.documents.seeding import remove_unused_types


def add_type(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    DocumentType.objects.get_or_create(
        key="case_file_cover",
        defaults={
            "name": "案卷（首页）",
            "type_code": "应急案",
            "template": "documents/penalties/case_file_cover.html",
        },
    )


def remove_type(apps, schema_editor):
    remove_unused_types(apps, schema_editor, ["case_file_cover"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_evidence_uploads"),
        ("documents", "0004_versions_and_voids"),
    ]

    operations = [migrations.RunPython(add_type, remove_type)]
