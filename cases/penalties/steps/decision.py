"""Fields of the steps from statement and hearing to delivery and execution (owned by the docs2 work).

Each form is what the officer types for one StepRecord kind; its document (cases/penalties/documents/decision.py)
prints the cleaned values. The record's date (``occurred_on``) and its officers are StepRecord columns, not
fields here. Free text printed in a table cell is bounded at 1,000 characters, narrative at 5,000.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.penalties.models import FACTS_MAX
from cases.penalties.steps import step_form

CELL_MAX = 1000


def _people(label, required=True):
    """A person of the product (stored as the user's pk)."""
    return forms.ModelChoiceField(
        label=label,
        queryset=get_user_model().objects.filter(is_active=True),
        required=required,
        error_messages={
            "invalid_choice": _("所选人员不存在或已停用。"),
            "required": _("请选择%(label)s。") % {"label": label},
        },
    )


def _text(label, max_length=CELL_MAX, required=True, narrative=False):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.Textarea if narrative or max_length > 200 else None,
        error_messages={
            "required": _("请填写%(label)s。") % {"label": label},
            "max_length": _("%(label)s不能超过%%(limit_value)d个字。") % {"label": label},
        },
    )


class ClockTime(forms.TimeField):
    """A time of day, stored JSON-plain as "HH:MM"."""

    def clean(self, value):
        value = super().clean(value)
        return value.strftime("%H:%M") if value else ""


def _time(label, required=True):
    return ClockTime(
        label=label,
        required=required,
        error_messages={"invalid": _("%(label)s格式应为“时:分”，如 9:30。") % {"label": label}},
    )


def _date(label, required=True):
    return forms.DateField(
        label=label,
        required=required,
        error_messages={
            "invalid": _("%(label)s格式应为“年-月-日”。") % {"label": label},
            "required": _("请填写%(label)s。") % {"label": label},
        },
    )


def _amount(label, required=True):
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=12,
        decimal_places=2,
        min_value=0,
        error_messages={
            "invalid": _("%(label)s应为金额（元），如 3000 或 3000.50。") % {"label": label},
            "min_value": _("%(label)s不能为负数。") % {"label": label},
            "required": _("请填写%(label)s。") % {"label": label},
        },
    )


class _Span(forms.Form):
    """Start and end time of a record made on one day (the record's date is StepRecord.occurred_on)."""

    start_time = _time(_("开始时间"))
    end_time = _time(_("结束时间"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            raise ValidationError({"end_time": _("结束时间应晚于开始时间。")})
        return cleaned


class PublicField(forms.TypedChoiceField):
    """公开 / 不公开 as a boolean; blank is public (行政处罚法 第64条第（三）项: public unless secrets or privacy)."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=[("1", _("公开")), ("0", _("不公开"))],
            coerce=lambda value: value == "1",
            required=False,
            empty_value=True,
            initial="1",
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, bool):
            return "1" if value else "0"
        return {"true": "1", "false": "0"}.get(str(value).lower(), super().to_python(value))


class Gender(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=[("", "—"), ("男", _("男")), ("女", _("女"))], required=False, **kwargs)


@step_form("statement")
class StatementForm(_Span):
    """陈述申辩笔录 (行政处罚法 第45条: the party's statement and defence are heard and re-checked)."""

    place = _text(_("地点"), max_length=200)
    speaker = _text(_("陈述申辩人"), max_length=100)
    speaker_gender = Gender(label=_("性别"))
    speaker_position = _text(_("职务"), max_length=50, required=False)
    speaker_employer = _text(_("工作单位"), max_length=100, required=False)
    speaker_phone = _text(_("电话"), max_length=30, required=False)
    speaker_address = _text(_("联系地址"), max_length=200, required=False)
    recorder = _people(_("记录人"))
    content = _text(_("陈述申辩记录"), max_length=FACTS_MAX, narrative=True)


class _HearingPanel(forms.Form):
    """The hearing's panel: a chair who did not investigate the case (行政处罚法 第64条第4项), members, a clerk.
    Subclasses declare the chair's field, named in ``CHAIR``: the notice's is ``chair_id``, as
    services.schedule_hearing stores it."""

    CHAIR = "chair"
    chair_position = _text(_("主持人职务"), max_length=50, required=False)
    member1 = _people(_("听证员"), required=False)
    member2 = _people(_("听证员（二）"), required=False)
    clerk = _people(_("书记员"), required=False)

    def clean(self):
        cleaned = super().clean()
        people = [cleaned.get(k) for k in (self.CHAIR, "member1", "member2", "clerk") if cleaned.get(k)]
        if len({p.pk for p in people}) != len(people):
            raise ValidationError(_("主持人、听证员和书记员应为不同的人员。"))
        return cleaned


@step_form("hearing_notice")
class HearingNoticeForm(_HearingPanel):
    """听证会通知书: when and where, public or not (行政处罚法 第64条: notice at least 7 days before; public unless
    state secrets, trade secrets or privacy)."""

    CHAIR = "chair_id"
    chair_id = _people(_("听证主持人"))
    hearing_on = _date(_("听证日期"))
    hearing_time = _time(_("听证时间"))
    place = _text(_("听证地点"), max_length=200)
    # 行政处罚法 第64条第（三）项: public unless state secrets, trade secrets or privacy — public by default.
    public = PublicField(label=_("是否公开"))
    # Blank: the parties who asked for the hearing (CaseParty.hearing_requested_on) are addressed.
    applicant = _text(_("申请听证人"), max_length=100, required=False)


@step_form("hearing")
class HearingForm(_Span, _HearingPanel):
    """听证笔录 (行政处罚法 第64条第8项: the record is checked and signed by the parties)."""

    chair = _people(_("听证主持人"))
    clerk = _people(_("书记员"))
    place = _text(_("地点"), max_length=200)
    applicant = _text(_("申请听证人（单位名称或姓名）"), max_length=100)
    applicant_representative = _text(_("法定代表人/负责人"), max_length=50, required=False)
    agents = _text(_("委托代理人（姓名、工作单位）"), max_length=300, required=False)
    third_party = _text(_("第三人"), max_length=200, required=False)
    others = _text(_("其他参与人员"), max_length=300, required=False)
    content = _text(_("听证记录"), max_length=FACTS_MAX, narrative=True)


@step_form("hearing_report")
class HearingReportForm(_HearingPanel):
    """听证会报告书: the summary of the hearing, the chair's opinion and the head's decision on it
    (行政处罚法 第65条: the decision is made on the basis of the hearing record)."""

    chair = _people(_("听证主持人"))
    summary = _text(_("听证会基本情况摘要"), max_length=FACTS_MAX, narrative=True)
    chair_opinion = _text(_("主持人意见"))
    leader_opinion = _text(_("负责人审核意见"), required=False)
    leader = _people(_("负责人"), required=False)
    leader_on = _date(_("审核日期"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("leader_opinion") and not cleaned.get("leader"):
            raise ValidationError({"leader": _("填写了负责人审核意见，请选择负责人。")})
        return cleaned


@step_form("address_confirmation")
class AddressConfirmationForm(forms.Form):
    """送达地址确认书: the party's address for service and, before any electronic service, its consent with the
    fax number or e-mail (行政处罚法 第61条第2款)."""

    address = _text(_("送达地址"), max_length=200)
    postcode = forms.RegexField(
        label=_("邮政编码"), regex=r"^\d{6}$", required=False, error_messages={"invalid": _("邮政编码应为6位数字。")}
    )
    recipient = _text(_("收件人"), max_length=100)
    phone = _text(_("联系电话"), max_length=30)
    electronic = forms.BooleanField(label=_("同意电子送达"), required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False, error_messages={"invalid": _("电子邮箱格式不正确。")})
    fax = _text(_("传真号码"), max_length=30, required=False)
    note = _text(_("备注"), max_length=300, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("electronic") and not (cleaned.get("email") or cleaned.get("fax")):
            raise ValidationError(_("同意电子送达的，应填写电子邮箱或传真号码（行政处罚法 第六十一条第二款）。"))
        return cleaned


@step_form("payment_plan")
class PaymentPlanForm(forms.Form):
    """延期（分期）缴纳罚款批准书: the party's written application and reason (行政处罚法 第66条第2款); the dates and
    amounts are the Instalment rows the approval creates."""

    # "defer" or "instalments", as services.approve_payment_plan stores it beside the Instalment rows.
    kind = forms.ChoiceField(
        label=_("方式"), choices=[("defer", _("延期缴纳")), ("instalments", _("分期缴纳"))], required=False
    )
    applied_on = _date(_("申请日期"))
    reason = _text(_("申请延期（分期）缴纳的理由"))
    opinion = _text(_("审批意见"), required=False)


@step_form("reminder")
class ReminderForm(forms.Form):
    """缴纳罚款催告书 (行政强制法 第35条: the duty, its term, the amount, and the right to state and defend)."""

    pay_by = _date(_("催告履行期限"))
    # When the 催告书 was handed over at once (services.issue_reminder); else its Delivery row says when.
    served_on = _date(_("当场送达日期"), required=False)
    # 行政强制法 第36条 sets no number of days; the 2016 式样 give 3.
    objection_days = forms.IntegerField(
        label=_("陈述申辩期限（日）"),
        min_value=1,
        max_value=30,
        required=False,
        initial=3,
        error_messages={"invalid": _("陈述申辩期限应为天数。"), "min_value": _("陈述申辩期限至少1日。")},
    )

    def clean_objection_days(self):
        return self.cleaned_data.get("objection_days") or 3

    note = _text(_("备注"), required=False)


@step_form("surcharge")
class SurchargeForm(forms.Form):
    """加处罚款决定书 (行政处罚法 第72条第1项: 3 % of the fine per day, never more than the fine; 行政强制法 第45条)."""

    # Both computed by services.decide_surcharge: 3 % a day of the overdue fine up to ``as_of``, capped at the fine.
    as_of = _date(_("计算截止日期"))
    amount = _amount(_("加处罚款金额（元）"))


@step_form("court_application")
class CourtApplicationForm(forms.Form):
    """强制执行申请书 (行政强制法 第53–55条: after the 催告书 and 10 days; within 3 months of the end of the review and
    suit periods; the application names the court, the decision and the materials)."""

    court = _text(_("受理法院"), max_length=100)
    # One item a line: 处罚决定书及送达回执、催告书及送达回执、当事人陈述申辩意见…
    materials = _text(_("附有关材料（每行一项）"))
    contact = _text(_("联系人"), max_length=50)
    phone = _text(_("联系电话"), max_length=30)
