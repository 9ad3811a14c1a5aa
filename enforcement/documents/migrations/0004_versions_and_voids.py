"""Versions and voids (issue 8, item 2): a number is unique per version; a document re-issued under the same
number supersedes the version before it; a voided document records who, when and why.

Backfill: every existing document is version 1; one that an earlier-style correction (a new number) replaced is
marked superseded, so only the correction counts as in force. Reversing restores the per-number uniqueness,
which fails if second versions were issued meanwhile (they share a number by design).
"""

import django.db.models.deletion
import enforcement.documents.models
from django.conf import settings
from django.db import migrations, models


def mark_replaced_superseded(apps, schema_editor):
    IssuedDocument = apps.get_model("documents", "IssuedDocument")
    IssuedDocument.objects.filter(replaced_by__isnull=False).update(status="superseded")


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0003_render_attempts'),
        ('orgs', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='issueddocument',
            options={'ordering': ['-issued_at', '-id'], 'permissions': [('void_issueddocument', '作废本单位签发的文书')], 'verbose_name': '已签发文书', 'verbose_name_plural': '已签发文书'},
        ),
        migrations.RemoveConstraint(
            model_name='issueddocument',
            name='documents_issueddocument_unique_number',
        ),
        migrations.AddField(
            model_name='issueddocument',
            name='reason',
            field=models.TextField(blank=True, help_text='第2版起必填：为何按新数据重新出具', verbose_name='重新出具原因'),
        ),
        migrations.AddField(
            model_name='issueddocument',
            name='status',
            field=models.CharField(choices=[('issued', '有效'), ('superseded', '已被新版本替代'), ('voided', '已作废')], default='issued', max_length=10, verbose_name='状态'),
        ),
        migrations.RunPython(mark_replaced_superseded, migrations.RunPython.noop),
        migrations.AddField(
            model_name='issueddocument',
            name='version',
            field=models.PositiveSmallIntegerField(default=1, verbose_name='版本'),
        ),
        migrations.AddField(
            model_name='issueddocument',
            name='void_reason',
            field=models.TextField(blank=True, verbose_name='作废原因'),
        ),
        migrations.AddField(
            model_name='issueddocument',
            name='voided_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='作废时间'),
        ),
        migrations.AddField(
            model_name='issueddocument',
            name='voided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='作废人'),
        ),
        migrations.AddField(
            model_name='issueddocument',
            name='voided_pdf',
            field=models.FileField(blank=True, max_length=200, upload_to=enforcement.documents.models.voided_copy_upload_to, verbose_name='作废标记PDF'),
        ),
        migrations.AlterField(
            model_name='issueddocument',
            name='replaces',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='replaced_by', to='documents.issueddocument', verbose_name='替代的上一版本'),
        ),
        migrations.AddConstraint(
            model_name='issueddocument',
            constraint=models.UniqueConstraint(fields=('organisation', 'doc_type', 'year', 'serial', 'version'), name='documents_issueddocument_unique_number_version'),
        ),
        migrations.AddConstraint(
            model_name='issueddocument',
            constraint=models.CheckConstraint(condition=models.Q(('version__gte', 1)), name='documents_issueddocument_version_from_1'),
        ),
        migrations.AddConstraint(
            model_name='issueddocument',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'voided'), ('voided_at__isnull', False), models.Q(('void_reason', ''), _negated=True)), models.Q(models.Q(('status', 'voided'), _negated=True), ('voided_at__isnull', True)), _connector='OR'), name='documents_issueddocument_void_recorded'),
        ),
    ]
