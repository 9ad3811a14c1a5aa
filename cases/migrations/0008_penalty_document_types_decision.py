"""The document types of a penalty case from the notice to execution, the summary procedure and 不予处罚.

Type codes are data (domain §6, §11: they vary by province; edit them in the admin). Unit and individual
variants of the 告知书 and 决定书 are one type each (one number sequence): the template switches on the party.
Records without a number (陈述申辩笔录, 听证笔录, 送达地址确认书) have an empty number pattern: a serial is still
allocated, nothing is printed. get_or_create by key, so the investigation types' migration does not clash.
"""

from django.db import migrations

from enforcement.documents.seeding import remove_unused_types

NUMBERED = "（{issuer}）{code}〔{year}〕{serial}号"
TYPES = [
    # key, name, type code, number pattern
    ("penalty_notice", "行政处罚告知书", "应急罚告", NUMBERED),
    ("hearing_rights_notice", "行政处罚听证告知书", "应急听告", NUMBERED),
    ("statement_record", "当事人陈述申辩笔录", "", ""),
    ("hearing_notice", "行政处罚听证会通知书", "应急听通", NUMBERED),
    ("hearing_record", "听证笔录", "", ""),
    ("hearing_report", "听证会报告书", "应急听报", NUMBERED),
    ("penalty_decision", "行政处罚决定书", "应急罚", NUMBERED),
    ("no_penalty_decision", "不予行政处罚决定书", "应急不罚", NUMBERED),
    ("summary_decision", "行政（当场）处罚决定书", "应急罚当", NUMBERED),
    ("address_confirmation", "送达地址确认书", "", ""),
    ("delivery_receipt", "文书送达回执", "应急回", NUMBERED),
    ("payment_plan", "延期（分期）缴纳罚款批准书", "应急延分", NUMBERED),
    ("payment_reminder", "缴纳罚款催告书", "应急催", NUMBERED),
    ("surcharge_decision", "加处罚款决定书", "应急加罚", NUMBERED),
    ("court_application", "强制执行申请书", "应急强执", NUMBERED),
]


def seed(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    for key, name, code, pattern in TYPES:
        DocumentType.objects.get_or_create(
            key=key,
            defaults={
                "name": name,
                "type_code": code,
                "number_pattern": pattern,
                "template": f"documents/penalties/{key}.html",
            },
        )


def unseed(apps, schema_editor):
    remove_unused_types(apps, schema_editor, [t[0] for t in TYPES])


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_penalty_document_types_investigation"), ("documents", "0004_versions_and_voids")]

    operations = [migrations.RunPython(seed, unseed)]
