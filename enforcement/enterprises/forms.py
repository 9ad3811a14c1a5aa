"""HTML forms of the enterprise register. They validate shape; the services decide and write."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enforcement.enterprises.credit_code import validate_credit_code
from enforcement.enterprises.models import Enterprise, Sector
from enforcement.orgs.models import Organisation


class OrganisationChoiceField(forms.ModelChoiceField):
    """Organisations shown as an indented tree (the queryset is ordered by materialised path)."""

    base_depth = 1

    def label_from_instance(self, obj):
        return "\u3000" * max(0, obj.depth - self.base_depth) + obj.name


class EnterpriseForm(forms.ModelForm):
    """Create/edit an enterprise. Choices are limited to what the user can reach."""

    # Wider than the stored 18 characters: people paste codes with spaces or full-width characters,
    # which clean_credit_code folds before checking.
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=40,
        # ModelForm's uniqueness check takes its message from the form field.
        error_messages={"unique": _("该统一社会信用代码已登记在册，不能重复登记。")},
    )

    class Meta:
        model = Enterprise
        fields = [
            "credit_code",
            "name",
            "address",
            "sector",
            "organisation",
            "responsible_org",
            "supervision_class",
            "class_reason",
            *Enterprise.RISK_FLAGS,
            "standardisation_grade",
            "credit_status",
            "last_accident_on",
            "principal_person",
            "principal_phone",
            "contact_person",
            "contact_phone",
        ]
        field_classes = {"organisation": OrganisationChoiceField, "responsible_org": OrganisationChoiceField}
        widgets = {"last_accident_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        instance = self.instance
        reachable = Organisation.objects.restrict(user, "view").values("pk")
        base_depth = user.organisation.depth if user.organisation_id else 1

        org_q = Q(pk__in=reachable)
        responsible_q = Q(pk__in=reachable)
        if instance.pk:
            # Keep the current values selectable: a county may edit an enterprise for which the city is
            # the responsible body without re-assigning it (the service only checks re-assigned orgs).
            org_q |= Q(pk=instance.organisation_id)
            responsible_q |= Q(pk=instance.responsible_org_id)
        for name, q in (("organisation", org_q), ("responsible_org", responsible_q)):
            field = self.fields[name]
            field.queryset = Organisation.objects.filter(q).order_by("path")
            field.base_depth = base_depth
            field.empty_label = _("— 请选择 —")

        sector_q = Q(is_active=True)
        if instance.pk:
            sector_q |= Q(pk=instance.sector_id)
        self.fields["sector"].queryset = Sector.objects.filter(sector_q)
        self.fields["sector"].empty_label = _("— 请选择 —")

        self.fields["responsible_org"].required = False
        self.fields["responsible_org"].empty_label = _("— 与属地相同 —")
        self.fields["responsible_org"].help_text = _(
            "负责该单位监督检查的唯一执法层级：属地单位或其上级。留空则由属地单位负责。"
        )
        self.fields["class_reason"].help_text = _("监管类别为“重点”时必填。")
        self.fields["credit_code"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean_credit_code(self):
        # Raises the Chinese message naming what is wrong (length, characters, check character).
        return validate_credit_code(self.cleaned_data["credit_code"])

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("responsible_org") and cleaned.get("organisation"):
            cleaned["responsible_org"] = cleaned["organisation"]
        return cleaned

    @property
    def risk_fields(self):
        return [self[name] for name in Enterprise.RISK_FLAGS]

    def fieldsets(self):
        """Groups for the template, in the order people fill them in."""
        groups = [
            (_("基本信息"), ["credit_code", "name", "address", "sector"]),
            (
                _("监管信息"),
                [
                    "organisation",
                    "responsible_org",
                    "supervision_class",
                    "class_reason",
                    "standardisation_grade",
                    "credit_status",
                    "last_accident_on",
                ],
            ),
            (_("风险标识"), list(Enterprise.RISK_FLAGS)),
            (_("联系人"), ["principal_person", "principal_phone", "contact_person", "contact_phone"]),
        ]
        return [(title, [self[name] for name in names]) for title, names in groups]
