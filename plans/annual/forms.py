"""HTML forms of the annual plan pages: plans, their items and the workflow steps, with the helpers the
draw pages' forms share. They validate shape and limit choices to the user's reach; the services
(plans.annual.services) decide and write."""

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.enterprises.forms import OrganisationChoiceField
from enforcement.enterprises.models import Enterprise
from enforcement.orgs.models import Organisation, User
from enforcement.orgs.services import certified_officers
from enforcement.uploads import DOCUMENT, validate_upload
from plans.annual.models import CheckItem, InspectionMode, InspectionPlan, PlanItem, PlanType

EVERYTHING = _("全部")
CHOOSE = _("— 请选择 —")
MONTHS = [(m, _("%(m)d月") % {"m": m}) for m in range(1, 13)]


# The customary title: “东城区应急管理局2026年度安全生产监督检查计划” (the page's script fills in the same pattern).
PLAN_TITLE = _("%(org)s%(year)s年度%(type)s监督检查计划")


def plan_title(organisation, year, plan_type):
    return str(PLAN_TITLE) % {"org": organisation.name, "year": year, "type": PlanType(plan_type).label}


def base_depth(user):
    return user.organisation.depth if user.organisation_id else 1


def scoped_organisations(user):
    return Organisation.objects.restrict(user, "view").filter(is_active=True).order_by("path")


class OfficerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.username


# --- plans ---------------------------------------------------------------------------------------


class PlanFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False, empty_value=None)
    plan_type = forms.ChoiceField(label=_("计划类型"), required=False, choices=[("", EVERYTHING), *PlanType.choices])
    organisation = OrganisationChoiceField(
        label=_("单位（含下级）"), queryset=Organisation.objects.none(), required=False, empty_label=EVERYTHING
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", EVERYTHING), *InspectionPlan.Status.choices]
    )

    def __init__(self, *args, user, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", EVERYTHING), *((y, _("%(y)d年") % {"y": y}) for y in years)]
        org = self.fields["organisation"]
        org.queryset = scoped_organisations(user)
        org.base_depth = base_depth(user)


class PlanCreateForm(forms.Form):
    organisation = OrganisationChoiceField(label=_("编制单位"), queryset=Organisation.objects.none())
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    plan_type = forms.ChoiceField(label=_("计划类型"), choices=PlanType.choices, initial=PlanType.WORK_SAFETY)
    title = forms.CharField(
        label=_("标题"),
        max_length=200,
        required=False,
        help_text=_("留空则按“单位名称+年度+类型+监督检查计划”自动生成。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        org = self.fields["organisation"]
        # each enforcement body makes its own plan (plans.annual.services.create_plan enforces it too).
        org.queryset = (
            scoped_organisations(user) if user.is_superuser else Organisation.objects.filter(pk=user.organisation_id)
        )
        org.initial = user.organisation_id
        org.base_depth = base_depth(user)
        org.empty_label = CHOOSE
        # The browser script keeps the title in step with the choices until the user types one.
        org.widget.attrs["data-title-source"] = "organisation"
        self.fields["year"].widget.attrs["data-title-source"] = "year"
        self.fields["plan_type"].widget.attrs["data-title-source"] = "plan_type"
        self.fields["title"].widget.attrs["data-title-target"] = "1"
        self.org_names = {o.pk: o.name for o in org.queryset}
        self.type_labels = {value: str(label) for value, label in PlanType.choices}
        self.title_pattern = str(PLAN_TITLE)

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("title")
            and cleaned.get("organisation")
            and cleaned.get("year")
            and cleaned.get("plan_type")
        ):
            cleaned["title"] = plan_title(cleaned["organisation"], cleaned["year"], cleaned["plan_type"])
        return cleaned


def responsibility_error(enterprise, plan):
    """R-03 一家生产经营单位对应一个层级的执法主体: a plan holds only enterprises its organisation is
    responsible for. Returns the Chinese reason, or None."""
    if enterprise.responsible_org_id == plan.organisation_id:
        return None
    return _(
        "“%(name)s”的执法主体是%(org)s，不能列入%(plan_org)s的计划（一家生产经营单位对应一个层级的执法主体）。"
    ) % {"name": enterprise.name, "org": enterprise.responsible_org.name, "plan_org": plan.organisation.name}


class PlanItemForm(forms.Form):
    """Add or edit one plan item with its on-site inspection plan (现场检查方案, R-10)."""

    enterprise = forms.ModelChoiceField(
        label=_("生产经营单位"), queryset=Enterprise.objects.none(), widget=forms.HiddenInput
    )
    planned_month = forms.TypedChoiceField(label=_("计划月份"), choices=MONTHS, coerce=int)
    mode = forms.ChoiceField(label=_("检查方式"), choices=InspectionMode.choices, initial=InspectionMode.KEY)
    team = forms.CharField(label=_("责任科室/执法队"), max_length=100, required=False)
    officers = OfficerChoiceField(
        label=_("执法人员"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("仅列出本单位持有有效执法证的执法人员；每项检查不少于2人。"),
    )
    check_items = forms.ModelMultipleChoiceField(
        label=_("检查事项"), queryset=CheckItem.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    include_principal_duties = forms.BooleanField(label=_("包含主要负责人履职检查"), required=False, initial=True)
    onsite_notes = forms.CharField(
        label=_("现场检查方案说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, plan, enterprise=None, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan, self.item = plan, item
        enterprise = item.enterprise if item else enterprise
        if item is None:
            # Out of the user's scope is "not a valid choice", like an id that does not exist.
            self.fields["enterprise"].queryset = Enterprise.objects.restrict(user, "view")
        else:
            del self.fields["enterprise"]
        officers = certified_officers(User.objects.filter(organisation=plan.organisation, is_active=True))
        officer_q = Q(pk__in=officers.values("pk"))
        checks_q = Q(is_active=True) & (
            Q(sector__isnull=True) | Q(sector_id=enterprise.sector_id if enterprise else None)
        )
        if item is not None:
            # Keep what the item already has selectable, so that saving never silently drops it; the rule
            # panel says if an officer's certificate has since expired.
            officer_q |= Q(pk__in=item.officers.values("pk"))
            checks_q |= Q(pk__in=item.check_items.values("pk"))
        self.fields["officers"].queryset = User.objects.filter(officer_q).order_by("full_name", "username")
        self.fields["check_items"].queryset = CheckItem.objects.filter(checks_q).select_related("sector")
        if item is None and not self.is_bound:
            self.initial.setdefault(
                "check_items", [c.pk for c in self.fields["check_items"].queryset if c.principal_duty]
            )

    def clean_enterprise(self):
        enterprise = self.cleaned_data["enterprise"]
        error = responsibility_error(enterprise, self.plan)
        if error:
            raise forms.ValidationError(error)
        return enterprise

    def clean(self):
        cleaned = super().clean()
        enterprise = cleaned.get("enterprise") or (self.item.enterprise if self.item else None)
        month = cleaned.get("planned_month")
        if enterprise is not None and month:
            clash = PlanItem.objects.filter(plan=self.plan, enterprise=enterprise, planned_month=month)
            if self.item is not None:
                clash = clash.exclude(pk=self.item.pk)
            if clash.exists():
                self.add_error(
                    "planned_month",
                    _("本计划已安排“%(name)s”%(month)d月的检查，同一单位同一月份只能安排一次。")
                    % {"name": enterprise.name, "month": month},
                )
        return cleaned

    def check_item_groups(self):
        """The library choices grouped for the template: general items first, then the sector's, by category."""
        field = self["check_items"]
        selected = {str(v) for v in (field.value() or [])}
        groups: dict = {}
        for check in self.fields["check_items"].queryset:
            scope = check.sector.name if check.sector_id else _("通用")
            key = (0 if check.sector_id is None else 1, str(scope), check.category)
            groups.setdefault(key, []).append({"item": check, "checked": str(check.pk) in selected})
        return [
            {"scope": scope, "category": category, "choices": choices}
            for (_order, scope, category), choices in sorted(groups.items(), key=lambda kv: kv[0][0])
        ]

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "planned_month": data["planned_month"],
            "mode": data["mode"],
            "team": data["team"],
            "officers": list(data["officers"]),
            "check_items": list(data["check_items"]),
            "include_principal_duties": data["include_principal_duties"],
            "onsite_notes": data["onsite_notes"],
        }


class BulkKeyForm(forms.Form):
    planned_month = forms.TypedChoiceField(label=_("计划月份"), choices=MONTHS, coerce=int)
    mode = forms.ChoiceField(label=_("检查方式"), choices=InspectionMode.choices, initial=InspectionMode.KEY)
    team = forms.CharField(label=_("责任科室/执法队"), max_length=100, required=False)
    officers = OfficerChoiceField(
        label=_("执法人员（可选）"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("可先不选，之后逐项安排；未安排2名持证人员的事项会在规则检查中列出。"),
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = certified_officers(
            User.objects.filter(organisation=plan.organisation, is_active=True)
        ).order_by("full_name", "username")


# --- workflow ------------------------------------------------------------------------------------


def _clean_document(upload, required):
    if not upload:
        if required:
            raise forms.ValidationError(_("请上传文件。"))
        return None
    validate_upload(upload, DOCUMENT)
    return upload


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SubmitForm(NoteForm):
    pass


class ApproveForm(NoteForm):
    approval_kind = forms.ChoiceField(
        label=_("批准方式"),
        choices=[("document", _("政府批复文件")), ("instruction", _("领导批示"))],
        widget=forms.RadioSelect,
        initial="document",
    )
    approval_reference = forms.CharField(
        label=_("批复文号/批示"), max_length=200, help_text=_("如“东政文〔2026〕12号”或批示领导与日期。")
    )
    approved_on = forms.DateField(
        label=_("批复日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("按批复文件或批示上的日期填写，不是今天登记的日期。"),
    )
    attachment = forms.FileField(label=_("批复文件或批示扫描件"), help_text=_("PDF、JPG、PNG 或 OFD，不超过30MB。"))

    field_order = ["approval_kind", "approval_reference", "approved_on", "attachment", "note"]

    def clean_approved_on(self):
        value = self.cleaned_data["approved_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("批复日期不能晚于今天。"))
        return value

    def clean_attachment(self):
        return _clean_document(self.cleaned_data.get("attachment"), required=True)


class FileForm(NoteForm):
    attachment = forms.FileField(
        label=_("报备文件（可选）"), required=False, help_text=_("PDF、JPG、PNG 或 OFD，不超过30MB。")
    )

    def clean_attachment(self):
        return _clean_document(self.cleaned_data.get("attachment"), required=False)


class AcknowledgeForm(NoteForm):
    pass


class PublishForm(NoteForm):
    published_where = forms.CharField(label=_("公示位置"), max_length=300, help_text=_("如本局网站栏目名称或网址。"))
    published_on = forms.DateField(
        label=_("公示日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    field_order = ["published_where", "published_on", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["published_on"].initial = timezone.localdate()

    def clean_published_on(self):
        value = self.cleaned_data["published_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("公示日期不能晚于今天。"))
        return value

    def published_at(self):
        day = self.cleaned_data["published_on"]
        if day == timezone.localdate():
            return timezone.now()
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


class ReviseForm(forms.Form):
    reason = forms.CharField(label=_("调整理由"), widget=forms.Textarea(attrs={"rows": 3}))
