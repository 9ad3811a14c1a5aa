"""HTML forms of the penalty-case pages. They validate shape; cases.penalties.services decides and writes.

The legal gates (notice before decision, review, two certified officers, windows) live in the services; the views
put the services' Chinese messages next to the field they concern and re-render what was typed.
Step data (StepRecord.data) are the forms registered in cases.penalties.steps (``form_for(kind)``), shown beside
these with the prefix "data".
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.inspections.forms import DateInput, OfficerChoiceField
from cases.penalties.kinds import SUMMARY_KINDS, PenaltyKind
from cases.penalties.models import FACTS_MAX, CaseParty, Delivery, PenaltyCase, StepRecord

# Penalty kinds, lightest first (cases.penalties.kinds: the order 第45条's "not heavier than notified" is judged by).
PENALTY_KINDS = PenaltyKind.choices
# 行政处罚法 第51条: on the spot only a warning or a small fine.
SUMMARY_CHOICES = [(k, label) for k, label in PenaltyKind.choices if k in SUMMARY_KINDS]

# The investigative acts recorded while investigating (行政处罚法 第55–56条).
INVESTIGATIVE_KINDS = (
    StepRecord.Kind.INTERVIEW_NOTICE,
    StepRecord.Kind.INTERVIEW,
    StepRecord.Kind.SCENE,
    StepRecord.Kind.SAMPLING,
    StepRecord.Kind.PRESERVATION,
    StepRecord.Kind.PRESERVATION_DISPOSAL,
)

TEXTAREA = {"rows": 3}


def _today_attrs():
    return {"max": timezone.localdate().isoformat()}


def _money(label, required=False):
    return forms.DecimalField(
        label=label, required=required, min_value=0, max_digits=12, decimal_places=2, widget=forms.NumberInput()
    )


def _date(label, required=True, help_text=""):
    return forms.DateField(label=label, required=required, widget=DateInput(), help_text=help_text)


def _text(label, required=True, max_length=1000, rows=3, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


# --- the case list ---------------------------------------------------------------------------------


class CaseFilterForm(forms.Form):
    """The case list's filters; every field optional, an empty choice is "全部"."""

    state = forms.ChoiceField(label=_("办理环节"), required=False)
    procedure = forms.ChoiceField(label=_("程序"), required=False)
    source = forms.ChoiceField(label=_("案件来源"), required=False)
    enterprise = forms.CharField(
        label=_("涉案单位"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("单位名称或信用代码")}),
    )
    officer = forms.ModelChoiceField(label=_("承办人"), queryset=None, required=False, empty_label=_("全部"))
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("全部"))]
        self.fields["state"].choices = everything + list(PenaltyCase.State.choices)
        self.fields["procedure"].choices = everything + list(PenaltyCase.Procedure.choices)
        self.fields["source"].choices = everything + list(PenaltyCase.Source.choices)
        self.fields["officer"].queryset = officers
        self.fields["officer"].label_from_instance = lambda u: u.full_name or u.username


class BoardFilterForm(forms.Form):
    """The deadline board's filter: one organisation of the user's scope (and what is below it)."""

    organisation = forms.ModelChoiceField(label=_("执法主体"), queryset=None, required=False, empty_label=_("全部"))

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


# --- opening a case --------------------------------------------------------------------------------


class OpenCaseForm(forms.Form):
    """立案: the cause, where the case comes from, the enterprise, the facts known and the officers."""

    cause = forms.CharField(
        label=_("案由"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("如：未按规定对从业人员进行安全生产教育和培训案")}),
    )
    source = forms.ChoiceField(label=_("案件来源"), choices=PenaltyCase.Source.choices)
    procedure = forms.ChoiceField(
        label=_("程序"),
        choices=PenaltyCase.Procedure.choices,
        initial=PenaltyCase.Procedure.GENERAL,
        help_text=_("简易程序只适用于警告或对个人200元以下、对单位3000元以下罚款，当场作出（行政处罚法第51条）。"),
    )
    enterprise = forms.ModelChoiceField(
        label=_("涉案单位（统一社会信用代码）"),
        queryset=None,
        required=False,
        to_field_name="credit_code",
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("18位统一社会信用代码")}),
        error_messages={"invalid_choice": _("本辖区没有该统一社会信用代码的单位，请核对。")},
    )
    source_detail = _text(_("案件来源说明"), required=False, rows=2)
    facts = _text(_("简要案情"), required=False, max_length=FACTS_MAX, rows=4)
    power = forms.CharField(
        label=_("执法事项"),
        max_length=100,
        required=False,
        help_text=_("乡镇（街道）、园区受委托执法的，只能办理委托的执法事项。"),
    )
    officers = OfficerChoiceField(
        label=_("承办人"),
        queryset=None,
        required=False,
        help_text=_("至少两名持有效行政执法证的执法人员（行政处罚法第42条）。"),
    )
    unit_party = forms.BooleanField(label=_("将涉案单位列为当事人"), required=False, initial=True)
    principal_name = forms.CharField(
        label=_("同时处罚的主要负责人（一案双罚）"),
        max_length=100,
        required=False,
        help_text=_("对单位的主要负责人一并处罚的，填写其姓名；不处罚个人的留空。"),
    )

    def __init__(self, *args, enterprises, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["officers"].queryset = officers

    def parties(self):
        """The parties to open the case with: the unit and, 一案双罚, its principal person."""
        data, enterprise = self.cleaned_data, self.cleaned_data.get("enterprise")
        parties = []
        if enterprise is not None and data.get("unit_party"):
            parties.append(
                {
                    "kind": CaseParty.Kind.UNIT,
                    "role": CaseParty.Role.UNIT,
                    "name": enterprise.name,
                    "enterprise": enterprise,
                    "credit_code": enterprise.credit_code,
                    "legal_representative": getattr(enterprise, "legal_representative", "") or "",
                    "address": enterprise.address or "",
                    "phone": enterprise.principal_phone or "",
                }
            )
        if data.get("principal_name"):
            parties.append(
                {
                    "kind": CaseParty.Kind.PERSON,
                    "role": CaseParty.Role.PRINCIPAL,
                    "name": data["principal_name"],
                    "position": _("主要负责人"),
                    "employer": enterprise.name if enterprise else "",
                }
            )
        return parties


# --- the action panel: one form per action ----------------------------------------------------------


class PartyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.get_role_display()}）"


class ActionForm(forms.Form):
    """Base of the action panel's forms: ``case`` is the case acted on; a ``party`` field lists its parties."""

    def __init__(self, *args, case, officers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        if "party" in self.fields:
            self.fields["party"].queryset = case.parties.order_by("id")
        if "officers" in self.fields:
            self.fields["officers"].queryset = officers


class ApprovalForm(ActionForm):
    """A leader's approval (立案、处理、结案): agree or not, with the opinion."""

    approved = forms.TypedChoiceField(
        label=_("审批意见"),
        choices=(("yes", _("同意")), ("no", _("不同意"))),
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )
    opinion = _text(_("审批意见说明"), required=False, rows=2)


class FilingApprovalForm(ApprovalForm):
    filed_on = _date(_("立案日期"), required=False, help_text=_("不填为今日。"))


class PartyForm(ActionForm):
    """A party added after filing (another responsible person, 一案双罚)."""

    kind = forms.ChoiceField(label=_("当事人类型"), choices=CaseParty.Kind.choices)
    role = forms.ChoiceField(label=_("身份"), choices=CaseParty.Role.choices)
    name = forms.CharField(label=_("名称/姓名"), max_length=100)
    id_number = forms.CharField(label=_("身份证号码"), max_length=18, required=False)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18, required=False)
    position = forms.CharField(label=_("职务"), max_length=50, required=False)
    address = forms.CharField(label=_("地址/住址"), max_length=200, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)

    def fields_for_service(self):
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}


class ViolationForm(ActionForm):
    party = PartyChoiceField(label=_("当事人"), queryset=None)
    facts = _text(_("违法事实"), max_length=FACTS_MAX, rows=3)
    article_breached = forms.CharField(
        label=_("违反的条款"), max_length=200, help_text=_("如《安全生产法》第四十一条第二款")
    )
    article_punishing = forms.CharField(
        label=_("处罚依据"), max_length=200, help_text=_("如《安全生产法》第一百零二条")
    )


class StepForm(ActionForm):
    """An investigative act (询问、勘验、抽样、先行登记保存…; one action per kind): its day, officers and party;
    its own fields come from the step form registered for the kind."""

    occurred_on = _date(_("日期"))
    officers = OfficerChoiceField(
        label=_("执法人员"),
        queryset=None,
        required=False,
        help_text=_("至少两名当日持有效行政执法证的执法人员（行政处罚法第42条）。"),
    )
    party = PartyChoiceField(label=_("当事人"), queryset=None, required=False, empty_label=_("（不针对某一当事人）"))


class DatedForm(ActionForm):
    """A step with a day (调查终结报告、集体讨论、听证笔录…); its fields come from the step form."""

    occurred_on = _date(_("日期"))


class PartyDatedForm(ActionForm):
    """A step of one party with a day (送达地址确认书, 催告书, 加处罚款决定, 强制执行申请)."""

    party = PartyChoiceField(label=_("当事人"), queryset=None)
    occurred_on = _date(_("日期"))


class PlainForm(ActionForm):
    """A step whose fields are all in its step form (处理呈批、结案审批 submission)."""


class ProposeForm(ActionForm):
    party = PartyChoiceField(label=_("当事人"), queryset=None)
    kinds = forms.MultipleChoiceField(label=_("拟处罚种类"), choices=PENALTY_KINDS, widget=forms.CheckboxSelectMultiple)
    fine = _money(_("拟罚款金额（元）"))
    confiscation = _money(_("拟没收违法所得（元）"))
    text = _text(_("拟处罚内容"), required=False, rows=2)


class ReviewForm(ActionForm):
    """法制审核 (行政处罚法 第58条): passed or not, with the opinion."""

    passed = forms.TypedChoiceField(
        label=_("审核结论"),
        choices=(("yes", _("同意（通过）")), ("no", _("不同意（退回）"))),
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )
    opinion = _text(_("审核意见"), rows=3)


class NoticeForm(ActionForm):
    """出具行政处罚告知书: nothing to type, the notice is built from the case."""


class DeliveryForm(ActionForm):
    party = PartyChoiceField(label=_("受送达人"), queryset=None)
    document = forms.ModelChoiceField(label=_("送达文书"), queryset=None)
    method = forms.ChoiceField(label=_("送达方式"), choices=Delivery.Method.choices)
    served_on = _date(_("送达日期"))
    place = forms.CharField(label=_("送达地点"), max_length=200)
    recipient = forms.CharField(label=_("签收人"), max_length=100)
    server_names = forms.CharField(label=_("送达人"), max_length=100)
    note = forms.CharField(label=_("备注"), max_length=300, required=False, help_text=_("代收、留置的情况及见证人"))

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        from enforcement.documents.models import IssuedDocument

        self.fields["document"].queryset = IssuedDocument.objects.filter(pk__in=[d.pk for d in documents])
        self.fields["document"].label_from_instance = lambda d: f"{d.doc_type.name} {d.number}"


class WaiverForm(ActionForm):
    """The party's recorded waiver (行政处罚法 第44、45、62、63条)."""

    party = PartyChoiceField(label=_("当事人"), queryset=None)
    statement = forms.BooleanField(label=_("明确放弃陈述、申辩"), required=False)
    hearing = forms.BooleanField(label=_("明确放弃听证"), required=False)
    waived_on = _date(_("放弃日期"), required=False, help_text=_("当事人书面放弃的日期，不填为今天"))


class StatementForm(ActionForm):
    party = PartyChoiceField(label=_("当事人"), queryset=None)
    occurred_on = _date(_("陈述申辩日期"))


class HearingRequestForm(ActionForm):
    party = PartyChoiceField(label=_("当事人"), queryset=None)
    requested_on = _date(_("申请听证日期"), help_text=_("应在告知书送达之日起5个工作日内提出（行政处罚法第64条）。"))


class ScheduleHearingForm(ActionForm):
    """听证会通知: the hearing's day, place and chair are the notice's own fields (its step form); here the day the
    notice is served, at least 7 days before the hearing (行政处罚法 第64条)."""

    notified_on = _date(_("通知书送达日期"), required=False, help_text=_("不填为今日；应在举行听证的7日前送达。"))


class DecideForm(ActionForm):
    party = PartyChoiceField(label=_("当事人"), queryset=None)
    kinds = forms.MultipleChoiceField(label=_("处罚种类"), choices=PENALTY_KINDS, widget=forms.CheckboxSelectMultiple)
    fine = _money(_("罚款金额（元）"))
    confiscation = _money(_("没收违法所得（元）"))
    text = _text(_("处罚内容"), required=False, rows=2)
    decided_on = _date(_("决定日期"), required=False, help_text=_("不填为今日。"))


class NoPenaltyForm(ActionForm):
    """不予行政处罚 (行政处罚法 第33条)."""

    party = PartyChoiceField(label=_("当事人"), queryset=None)
    reason = _text(_("不予处罚的理由和依据"), rows=3)
    decided_on = _date(_("决定日期"), required=False, help_text=_("不填为今日。"))


class SpotDecisionForm(ActionForm):
    """简易程序当场处罚 (行政处罚法 第51–52条)."""

    party = PartyChoiceField(label=_("当事人"), queryset=None)
    kinds = forms.MultipleChoiceField(label=_("处罚种类"), choices=SUMMARY_CHOICES, widget=forms.CheckboxSelectMultiple)
    fine = _money(_("罚款金额（元）"), required=False)
    text = _text(_("处罚内容"), rows=2)
    decided_on = _date(_("决定日期"), required=False, help_text=_("不填为今日。"))


class PaymentForm(ActionForm):
    party = PartyChoiceField(label=_("当事人"), queryset=None)
    paid_on = _date(_("缴款日期"))
    amount = _money(_("金额（元）"), required=True)
    receipt_number = forms.CharField(label=_("缴款凭证号"), max_length=60)


class PaymentPlanForm(ActionForm):
    """延期（分期）缴纳罚款 (行政处罚法 第66条): the instalments as "date amount" lines."""

    party = PartyChoiceField(label=_("当事人"), queryset=None)
    kind = forms.ChoiceField(label=_("方式"), choices=(("defer", _("延期缴纳")), ("instalments", _("分期缴纳"))))
    instalments = forms.CharField(
        label=_("缴纳安排"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "2026-12-31 5000\n2027-01-31 5000"}),
        help_text=_("每行一期：应缴日期 金额（元）。"),
    )

    def clean_instalments(self):
        rows = []
        for n, line in enumerate(self.cleaned_data["instalments"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.split()
            try:
                day = forms.DateField().clean(parts[0])
                amount = forms.DecimalField(min_value=0.01, decimal_places=2).clean(parts[1])
            except (IndexError, forms.ValidationError):
                raise forms.ValidationError(
                    _("第%(n)d行格式不对，应为“日期 金额”，如 2026-12-31 5000。") % {"n": n}
                ) from None
            rows.append({"number": len(rows) + 1, "due_on": day, "amount": amount})
        if not rows:
            raise forms.ValidationError(_("请至少填写一期。"))
        return rows


class ExtensionForm(ActionForm):
    """案件延期 (行政处罚法 第60条; 应急管理部令第18号): days, reason, who approved."""

    days = forms.IntegerField(label=_("延长期限（日）"), min_value=1, max_value=365)
    reason = _text(_("延期理由"), rows=2)
    approver_level = forms.ChoiceField(
        label=_("批准人"),
        choices=(("leader", _("本机关负责人")), ("collective", _("负责人集体讨论"))),
    )


class ReasonForm(ActionForm):
    reason = _text(_("撤销立案理由"), rows=2)


class ConfirmForm(ActionForm):
    """An action without fields (归档)."""
