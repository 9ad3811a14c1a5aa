"""Organisations (the bureau tree), roles, users and enforcement certificates."""

import datetime

from django.contrib.auth.models import AbstractUser, Permission, UserManager
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from enforcement.orgs.scoping import DataScope, RestrictedQuerySet

# Which level may sit under which (R-55: zones and parks sit under a city or county).
ALLOWED_PARENT_LEVELS = {
    "province": {None},
    "city": {None, "province"},
    "county": {"city"},
    "township": {"county", "zone"},
    "zone": {"city", "county"},
}


PATH_DIGITS = 7


class Organisation(models.Model):
    """An enforcement body or a unit acting under delegated powers (委托执法, R-55).

    The tree is stored as a materialised path of primary keys ("/1/7/42/") so that "this organisation
    and everything below it" is one indexed prefix filter.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        CITY = "city", _("市级")
        COUNTY = "county", _("县（市、区）级")
        TOWNSHIP = "township", _("乡镇（街道）")
        ZONE = "zone", _("开发区/园区管委会")

    class Authority(models.TextChoices):
        OWN = "own", _("法定执法主体")
        DELEGATED = "delegated", _("受委托执法")

    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=20, help_text=_("用于文书编号，如“漯”“郾”"))
    division_code = models.CharField(_("行政区划代码"), max_length=12, blank=True)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), on_delete=models.PROTECT, related_name="children", null=True, blank=True
    )
    path = models.CharField(_("路径"), max_length=255, editable=False, db_index=True, default="")
    authority = models.CharField(_("执法权来源"), max_length=10, choices=Authority.choices, default=Authority.OWN)
    delegated_by = models.ForeignKey(
        "self",
        verbose_name=_("委托机关"),
        on_delete=models.PROTECT,
        related_name="delegations",
        null=True,
        blank=True,
    )
    delegated_powers = models.JSONField(_("委托事项"), default=list, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = RestrictedQuerySet.as_manager()
    scope_org_lookup = ""

    class Meta:
        verbose_name = _("组织机构")
        verbose_name_plural = _("组织机构")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["division_code"],
                condition=~models.Q(division_code=""),
                name="%(app_label)s_%(class)s_unique_division_code",
            ),
            models.CheckConstraint(
                condition=models.Q(authority="own") | models.Q(delegated_by__isnull=False),
                name="%(app_label)s_%(class)s_delegation_has_delegator",
            ),
        ]
        indexes = [
            models.Index(fields=["path"], name="orgs_org_path_prefix_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return self.name

    @property
    def depth(self):
        return self.path.count("/") - 1

    def clean(self):
        parent_level = self.parent.level if self.parent_id else None
        if parent_level not in ALLOWED_PARENT_LEVELS.get(self.level, set()):
            raise ValidationError(
                {"parent": _("“%(level)s”不能设在该上级单位之下。") % {"level": self.get_level_display()}}
            )
        if self.authority == self.Authority.DELEGATED:
            if not self.delegated_by_id:
                raise ValidationError({"delegated_by": _("受委托执法的单位必须填写委托机关。")})
            if not self.delegated_powers:
                raise ValidationError({"delegated_powers": _("受委托执法的单位必须列明委托事项。")})
        if self.pk and self.parent_id and self.parent.path.startswith(self.path):
            raise ValidationError({"parent": _("上级单位不能是本单位或其下级单位。")})

    def save(self, *args, **kwargs):
        with transaction.atomic():
            old_path = self.path
            super().save(*args, **kwargs)
            # Zero-padded ids so that ordering by path lists a parent before its children and siblings in
            # creation order ("/0000002/0000014/" after "/0000002/0000003/").
            new_path = f"{self.parent.path if self.parent_id else '/'}{self.pk:0{PATH_DIGITS}d}/"
            if new_path != old_path:
                type(self).objects.filter(pk=self.pk).update(path=new_path)
                if old_path:
                    # Moving a node moves its whole subtree: rewrite the descendants' path prefix.
                    type(self).objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                        path=Concat(models.Value(new_path), Substr("path", len(old_path) + 1))
                    )
                self.path = new_path

    def ancestors(self, include_self=True):
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        if not include_self:
            ids = ids[:-1]
        return type(self).objects.filter(pk__in=ids).order_by("path")

    def descendants(self, include_self=True):
        qs = type(self).objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)

    def is_ancestor_of(self, other, include_self=True):
        if other is None:
            return False
        if other.pk == self.pk:
            return include_self
        return other.path.startswith(self.path)


class Role(models.Model):
    """A named bundle of permissions plus a data scope (RuoYi's 角色 + 数据权限)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    data_scope = models.CharField(_("数据权限"), max_length=10, choices=DataScope.choices, default=DataScope.SUBTREE)
    permissions = models.ManyToManyField(Permission, verbose_name=_("权限"), related_name="role", blank=True)
    builtin = models.BooleanField(_("内置"), default=False, editable=False)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["code"]

    def __str__(self):
        return self.name


class UserQuerySet(RestrictedQuerySet):
    def delete(self):
        from enforcement.audit.actors import refuse_if_audited

        refuse_if_audited(self)
        return super().delete()


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    """Keeps createsuperuser working while users are scoped like every other record."""


class User(AbstractUser):
    """A person working in one organisation, holding one or more roles."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    roles = models.ManyToManyField(Role, verbose_name=_("角色"), related_name="users", blank=True)
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    # 等保2.0 8.1.4.1 a): a password an administrator chose (a new account, a reset) is known to someone else,
    # so its owner must replace it before doing anything (enforcement.accounts.first_login).
    must_change_password = models.BooleanField(
        _("下次登录须修改密码"),
        default=False,
        help_text=_("管理员新建账号或重置密码后自动勾选；用户修改密码后取消。"),
    )

    objects = ScopedUserManager()
    scope_org_lookup = "organisation"

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.full_name or self.username

    def delete(self, *args, **kwargs):
        # A user who appears in the audit log is deactivated instead (enforcement/audit/actors.py).
        from enforcement.audit.actors import refuse_if_audited

        refuse_if_audited(type(self)._default_manager.filter(pk=self.pk))
        return super().delete(*args, **kwargs)

    @cached_property
    def role_codes(self):
        return {role.code for role in self.roles.all()}

    @cached_property
    def data_scope(self):
        """The widest data scope among the user's roles; deny (shared only) when the user has none."""
        return DataScope.widest(self.roles.values_list("data_scope", flat=True))

    def has_role_perm(self, perm):
        return self.has_perm(perm)

    def valid_certificate(self, on_date=None):
        on_date = on_date or timezone.localdate()
        return self.certificates.valid_on(on_date).first()

    def can_enforce(self, on_date=None):
        """R-50: only officers holding a valid enforcement certificate may be assigned to enforcement work."""
        return "officer" in self.role_codes and self.valid_certificate(on_date) is not None


class CertificateQuerySet(RestrictedQuerySet):
    def valid_on(self, on_date: datetime.date):
        return self.filter(valid_from__lte=on_date, valid_until__gte=on_date, revoked_at__isnull=True)


class EnforcementCertificate(models.Model):
    """An administrative enforcement certificate (行政执法证, R-50)."""

    holder = models.ForeignKey(User, verbose_name=_("持证人"), on_delete=models.CASCADE, related_name="certificates")
    number = models.CharField(_("证件编号"), max_length=40, unique=True)
    issuer = models.CharField(_("发证机关"), max_length=100)
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期止"))
    revoked_at = models.DateTimeField(_("注销时间"), null=True, blank=True)

    objects = CertificateQuerySet.as_manager()
    scope_org_lookup = "holder__organisation"

    class Meta:
        verbose_name = _("执法证")
        verbose_name_plural = _("执法证")
        ordering = ["holder", "-valid_until"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="%(app_label)s_%(class)s_valid_range",
            ),
        ]

    def __str__(self):
        return f"{self.holder} {self.number}"

    def clean(self):
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("有效期止不能早于有效期起。")})
