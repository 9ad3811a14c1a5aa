"""Guidance of counties (执法指导, R-40…R-43): schedule, visits with their checklist and evidence, letters
and the counties' rectification reports."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from enforcement.orgs.scoping import RestrictedQuerySet


def guidance_upload_to(instance, filename):
    # Stored under MEDIA_ROOT (outside the web root); served only by scoped views.
    import uuid
    from pathlib import Path

    return f"supervision/guidance/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class GuidanceSchedule(models.Model):
    """One planned guidance visit of the city to a county in a month of a year (R-40)."""

    city = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("市局"), on_delete=models.PROTECT, related_name="guidance_schedule_made"
    )
    county = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("县区"), on_delete=models.PROTECT, related_name="guidance_schedule"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    planned_month = models.PositiveSmallIntegerField(_("计划月份"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_org_lookup = "county"

    class Meta:
        verbose_name = _("执法指导安排")
        verbose_name_plural = _("执法指导安排")
        ordering = ["year", "planned_month", "county__path"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_month__gte=1, planned_month__lte=12),
                name="%(app_label)s_%(class)s_month_range",
            ),
            models.UniqueConstraint(
                fields=["city", "year", "county", "planned_month"], name="%(app_label)s_%(class)s_unique"
            ),
        ]

    def __str__(self):
        return f"{self.year}年{self.planned_month}月 {self.county}"


class GuidanceVisit(models.Model):
    """One guidance visit (执法指导) of the city to a county, with its checklist and spot-check (R-40, R-41)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("待实施")
        IN_PROGRESS = "in_progress", _("指导中")
        COMPLETED = "completed", _("已完成")

    city = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("市局"), on_delete=models.PROTECT, related_name="guidance_visits_made"
    )
    county = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("县区"), on_delete=models.PROTECT, related_name="guidance_visits"
    )
    schedule = models.ForeignKey(
        GuidanceSchedule,
        verbose_name=_("对应安排"),
        on_delete=models.SET_NULL,
        related_name="visits",
        null=True,
        blank=True,
    )
    visit_date = models.DateField(_("指导日期"))
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("指导组成员"), related_name="guidance_visits"
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    spot_plan = models.ForeignKey(
        "plans.InspectionPlan",
        verbose_name=_("抽查所依据的计划"),
        on_delete=models.PROTECT,
        related_name="guidance_spot_checks",
        null=True,
        blank=True,
    )
    spot_seed = models.CharField(_("抽查随机种子"), max_length=64, blank=True)
    # {"enterprises": [ids of the plan's enterprises], "officers": [team member ids]} as drawn from.
    spot_pool = models.JSONField(_("抽查企业库"), default=dict, blank=True)
    spot_result = models.JSONField(_("抽查结果"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_org_lookup = "county"

    class Meta:
        verbose_name = _("执法指导")
        verbose_name_plural = _("执法指导")
        ordering = ["-visit_date", "-id"]

    def __str__(self):
        return f"{self.county} {self.visit_date:%Y-%m-%d}"


class GuidanceCheck(models.Model):
    """One R-41 checklist item of a visit: what was found and whether it conforms."""

    visit = models.ForeignKey(
        GuidanceVisit, verbose_name=_("执法指导"), on_delete=models.CASCADE, related_name="checks"
    )
    item = models.CharField(_("指导事项"), max_length=30)
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    finding = models.TextField(_("发现情况"), blank=True)
    conforms = models.BooleanField(_("是否符合"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_org_lookup = "visit__county"

    class Meta:
        verbose_name = _("指导事项")
        verbose_name_plural = _("指导事项")
        ordering = ["visit", "position"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "item"], name="%(app_label)s_%(class)s_unique_item"),
        ]

    def __str__(self):
        return f"{self.visit} {self.label}"

    @property
    def label(self):
        from supervision.guidance.rules import CHECKLIST_LABELS

        return CHECKLIST_LABELS.get(self.item, self.item)


class GuidanceEvidence(models.Model):
    """A document or photo collected for one checklist item (001 §四(三): 收集文书、影像资料)."""

    check_item = models.ForeignKey(
        GuidanceCheck, verbose_name=_("指导事项"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("文件"), upload_to=guidance_upload_to, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_org_lookup = "check_item__visit__county"

    class Meta:
        verbose_name = _("指导佐证材料")
        verbose_name_plural = _("指导佐证材料")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name or self.file.name


class GuidanceLetter(models.Model):
    """安全生产执法指导意见书 (R-42): findings and opinions, the deadline for the county's report."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("已下达")
        REPORT_SUBMITTED = "report_submitted", _("整改报告已提交")
        RETURNED = "returned", _("已退回")
        ACCEPTED = "accepted", _("已验收销号")

    # No report accepted and none waiting for review: the county still owes one.
    AWAITING_REPORT = (Status.ISSUED, Status.RETURNED)

    visit = models.OneToOneField(
        GuidanceVisit, verbose_name=_("执法指导"), on_delete=models.PROTECT, related_name="letter"
    )
    findings = models.JSONField(_("主要问题及意见"), default=list)
    report_deadline = models.DateField(_("整改报告期限"))
    contact_name = models.CharField(_("市局联系人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=30)
    document = models.OneToOneField(
        "documents.IssuedDocument",
        verbose_name=_("文书"),
        on_delete=models.PROTECT,
        related_name="guidance_letter",
        # Set in the issuing transaction right after the letter row exists (the number's source key
        # names the letter), so never empty once committed.
        null=True,
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.ISSUED)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("下达人"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("下达时间"))
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_org_lookup = "visit__county"

    class Meta:
        verbose_name = _("执法指导意见书")
        verbose_name_plural = _("执法指导意见书")
        ordering = ["-issued_at", "-id"]
        permissions = [
            ("issue_guidanceletter", _("下达执法指导意见书")),
            ("answer_guidanceletter", _("报送整改报告")),
            ("review_guidanceletter", _("审核整改报告")),
        ]

    def __str__(self):
        return self.document.number if self.document_id else str(self.visit)

    @property
    def is_closed(self):
        return self.status == self.Status.ACCEPTED

    # the county's report is due by the letter's deadline. The rule is stated twice, for one letter
    # (is_overdue) and as a filter (overdue_q); the two must agree, and a test checks that they do.
    def is_overdue(self, today):
        """No report accepted and none waiting, and the deadline has passed."""
        return self.status in self.AWAITING_REPORT and today > self.report_deadline

    @classmethod
    def overdue_q(cls, today):
        """Letters overdue on ``today``, as a filter: the query form of ``is_overdue``."""
        return models.Q(status__in=cls.AWAITING_REPORT, report_deadline__lt=today)


class RectificationReport(models.Model):
    """The county's rectification report on a letter (file + text); the city accepts or returns it."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("待审核")
        ACCEPTED = "accepted", _("已通过")
        RETURNED = "returned", _("已退回")

    letter = models.ForeignKey(
        GuidanceLetter, verbose_name=_("意见书"), on_delete=models.PROTECT, related_name="reports"
    )
    text = models.TextField(_("整改情况"))
    file = models.FileField(_("整改报告"), upload_to=guidance_upload_to, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("报送时间"))
    late = models.BooleanField(_("逾期报送"), default=False)
    decision = models.CharField(_("审核结果"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    reasons = models.TextField(_("退回理由/审核意见"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_org_lookup = "letter__visit__county"

    class Meta:
        verbose_name = _("整改报告")
        verbose_name_plural = _("整改报告")
        ordering = ["submitted_at", "id"]

    def __str__(self):
        return f"{self.letter} {self.submitted_at:%Y-%m-%d}"
