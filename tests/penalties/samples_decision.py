"""Layout samples of the penalty documents from the notice to execution (tests/documents/samples.py and
test_layout.py): contexts shaped like those cases.penalties.documents.decision builds, short and long.

What grows in a long variant: the violations (告知书, 决定书), the record's text (笔录, 报告书), the instalments,
the receipt's rows, the court application's materials. Forms whose fields are all short (听证会通知书,
送达地址确认书, 催告书, 加处罚款决定书) have a size-2 variant with every field long; their short variant already
runs onto a second page (16 pt body, 22 lines a page), which is where their closing is checked near a page break.
"""

from tests.documents.samples import ENTERPRISE, ISSUER, OFFICERS, Sample, _days, _doc, _year, cn_date

DETAILS = {
    "bank": "河川农村商业银行东城支行",
    "account": "6228000011112222",
    "review_body": "河川市东城区人民政府",
    "court": "河川市东城区人民法院",
    "address": "河川市东城区人民路12号",
    "postcode": "419900",
    "contact": "王建国",
    "phone": "0395-7654321",
}
CAUSE = f"{ENTERPRISE['name']}未对安全设备进行经常性维护案"
FACT = (
    "经现场检查和调取记录查明，该单位喷漆车间可燃气体检测报警装置自上一年度起未进行定期检验和维护保养，"
    "其中三处探头被杂物遮挡，报警信号未接入中控室，岗位人员不掌握报警处置程序"
)
LINE = "申请人称：企业已于检查后次日组织对报警装置进行检修，并更换了全部探头，现已恢复正常运行，请求从轻处罚"
PARTY = {
    "kind": "unit",
    "is_unit": True,
    "role": "生产经营单位",
    "name": ENTERPRISE["name"],
    "credit_code": ENTERPRISE["credit_code"],
    "legal_representative": ENTERPRISE["principal_person"],
    "id_number": "",
    "position": "",
    "employer": "",
    "address": ENTERPRISE["address"],
    "phone": ENTERPRISE["principal_phone"],
}
RULE = {"article": "", "warning": ""}


def _violations(size):
    return [
        {
            "facts": f"第{i}项违法行为：{FACT}",
            "article_breached": f"《中华人民共和国安全生产法》第三十六条第{i}款",
            "article_punishing": "《中华人民共和国安全生产法》第九十九条第（二）项",
        }
        for i in range(1, size + 1)
    ]


def _party_doc(code, size, **content):
    violations = _violations(size)
    return {
        "doc": _doc(f"（东）{code}〔{_year()}〕5号"),
        "issuer_name": ISSUER,
        "issue_date": _days(-1),
        "cause": CAUSE,
        "party": PARTY,
        "violations": violations,
        "articles_breached": "、".join(v["article_breached"] for v in violations),
        "articles_punishing": violations[0]["article_punishing"],
        "evidence": ["现场检查记录1份（证明违法事实）", "现场照片3张（证明报警探头被遮挡）", "询问笔录2份"],
        "details": DETAILS,
        "review_days": 60,
        "lawsuit_months": 6,
        "officers": OFFICERS,
        **content,
    }


def _decided(code, size, **content):
    return _party_doc(
        code,
        size,
        decided_on=_days(-2),
        penalty="罚款人民币叁万元整（¥30,000.00）",
        has_fine=True,
        fine="30,000.00",
        fine_words="叁万元整",
        payment_days={**RULE, "value": 15},
        surcharge_percent={**RULE, "value": 3},
        **content,
    )


def _record(code, size, data, party=True):
    context = {
        "doc": _doc(f"（东）{code}〔{_year()}〕3号" if code else ""),
        "issuer_name": ISSUER,
        "issue_date": _days(-1),
        "occurred_on": _days(-3),
        "cause": CAUSE,
        "data": data,
        "officers": OFFICERS,
        "details": DETAILS,
        "review_days": 60,
        "lawsuit_months": 6,
    }
    if party:
        context["party"] = PARTY
        context["decision"] = {
            "decision_number": f"（东）应急罚〔{_year()}〕5号",
            "decided_on": _days(-40),
            "decision_served_on": _days(-38),
            "fine": "30,000.00",
            "fine_words": "叁万元整",
            "penalty": "罚款人民币叁万元整（¥30,000.00）",
        }
    return context


def _lines(size):
    return "\n".join(f"第{i}段：{LINE}。" for i in range(1, size + 1))


def penalty_notice(size):
    context = _party_doc(
        "应急罚告",
        size,
        penalty="罚款人民币叁万元整（¥30,000.00）",
        statement_days={**RULE, "value": 3},
        hearing=True,
        hearing_days={**RULE, "value": 5},
    )
    return Sample(
        "documents/penalties/penalty_notice.html",
        context,
        closing=(f"{ISSUER}地址", "一份交拟处罚当事人。"),
        unbroken=[cn_date(context["issue_date"]), "0395-7654321"],
        separated=[("报警处置程序", "该行为违反了")] if size > 1 else [],
        required=["（印章）", f"{ENTERPRISE['name']}：", "第四十四条", "5个工作日内", "3个工作日内"],
    )


def hearing_rights_notice(size):
    sample = penalty_notice(size)
    sample.template = "documents/penalties/hearing_rights_notice.html"
    sample.required = ["（印章）", "第六十三条、第六十四条", "5个工作日内"]
    return sample


def penalty_decision(size):
    context = _decided("应急罚", size)
    return Sample(
        "documents/penalties/penalty_decision.html",
        context,
        closing=(f"{ISSUER}（印章）", "一份交被处罚单位。"),
        unbroken=[cn_date(context["decided_on"]), "6228000011112222", "0395-1234567"],
        separated=[("报警处置程序", "该行为违反了")] if size > 1 else [],
        required=["被处罚单位：", "15日内缴至", "第七十二条", "60日内", "6个月内", "河川市东城区人民法院"],
    )


def no_penalty_decision(size):
    context = _party_doc("应急不罚", size, decided_on=_days(-2), reason="当事人系初次违法且危害后果轻微并及时改正")
    return Sample(
        "documents/penalties/no_penalty_decision.html",
        context,
        closing=(f"{ISSUER}（印章）", "一份交当事人。"),
        unbroken=[cn_date(context["decided_on"])],
        required=["第三十三条", "不予行政处罚", "60日内"],
    )


def summary_decision(size):
    context = _decided("应急罚当", size, paid_on_the_spot=False)
    return Sample(
        "documents/penalties/summary_decision.html",
        context,
        closing=("安全生产执法人员（签名）", "一份交被处罚单位。"),
        unbroken=[cn_date(context["decided_on"]), OFFICERS[0]["certificate"]],
        required=["当事人或者委托代理人（签名）", "第五十一条", "（印章）"],
    )


def statement_record(size):
    data = {
        "start_time": "09:30",
        "end_time": "10:40",
        "place": "东城区应急管理局三楼会议室",
        "speaker": "钱立新",
        "speaker_gender": "男",
        "speaker_position": "总经理",
        "speaker_employer": ENTERPRISE["name"],
        "speaker_phone": "13800000000",
        "speaker_address": ENTERPRISE["address"],
        "recorder_name": "李卫东",
        "content": _lines(size),
    }
    context = _record("", size, data)
    return Sample(
        "documents/penalties/statement_record.html",
        context,
        closing=("陈述申辩人（签名）", cn_date(context["occurred_on"])),
        rows=[("时间", "10:40"), ("陈述申辩人", "总经理")],
        unbroken=["13800000000"],
        required=["陈述申辩记录：", "出示证件"],
    )


PANEL = {
    "chair_name": "赵法明",
    "chair_position": "法制科科长",
    "member1_name": "孙审理",
    "member2_name": "周公正",
    "clerk_name": "吴记录",
}


def hearing_notice(size):
    place = "河川市东城区人民路12号东城区应急管理局二楼听证室" * (4 if size > 1 else 1)
    data = {
        **PANEL,
        "chair_id_name": PANEL["chair_name"],
        "applicant": ENTERPRISE["name"],
        "hearing_on": _days(10),
        "hearing_time": "14:30",
        "place": place,
        "public": True,
    }
    context = _record("应急听通", size, data, party=False)
    context["applicant"] = ENTERPRISE["name"]
    return Sample(
        "documents/penalties/hearing_notice.html",
        context,
        closing=(f"{ISSUER}地址", "一份交申请听证人。"),
        unbroken=[cn_date(data["hearing_on"])],
        required=["申请回避", "公开举行听证会", "（印章）"],
        long_pages=(1, 2),
    )


def hearing_record(size):
    data = {
        **PANEL,
        "start_time": "14:30",
        "end_time": "16:00",
        "place": "东城区应急管理局二楼听证室",
        "applicant": ENTERPRISE["name"],
        "applicant_representative": "钱立新",
        "agents": "张律师（河川明理律师事务所）",
        "third_party": "",
        "others": "",
        "content": _lines(size),
    }
    context = _record("", size, data, party=False)
    return Sample(
        "documents/penalties/hearing_record.html",
        context,
        closing=("申请听证人或者其委托代理人（签名）", cn_date(context["occurred_on"])),
        rows=[("调查人员", OFFICERS[-1]["certificate"]), ("主持听证机关", "二楼听证室")],
        required=["听证记录：", "书记员（签名）"],
    )


def hearing_report(size):
    data = {
        **PANEL,
        "summary": _lines(size),
        "chair_opinion": "建议维持原拟处罚",
        "leader_opinion": "同意",
        "leader_name": "刘局长",
        "leader_on": _days(-1),
    }
    context = _record("应急听报", size, data, party=False)
    return Sample(
        "documents/penalties/hearing_report.html",
        context,
        closing=("负责人审核意见", cn_date(data["leader_on"])),
        required=["听证会基本情况摘要", "主持人意见", "建议维持原拟处罚。"],
    )


def address_confirmation(size):
    data = {
        "address": ENTERPRISE["address"] * (5 if size > 1 else 1),
        "postcode": "419900",
        "recipient": "钱立新",
        "phone": "13800000000",
        "electronic": True,
        "email": "safety@example.com",
        "fax": "0395-1234568",
        "note": ("收件人外出时由办公室主任孙晓代收。" * (18 if size > 1 else 1)),
    }
    context = _record("", size, data)
    return Sample(
        "documents/penalties/address_confirmation.html",
        context,
        closing=("受送达人（签名或者盖章）", OFFICERS[-1]["certificate"]),
        rows=[("电子送达", "0395-1234568")],
        unbroken=["safety@example.com"],
        required=["第六十一条第二款", "告知事项"],
        long_pages=(2, 3),
    )


def delivery_receipt(size):
    rows = [
        {
            "document": "行政处罚决定书" if i % 2 else "行政处罚告知书",
            "number": f"（东）应急罚〔{_year()}〕{i}号",
            "party": ENTERPRISE["name"],
            "recipient": f"签收人{i}号",
            "place": f"第{i}号送达地点：{ENTERPRISE['address']}",
            "served_on": _days(-5),
            "method": "代收" if i % 3 == 0 else "直接送达",
            "noted": "代收" if i % 3 == 0 else "",
            "note": "门卫代收，与受送达人系同事关系" if i % 3 == 0 else "",
            "servers": "王建国、李卫东",
        }
        for i in range(1, size + 1)
    ]
    context = {
        "doc": _doc(f"（东）应急回〔{_year()}〕2号"),
        "issuer_name": ISSUER,
        "issue_date": _days(-1),
        "cause": CAUSE,
        "parties": [ENTERPRISE["name"], "钱立新"],
        "deliveries": rows,
    }
    return Sample(
        "documents/penalties/delivery_receipt.html",
        context,
        closing=(f"{ISSUER}（印章）", "由见证人签字。"),
        rows=[(r["recipient"], f"第{n}号送达地点") for n, r in enumerate(rows, start=1)],
        required=["受送达单位（个人）", "收件人签名或者盖章"],
    )


def payment_plan(size):
    context = _record("应急延分", size, {"applied_on": _days(-5), "reason": "企业资金周转困难", "opinion": ""})
    context["instalments"] = [
        {"number": i, "due_on": _days(30 * i), "amount": "1,000.00", "words": "壹仟元整"} for i in range(1, size + 1)
    ]
    context["deferred"] = size == 1
    context["surcharge_percent"] = {**RULE, "value": 3}
    return Sample(
        "documents/penalties/payment_plan.html",
        context,
        closing=(f"{ISSUER}（印章）", "一份交申请人。"),
        rows=[(f"第{i}期", "壹仟元整") for i in range(1, size + 1)] if size > 1 else [],
        required=["第六十六条第二款", "（印章）"],
    )


def payment_reminder(size):
    data = {"pay_by": _days(10), "objection_days": 3, "note": ""}
    context = _record("应急催", size, data)
    context["surcharge_percent"] = {**RULE, "value": 3}
    return Sample(
        "documents/penalties/payment_reminder.html",
        context,
        closing=(f"{ISSUER}地址", "一份交当事人。"),
        unbroken=[cn_date(data["pay_by"])],
        required=["第三十五条", "第三十六条", "3日内"],
        long_pages=(1, 2),
    )


def surcharge_decision(size):
    context = _record("应急加罚", size, {"as_of": _days(-1), "amount": "30000.00"})
    context.update({"amount": "30,000.00", "amount_words": "叁万元整"})
    return Sample(
        "documents/penalties/surcharge_decision.html",
        context,
        closing=(f"{ISSUER}（印章）", "一份交当事人。"),
        unbroken=[cn_date(context["data"]["as_of"])],
        required=["第四十五条", "叁万元整", "60日内"],
        long_pages=(1, 2),
    )


def court_application(size):
    materials = "\n".join(
        f"第{i}项材料：行政处罚决定书及送达回执、缴纳罚款催告书及送达回执" for i in range(1, size + 1)
    )
    data = {"court": DETAILS["court"], "materials": materials, "contact": "王建国", "phone": "0395-7654321"}
    context = _record("应急强执", size, data)
    return Sample(
        "documents/penalties/court_application.html",
        context,
        closing=("联系人：", cn_date(context["issue_date"])),
        unbroken=["0395-7654321"],
        required=[f"{DETAILS['court']}：", "第五十三条、第五十四条", "附有关材料"],
    )


SAMPLES = {
    "penalty_notice": penalty_notice,
    "hearing_rights_notice": hearing_rights_notice,
    "statement_record": statement_record,
    "hearing_notice": hearing_notice,
    "hearing_record": hearing_record,
    "hearing_report": hearing_report,
    "penalty_decision": penalty_decision,
    "no_penalty_decision": no_penalty_decision,
    "summary_decision": summary_decision,
    "address_confirmation": address_confirmation,
    "delivery_receipt": delivery_receipt,
    "payment_plan": payment_plan,
    "payment_reminder": payment_reminder,
    "surcharge_decision": surcharge_decision,
    "court_application": court_application,
}
# Long sizes per type (2–4 pages, the closing stepping across a page break), measured on the layout as it is.
LONG_SIZES = {
    "penalty_notice": (3, 5, 7),
    "hearing_rights_notice": (3, 5, 8),
    "statement_record": (8, 12, 16),
    "hearing_notice": (1, 2),
    "hearing_record": (7, 11, 15),
    "hearing_report": (2, 9, 13),
    "penalty_decision": (2, 4, 6),
    "no_penalty_decision": (3, 5, 7),
    "summary_decision": (2, 4, 6),
    "address_confirmation": (1, 2),
    "delivery_receipt": (2, 6, 10),
    "payment_plan": (3, 16, 30),
    "payment_reminder": (1, 2),
    "surcharge_decision": (1, 2),
    "court_application": (2, 8, 12),
}
