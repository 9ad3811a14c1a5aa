"""The enterprise register (生产经营单位) and the sector table administrators extend."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from enforcement.enterprises.credit_code import validate_credit_code
from enforcement.jobs import ClaimedJob
from enforcement.orgs.models import Organisation
from enforcement.orgs.scoping import RestrictedQuerySet


class Sector(models.Model):
    """An industry sector (行业领域); administrators extend the table."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    high_risk = models.BooleanField(_("高危行业"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("行业领域")
        verbose_name_plural = _("行业领域")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class SectorAlias(models.Model):
    """A name counties write for a sector (危化, 工贸(机械), 烟花 …); the import maps it to the sector."""

    alias = models.CharField(_("别名"), max_length=50, unique=True)
    sector = models.ForeignKey(Sector, verbose_name=_("行业领域"), on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        verbose_name = _("行业领域别名")
        verbose_name_plural = _("行业领域别名")
        ordering = ["sector__sort_order", "alias"]

    def __str__(self):
        return f"{self.alias} → {self.sector.name}"


class Enterprise(models.Model):
    """A regulated business. Owned (for data scope) by its territorial organisation (属地).

    R-03: exactly one enforcement level is responsible for it — the territorial organisation or one of
    its ancestors.
    """

    class SupervisionClass(models.TextChoices):
        KEY = "key", _("重点")
        GENERAL = "general", _("一般")

    class StandardisationGrade(models.TextChoices):
        NONE = "none", _("未达标")
        GRADE_1 = "1", _("一级")
        GRADE_2 = "2", _("二级")
        GRADE_3 = "3", _("三级")
        SMALL = "small", _("小微企业达标")

    class CreditStatus(models.TextChoices):
        NORMAL = "normal", _("正常")
        TRUSTWORTHY = "trustworthy", _("守信")
        WATCHLIST = "watchlist", _("重点关注")
        DISHONEST = "dishonest", _("严重失信（黑名单）")

    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("单位名称"), max_length=200, db_index=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("属地"), on_delete=models.PROTECT, related_name="enterprises"
    )
    responsible_org = models.ForeignKey(
        Organisation,
        verbose_name=_("执法主体"),
        on_delete=models.PROTECT,
        related_name="responsible_for",
        help_text=_("负责该单位监督检查的唯一执法层级（属地或其上级）"),
    )
    sector = models.ForeignKey(Sector, verbose_name=_("行业领域"), on_delete=models.PROTECT, related_name="enterprises")
    supervision_class = models.CharField(
        _("监管类别"), max_length=10, choices=SupervisionClass.choices, default=SupervisionClass.GENERAL
    )
    class_reason = models.CharField(_("列为重点的理由"), max_length=200, blank=True)
    # Set by a register import of a key enterprise whose sheet gave no reason (county sheets have no such
    # column): the row is imported with a warning and someone must supply the reason (R-01 needs one).
    class_reason_pending = models.BooleanField(_("重点理由待补充"), default=False)
    major_hazard_source = models.BooleanField(_("重大危险源"), default=False)
    dust_explosion = models.BooleanField(_("涉爆粉尘（30人以上）"), default=False)
    confined_space = models.BooleanField(_("有限空间作业"), default=False)
    molten_metal = models.BooleanField(_("高温熔融金属/煤气"), default=False)
    deep_well_casting = models.BooleanField(_("深井铸造"), default=False)
    key_chemical = models.BooleanField(_("两重点一重大"), default=False)
    standardisation_grade = models.CharField(
        _("安全生产标准化等级"), max_length=10, choices=StandardisationGrade.choices, default=StandardisationGrade.NONE
    )
    credit_status = models.CharField(
        _("信用状况"), max_length=12, choices=CreditStatus.choices, default=CreditStatus.NORMAL
    )
    last_accident_on = models.DateField(
        _("最近一次生产安全事故日期"), null=True, blank=True, help_text=_("一年内发生过事故的单位按高风险安排检查频次")
    )
    principal_person = models.CharField(_("主要负责人"), max_length=50, blank=True)
    principal_phone = models.CharField(_("主要负责人电话"), max_length=30, blank=True)
    contact_person = models.CharField(_("安全管理联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系人电话"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()
    scope_org_lookup = "organisation"

    RISK_FLAGS = (
        "major_hazard_source",
        "dust_explosion",
        "confined_space",
        "molten_metal",
        "deep_well_casting",
        "key_chemical",
    )
    # Fields whose changes are kept in the history (audit events).
    TRACKED_FIELDS = (
        "credit_code",
        "name",
        "address",
        "organisation",
        "responsible_org",
        "sector",
        "supervision_class",
        "class_reason",
        "class_reason_pending",
        *RISK_FLAGS,
        "standardisation_grade",
        "credit_status",
        "last_accident_on",
        "principal_person",
        "principal_phone",
        "contact_person",
        "contact_phone",
    )

    class Meta:
        verbose_name = _("生产经营单位")
        verbose_name_plural = _("生产经营单位")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["organisation", "name"], name="ent_org_name_idx"),
            models.Index(fields=["responsible_org"], name="ent_responsible_idx"),
            models.Index(fields=["sector", "supervision_class"], name="ent_sector_class_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def risk_flag_labels(self):
        return [str(self._meta.get_field(f).verbose_name) for f in self.RISK_FLAGS if getattr(self, f)]

    def save(self, *args, **kwargs):
        # The follow-up of an import without a reason ends once the reason is given (or the class changes).
        if self.class_reason_pending and (
            self.class_reason.strip() or self.supervision_class != self.SupervisionClass.KEY
        ):
            self.class_reason_pending = False
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "class_reason_pending"}
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.credit_code:
            try:
                self.credit_code = validate_credit_code(self.credit_code)
            except ValidationError as exc:
                errors["credit_code"] = exc.messages
        # R-03 一家生产经营单位对应一个层级的执法主体: the territorial body or one of its ancestors.
        if (
            self.organisation_id
            and self.responsible_org_id
            and not self.responsible_org.is_ancestor_of(self.organisation)
        ):
            errors["responsible_org"] = [_("执法主体必须是属地单位本身或其上级单位。")]
        if self.supervision_class == self.SupervisionClass.KEY and not self.class_reason.strip():
            errors["class_reason"] = [_("列为重点生产经营单位时须填写理由。")]
        if errors:
            raise ValidationError(errors)


class EnterpriseUserObjectPermission(UserObjectPermissionBase):
    """Direct-FK guardian grants (faster than the generic table; folded into restrict())."""

    content_object = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="user_grants")

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("单位共享（用户）")


class EnterpriseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="group_grants")

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("单位共享（用户组）")


Enterprise.user_object_permission_model = EnterpriseUserObjectPermission


def _import_upload_to(instance, filename):
    # Never trust the uploaded name for the path: a random name under a dated folder.
    return f"enterprise_imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.xlsx"


class OwnedQuerySet(RestrictedQuerySet):
    """Rows private to the user who made them: import batches and export jobs."""

    def owned_by(self, user):
        """Only the owner sees the row (anyone else gets 404)."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


class ImportBatch(models.Model):
    """One uploaded register workbook: previewed first, written only when its owner confirms.

    ``rows`` holds the cell-level parse of every data row (independent of the database); ``report``
    holds the outcome of resolving those rows against the register (preview, then the applied result).
    """

    class Status(models.TextChoices):
        PARSING = "parsing", _("解析中")
        REJECTED = "rejected", _("无法导入")
        PREVIEWED = "previewed", _("待确认")
        APPLYING = "applying", _("正在导入")
        APPLIED = "applied", _("已导入")
        FAILED = "failed", _("导入失败")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.CASCADE, related_name="enterprise_imports"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所属单位"),
        on_delete=models.PROTECT,
        related_name="enterprise_imports",
        null=True,
        blank=True,
    )
    # Blank once the clean-up has removed the upload (30 days after it was finished with); the row stays.
    file = models.FileField(_("文件"), upload_to=_import_upload_to, max_length=200, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=255)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始导入时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("数据行数"), default=0)
    create_count = models.PositiveIntegerField(_("新增"), default=0)
    update_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变化"), default=0)
    error_count = models.PositiveIntegerField(_("错误行"), default=0)
    header_row = models.PositiveIntegerField(_("表头所在行"), default=1)
    columns = models.JSONField(_("识别的列"), default=dict, blank=True)
    rows = models.JSONField(_("解析结果"), default=list, blank=True)
    report = models.JSONField(_("校验结果"), default=list, blank=True)
    error_message = models.TextField(_("错误信息"), blank=True)
    # The claim of the task parsing or applying the batch (see import_claims): when, by which worker
    # process, and how many times it was taken — a worker killed mid-task leaves it behind.
    claimed_at = models.DateTimeField(_("任务领取时间"), null=True, blank=True)
    claimed_by = models.CharField(_("任务进程"), max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    # Chosen in the preview: the reason given to key enterprises whose row has none.
    key_reason = models.CharField(_("统一的列为重点理由"), max_length=200, blank=True)

    objects = OwnedQuerySet.as_manager()
    scope_org_lookup = "organisation"

    class Meta:
        verbose_name = _("单位导入批次")
        verbose_name_plural = _("单位导入批次")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.original_name}（{self.get_status_display()}）"

    @property
    def is_in_progress(self):
        """Confirmed but not finished: the result page keeps refreshing."""
        return self.status in (self.Status.PARSING, self.Status.APPLYING) or (
            self.status == self.Status.PREVIEWED and self.confirmed_at is not None
        )


def _export_upload_to(instance, filename):
    return f"enterprise_exports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.xlsx"


class ExportJob(ClaimedJob):
    """A register export too large to build inside a request, written by a Celery task.

    ``query`` is the list page's filter as a query string; the task applies it as the owner would see
    the register when it runs. Jobs and their files are deleted after a week (``cleanup_enterprise_files``).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("正在生成")
        DONE = "done", _("已完成")
        FAILED = "failed", _("导出失败")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导出人"), on_delete=models.CASCADE, related_name="enterprise_exports"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所属单位"),
        on_delete=models.PROTECT,
        related_name="enterprise_exports",
        null=True,
        blank=True,
    )
    query = models.TextField(_("筛选条件"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    file = models.FileField(_("文件"), upload_to=_export_upload_to, max_length=200, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = OwnedQuerySet.as_manager()
    scope_org_lookup = "organisation"

    class Meta:
        verbose_name = _("单位导出任务")
        verbose_name_plural = _("单位导出任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "created_at"], name="ent_export_owner_idx")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M}（{self.get_status_display()}）"

    @property
    def is_in_progress(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
