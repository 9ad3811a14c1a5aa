"""The holiday calendar: the exceptions to "Monday to Friday are working days", year by year.

Only exceptions are stored — weekdays that are statutory holidays or rest days (法定节假日/调休休息日) and
weekend days that are working days (调休上班日). A year counts as known only once a ``CalendarYear`` row marks
it complete: the State Council announces each year's arrangement about November (国务院办公厅通知), and until
an administrator has entered and confirmed it, deadlines in that year are computed on weekends alone and
carry a warning (enforcement/workdays/deadlines.py).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

SATURDAY = 5


class Source(models.TextChoices):
    PACKAGE = "package", _("chinesecalendar 数据包")
    ADMIN = "admin", _("管理员录入")


class CalendarDay(models.Model):
    """One exception to the Monday–Friday week: a weekday off, or a weekend day worked (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("法定节假日/休息日")
        WORKDAY = "workday", _("调休上班日")

    date = models.DateField(_("日期"), unique=True, error_messages={"unique": _("该日期已录入，请修改原记录。")})
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("节日名称"), max_length=50, blank=True, help_text=_("如“春节”“国庆节”"))
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.ADMIN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calendar_days",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}{' ' + self.name if self.name else ''}"

    @property
    def year(self):
        return self.date.year

    def clean(self):
        if self.date is None:
            return
        weekend = self.date.weekday() >= SATURDAY
        if self.kind == self.Kind.WORKDAY and not weekend:
            raise ValidationError(
                {"kind": _("%(date)s 是周一至周五，本来就是工作日，不能标为“调休上班日”。") % {"date": self.date}}
            )
        if self.kind == self.Kind.HOLIDAY and weekend:
            raise ValidationError(
                {
                    "kind": _("%(date)s 是周六或周日，本来就是休息日，无需录入；只录入放假的工作日和调休上班的周末。")
                    % {"date": self.date}
                }
            )


class CalendarYear(models.Model):
    """Marks a year's holiday arrangement as entered completely (and by whom, from which notice)."""

    year = models.PositiveSmallIntegerField(
        _("年份"), unique=True, error_messages={"unique": _("该年份已有记录，请修改原记录。")}
    )
    complete = models.BooleanField(
        _("已完整录入"), default=False, help_text=_("勾选后，该年的期限按录入的节假日计算，不再提示“尚未录入”。")
    )
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.ADMIN)
    notice = models.CharField(_("依据文件"), max_length=100, blank=True, help_text=_("如“国办发明电〔2026〕x号”"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="confirmed_calendar_years",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("年度节假日安排")
        verbose_name_plural = _("年度节假日安排")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2200), name="%(app_label)s_%(class)s_year_range"
            )
        ]

    def __str__(self):
        return _("%(year)s年节假日安排") % {"year": self.year}

    def clean(self):
        if self.year is not None and not 2000 <= self.year <= 2200:
            raise ValidationError({"year": _("年份应在2000至2200之间。")})
        if not self.complete or self.source != Source.ADMIN or self.year is None:
            return
        if not self.notice.strip():
            raise ValidationError(
                {"notice": _("确认完整录入时请填写依据文件（国务院办公厅关于节假日安排的通知文号）。")}
            )
        if not CalendarDay.objects.filter(date__year=self.year).exists():
            raise ValidationError(
                {"complete": _("%(year)s年尚未录入任何节假日，不能确认为完整录入。") % {"year": self.year}}
            )
