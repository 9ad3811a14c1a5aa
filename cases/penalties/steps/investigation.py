"""Fields of the steps from filing to review and discussion, extension and closing (StepRecord.data).

Each form names what the officer types for the step; what the case already holds (parties, violations with their
articles, proposed penalties, officers with their certificates) is not typed again: the step's document reads it
from the case. Who acted and when (the approver, the reviewer) comes from the record and the case history.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.penalties.models import StepRecord
from cases.penalties.steps import step_form
from cases.penalties.steps.fields import ItemListField, PersonField, cell_text, line, narrative

K = StepRecord.Kind


class TimedForm(forms.Form):
    """An act that runs from one time to another (an interview, a scene inspection, a discussion)."""

    started_at = forms.DateTimeField(label=gettext_lazy("开始时间"))
    ended_at = forms.DateTimeField(label=gettext_lazy("结束时间"))

    def clean(self):
        cleaned = super().clean()
        started, ended = cleaned.get("started_at"), cleaned.get("ended_at")
        if started and ended and ended <= started:
            self.add_error("ended_at", _("结束时间应晚于开始时间。"))
        return cleaned


class CheckedForm(forms.Form):
    """An approval form's 审核意见 box (the handling section's head, before the leader approves): optional, but
    an opinion needs its author and its day."""

    checker = PersonField(gettext_lazy("审核人"), required=False)
    check_opinion = cell_text(gettext_lazy("审核意见"), required=False)
    checked_on = forms.DateField(label=gettext_lazy("审核日期"), required=False)

    def clean(self):
        cleaned = super().clean()
        given = [cleaned.get(name) for name in ("checker", "check_opinion", "checked_on")]
        if any(given) and not all(given):
            raise ValidationError(_("填写审核意见时，审核人、审核意见和审核日期都应填写。"))
        return cleaned


# --- 立案 ---------------------------------------------------------------------------------------------------


@step_form(K.FILING)
class FilingForm(CheckedForm):
    """立案审批表 (行政处罚法 第54条): the case is registered with its facts and source when it is opened, so every
    field here is optional — 案件基本情况 defaults to the case's facts, the source time to the day it was registered."""

    source_on = forms.DateField(label=gettext_lazy("案件来源时间"), required=False)
    summary = narrative(gettext_lazy("案件基本情况"), required=False, help_text=gettext_lazy("不填则为登记的简要案情"))
    handler_opinion = cell_text(gettext_lazy("承办人意见"), required=False)


# --- 调查取证 -------------------------------------------------------------------------------------------------

MATERIALS = [
    ("id_card", gettext_lazy("身份证")),
    ("licence", gettext_lazy("营业执照")),
    ("authorisation", gettext_lazy("法定代表人身份证明或者委托书")),
]


@step_form(K.INTERVIEW_NOTICE)
class InterviewNoticeForm(forms.Form):
    """询问通知书: whom, why, when and where to come, what to bring, whom to call."""

    addressee = line(gettext_lazy("被通知人"), max_length=100, required=False, help_text=gettext_lazy("不填则为当事人"))
    reason = line(
        gettext_lazy("询问事由"), help_text=gettext_lazy("如：你单位涉嫌未按规定对从业人员进行安全生产教育和培训一案")
    )
    appear_at = forms.DateTimeField(label=gettext_lazy("接受询问时间"))
    place = line(gettext_lazy("接受询问地点"))
    materials = forms.MultipleChoiceField(
        label=gettext_lazy("携带的证件材料"), choices=MATERIALS, required=False, widget=forms.CheckboxSelectMultiple
    )
    other_materials = line(gettext_lazy("其他材料"), required=False)
    office_address = line(gettext_lazy("执法机关地址"))
    contact_person = line(gettext_lazy("联系人"), max_length=50)
    contact_phone = line(gettext_lazy("联系电话"), max_length=30)


@step_form(K.INTERVIEW)
class InterviewForm(TimedForm):
    """询问笔录 (行政处罚法 第55条: officers show their certificates; the interviewee reads and signs each page)."""

    sequence = forms.IntegerField(label=gettext_lazy("第几次询问"), min_value=1, max_value=99, initial=1)
    place = line(gettext_lazy("询问地点"))
    interviewee = line(gettext_lazy("被询问人姓名"), max_length=50)
    gender = forms.ChoiceField(label=gettext_lazy("性别"), choices=[("男", "男"), ("女", "女")])
    age = forms.IntegerField(label=gettext_lazy("年龄"), min_value=14, max_value=120, required=False)
    id_number = line(gettext_lazy("身份证号码"), max_length=18, required=False)
    employer = line(gettext_lazy("工作单位"), max_length=100, required=False)
    position = line(gettext_lazy("职务"), max_length=50, required=False)
    address = line(gettext_lazy("住址"), required=False)
    phone = line(gettext_lazy("电话"), max_length=30, required=False)
    recorder = PersonField(gettext_lazy("记录人"))
    present = line(gettext_lazy("在场人"), required=False)
    subject = line(gettext_lazy("询问事项"), help_text=gettext_lazy("“依法就……的有关问题向您了解情况”"))
    transcript = narrative(gettext_lazy("询问记录"), help_text=gettext_lazy("问：……答：……，每问每答另起一行"))


@step_form(K.SCENE)
class SceneForm(TimedForm):
    """勘验笔录: time, place, weather, who was there, what was found."""

    place = line(gettext_lazy("勘验场所"))
    weather = line(gettext_lazy("天气情况"), max_length=50)
    parties_present = line(gettext_lazy("当事人（姓名、单位及职务）"), required=False)
    invitee = line(gettext_lazy("被邀请人（姓名、单位及职务）"), required=False)
    recorder = PersonField(gettext_lazy("记录人"))
    findings = narrative(gettext_lazy("勘验情况"))


SAMPLE_COLUMNS = (
    ("name", gettext_lazy("证据物品名称")),
    ("spec", gettext_lazy("规格及批号")),
    ("quantity", gettext_lazy("数量")),
)


@step_form(K.SAMPLING)
class SamplingForm(TimedForm):
    """抽样取证凭证 (行政处罚法 第56条): the items sampled from the party."""

    place = line(gettext_lazy("抽样地点"))
    site_person = line(gettext_lazy("现场负责人"), max_length=50)
    items = ItemListField(SAMPLE_COLUMNS, label=gettext_lazy("抽样物品"))


PRESERVED_COLUMNS = (
    ("name", gettext_lazy("证据名称")),
    ("spec", gettext_lazy("规格型号")),
    ("origin", gettext_lazy("产地")),
    ("grade", gettext_lazy("成色（品级）")),
    ("unit", gettext_lazy("单位")),
    ("price", gettext_lazy("价格")),
    ("quantity", gettext_lazy("数量")),
    ("note", gettext_lazy("备注")),
)


@step_form(K.PRESERVATION)
class PreservationForm(forms.Form):
    """先行登记保存证据通知书 (行政处罚法 第56条: with the head's approval; disposal decided within 7 working days)."""

    suspected = line(gettext_lazy("涉嫌违法行为"))
    items = ItemListField(PRESERVED_COLUMNS, label=gettext_lazy("先行登记保存的证据"))
    storage = forms.ChoiceField(
        label=gettext_lazy("保存方式"),
        choices=[("on_site", gettext_lazy("就地保存")), ("elsewhere", gettext_lazy("异地保存"))],
    )
    storage_place = line(gettext_lazy("保存地点"))
    # 行政处罚法 第56条: 先行登记保存 needs the approval of the agency's head.
    approved_by = PersonField(gettext_lazy("批准的负责人"))
    approved_on = forms.DateField(label=gettext_lazy("批准日期"))
    decision_place = line(gettext_lazy("接受处理决定的地点"))


DISPOSALS = [
    ("release", gettext_lazy("解除先行登记保存，返还当事人")),
    ("keep", gettext_lazy("作为证据随案保存")),
    ("transfer", gettext_lazy("移送有关部门处理")),
    ("confiscate", gettext_lazy("依法予以没收")),
    ("other", gettext_lazy("其他")),
]


@step_form(K.PRESERVATION_DISPOSAL)
class PreservationDisposalForm(forms.Form):
    """先行登记保存证据处理决定书: what becomes of the items of one 先行登记保存 (行政处罚法 第56条)."""

    preservation = forms.ModelChoiceField(
        label=gettext_lazy("先行登记保存记录"),
        queryset=StepRecord.objects.filter(kind=K.PRESERVATION),
        error_messages={"invalid_choice": gettext_lazy("所选先行登记保存记录不存在。")},
    )
    disposal = forms.ChoiceField(label=gettext_lazy("处理方式"), choices=DISPOSALS)
    decision = cell_text(gettext_lazy("处理决定"), help_text=gettext_lazy("对上述物品作出的处理决定的具体内容"))
    review_body = line(gettext_lazy("行政复议机关"), max_length=100, help_text=gettext_lazy("如：河川市东城区人民政府"))
    court = line(gettext_lazy("管辖法院"), max_length=100, help_text=gettext_lazy("如：河川市东城区人民法院"))


# --- 调查终结、处理呈批、法制审核、集体讨论 --------------------------------------------------------------------


@step_form(K.REPORT)
class ReportForm(forms.Form):
    """案件调查终结报告: how the case was investigated, the evidence, circumstances and the proposed handling."""

    investigation = narrative(gettext_lazy("调查经过"))
    evidence = narrative(gettext_lazy("证据"))
    circumstances = cell_text(gettext_lazy("从重、从轻、减轻或不予处罚情节"), required=False)
    proposal = cell_text(gettext_lazy("处理意见"))


@step_form(K.HANDLING)
class HandlingForm(CheckedForm):
    """案件处理呈批表: the parties' defence (if any yet) and the handling officers' proposal."""

    defence = cell_text(gettext_lazy("当事人的申辩意见"), required=False)
    handler_opinion = cell_text(gettext_lazy("承办人意见"))


REVIEW_CONCLUSIONS = [
    ("agree", gettext_lazy("同意")),
    ("supplement", gettext_lazy("建议补充调查")),
    ("amend", gettext_lazy("建议修改后报批")),
    ("disagree", gettext_lazy("不同意")),
]


@step_form(K.REVIEW)
class ReviewForm(forms.Form):
    """法制审核意见书 (行政处罚法 第58条): the reviewer's findings on the points the law names and the conclusion. The
    service takes the opinion and whether the review passed; the points are optional (a short review states only
    its opinion)."""

    authority = cell_text(gettext_lazy("执法主体与权限"), required=False)
    facts = cell_text(gettext_lazy("事实与证据"), required=False)
    basis = cell_text(gettext_lazy("适用法律依据"), required=False)
    procedure = cell_text(gettext_lazy("执法程序"), required=False)
    discretion = cell_text(gettext_lazy("裁量基准运用"), required=False)
    conclusion = forms.ChoiceField(label=gettext_lazy("审核结论"), choices=REVIEW_CONCLUSIONS, required=False)
    opinion = cell_text(gettext_lazy("审核意见"), required=False)


@step_form(K.DISCUSSION)
class DiscussionForm(TimedForm):
    """重大案件集体讨论记录 (行政处罚法 第57条第2款: the heads of the agency decide complex or major cases together)."""

    place = line(gettext_lazy("地点"))
    chair = PersonField(gettext_lazy("主持人"))
    reporter = PersonField(gettext_lazy("汇报人"))
    recorder = PersonField(gettext_lazy("记录人"))
    attendees = cell_text(gettext_lazy("出席人员姓名及职务"))
    topic = cell_text(gettext_lazy("讨论内容"))
    minutes = narrative(gettext_lazy("讨论记录"))
    conclusion = cell_text(gettext_lazy("结论性意见"))


# --- 延期、结案、撤销立案 -------------------------------------------------------------------------------------


APPROVER_LEVELS = [
    ("head", gettext_lazy("本机关负责人批准")),
    ("superior", gettext_lazy("上一级应急管理部门批准")),
]


@step_form(K.EXTENSION)
class ExtensionForm(CheckedForm):
    """案件延期审批表 (行政处罚法 第60条; the extension and its approver as the sector rule names them): the extended
    limit counted in calendar days from 立案, the reason and who approves."""

    days = forms.IntegerField(label=gettext_lazy("延长后的办案期限（自立案之日起，日）"), min_value=1, max_value=365)
    reason = cell_text(gettext_lazy("延期理由"))
    approver_level = forms.ChoiceField(label=gettext_lazy("批准机关"), choices=APPROVER_LEVELS, required=False)


@step_form(K.CLOSING)
class ClosingForm(CheckedForm):
    """结案审批表: the outcome and how it was executed."""

    result = cell_text(gettext_lazy("处理结果"))
    execution = cell_text(gettext_lazy("执行情况"))


@step_form(K.WITHDRAWAL)
class WithdrawalForm(forms.Form):
    """撤销立案 (no document): why the case ends without a decision."""

    reason = cell_text(gettext_lazy("撤销立案理由"))
    transferred_to = line(gettext_lazy("移送机关"), max_length=100, required=False)
