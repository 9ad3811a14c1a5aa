"""双随机 draws and the officers' conflict declarations they respect (R-02, R-08)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from enforcement.orgs.scoping import RestrictedQuerySet
from plans.annual.models import InspectionPlan


class ConflictDeclaration(models.Model):
    """An officer's declared relation to an enterprise (国发〔2019〕5号: conflicted inspectors recuse)."""

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("执法人员"), on_delete=models.CASCADE, related_name="conflicts"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("生产经营单位"), on_delete=models.CASCADE, related_name="conflicts"
    )
    relation = models.CharField(_("利害关系"), max_length=200)
    declared_at = models.DateTimeField(_("申报时间"), auto_now_add=True)

    # Scoped by the declaring officer's organisation: a legal section sees the declarations of its
    # officers; an officer without the view permission sees only their own (see plans.draws.services).
    objects = RestrictedQuerySet.as_manager()
    scope_org_lookup = "officer__organisation"

    class Meta:
        verbose_name = _("回避申报")
        verbose_name_plural = _("回避申报")
        constraints = [
            models.UniqueConstraint(fields=["officer", "enterprise"], name="%(app_label)s_%(class)s_unique_pair"),
        ]

    def __str__(self):
        return f"{self.officer} — {self.enterprise}"


class Draw(models.Model):
    """A 双随机 draw: the stored inputs (pool snapshots, seed, algorithm version) and its result.

    Re-running the stored algorithm on the stored inputs yields the stored result; that is the audit.
    A redraw never overwrites: it creates a new Draw with a reason and points the old one at it.
    """

    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="draws"
    )
    plan = models.ForeignKey(
        InspectionPlan,
        verbose_name=_("所属计划"),
        on_delete=models.PROTECT,
        related_name="draws",
        null=True,
        blank=True,
    )
    title = models.CharField(_("名称"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("抽取人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)
    pool_definition = models.JSONField(_("抽取范围"), default=dict)
    enterprise_pool = models.JSONField(_("企业库快照"), default=list)
    officer_pool = models.JSONField(_("执法人员库快照"), default=list)
    excluded_pairs = models.JSONField(_("回避关系快照"), default=list)
    sample_size = models.PositiveIntegerField(_("抽取企业数"))
    officers_per_enterprise = models.PositiveSmallIntegerField(_("每户执法人员数"), default=2)
    seed = models.CharField(_("随机种子"), max_length=64)
    algorithm_version = models.CharField(_("算法版本"), max_length=20)
    result = models.JSONField(_("抽取结果"), default=list)
    redraw_of = models.OneToOneField(
        "self", verbose_name=_("重抽自"), on_delete=models.PROTECT, related_name="redrawn_as", null=True, blank=True
    )
    redraw_reason = models.TextField(_("重抽理由"), blank=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_org_lookup = "organisation"

    class Meta:
        verbose_name = _("双随机抽取")
        verbose_name_plural = _("双随机抽取")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    @property
    def is_current(self):
        return not hasattr(self, "redrawn_as")
