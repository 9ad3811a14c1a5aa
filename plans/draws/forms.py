"""HTML forms of the draw and conflict-declaration pages. They validate shape and limit choices to the
user's reach; the services (plans.draws.services) decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from enforcement.enterprises.forms import OrganisationChoiceField
from enforcement.enterprises.models import Enterprise, Sector
from enforcement.orgs.models import Organisation
from plans.annual.forms import CHOOSE, EVERYTHING, MONTHS, base_depth, scoped_organisations
from plans.annual.models import InspectionPlan


class DrawForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200, help_text=_("如“2026年第二季度工贸企业双随机抽查”。"))
    organisation = OrganisationChoiceField(label=_("组织单位"), queryset=Organisation.objects.none())
    sectors = forms.ModelMultipleChoiceField(
        label=_("行业领域"),
        queryset=Sector.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选表示全部行业。"),
    )
    supervision_class = forms.ChoiceField(
        label=_("监管类别"),
        required=False,
        choices=[("", EVERYTHING), *Enterprise.SupervisionClass.choices],
        initial=Enterprise.SupervisionClass.GENERAL,
    )
    responsible_only = forms.BooleanField(label=_("仅限组织单位为执法主体的单位"), required=False, initial=True)
    sample_size = forms.IntegerField(label=_("抽取企业数"), min_value=1, max_value=100000)
    officers_per_enterprise = forms.IntegerField(
        label=_("每户执法人员数"), min_value=2, max_value=10, initial=2, help_text=_("不少于2人（行政处罚法第42条）。")
    )
    exclude_last_inspectors = forms.BooleanField(label=_("排除上次检查该单位的执法人员"), required=False)
    plan = forms.ModelChoiceField(
        label=_("所属计划（可选）"),
        queryset=InspectionPlan.objects.none(),
        required=False,
        help_text=_("为计划抽取时，计划中已有的单位和本计划其他批次已抽中的单位不再抽取。"),
    )
    add_to_plan = forms.BooleanField(label=_("抽取后直接列入所属计划（双随机抽查）"), required=False, initial=True)
    planned_month = forms.TypedChoiceField(
        label=_("列入计划的月份"), choices=[("", CHOOSE), *MONTHS], coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, user, suggestion=None, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = scoped_organisations(user)
        depth = base_depth(user)
        org = self.fields["organisation"]
        org.queryset, org.base_depth, org.empty_label = orgs, depth, CHOOSE
        # Territorial limits: a multi-select of the organisations in scope, shown as an indented tree.
        self.fields["organisations"] = forms.ModelMultipleChoiceField(
            label=_("属地范围"),
            queryset=orgs,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("不选表示组织单位辖区内全部；选择某单位即包含其下级。"),
        )
        self.fields["organisations"].label_from_instance = lambda o: "\u3000" * max(0, o.depth - depth) + o.name
        self.fields["sectors"].queryset = Sector.objects.filter(is_active=True)
        self.fields["plan"].queryset = (
            InspectionPlan.objects.restrict(user, "change")
            .filter(status=InspectionPlan.Status.DRAFT)
            .select_related("organisation")
        )
        self.fields["plan"].empty_label = _("— 暂不关联 —")
        if suggestion is not None:
            self._suggest(suggestion)
        self.order_fields(
            [
                "title",
                "organisation",
                "plan",
                "add_to_plan",
                "planned_month",
                "sectors",
                "organisations",
                "supervision_class",
                "responsible_only",
                "sample_size",
                "officers_per_enterprise",
                "exclude_last_inspectors",
            ]
        )

    def _suggest(self, suggestion):
        """R-02: offer the number of general enterprises the plan still needs (一般单位不少于三分之一)."""
        coverage = suggestion.coverage
        text = _("一般单位共%(total)d家，至少需列入%(required)d家（三分之一，向上取整），已列入%(covered)d家") % {
            "total": coverage.total,
            "required": coverage.required,
            "covered": coverage.covered,
        }
        if suggestion.pending:
            text += _("，另有%(n)d家已抽中待列入") % {"n": suggestion.pending}
        if suggestion.size:
            text += _("：建议抽取%(n)d家。") % {"n": suggestion.size}
            self.fields["sample_size"].initial = suggestion.size
        else:
            text += _("：覆盖率已满足要求。")
        self.fields["sample_size"].help_text = text
        self.suggested_size = suggestion.size

    def clean(self):
        cleaned = super().clean()
        plan, org = cleaned.get("plan"), cleaned.get("organisation")
        if plan and org and plan.organisation_id != org.pk:
            self.add_error("plan", _("所属计划必须是组织单位本单位的计划。"))
        if plan and cleaned.get("add_to_plan") and not cleaned.get("planned_month"):
            self.add_error("planned_month", _("请选择列入计划的月份，或取消“抽取后直接列入所属计划”。"))
        return cleaned

    def month_to_add(self):
        """The month to add the result to the plan in, or None when the draw is not added now."""
        data = self.cleaned_data
        return data["planned_month"] if data.get("plan") and data.get("add_to_plan") else None

    def definition(self):
        data = self.cleaned_data
        return {
            "sectors": sorted(s.pk for s in data["sectors"]),
            "organisations": sorted(o.pk for o in data["organisations"]),
            "supervision_class": data["supervision_class"],
            "responsible_only": data["responsible_only"],
            "exclude_last_inspectors": data["exclude_last_inspectors"],
        }


class RedrawForm(forms.Form):
    reason = forms.CharField(label=_("重新抽取理由"), widget=forms.Textarea(attrs={"rows": 2}))


class AddDrawToPlanForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("加入计划"), queryset=InspectionPlan.objects.none())
    planned_month = forms.TypedChoiceField(label=_("计划月份"), choices=MONTHS, coerce=int)

    def __init__(self, *args, user, draw, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = InspectionPlan.objects.restrict(user, "change").filter(
            organisation=draw.organisation_id, status=InspectionPlan.Status.DRAFT
        )
        self.fields["plan"].empty_label = CHOOSE
        if draw.plan_id:
            self.fields["plan"].initial = draw.plan_id


# --- conflicts -----------------------------------------------------------------------------------


class ConflictForm(forms.Form):
    enterprise = forms.ModelChoiceField(
        label=_("生产经营单位"), queryset=Enterprise.objects.none(), widget=forms.HiddenInput
    )
    relation = forms.CharField(
        label=_("利害关系"), max_length=200, help_text=_("如“配偶在该单位任职”“曾在该单位工作（2023年离职）”。")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(user, "view")
