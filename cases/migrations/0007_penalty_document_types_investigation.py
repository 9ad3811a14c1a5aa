"""The document types of a penalty case from filing to review and discussion, extension and closing (issue 10).

Type codes from domain §11 (the 2016 式样 with 应急 for 安监; provinces differ: edit them in the admin). 询问笔录 is an
unnumbered record: its number pattern is empty (a serial is still allocated, the number prints blank).
get_or_create by key, so that the other penalty document migration and a bureau's own edits do not clash.
"""

from django.db import migrations

from enforcement.documents.seeding import remove_unused_types

TYPES = [
    ("case_filing", "立案审批表", "应急立", None),
    ("interview_notice", "询问通知书", "应急询", None),
    ("interview_record", "询问笔录", "", ""),
    ("scene_record", "勘验笔录", "应急勘", None),
    ("sampling_voucher", "抽样取证凭证", "应急抽", None),
    ("preservation_notice", "先行登记保存证据通知书", "应急先保", None),
    ("preservation_disposal", "先行登记保存证据处理决定书", "应急先保处", None),
    ("investigation_report", "案件调查终结报告", "应急终报", None),
    ("handling_approval", "案件处理呈批表", "应急处呈", None),
    ("legal_review", "法制审核意见书", "应急审核", None),
    ("collective_discussion", "重大案件集体讨论记录", "应急罚集", None),
    ("case_extension", "案件延期审批表", "应急案延", None),
    ("case_closing", "结案审批表", "应急结", None),
]


def seed(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    for key, name, code, pattern in TYPES:
        defaults = {"name": name, "type_code": code, "template": f"documents/penalties/{key}.html"}
        if pattern is not None:
            defaults["number_pattern"] = pattern
        DocumentType.objects.get_or_create(key=key, defaults=defaults)


def unseed(apps, schema_editor):
    remove_unused_types(apps, schema_editor, [t[0] for t in TYPES])


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_penalty_cases"), ("documents", "0002_document_types")]

    operations = [migrations.RunPython(seed, unseed)]
