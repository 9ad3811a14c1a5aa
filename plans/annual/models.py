"""Annual supervision-inspection plans (年度监督检查计划), their workflow, their items and the check-item
library (R-01…R-04, R-10)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from enforcement.orgs.scoping import RestrictedQuerySet


class PlanType(models.TextChoices):
    """R-01 work-safety plans; R-07 disaster-prevention plans."""

    WORK_SAFETY = "work_safety", _("安全生产")
    FOREST_FIRE = "forest_fire", _("森林防灭火")
    FLOOD_DROUGHT = "flood_drought", _("防汛抗旱")
    GEOLOGICAL = "geological", _("地质灾害")


class InspectionMode(models.TextChoices):
    KEY = "key", _("重点检查")
    RANDOM = "random", _("双随机抽查")
    SPECIAL = "special", _("专项检查")
    EXPERT = "expert", _("执法+专家")


class CheckItem(models.Model):
    """An entry of the check-item library (执法手册检查事项), general or for one sector (R-10)."""

    sector = models.ForeignKey(
        "enterprises.Sector",
        verbose_name=_("行业领域"),
        on_delete=models.PROTECT,
        related_name="check_items",
        null=True,
        blank=True,
        help_text=_("留空表示通用检查事项"),
    )
    category = models.CharField(_("类别"), max_length=50)
    text = models.CharField(_("检查内容"), max_length=300)
    basis = models.CharField(_("检查依据"), max_length=300, blank=True)
    principal_duty = models.BooleanField(_("主要负责人履职事项"), default=False)
    sort_order = models.PositiveIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("检查事项")
        verbose_name_plural = _("检查事项库")
        ordering = ["sector__sort_order", "sort_order", "id"]

    def __str__(self):
        return self.text


class InspectionPlan(models.Model):
    """One version of an organisation's annual plan of one type.

    A change after approval never edits in place: it starts a new version (draft) that goes through the
    workflow again; the old version is superseded when the new one is approved.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已报本级政府审批")
        APPROVED = "approved", _("已批准")
        FILED = "filed", _("已向上级报备")
        PUBLISHED = "published", _("已公示")
        SUPERSEDED = "superseded", _("已被新版本替代")

    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="inspection_plans"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    plan_type = models.CharField(_("计划类型"), max_length=20, choices=PlanType.choices, default=PlanType.WORK_SAFETY)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    previous = models.OneToOneField(
        "self", verbose_name=_("上一版本"), on_delete=models.PROTECT, related_name="next_version", null=True, blank=True
    )
    revision_reason = models.TextField(_("调整理由"), blank=True)
    title = models.CharField(_("标题"), max_length=200)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("编制人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("报批时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("登记批准时间"), null=True, blank=True)
    # the plan counts as approved from the date on the 批复 (or the leader's instruction), which the
    # legal section types from that document; approved_at is only when the approval was recorded here.
    approved_on = models.DateField(_("批复日期"), null=True, blank=True, help_text=_("政府批复文件或领导批示上的日期"))
    approval_kind = models.CharField(
        _("批准方式"),
        max_length=20,
        blank=True,
        choices=[("document", _("政府批复文件")), ("instruction", _("领导批示"))],
    )
    approval_reference = models.CharField(_("批复文号/批示"), max_length=200, blank=True)
    filed_at = models.DateTimeField(_("报备时间"), null=True, blank=True)
    filing_acknowledged_at = models.DateTimeField(_("上级确认报备时间"), null=True, blank=True)
    filing_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上级确认人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    published_where = models.CharField(_("公示位置"), max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_org_lookup = "organisation"

    class Meta:
        verbose_name = _("年度监督检查计划")
        verbose_name_plural = _("年度监督检查计划")
        ordering = ["-year", "organisation__path", "plan_type", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "plan_type", "version"], name="%(app_label)s_%(class)s_unique_version"
            ),
        ]
        permissions = [
            ("submit_inspectionplan", _("报送年度计划")),
            ("approve_inspectionplan", _("登记年度计划批准")),
            ("file_inspectionplan", _("向上级报备年度计划")),
            ("acknowledge_inspectionplan", _("确认下级计划报备")),
            ("publish_inspectionplan", _("公示年度计划")),
        ]

    def __str__(self):
        return f"{self.title}（第{self.version}版）"

    @property
    def is_editable(self):
        return self.status == self.Status.DRAFT


class PlanTransition(models.Model):
    """One workflow step of a plan: when, by whom, with what note and attachment."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("原状态"), max_length=12, choices=InspectionPlan.Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=InspectionPlan.Status.choices)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("说明"), blank=True)
    attachment = models.FileField(_("附件"), upload_to="plans/%Y/", blank=True)

    class Meta:
        verbose_name = _("计划流转记录")
        verbose_name_plural = _("计划流转记录")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.plan}: {self.from_status} → {self.to_status}"


class PlanItem(models.Model):
    """One planned inspection of one enterprise, with its on-site inspection plan (现场检查方案, R-10)."""

    plan = models.ForeignKey(InspectionPlan, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="items")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("生产经营单位"), on_delete=models.PROTECT, related_name="plan_items"
    )
    mode = models.CharField(_("检查方式"), max_length=10, choices=InspectionMode.choices, default=InspectionMode.KEY)
    planned_month = models.PositiveSmallIntegerField(_("计划月份"))
    team = models.CharField(_("责任科室/执法队"), max_length=100, blank=True)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("执法人员"), related_name="planned_inspections", blank=True
    )
    check_items = models.ManyToManyField(CheckItem, verbose_name=_("检查事项"), related_name="plan_items", blank=True)
    include_principal_duties = models.BooleanField(_("包含主要负责人履职检查"), default=True)
    onsite_notes = models.TextField(_("现场检查方案说明"), blank=True)
    draw = models.ForeignKey(
        "plans.Draw",
        verbose_name=_("抽取批次"),
        on_delete=models.SET_NULL,
        related_name="plan_items",
        null=True,
        blank=True,
    )

    objects = RestrictedQuerySet.as_manager()
    scope_org_lookup = "plan__organisation"

    class Meta:
        verbose_name = _("计划检查事项")
        verbose_name_plural = _("计划检查事项")
        ordering = ["planned_month", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_month__gte=1, planned_month__lte=12),
                name="%(app_label)s_%(class)s_month_range",
            ),
            models.UniqueConstraint(
                fields=["plan", "enterprise", "planned_month"], name="%(app_label)s_%(class)s_unique_month"
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.planned_month}月"
