"""The date of the 批复 (R-04) beside the moment the approval was recorded.

Plans approved before this field existed get the local date their approval was recorded: the best date on
record (the 批复 itself is in the transition's attachment); the legal section may correct it from there.
"""

from django.db import migrations, models
from django.utils import timezone


def backfill(apps, schema_editor):
    InspectionPlan = apps.get_model("plans", "InspectionPlan")
    for plan in InspectionPlan.objects.filter(approved_at__isnull=False, approved_on__isnull=True).only("approved_at"):
        plan.approved_on = timezone.localtime(plan.approved_at).date()
        plan.save(update_fields=["approved_on"])


class Migration(migrations.Migration):
    dependencies = [("plans", "0002_seed_check_items")]

    operations = [
        migrations.AddField(
            model_name="inspectionplan",
            name="approved_on",
            field=models.DateField(
                blank=True, help_text="政府批复文件或领导批示上的日期", null=True, verbose_name="批复日期"
            ),
        ),
        migrations.AlterField(
            model_name="inspectionplan",
            name="approved_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="登记批准时间"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
