"""Official documents: types with their number patterns, per-year number sequences, issued documents.

An issued document is immutable: its structured content, number, PDF and the PDF's hash are stored; a
correction is a new document that references the one it replaces.
"""

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enforcement.orgs.scoping import RestrictedQuerySet

DEFAULT_PATTERN = "（{issuer}）{code}〔{year}〕{serial}号"


class DocumentType(models.Model):
    """A kind of official document. Type codes vary by province (domain §6), so they are data."""

    key = models.SlugField(_("标识"), max_length=40, unique=True)
    name = models.CharField(_("文书名称"), max_length=50)
    type_code = models.CharField(_("文号类别代字"), max_length=20, help_text=_("如“应急指导”“应急责改”"))
    number_pattern = models.CharField(
        _("文号格式"),
        max_length=100,
        default=DEFAULT_PATTERN,
        help_text=_("可用占位符：{issuer} 发文机关简称、{code} 类别代字、{year} 四位年份、{serial} 序号（不补零）"),
    )
    template = models.CharField(_("模板"), max_length=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("文书类型")
        verbose_name_plural = _("文书类型")
        ordering = ["key"]

    def __str__(self):
        return self.name

    def format_number(self, issuer_short_name, year, serial):
        # 文号: full year, 六角括号〔〕, no leading zeros, no "第" (GB/T 9704-2012 7.2.4; domain §6).
        return self.number_pattern.format(issuer=issuer_short_name, code=self.type_code, year=year, serial=serial)


class NumberSequence(models.Model):
    """The last serial used per issuing organisation, document type and year. Locked while allocating."""

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="number_sequences")
    doc_type = models.ForeignKey(DocumentType, on_delete=models.CASCADE, related_name="sequences")
    year = models.PositiveSmallIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("文号序列")
        verbose_name_plural = _("文号序列")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "doc_type", "year"], name="%(app_label)s_%(class)s_unique"),
        ]

    def __str__(self):
        return f"{self.organisation} {self.doc_type} {self.year}: {self.last_serial}"


def content_hash(context: dict) -> str:
    return hashlib.sha256(json.dumps(context, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


def document_upload_to(instance, filename):
    key, serial = instance.doc_type.key, instance.serial
    return f"documents/{instance.year}/{instance.organisation_id}/{key}-{serial}-v{instance.pk}.pdf"


class IssuedDocument(models.Model):
    """One issued document with its number. Content never changes after issue; the PDF is rendered once."""

    class RenderStatus(models.TextChoices):
        PENDING = "pending", _("待生成")
        RENDERING = "rendering", _("生成中")
        RENDERED = "rendered", _("已生成")
        FAILED = "failed", _("生成失败")

    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("发文机关"), on_delete=models.PROTECT, related_name="issued_documents"
    )
    doc_type = models.ForeignKey(
        DocumentType, verbose_name=_("文书类型"), on_delete=models.PROTECT, related_name="documents"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    serial = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("文号"), max_length=100)
    title = models.CharField(_("标题"), max_length=200)
    context = models.JSONField(_("文书内容"))
    context_sha256 = models.CharField(_("内容摘要"), max_length=64)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("更正的原文书"),
        on_delete=models.PROTECT,
        related_name="replaced_by",
        null=True,
        blank=True,
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("签发人"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    source_key = models.CharField(
        _("来源"), max_length=80, blank=True, help_text=_("业务记录标识，如 supervision.guidanceletter:12")
    )
    render_status = models.CharField(
        _("生成状态"), max_length=10, choices=RenderStatus.choices, default=RenderStatus.PENDING
    )
    render_error = models.TextField(_("生成错误"), blank=True)
    render_attempts = models.PositiveSmallIntegerField(_("生成次数"), default=0)
    render_claimed_at = models.DateTimeField(_("开始生成时间"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=document_upload_to, max_length=200, blank=True)
    pdf_sha256 = models.CharField(_("PDF摘要"), max_length=64, blank=True)
    pdf_size = models.PositiveIntegerField(_("PDF大小"), null=True, blank=True)
    rendered_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    render_ms = models.PositiveIntegerField(_("生成耗时（毫秒）"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_org_lookup = "organisation"

    class Meta:
        verbose_name = _("已签发文书")
        verbose_name_plural = _("已签发文书")
        ordering = ["-issued_at", "-id"]
        constraints = [
            # Duplicate-free numbers, whatever the allocation code does.
            models.UniqueConstraint(
                fields=["organisation", "doc_type", "year", "serial"], name="%(app_label)s_%(class)s_unique_number"
            ),
        ]
        indexes = [models.Index(fields=["source_key"], name="documents_source_idx")]

    def __str__(self):
        return f"{self.title} {self.number}"

    @staticmethod
    def renderable_q(now):
        """Documents a render task may take: waiting, failed with attempts left, or claimed by a worker
        that has been gone longer than the hard time limit (killed: its claim will never be released)."""
        stale = now - timedelta(seconds=settings.DOCUMENT_RENDER_TIME_LIMIT + 30)
        RS = IssuedDocument.RenderStatus
        waiting = Q(render_status__in=[RS.PENDING, RS.FAILED])
        # A claim without a time predates the claim time (migration 0003): treat it as abandoned too.
        abandoned = Q(render_status=RS.RENDERING) & (Q(render_claimed_at__lt=stale) | Q(render_claimed_at=None))
        return (waiting | abandoned) & Q(render_attempts__lt=settings.DOCUMENT_RENDER_MAX_ATTEMPTS)

    @property
    def render_given_up(self):
        return (
            self.render_status == self.RenderStatus.FAILED
            and self.render_attempts >= settings.DOCUMENT_RENDER_MAX_ATTEMPTS
        )

    def save(self, *args, **kwargs):
        if self.pk and not kwargs.get("update_fields"):
            stored = type(self).objects.filter(pk=self.pk).values_list("context_sha256", "number").first()
            if stored and stored != (content_hash(self.context), self.number):
                raise ValidationError(_("已签发的文书不能修改，请签发更正文书。"))
        super().save(*args, **kwargs)
