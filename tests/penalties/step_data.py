"""Valid StepRecord.data for every step kind (the forms of cases/penalties/steps/investigation.py, and decision.py
through step_data_decision.py),
for tests that take a case through the services: ``step_data("interview", subject="…")``.

People fields (记录人, 主持人 …) name a user; by default the first active user, or pass ``person=``.
Times are on the step's day (``on``, default today) so that a record never lies in the future.
"""

import datetime

from django.contrib.auth import get_user_model

from tests.dates import today
from tests.penalties.step_data_decision import decision_step_data


def _at(on, hour, minute=0):
    return datetime.datetime.combine(on, datetime.time(hour, minute)).isoformat()


def _another(pk):
    """Another active user than ``pk`` (a clerk beside the chair)."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(pk=pk)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


def step_data(kind, *, on=None, person=None, **overrides):
    on = on or today()
    pk = getattr(person, "pk", person) or get_user_model().objects.filter(is_active=True).order_by("pk").first().pk
    times = {"started_at": _at(on, 9, 30), "ended_at": _at(on, 11, 45)}
    decision = decision_step_data(kind, on, pk, _another(pk))
    if decision is not None:
        return {**decision, **overrides}
    data = {
        "filing": {
            "summary": "检查发现该单位新入职员工未经安全生产教育和培训上岗作业。",
            "handler_opinion": "建议立案调查。",
        },
        "interview_notice": {
            "reason": "你单位涉嫌未按规定对从业人员进行安全生产教育和培训一案",
            "appear_at": _at(on + datetime.timedelta(days=3), 9, 30),
            "place": "东城区应急管理局三楼执法室",
            "materials": ["id_card", "licence"],
            "office_address": "东城区人民路1号",
            "contact_person": "王建国",
            "contact_phone": "0395-3123456",
        },
        "interview": {
            **times,
            "sequence": 1,
            "place": "东城区应急管理局三楼执法室",
            "interviewee": "钱立新",
            "gender": "男",
            "age": 56,
            "employer": "东城区恒泰化工有限责任公司",
            "position": "安全管理人员",
            "recorder": pk,
            "subject": "你单位从业人员安全生产教育和培训",
            "transcript": "问：新入职员工上岗前是否经过培训？\n答：有3人未经培训即上岗。",
        },
        "scene": {
            **times,
            "place": "该公司一号车间",
            "weather": "晴",
            "parties_present": "钱立新（安全管理人员）",
            "recorder": pk,
            "findings": "一号车间3名操作人员无培训记录。",
        },
        "sampling": {
            **times,
            "place": "危化品库房",
            "site_person": "孙晓",
            "items": [{"name": "工业氧气瓶", "spec": "40L", "quantity": "2瓶"}],
        },
        "preservation": {
            "suspected": "未按规定对从业人员进行安全生产教育和培训",
            "items": [{"name": "安全生产教育培训档案", "unit": "册", "quantity": "3"}],
            "storage": "on_site",
            "storage_place": "该公司档案室",
            "approved_by": pk,
            "approved_on": on.isoformat(),
            "decision_place": "东城区应急管理局三楼执法室",
        },
        "preservation_disposal": {
            "disposal": "keep",
            "decision": "上述档案作为证据随案保存。",
            "review_body": "河川市东城区人民政府",
            "court": "河川市东城区人民法院",
        },
        "report": {
            "investigation": "执法人员对该公司进行了现场检查、询问和调取培训档案。",
            "evidence": "询问笔录、现场检查记录、培训档案复印件。",
            "proposal": "建议依法给予行政处罚。",
        },
        "handling": {"handler_opinion": "建议按拟处罚意见处理。"},
        "review": {"conclusion": "agree"},
        "discussion": {
            **times,
            "place": "局三楼会议室",
            "chair": pk,
            "reporter": pk,
            "recorder": pk,
            "attendees": "局长、副局长、法规科科长",
            "topic": "讨论对当事人的处罚意见。",
            "minutes": "与会人员一致认为本案事实清楚，证据充分。",
            "conclusion": "同意处罚。",
        },
        "extension": {"days": 120, "reason": "案情复杂，需进一步调查取证。", "approver_level": "head"},
        "closing": {"result": "对当事人作出行政处罚决定。", "execution": "当事人已缴纳全部罚款。"},
        "withdrawal": {"reason": "经调查，违法事实不能成立。"},
    }[kind]
    return {**data, **overrides}
