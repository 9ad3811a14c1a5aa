"""API serializers. They validate shape only; the services validate the law and the data scope."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from enforcement.api.fields import IdField, OptionalEmailField
from enforcement.audit.models import AuditEvent
from enforcement.enterprises import services
from enforcement.enterprises.credit_code import validate_credit_code
from enforcement.enterprises.models import Enterprise, Sector
from enforcement.orgs.models import Organisation, Role, User
from enforcement.orgs.scoping import DataScope

# Permissions the web UI uses to show or hide actions; /api/me/ reports only these apps.
UI_PERMISSION_APPS = ("enterprises", "orgs", "audit")


class OrganisationBriefSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "short_name", "level", "level_label"]


class OrganisationSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    authority_label = serializers.CharField(source="get_authority_display", read_only=True)
    parent_name = serializers.CharField(source="parent.name", read_only=True, default=None, allow_null=True)
    delegated_by_name = serializers.CharField(source="delegated_by.name", read_only=True, default=None, allow_null=True)
    delegated_powers = serializers.ListField(child=serializers.CharField(), read_only=True)
    depth = serializers.IntegerField(read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "short_name",
            "division_code",
            "level",
            "level_label",
            "parent",
            "parent_name",
            "authority",
            "authority_label",
            "delegated_by",
            "delegated_by_name",
            "delegated_powers",
            "path",
            "depth",
            "is_active",
        ]
        read_only_fields = fields


class RoleSerializer(serializers.ModelSerializer):
    data_scope_label = serializers.CharField(source="get_data_scope_display", read_only=True)

    class Meta:
        model = Role
        fields = ["code", "name", "data_scope", "data_scope_label"]
        read_only_fields = fields


class UserSerializer(serializers.ModelSerializer):
    """A colleague as other users see them: never the password, tokens or permission internals."""

    organisation = OrganisationBriefSerializer(read_only=True)
    roles = RoleSerializer(many=True, read_only=True)
    has_valid_certificate = serializers.BooleanField(
        read_only=True, help_text=_("今天是否持有有效的行政执法证（R-50）")
    )
    can_enforce = serializers.SerializerMethodField(help_text=_("执法人员且持有有效执法证，可从事执法工作"))
    email = OptionalEmailField(read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "phone",
            "email",
            "organisation",
            "roles",
            "is_active",
            "has_valid_certificate",
            "can_enforce",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_can_enforce(self, user) -> bool:
        # Computed from the prefetched roles and the annotated certificate flag: no query per row.
        return bool(getattr(user, "has_valid_certificate", False)) and any(
            role.code == "officer" for role in user.roles.all()
        )


class PersonSerializer(serializers.ModelSerializer):
    """A user named in a record (officers, a guidance team): who, nothing more."""

    class Meta:
        model = User
        fields = ["id", "username", "full_name"]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer):
    """The signed-in user, with what the UI needs to decide what to show."""

    organisation = OrganisationBriefSerializer(read_only=True)
    roles = RoleSerializer(many=True, read_only=True)
    data_scope = serializers.SerializerMethodField()
    data_scope_label = serializers.SerializerMethodField()
    permissions = serializers.SerializerMethodField()
    can_enforce = serializers.SerializerMethodField()
    email = OptionalEmailField(read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "organisation",
            "roles",
            "data_scope",
            "data_scope_label",
            "permissions",
            "can_enforce",
            "is_staff",
            "is_superuser",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=DataScope.choices))
    def get_data_scope(self, user) -> str:
        return DataScope.ALL.value if user.is_superuser else DataScope(user.data_scope).value

    @extend_schema_field(OpenApiTypes.STR)
    def get_data_scope_label(self, user) -> str:
        return str(DataScope(self.get_data_scope(user)).label)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_permissions(self, user) -> list[str]:
        return sorted(perm for perm in user.get_all_permissions() if perm.split(".", 1)[0] in UI_PERMISSION_APPS)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_can_enforce(self, user) -> bool:
        return user.can_enforce()


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["id", "code", "name", "high_risk", "sort_order"]
        read_only_fields = fields


class CreditCodeField(serializers.CharField):
    """Normalises (full-width, spaces, case) and checks GB 32100-2015 before the uniqueness check runs."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return validate_credit_code(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


def _with_companions(names, companions):
    result = []
    for name in names:
        result.append(name)
        if name in companions:
            result.append(companions[name])
    return result


class OrganisationField(IdField):
    """Resolves any active organisation's id, but offers (browsable API forms) only those in scope.

    Resolution is deliberately unscoped: whether the caller may assign that organisation is the
    service's decision, answered as a Chinese field error (400) — and an unchanged out-of-scope value
    (the city as responsible body of a county's enterprise) must pass through untouched.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Organisation.objects.filter(is_active=True))
        super().__init__(**kwargs)

    def get_choices(self, cutoff=None):
        request = self.context.get("request")
        if request is None:
            return {}
        queryset = Organisation.objects.restrict(request.user, "view").filter(is_active=True)
        if cutoff is not None:
            queryset = queryset[:cutoff]
        return {self.to_representation(org): self.display_value(org) for org in queryset}


class EnterpriseSerializer(serializers.ModelSerializer):
    credit_code = CreditCodeField(
        label=Enterprise._meta.get_field("credit_code").verbose_name,
        max_length=40,  # raw input may carry spaces or full-width characters; the field normalises it
        validators=[
            UniqueValidator(
                queryset=Enterprise._default_manager.only("pk"),
                message=_("该统一社会信用代码已登记，请勿重复登记。"),
            )
        ],
    )
    organisation = OrganisationField(label=Enterprise._meta.get_field("organisation").verbose_name)
    responsible_org = OrganisationField(
        label=Enterprise._meta.get_field("responsible_org").verbose_name,
        required=False,
        help_text=_("省略时默认为属地单位（R-03）"),
    )
    sector = IdField(
        label=Enterprise._meta.get_field("sector").verbose_name, queryset=Sector.objects.filter(is_active=True)
    )
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    responsible_org_name = serializers.CharField(source="responsible_org.name", read_only=True)
    sector_name = serializers.CharField(source="sector.name", read_only=True, allow_null=True)
    supervision_class_label = serializers.CharField(source="get_supervision_class_display", read_only=True)
    standardisation_grade_label = serializers.CharField(source="get_standardisation_grade_display", read_only=True)
    credit_status_label = serializers.CharField(source="get_credit_status_display", read_only=True)
    risk_flag_labels = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Enterprise
        # Every register field, in model order (a field added to the model appears here too), each
        # followed by its readable companion.
        fields = _with_companions(
            [field.name for field in Enterprise._meta.concrete_fields],
            {
                "organisation": "organisation_name",
                "responsible_org": "responsible_org_name",
                "sector": "sector_name",
                "supervision_class": "supervision_class_label",
                Enterprise.RISK_FLAGS[-1]: "risk_flag_labels",
                "standardisation_grade": "standardisation_grade_label",
                "credit_status": "credit_status_label",
            },
        )
        read_only_fields = ["id", "created_at", "updated_at"]

    def _user(self):
        return self.context["request"].user

    def create(self, validated_data):
        validated_data.setdefault("responsible_org", validated_data.get("organisation"))
        return services.create_enterprise(self._user(), Enterprise(**validated_data))

    def update(self, instance, validated_data):
        return services.update_enterprise(self._user(), instance.pk, validated_data)


class AuditEventSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    # The actor as they were when they acted (copied into the row), not as the account reads today.
    actor = serializers.CharField(source="actor_username", read_only=True)
    actor_name = serializers.CharField(read_only=True)
    changes = serializers.DictField(child=serializers.ListField(), read_only=True, help_text=_("字段 → [原值, 新值]"))

    class Meta:
        model = AuditEvent
        fields = ["id", "created_at", "actor", "actor_name", "action", "action_label", "target_repr", "changes"]
        read_only_fields = fields
