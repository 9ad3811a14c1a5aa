"""Official documents: types with their number patterns, per-year number sequences, issued documents.

An issued document is immutable: its structured content, number, PDF and the PDF's hash are stored. When the
data it was issued from changes, it is re-issued as a new version under the same number (version n+1 references
version n, which stays as "superseded"); a document issued in error is voided (作废) with a reason and stays in
the register, and its number is never used again.
"""

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
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


def voided_copy_upload_to(instance, filename):
    key, serial = instance.doc_type.key, instance.serial
    return f"documents/{instance.year}/{instance.organisation_id}/{key}-{serial}-v{instance.pk}-voided.pdf"


class IssuedDocument(models.Model):
    """One version of an issued document with its number. Content never changes after issue; the PDF is
    rendered once. Versions of one document share organisation, type, year, serial and number."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("有效")
        SUPERSEDED = "superseded", _("已被新版本替代")
        VOIDED = "voided", _("已作废")

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
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("替代的上一版本"),
        on_delete=models.PROTECT,
        related_name="replaced_by",
        null=True,
        blank=True,
    )
    reason = models.TextField(_("重新出具原因"), blank=True, help_text=_("第2版起必填：为何按新数据重新出具"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ISSUED)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作废人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    void_reason = models.TextField(_("作废原因"), blank=True)
    # The original PDF stays as issued; a voided document is served from this copy, which carries the 作废 mark.
    voided_pdf = models.FileField(_("作废标记PDF"), upload_to=voided_copy_upload_to, max_length=200, blank=True)
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
            # Duplicate-free numbers, whatever the allocation code does: a number exists once per version.
            models.UniqueConstraint(
                fields=["organisation", "doc_type", "year", "serial", "version"],
                name="%(app_label)s_%(class)s_unique_number_version",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="%(app_label)s_%(class)s_version_from_1"),
            # A voided document always says when and why; a document in force or superseded was never voided.
            models.CheckConstraint(
                condition=(Q(status="voided") & Q(voided_at__isnull=False) & ~Q(void_reason=""))
                | (~Q(status="voided") & Q(voided_at__isnull=True)),
                name="%(app_label)s_%(class)s_void_recorded",
            ),
        ]
        indexes = [models.Index(fields=["source_key"], name="documents_source_idx")]
        permissions = [("void_issueddocument", _("作废本单位签发的文书"))]

    def __str__(self):
        return f"{self.title} {self.display_number}" + (f"（第{self.version}版）" if self.version > 1 else "")

    @property
    def display_number(self):
        """The number, or for an unnumbered record (询问笔录: its type's number pattern is empty) what lists and
        links show instead: its serial of the year, so that two such records are told apart."""
        return self.number or _("无文号（%(year)s年第%(serial)s份）") % {"year": self.year, "serial": self.serial}

    @property
    def file_stem(self):
        """The PDF's download name without the extension: the number, or the title of an unnumbered record."""
        return self.number or f"{self.title}（{self.year}-{self.serial}）"

    @property
    def is_current(self):
        return self.status == self.Status.ISSUED

    @property
    def version_label(self):
        return _("第%(n)d版") % {"n": self.version}

    @staticmethod
    def renderable_q(now):
        """Documents a render task may take: waiting, failed with attempts left, or claimed by a worker
        that has been gone longer than the hard time limit (killed: its claim will never be released)."""
        waiting = Q(render_status__in=[RS.PENDING, RS.FAILED])
        return (waiting | IssuedDocument.abandoned_q(now)) & Q(
            render_attempts__lt=settings.DOCUMENT_RENDER_MAX_ATTEMPTS
        )

    @staticmethod
    def claim_stale_before(now):
        return now - timedelta(seconds=settings.DOCUMENT_RENDER_TIME_LIMIT + 30)

    @staticmethod
    def abandoned_q(now):
        """Claimed by a render whose worker has been gone longer than the hard time limit. A claim without a
        time predates the claim time (migration 0003): abandoned too."""
        stale = IssuedDocument.claim_stale_before(now)
        return Q(render_status=RS.RENDERING) & (Q(render_claimed_at__lt=stale) | Q(render_claimed_at=None))

    @staticmethod
    def dead_last_attempt_q(now):
        """A last attempt whose worker was killed (OOM, hard time limit): nothing will ever release its claim,
        and no attempt is left to take it over. The sweep records it as failed (issue 9 item 8)."""
        return IssuedDocument.abandoned_q(now) & Q(render_attempts__gte=settings.DOCUMENT_RENDER_MAX_ATTEMPTS)

    @property
    def render_given_up(self):
        """Every attempt failed (or died): the page says so and offers a retry instead of refreshing for ever."""
        if self.render_attempts < settings.DOCUMENT_RENDER_MAX_ATTEMPTS:
            return False
        if self.render_status == RS.FAILED:
            return True
        stale = self.claim_stale_before(timezone.now())
        return self.render_status == RS.RENDERING and (self.render_claimed_at is None or self.render_claimed_at < stale)

    def save(self, *args, **kwargs):
        if self.pk and not kwargs.get("update_fields"):
            stored = type(self).objects.filter(pk=self.pk).values_list("context_sha256", "number", "version").first()
            if stored and stored != (content_hash(self.context), self.number, self.version):
                raise ValidationError(_("已签发的文书不能修改，请重新出具新版本或作废。"))
        super().save(*args, **kwargs)


RS = IssuedDocument.RenderStatus
