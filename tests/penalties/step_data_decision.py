"""Valid StepRecord.data for the steps from the statement to execution (the forms of
cases/penalties/steps/decision.py); ``tests.penalties.step_data.step_data`` answers these kinds from here."""

import datetime


def decision_step_data(kind, on, pk, clerk):
    """The fields of ``kind`` on day ``on``; ``pk`` names the person (chair, recorder), ``clerk`` another one."""
    span = {"start_time": "09:30", "end_time": "11:00"}
    panel = {"chair": pk, "chair_position": "法制科科长", "clerk": clerk}
    return {
        "statement": {
            **span,
            "place": "东城区应急管理局三楼执法室",
            "speaker": "钱立新",
            "recorder": pk,
            "content": "当事人称已安排补训，请求从轻处罚。",
        },
        "hearing_notice": {
            "chair_id": pk,
            "clerk": clerk,
            "hearing_on": (on + datetime.timedelta(days=14)).isoformat(),
            "hearing_time": "14:30",
            "place": "东城区应急管理局听证室",
            "public": "1",
            "applicant": "东城机械厂",
        },
        "hearing": {
            **span,
            **panel,
            "place": "东城区应急管理局听证室",
            "applicant": "东城机械厂",
            "content": "调查人员陈述案件事实、证据和拟处罚意见，当事人进行申辩和质证。",
        },
        "hearing_report": {
            **panel,
            "summary": "听证会依法举行，当事人进行了申辩。",
            "chair_opinion": "建议维持拟处罚意见。",
        },
        "address_confirmation": {
            "address": "东城区工业路1号",
            "recipient": "钱立新",
            "phone": "0395-3123456",
            "electronic": True,
            "email": "safety@example.cn",
        },
        "payment_plan": {"applied_on": on.isoformat(), "reason": "经营困难，申请分期缴纳。"},
        "reminder": {"pay_by": (on + datetime.timedelta(days=10)).isoformat(), "objection_days": 3},
        "surcharge": {"as_of": on.isoformat(), "amount": "0"},
        "court_application": {
            "court": "河川市东城区人民法院",
            "materials": "行政处罚决定书及送达回执\n催告书及送达回执",
            "contact": "王建国",
            "phone": "0395-3123456",
        },
    }.get(kind)
