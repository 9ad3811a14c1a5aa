"""Re-inspection visits and the hazard's deadline in force (issue 8, items 4–5).

Backfill: every re-inspection joins the visit of its inspection, day and team. A hazard's deadline in force is
its stored deadline; where a failed re-inspection had overwritten the order's deadline, the order's own date is
taken back from the rectification order issued for the inspection (its first version's context), if there is
one; otherwise the stored date is all that is known and stays as both. Reversing puts the deadline in force back
into the single field, as it was used before.
"""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _ordered_deadlines(IssuedDocument, inspection_id):
    """{(description, found_on): deadline} from the first rectification order issued for the inspection."""
    order = (
        IssuedDocument.objects.filter(source_key=f"cases.inspection:{inspection_id}", doc_type__key="rectification_order")
        .order_by("pk")
        .first()
    )
    if order is None:
        return {}
    rows = order.context.get("hazards") or []
    return {(row.get("description"), row.get("found_on")): row.get("deadline") for row in rows}


def backfill_current_deadline(apps, schema_editor):
    Hazard = apps.get_model("cases", "Hazard")
    ReInspection = apps.get_model("cases", "ReInspection")
    IssuedDocument = apps.get_model("documents", "IssuedDocument")
    Hazard.objects.update(current_deadline=models.F("rectification_deadline"))
    extended = Hazard.objects.filter(
        pk__in=ReInspection.objects.filter(result="failed").values("hazard_id")
    ).order_by("inspection_id")
    orders = {}
    for hazard in extended:
        if hazard.inspection_id not in orders:
            orders[hazard.inspection_id] = _ordered_deadlines(IssuedDocument, hazard.inspection_id)
        ordered = orders[hazard.inspection_id].get((hazard.description, hazard.found_on.isoformat()))
        if ordered and ordered != hazard.rectification_deadline.isoformat():
            hazard.rectification_deadline = datetime.date.fromisoformat(ordered)
            hazard.save(update_fields=["rectification_deadline"])


def restore_single_deadline(apps, schema_editor):
    # Before this migration the one deadline field held the deadline in force.
    apps.get_model("cases", "Hazard").objects.update(rectification_deadline=models.F("current_deadline"))


def backfill_visits(apps, schema_editor):
    ReInspection = apps.get_model("cases", "ReInspection")
    ReInspectionVisit = apps.get_model("cases", "ReInspectionVisit")
    visits = {}
    for reinspection in ReInspection.objects.select_related("hazard").order_by("inspected_on", "pk"):
        officers = sorted(reinspection.officers.values_list("pk", flat=True))
        key = (reinspection.hazard.inspection_id, reinspection.inspected_on, ",".join(map(str, officers)))
        visit = visits.get(key)
        if visit is None:
            visit = ReInspectionVisit.objects.create(
                inspection_id=key[0],
                organisation_id=reinspection.hazard.organisation_id,
                inspected_on=key[1],
                team_key=key[2],
                created_by_id=reinspection.created_by_id,
            )
            visit.officers.set(officers)
            visits[key] = visit
        reinspection.visit = visit
        reinspection.save(update_fields=["visit"])


def unlink_visits(apps, schema_editor):
    apps.get_model("cases", "ReInspection").objects.update(visit=None)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0003_inspection_completed_at'),
        ('documents', '0003_render_attempts'),
        ('orgs', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ReInspectionVisit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('inspected_on', models.DateField(verbose_name='复查日期')),
                ('team_key', models.CharField(max_length=200, verbose_name='复查组')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='录入时间')),
            ],
            options={
                'verbose_name': '整改复查（次）',
                'verbose_name_plural': '整改复查（次）',
                'ordering': ['inspected_on', 'id'],
            },
        ),
        migrations.AddField(
            model_name='hazard',
            name='current_deadline',
            field=models.DateField(null=True, verbose_name='当前整改期限'),
        ),
        migrations.RunPython(backfill_current_deadline, restore_single_deadline),
        migrations.AlterField(
            model_name='hazard',
            name='current_deadline',
            field=models.DateField(verbose_name='当前整改期限'),
        ),
        migrations.AddConstraint(
            model_name='hazard',
            constraint=models.CheckConstraint(condition=models.Q(('current_deadline__gte', models.F('found_on'))), name='cases_hazard_current_deadline_after_found'),
        ),
        migrations.AddField(
            model_name='reinspectionvisit',
            name='created_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='录入人'),
        ),
        migrations.AddField(
            model_name='reinspectionvisit',
            name='inspection',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reinspection_visits', to='cases.inspection', verbose_name='检查'),
        ),
        migrations.AddField(
            model_name='reinspectionvisit',
            name='officers',
            field=models.ManyToManyField(related_name='reinspection_visits', to=settings.AUTH_USER_MODEL, verbose_name='复查人员'),
        ),
        migrations.AddField(
            model_name='reinspectionvisit',
            name='organisation',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reinspection_visits', to='orgs.organisation', verbose_name='执法主体'),
        ),
        migrations.AddField(
            model_name='reinspection',
            name='visit',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reinspections', to='cases.reinspectionvisit', verbose_name='复查（次）'),
        ),
        migrations.AddConstraint(
            model_name='reinspectionvisit',
            constraint=models.UniqueConstraint(fields=('inspection', 'inspected_on', 'team_key'), name='cases_reinspectionvisit_one_per_team_day'),
        ),
        migrations.RunPython(backfill_visits, unlink_visits),
        migrations.AlterField(
            model_name='reinspection',
            name='visit',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reinspections', to='cases.reinspectionvisit', verbose_name='复查（次）'),
        ),
        migrations.AlterModelOptions(
            name="hazard",
            options={"ordering": ["current_deadline", "id"], "verbose_name": "隐患", "verbose_name_plural": "隐患"},
        ),
    ]
