"""Layout samples of the penalty documents from filing to review and discussion, extension and closing.

Shaped like the contexts cases.penalties.documents.investigation stores; tests/documents/samples.py adds them to
SAMPLES and LONG_SIZES so that the layout tests (signature block with the body, no split table row, dates on one
line) run on every one of these types. Size 1 is short; the long sizes grow the typed text and the parties'
violations (8 for the largest) until the body runs over pages.
"""

import datetime

from django.utils import timezone

from enforcement.documents.templatetags.documents import cn_date


class _Shared:
    """tests/documents/samples.py's constants and Sample, read when a sample is built: that module imports this
    one at its end to add these samples, so importing it here at load time would be circular."""

    def __getattr__(self, name):
        from tests.documents import samples

        return getattr(samples, name)


base = _Shared()

FACT = (
    "经查，该公司未按规定对新招录的从业人员进行安全生产教育和培训，"
    "抽查的12名一线作业人员中有7人未经培训即上岗作业，且未如实记录安全生产教育和培训情况"
)


def _days(n):
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def _time(days, hour, minute=0):
    moment = datetime.datetime.fromisoformat(_days(days)).replace(hour=hour, minute=minute)
    return moment.isoformat()


def _time_text(days):
    day = datetime.date.fromisoformat(_days(days))
    return f"{day.year}年{day.month}月{day.day}日9时30分至11时45分"


def _violations(size, party_tag):
    return [
        {
            "facts": f"{party_tag}第{i}项违法行为：{FACT}",
            "article_breached": "《中华人民共和国安全生产法》第二十八条第一款",
            "article_punishing": "《中华人民共和国安全生产法》第九十七条第（三）项",
        }
        for i in range(1, size + 1)
    ]


def parties(size=1):
    count = min(size, 8)
    return [
        {
            "kind": "unit",
            "is_unit": True,
            "role": "生产经营单位",
            "name": base.ENTERPRISE["name"],
            "credit_code": base.ENTERPRISE["credit_code"],
            "legal_representative": base.ENTERPRISE["principal_person"],
            "id_number": "",
            "position": "",
            "employer": "",
            "address": base.ENTERPRISE["address"],
            "phone": base.ENTERPRISE["principal_phone"],
            "violations": _violations(count, "单位"),
            "no_penalty": False,
            "proposed": "罚款人民币30000元",
            "decided": "罚款人民币30000元",
            "decision_number": f"（东）应急罚〔{base._year()}〕7号",
            "decided_on": _days(-10),
            "executed_on": _days(-3),
            "court_applied_on": "",
        },
        {
            "kind": "person",
            "is_unit": False,
            "role": "主要负责人",
            "name": base.ENTERPRISE["principal_person"],
            "credit_code": "",
            "legal_representative": "",
            "id_number": "350102197001011234",
            "position": "总经理",
            "employer": base.ENTERPRISE["name"],
            "address": "河川市东城区人民路8号",
            "phone": "13900000000",
            "violations": _violations(1, "个人"),
            "no_penalty": False,
            "proposed": "罚款人民币20000元",
            "decided": "罚款人民币20000元",
            "decision_number": f"（东）应急罚〔{base._year()}〕8号",
            "decided_on": _days(-10),
            "executed_on": _days(-2),
            "court_applied_on": "",
        },
    ]


def _case():
    return {
        "cause": "河川市东城区恒泰化工有限责任公司涉嫌未按规定对从业人员进行安全生产教育和培训案",
        "source": "监督检查发现",
        "source_detail": "2026年度执法计划现场检查发现",
        "facts": "",
        "procedure": "一般程序",
        "filed_on": _days(-40),
        "decided_on": "",
        "closed_on": "",
    }


def _base(number, size, occurred=-20, **extra):
    return {
        "doc": base._doc(number),
        "issuer_name": base.ISSUER,
        "issue_date": _days(occurred),
        "case": _case(),
        "parties": parties(size),
        "occurred_on": _days(occurred),
        "officers": base.OFFICERS,
        "time_text": _time_text(occurred),
        **extra,
    }


def _long(text, size, tag):
    """``text`` repeated for a long variant, each sentence numbered so the PDF shows where it is."""
    return "".join(f"{tag}{i}：{text}。" for i in range(1, size + 1))


def _approvals(occurred, size):
    return {
        "handler": {
            "opinion": _long("建议立案调查", size, "意见"),
            "names": ["王建国", "李卫东"],
            "date": _days(occurred),
        },
        "check": {"opinion": "同意承办人意见。", "name": "周振华", "date": _days(occurred + 1)},
        "approval": {
            "given": True,
            "approved": True,
            "opinion": "同意。",
            "name": "赵局长",
            "date": _days(occurred + 2),
        },
    }


APPROVAL_CLOSING = ("承办人意见", "审批人（签名）：赵局长")


def case_filing(size):
    occurred = -40
    context = _base(
        f"（东）应急立〔{base._year()}〕3号",
        size,
        occurred,
        source_on=_days(-45),
        summary=_long(FACT, size * 2, "情况"),
        data={"handler_opinion": "建议立案。"},
        **_approvals(occurred, size),
    )
    return base.Sample(
        "documents/penalties/case_filing.html",
        context,
        closing=APPROVAL_CLOSING,
        unbroken=[cn_date(_days(-45)), cn_date(_days(occurred + 2))],
        required=[context["doc"].number, base.ENTERPRISE["name"], "35010020230001", "周振华", "立案审批表"],
    )


def interview_notice(size):
    context = _base(
        f"（东）应急询〔{base._year()}〕5号",
        size,
        -30,
        party=base.ENTERPRISE["name"],
        appear_text="2026年10月8日9时30分",
        data={
            "reason": _long("你单位涉嫌未按规定对从业人员进行安全生产教育和培训", size, "事由"),
            "place": "河川市东城区应急管理局三楼执法室",
            "materials": ["id_card", "licence"],
            "other_materials": "安全生产教育和培训档案" * size,
            "office_address": "河川市东城区人民路1号",
            "contact_person": "王建国",
            "contact_phone": "0395-3123456",
        },
    )
    return base.Sample(
        "documents/penalties/interview_notice.html",
        context,
        closing=(base.ISSUER + "（印章）", "一份交被询问人。"),
        unbroken=[cn_date(context["issue_date"]), "联系电话：0395-3123456"],
        required=[context["doc"].number, "☑身份证", "☐法定代表人身份证明或者委托书", "2026年10月8日9时30分"],
    )


TRANSCRIPT_QA = (
    "问：你单位新招录的从业人员上岗前是否进行了安全生产教育和培训？\n"
    "答：今年三月新招录的十二名员工中，有七人因生产任务紧张，未经培训就直接上岗了，培训记录也没有建立。\n"
)


def interview_record(size):
    transcript = "".join(TRANSCRIPT_QA.replace("问：", f"问{i}：") for i in range(1, size * 2 + 1))
    context = _base(
        "",
        size,
        -25,
        people={"recorder": "李卫东"},
        data={
            "sequence": 1,
            "place": "河川市东城区应急管理局三楼执法室",
            "interviewee": "钱立新",
            "gender": "男",
            "age": 56,
            "id_number": "350102197001011234",
            "employer": base.ENTERPRISE["name"],
            "position": "总经理",
            "address": "河川市东城区人民路8号",
            "phone": "13900000000",
            "present": "",
            "subject": "你单位从业人员安全生产教育和培训",
            "transcript": transcript + "问：以上记录是否属实？\n答：属实，以上记录与我所说的一致。",
        },
    )
    return base.Sample(
        "documents/penalties/interview_record.html",
        context,
        closing=("以上笔录已向被询问人宣读", "年月日"),
        unbroken=["350102197001011234", "35010020230001"],
        required=["询问笔录", "钱立新", "如实回答问题的义务", "申请回避的权利", "答：属实，以上记录与我所说的一致。"],
    )


def scene_record(size):
    findings = "".join(
        f"{i}．{place}：可燃气体检测报警装置未定期检验，部分探头被杂物遮挡，报警信号未接入控制室。\n"
        for i, place in enumerate(["储罐区", "一号车间", "仓库", "配电室", "危化品库房"] * size, start=1)
    )
    context = _base(
        f"（东）应急勘〔{base._year()}〕2号",
        size,
        -24,
        party=base.ENTERPRISE["name"],
        people={"recorder": "李卫东"},
        data={
            "place": base.ENTERPRISE["address"],
            "weather": "晴",
            "parties_present": "钱立新（总经理）",
            "invitee": "",
            "findings": findings,
        },
    )
    return base.Sample(
        "documents/penalties/scene_record.html",
        context,
        closing=("勘验人（签名）", "可另附页。"),
        required=[context["doc"].number, "钱立新（总经理）", "现依法进行勘验检查"],
    )


def sampling_voucher(size):
    items = [
        {"name": f"第{i}号样品：工业氧气瓶", "spec": f"40L-2026{i:02d}", "quantity": f"{i}瓶"}
        for i in range(1, size * 4)
    ]
    context = _base(
        f"（东）应急抽〔{base._year()}〕1号",
        size,
        -23,
        party=base.ENTERPRISE["name"],
        party_address=base.ENTERPRISE["address"],
        party_phone=base.ENTERPRISE["principal_phone"],
        data={"place": "危化品库房", "site_person": "孙晓", "items": items},
    )
    return base.Sample(
        "documents/penalties/sampling_voucher.html",
        context,
        closing=("现场负责人（签名）", "一份交被取证人（单位）。"),
        rows=[(f"{i}第{i}号样品", item["quantity"]) for i, item in enumerate(items, start=1)],
        unbroken=[cn_date(context["issue_date"])],
        required=[context["doc"].number, "第五十六条", "（印章）"],
    )


def preservation_notice(size):
    items = [
        {
            "name": f"第{i}号证物：安全生产教育培训档案",
            "spec": "A4",
            "origin": "本单位",
            "grade": "完好",
            "unit": "册",
            "price": "—",
            "quantity": str(i),
            "note": f"备注{i}",
        }
        for i in range(1, size * 5)
    ]
    context = _base(
        f"（东）应急先保〔{base._year()}〕1号",
        size,
        -22,
        party=base.ENTERPRISE["name"],
        disposal_due={"day": _days(-13), "count": 7, "warning": ""},
        people={"approved_by": "赵局长"},
        data={
            "suspected": "未按规定对从业人员进行安全生产教育和培训",
            "items": items,
            "storage": "on_site",
            "storage_place": "该公司档案室",
            "approved_on": _days(-22),
            "decision_place": "河川市东城区应急管理局三楼执法室",
        },
    )
    return base.Sample(
        "documents/penalties/preservation_notice.html",
        context,
        closing=("上述物品经核无误", "年月日"),
        rows=[(f"{i}第{i}号证物", f"备注{i}") for i in range(1, len(items) + 1)],
        unbroken=[cn_date(_days(-13))],
        required=[context["doc"].number, "7个工作日内", "第五十六条", "先行登记保存证据清单"],
        long_pages=(2, 5),
    )


def preservation_disposal(size):
    items = [{"name": f"第{i}号证物：安全生产教育培训档案", "quantity": f"{i}册"} for i in range(1, size * 6)]
    context = _base(
        f"（东）应急先保处〔{base._year()}〕1号",
        size,
        -16,
        party=base.ENTERPRISE["name"],
        preservation={"date": _days(-22), "number": f"（东）应急先保〔{base._year()}〕1号", "items": items},
        review_days=60,
        lawsuit_months=6,
        data={
            "disposal": "keep",
            "decision": _long("上述档案作为认定违法事实的证据随案保存，案件办结后返还", size, "决定"),
            "review_body": "河川市东城区人民政府",
            "court": "河川市东城区人民法院",
        },
    )
    return base.Sample(
        "documents/penalties/preservation_disposal.html",
        context,
        closing=(base.ISSUER + "（印章）", "一份交被取证人（单位）。"),
        unbroken=[cn_date(context["issue_date"])],
        required=[context["doc"].number, f"（东）应急先保〔{base._year()}〕1号", "60日内", "河川市东城区人民法院"],
    )


def investigation_report(size):
    context = _base(
        f"（东）应急终报〔{base._year()}〕4号",
        size,
        -15,
        data={
            "investigation": _long("执法人员王建国、李卫东对该公司进行了现场检查、询问和调取培训档案", size, "经过"),
            "evidence": _long("询问笔录、现场检查记录、培训档案复印件、从业人员名册", size, "证据"),
            "circumstances": "当事人积极配合调查，主动提供证据材料。",
            "proposal": "建议依法给予行政处罚。",
        },
    )
    return base.Sample(
        "documents/penalties/investigation_report.html",
        context,
        closing=("承办人（签名）：王建国", cn_date(context["occurred_on"])),
        unbroken=[cn_date(context["occurred_on"])],
        required=[context["doc"].number, "第九十七条第（三）项", "第二十八条第一款", "建议依法给予行政处罚", "钱立新"],
        long_pages=(2, 5),
    )


def handling_approval(size):
    occurred = -14
    context = _base(
        f"（东）应急处呈〔{base._year()}〕4号",
        size,
        occurred,
        data={"defence": "", "handler_opinion": "建议按拟处罚意见处理。"},
        **_approvals(occurred, size),
    )
    return base.Sample(
        "documents/penalties/handling_approval.html",
        context,
        closing=APPROVAL_CLOSING,
        unbroken=[cn_date(_days(occurred + 2))],
        required=[context["doc"].number, "拟给予罚款人民币30000元", "第九十七条第（三）项", "赵局长"],
    )


def legal_review(size):
    context = _base(
        f"（东）应急审核〔{base._year()}〕4号",
        size,
        -12,
        reviewer="陈静",
        passed=True,
        review_reason="",
        data={
            "authority": "执法主体适格，未超越法定职权。",
            "facts": _long("违法事实清楚，证据确实充分，证据之间能够相互印证", size, "事实"),
            "basis": "适用法律正确。",
            "procedure": "程序合法。",
            "discretion": "处罚幅度符合裁量基准。",
            "conclusion": "agree",
            "opinion": "事实清楚，证据确凿，适用法律正确，程序合法，同意拟处罚意见",
        },
    )
    return base.Sample(
        "documents/penalties/legal_review.html",
        context,
        closing=("审核意见：事实清楚", cn_date(context["occurred_on"])),
        rows=[("执法主体与权限", "未超越法定职权。")],
        unbroken=[cn_date(context["occurred_on"])],
        required=[context["doc"].number, "本案通过法制审核", "陈静"],
    )


def collective_discussion(size):
    minutes = "".join(f"发言{i}：赵局长认为本案事实清楚，证据充分，同意承办人意见。\n" for i in range(1, size * 6))
    context = _base(
        f"（东）应急罚集〔{base._year()}〕2号",
        size,
        -11,
        people={"chair": "赵局长", "reporter": "王建国", "recorder": "李卫东"},
        data={
            "place": "局三楼会议室",
            "attendees": "赵局长（局长）、钱副局长（副局长）、周振华（法规科科长）",
            "topic": "讨论对当事人的处罚意见。",
            "minutes": minutes,
            "conclusion": "同意对当事人分别处以罚款。",
        },
    )
    return base.Sample(
        "documents/penalties/collective_discussion.html",
        context,
        closing=("结论性意见", "记录人（签名）"),
        required=[context["doc"].number, "赵局长", "局三楼会议室"],
    )


def _approval_sample(key, code, occurred, size, handler, *, label, data, unbroken, required, **extra):
    """An approval form whose 承办人 box holds ``handler`` (grown with the size), under the box's ``label``."""
    approvals = _approvals(occurred, size)
    approvals["handler"]["opinion"] = _long(handler, size, label[:2])
    opinion_key = "reason" if key == "case_extension" else "execution"
    context = _base(
        f"（东）{code}〔{base._year()}〕1号",
        size,
        occurred,
        data={**data, opinion_key: approvals["handler"]["opinion"]},
        **extra,
        **approvals,
    )
    return base.Sample(
        f"documents/penalties/{key}.html",
        context,
        closing=(label, "审批人（签名）：赵局长"),
        unbroken=unbroken,
        required=[context["doc"].number, *required],
    )


def case_extension(size):
    return _approval_sample(
        "case_extension",
        "应急案延",
        -5,
        size,
        "案情复杂，需进一步调查取证",
        label="案件延期理由",
        data={"days": 120, "approver_level": "head"},
        deadline={"original": _days(50), "extended": _days(80), "warning": ""},
        unbroken=[cn_date(_days(50)), cn_date(_days(80))],
        required=["自立案之日起120日", "延长至"],
    )


def case_closing(size):
    return _approval_sample(
        "case_closing",
        "应急结",
        -1,
        size,
        "当事人已于规定期限内缴纳全部罚款",
        label="执行情况",
        data={"result": "对当事人分别作出行政处罚决定。"},
        unbroken=[cn_date(_days(-3))],
        required=[f"（东）应急罚〔{base._year()}〕7号", "执行完毕"],
    )


SAMPLES = {
    "case_filing": case_filing,
    "interview_notice": interview_notice,
    "interview_record": interview_record,
    "scene_record": scene_record,
    "sampling_voucher": sampling_voucher,
    "preservation_notice": preservation_notice,
    "preservation_disposal": preservation_disposal,
    "investigation_report": investigation_report,
    "handling_approval": handling_approval,
    "legal_review": legal_review,
    "collective_discussion": collective_discussion,
    "case_extension": case_extension,
    "case_closing": case_closing,
}

# Measured on the layout as it is (see tests/documents/samples.py LONG_SIZES): 2–4 pages (5 for the report with 8
# violations and the notice with its list), one size with the signature block near the top of a later page.
LONG_SIZES = {
    "case_filing": (3, 6, 8),
    "interview_notice": (3, 8, 9),
    "interview_record": (3, 5, 6),
    "scene_record": (3, 4, 5),
    "sampling_voucher": (2, 5, 8),
    "preservation_notice": (2, 3, 5),
    "preservation_disposal": (3, 5, 9),
    "investigation_report": (4, 6, 8),
    "handling_approval": (4, 6, 8),
    "legal_review": (4, 6, 8),
    "collective_discussion": (3, 4, 5),
    "case_extension": (4, 6, 8),
    "case_closing": (4, 6, 8),
}
