"""Legal parameters as versioned configuration: each row holds one value of one key, for one area, in force
from one date to another, with the article and the instrument it comes from (domain §3, §3.2, §11)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enforcement.rules.keys import RuleKey


class LegalRule(models.Model):
    """One value of a legal parameter in effect for an area (national or an organisation's subtree) over a period.

    The rows of one key, area and basis must not overlap in time. That is checked in ``clean()`` (the admin and
    ``full_clean`` callers): a database exclusion constraint over date ranges exists on PostgreSQL only
    (btree_gist), and the models stay portable to SQLite.
    """

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("有效")
        TO_CONFIRM = "to_confirm", _("待核实")
        SUPERSEDED = "superseded", _("已废止")

    class Basis(models.TextChoices):
        # 行政处罚法 第60条 "法律、法规、规章另有规定的，从其规定": a rule's value prevails over the law's default.
        LAW = "law", _("法律默认值")
        RULE = "rule", _("规章或地方规定（从其规定）")

    key = models.CharField(_("参数"), max_length=60, db_index=True)
    province = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("适用地区"),
        on_delete=models.PROTECT,
        related_name="legal_rules",
        null=True,
        blank=True,
        help_text=_("留空为全国；选择省（或市）级单位时，适用于其下所有单位"),
    )
    basis = models.CharField(_("效力来源"), max_length=10, choices=Basis.choices, default=Basis.RULE)
    value = models.DecimalField(_("数值"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=20, blank=True, help_text=_("如“日”“个工作日”“元”“%”"))
    article = models.CharField(_("法条"), max_length=100, help_text=_("如“行政处罚法 第60条”"))
    source = models.CharField(_("依据文件"), max_length=100, blank=True, help_text=_("如“应急管理部令第18号”"))
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True, help_text=_("最后有效的一天；留空为长期有效"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.IN_FORCE)
    note = models.TextField(_("备注"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("法定参数")
        verbose_name_plural = _("法定参数")
        ordering = ["key", "province", "basis", "effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="%(app_label)s_%(class)s_period_not_reversed",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="%(app_label)s_%(class)s_value_not_negative"),
        ]

    def __str__(self):
        area = self.province.name if self.province_id else _("全国")
        return f"{self.key_label}（{area}，{self.effective_from:%Y-%m-%d}起）"

    @property
    def key_label(self):
        return RuleKey(self.key).label if self.key in RuleKey.values else self.key

    def in_effect(self, on):
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def clean(self):
        if self.key and self.key not in RuleKey.values:
            raise ValidationError({"key": _("未知的参数“%(key)s”。") % {"key": self.key}})
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("失效日期不能早于生效日期。")})
        if self.key and self.effective_from:
            self._check_no_overlap()

    def _check_no_overlap(self):
        others = LegalRule.objects.filter(key=self.key, province_id=self.province_id, basis=self.basis)
        others = others.exclude(pk=self.pk).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=self.effective_from)
        )
        if self.effective_to is not None:
            others = others.filter(effective_from__lte=self.effective_to)
        clash = others.order_by("effective_from").first()
        if clash is not None:
            until = f"{clash.effective_to:%Y-%m-%d}" if clash.effective_to else _("长期")
            raise ValidationError(
                _(
                    "与已有记录“%(rule)s”（%(start)s 至 %(end)s）的有效期重叠：同一参数、同一地区的记录有效期不能重叠，"
                    "请先为旧记录填写失效日期。"
                )
                % {"rule": clash, "start": f"{clash.effective_from:%Y-%m-%d}", "end": until}
            )
