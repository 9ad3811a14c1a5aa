"""Monthly progress snapshots (月调度, R-05, R-06) and the runs of the job that builds them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from enforcement.jobs import ClaimedJob
from enforcement.orgs.scoping import RestrictedQuerySet


def rate(numerator, denominator):
    """A percentage with one decimal, or None when there is nothing to measure."""
    if not denominator:
        return None
    return round(100 * numerator / denominator, 1)


class MonthlyProgress(models.Model):
    """One organisation's plan-execution snapshot for one month (figures are year-to-date unless named).

    Built by the monthly job; immutable except through a re-run of that month. The county confirms it.
    """

    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="monthly_progress"
    )
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    planned = models.PositiveIntegerField(_("截至本月计划检查数"), default=0)
    planned_in_month = models.PositiveIntegerField(_("本月计划检查数"), default=0)
    done = models.PositiveIntegerField(_("截至本月已完成计划检查数"), default=0)
    inspections_in_month = models.PositiveIntegerField(_("本月实施检查数"), default=0)
    hazards_found = models.PositiveIntegerField(_("本年发现隐患数"), default=0)
    hazards_found_in_month = models.PositiveIntegerField(_("本月发现隐患数"), default=0)
    hazards_closed = models.PositiveIntegerField(_("本年已整改销号隐患数"), default=0)
    hazards_due = models.PositiveIntegerField(_("整改期限已到的隐患数"), default=0)
    hazards_reinspected = models.PositiveIntegerField(_("已复查的到期隐患数"), default=0)
    key_total = models.PositiveIntegerField(_("重点单位数"), default=0)
    key_covered = models.PositiveIntegerField(_("已检查重点单位数"), default=0)
    general_total = models.PositiveIntegerField(_("一般单位数"), default=0)
    general_covered = models.PositiveIntegerField(_("已检查一般单位数"), default=0)
    behind_count = models.PositiveIntegerField(_("滞后计划检查数"), default=0)
    behind = models.JSONField(_("滞后计划检查（部分）"), default=list, blank=True)
    generated_at = models.DateTimeField(_("生成时间"))
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    objects = RestrictedQuerySet.as_manager()
    scope_org_lookup = "organisation"

    FIGURES = (
        "planned",
        "planned_in_month",
        "done",
        "inspections_in_month",
        "hazards_found",
        "hazards_found_in_month",
        "hazards_closed",
        "hazards_due",
        "hazards_reinspected",
        "key_total",
        "key_covered",
        "general_total",
        "general_covered",
        "behind_count",
        "behind",
    )

    class Meta:
        verbose_name = _("月度调度")
        verbose_name_plural = _("月度调度")
        ordering = ["-month", "organisation__path"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month"], name="%(app_label)s_%(class)s_unique_month"),
        ]
        permissions = [
            ("confirm_monthlyprogress", _("确认本单位月度调度")),
            # Re-running a month regenerates every organisation's report, so it is a city-level action.
            ("rebuild_monthlyprogress", _("重新生成月度调度")),
        ]

    def __str__(self):
        return f"{self.organisation} {self.month:%Y年%m月}"

    @property
    def completion_rate(self):
        """R-06 计划检查任务完成率 (target 100%)."""
        return rate(self.done, self.planned)

    @property
    def reinspection_rate(self):
        """R-06 隐患整改复查率 (target 100%)."""
        return rate(self.hazards_reinspected, self.hazards_due)

    @property
    def key_coverage_rate(self):
        return rate(self.key_covered, self.key_total)

    @property
    def general_coverage_rate(self):
        return rate(self.general_covered, self.general_total)


class MonthlyProgressRun(ClaimedJob):
    """One run of the monthly job for one month; claimed before work starts so two runs never overlap.

    A rebuild is recorded as "queued" before its task is sent, so a lost message is found and sent again
    (enforcement/jobs.py).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("运行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    month = models.DateField(_("月份"), unique=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    organisations = models.PositiveIntegerField(_("单位数"), default=0)
    changed = models.PositiveIntegerField(_("有变化的报表数"), default=0)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("月度调度生成记录")
        verbose_name_plural = _("月度调度生成记录")
        ordering = ["-month"]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.get_status_display()}"


# --- Guidance visits (执法指导, R-40…R-42) -------------------------------------------------------
