"""Inspections carried out (执法检查), their check results, hazards and re-inspections (R-10…R-13)."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.orgs.scoping import RestrictedQuerySet


def _stored_name(folder, filename):
    # The stored name never comes from the client; only the extension is kept.
    ext = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "bin"
    return f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


def hazard_photo_upload_to(instance, filename):
    return _stored_name("hazard_photos", filename)


def pending_photo_upload_to(instance, filename):
    return _stored_name("pending_photos", filename)


# Typed text that the 整改复查意见书 prints in a table cell (hazard description, re-inspection note) is bounded:
# real entries run to a few sentences, and every character costs layout time in each render (issue 9 item 5).
TEXT_IN_DOCUMENT_CELL = 1000


class Inspection(models.Model):
    """An on-site inspection (现场检查) of one enterprise, usually carrying out a plan item.

    R-11 三位一体: launch meeting, inspection, feedback meeting; the principal person, the safety manager and
    post operators present. R-09 / R-55: the team may include officers of the delegating body and, in a joint
    inspection (进一次门、查多项事), of other organisations; those organisations are kept in
    ``partner_organisations`` as they were on the day, departments outside the system in ``other_departments``.
    The inspection belongs to ``organisation`` (the recording body) for data scope.
    """

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("检查中")
        COMPLETED = "completed", _("已完成")

    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="inspections"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("被检查单位"), on_delete=models.PROTECT, related_name="inspections"
    )
    plan_item = models.ForeignKey(
        "plans.PlanItem",
        verbose_name=_("计划检查事项"),
        on_delete=models.PROTECT,
        related_name="inspections",
        null=True,
        blank=True,
    )
    inspected_on = models.DateField(_("检查日期"))
    started_at = models.DateTimeField(_("检查开始时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("检查结束时间"), null=True, blank=True)
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("执法人员"), related_name="inspections")
    partner_organisations = models.ManyToManyField(
        "orgs.Organisation",
        verbose_name=_("联合检查单位"),
        related_name="joint_inspections",
        blank=True,
        help_text=_("派执法人员参加检查的其他单位（含委托机关）"),
    )
    other_departments = models.CharField(
        _("其他参加部门"), max_length=200, blank=True, help_text=_("未使用本系统的部门，如市场监管、消防救援")
    )
    principal_present = models.BooleanField(_("主要负责人在场"), default=False)
    safety_manager_present = models.BooleanField(_("安全管理人员在场"), default=False)
    operators_present = models.CharField(_("岗位操作人员"), max_length=200, blank=True)
    experts = models.CharField(_("参加检查的专家"), max_length=200, blank=True)
    launch_meeting_held = models.BooleanField(_("召开启动会"), default=False)
    feedback_meeting_held = models.BooleanField(_("召开反馈会"), default=False)
    feedback_meeting_at = models.DateTimeField(_("反馈会时间"), null=True, blank=True)
    feedback_attendees = models.CharField(_("企业参会人员"), max_length=200, blank=True)
    feedback_content = models.TextField(_("反馈内容"), blank=True)
    summary = models.TextField(_("检查情况"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    # When the inspection was closed (办结): the monthly progress counts an inspection in the month it was
    # completed, and a plan item as done only once an inspection of it is completed.
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_org_lookup = "organisation"

    class Meta:
        verbose_name = _("执法检查")
        verbose_name_plural = _("执法检查")
        ordering = ["-inspected_on", "-id"]
        indexes = [
            models.Index(fields=["organisation", "inspected_on"], name="insp_org_date_idx"),
            models.Index(fields=["enterprise", "inspected_on"], name="insp_ent_date_idx"),
            models.Index(fields=["organisation", "completed_at"], name="insp_org_completed_idx"),
            models.Index(fields=["enterprise", "completed_at"], name="insp_ent_completed_idx"),
            models.Index(fields=["plan_item", "completed_at"], name="insp_item_completed_idx"),
        ]
        constraints = [
            # A completed inspection has its completion time, an open one none.
            models.CheckConstraint(
                condition=models.Q(status="completed", completed_at__isnull=False)
                | (~models.Q(status="completed") & models.Q(completed_at__isnull=True)),
                name="%(app_label)s_%(class)s_completed_at_with_status",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True)
                | models.Q(started_at__isnull=True)
                | models.Q(ended_at__gte=models.F("started_at")),
                name="%(app_label)s_%(class)s_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.inspected_on}"

    @property
    def is_joint(self):
        """R-09: officers of another organisation took part, or a department outside the system did."""
        return bool(self.other_departments) or self.partner_organisations.exists()


class InspectionCorrection(models.Model):
    """A correction of an inspection after it was saved: who, when, why, and each value old → new.

    The inspection row holds the corrected values; this row (and the audit event written with it) keeps
    what they were, so nothing is overwritten silently and documents issued earlier can be found stale.
    ``changes`` is a list of {"field", "label", "old", "new"} with the values as shown to people.
    """

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("检查"), on_delete=models.CASCADE, related_name="corrections"
    )
    reason = models.TextField(_("更正原因"))
    changes = models.JSONField(_("更正内容"), default=list)
    was_completed = models.BooleanField(_("更正时检查已完成"), default=False)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("更正人"), on_delete=models.PROTECT, related_name="+"
    )
    corrected_at = models.DateTimeField(_("更正时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("检查记录更正")
        verbose_name_plural = _("检查记录更正")
        ordering = ["corrected_at", "id"]

    def __str__(self):
        return f"{self.inspection} {self.corrected_at:%Y-%m-%d %H:%M}"


class CheckResult(models.Model):
    """One check item of the on-site plan, compliant or not, with a note (R-12 detailed record)."""

    inspection = models.ForeignKey(Inspection, verbose_name=_("检查"), on_delete=models.CASCADE, related_name="results")
    check_item = models.ForeignKey(
        "plans.CheckItem",
        verbose_name=_("检查事项"),
        on_delete=models.PROTECT,
        related_name="results",
        null=True,
        blank=True,
    )
    text = models.CharField(_("检查内容"), max_length=300)
    compliant = models.BooleanField(_("符合要求"), null=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        ordering = ["id"]

    def __str__(self):
        return self.text


class Hazard(models.Model):
    """A hazard found (隐患): rectification deadline, then re-inspection until closed (R-13)."""

    class Status(models.TextChoices):
        OPEN = "open", _("整改中")
        RECTIFIED = "rectified", _("已整改待复查")
        CLOSED = "closed", _("复查合格")

    inspection = models.ForeignKey(Inspection, verbose_name=_("检查"), on_delete=models.CASCADE, related_name="hazards")
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="hazards"
    )
    description = models.TextField(_("隐患描述"), max_length=TEXT_IN_DOCUMENT_CELL)
    location = models.CharField(_("位置"), max_length=200, blank=True)
    is_major = models.BooleanField(_("重大事故隐患"), default=False)
    found_on = models.DateField(_("发现日期"))
    # 安全生产法 第65条: the deadline the rectification order set. Never overwritten: the order showed it.
    rectification_deadline = models.DateField(_("整改期限"))
    # The deadline in force: the order's, or the one a failed re-inspection set (recorded on that re-inspection).
    # "Due" and "overdue" lists use this one.
    current_deadline = models.DateField(_("当前整改期限"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    closed_on = models.DateField(_("复查合格日期"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_org_lookup = "organisation"

    class Meta:
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患")
        ordering = ["current_deadline", "id"]
        indexes = [models.Index(fields=["organisation", "found_on"], name="hazard_org_found_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rectification_deadline__gte=models.F("found_on")),
                name="%(app_label)s_%(class)s_deadline_after_found",
            ),
            models.CheckConstraint(
                condition=models.Q(current_deadline__gte=models.F("found_on")),
                name="%(app_label)s_%(class)s_current_deadline_after_found",
            ),
        ]

    def __str__(self):
        return self.description[:40]

    def save(self, *args, **kwargs):
        if self.current_deadline is None:
            self.current_deadline = self.rectification_deadline
        super().save(*args, **kwargs)

    # Overdue as a property and as a filter, side by side: the two must agree (a test checks that they do).
    @property
    def is_overdue(self):
        return self.status == self.Status.OPEN and self.current_deadline < timezone.localdate()

    @staticmethod
    def overdue_q(today):
        """Hazards still open after the deadline in force on ``today``."""
        return models.Q(status=Hazard.Status.OPEN, current_deadline__lt=today)

    @property
    def deadline_extended(self):
        return self.current_deadline != self.rectification_deadline

    def reinspect_url(self):
        """Where this hazard is re-inspected: the visit page of its order (one visit re-inspects them all), at it."""
        return reverse("cases:inspection_reinspect", args=[self.inspection_id]) + f"#hazard-{self.pk}"


class HazardPhoto(models.Model):
    """A photo of a hazard, taken on site (tablet camera). Stored outside the static root."""

    hazard = models.ForeignKey(Hazard, verbose_name=_("隐患"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("照片"), upload_to=hazard_photo_upload_to, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_org_lookup = "hazard__organisation"

    class Meta:
        verbose_name = _("隐患照片")
        verbose_name_plural = _("隐患照片")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name or self.file.name


class PendingPhoto(models.Model):
    """A photo that passed the upload checks on a form whose submit failed, kept for its next submit.

    Tied to the user who chose it and to one form (``form_key``, e.g. "hazard:<inspection id>"): only that
    user sees it, as a thumbnail in the re-rendered form, and it becomes a HazardPhoto when the form is saved.
    Not an enforcement record and not organisation-owned; stale ones are deleted by a daily task.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.CASCADE, related_name="+"
    )
    form_key = models.CharField(_("表单"), max_length=60)
    file = models.FileField(_("照片"), upload_to=pending_photo_upload_to, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("待提交照片")
        verbose_name_plural = _("待提交照片")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["owner", "form_key"], name="pending_photo_owner_form_idx")]

    def __str__(self):
        return self.original_name or self.file.name


class ReInspectionVisit(models.Model):
    """One re-inspection visit (整改复查): hazards of one inspection — one rectification order — re-inspected on one
    day by one team. Its 整改复查意见书 covers every hazard re-inspected on the visit."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("检查"), on_delete=models.PROTECT, related_name="reinspection_visits"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="reinspection_visits"
    )
    inspected_on = models.DateField(_("复查日期"))
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("复查人员"), related_name="reinspection_visits"
    )
    # The team as sorted user ids ("3,7"): one visit per inspection, day and team, even with concurrent saves.
    team_key = models.CharField(_("复查组"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_org_lookup = "organisation"

    class Meta:
        verbose_name = _("整改复查（次）")
        verbose_name_plural = _("整改复查（次）")
        ordering = ["inspected_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "inspected_on", "team_key"], name="%(app_label)s_%(class)s_one_per_team_day"
            ),
        ]

    def __str__(self):
        return f"{self.inspection} {self.inspected_on}"

    @staticmethod
    def team_key_for(officers):
        return ",".join(str(pk) for pk in sorted({o.pk for o in officers}))


class ReInspection(models.Model):
    """整改复查: the re-inspection of one hazard on a visit, and its result."""

    class Result(models.TextChoices):
        PASSED = "passed", _("整改合格")
        FAILED = "failed", _("整改不合格")

    hazard = models.ForeignKey(Hazard, verbose_name=_("隐患"), on_delete=models.CASCADE, related_name="reinspections")
    visit = models.ForeignKey(
        ReInspectionVisit, verbose_name=_("复查（次）"), on_delete=models.PROTECT, related_name="reinspections"
    )
    inspected_on = models.DateField(_("复查日期"))
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("复查人员"), related_name="reinspections"
    )
    result = models.CharField(_("复查结果"), max_length=10, choices=Result.choices)
    note = models.TextField(_("复查意见"), blank=True, max_length=TEXT_IN_DOCUMENT_CELL)
    # A failed result's new deadline; the hazard's original deadline stays (Hazard.current_deadline takes this).
    new_deadline = models.DateField(_("重新整改期限"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_org_lookup = "hazard__organisation"

    class Meta:
        verbose_name = _("整改复查")
        verbose_name_plural = _("整改复查")
        ordering = ["inspected_on", "id"]

    def __str__(self):
        return f"{self.hazard} {self.get_result_display()}"
