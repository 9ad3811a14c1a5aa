"""Short and long contents for every document type, and what the layout tests expect to find in each PDF.

A sample is the template, a context shaped like the one its builder stores (plans.annual.documents,
cases.inspections.documents, supervision.progress.documents, supervision.guidance.services) and the text
the PDF checks look for. ``SAMPLES[key](size)`` builds one: size 1 is the short variant; the long sizes in
``LONG_SIZES`` run to 2–4 pages and move the end of the body across a page break step by step, so that
in one of them the signature block would be the first thing on a page if nothing kept it with the body.

Every row text is unique (…第7处…), so a row can be found in the PDF by its first and last cell.
Dates are relative to today: the samples look the same whatever day the suite runs.
"""

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.utils import timezone

from enforcement.documents.templatetags.documents import cn_date


@dataclass
class Sample:
    template: str
    context: dict
    closing: tuple[str, str]  # first and last words of the signature block (signatures … date / note)
    rows: list[tuple[str, str]] = field(default_factory=list)  # a table row's first and last cell
    unbroken: list[str] = field(default_factory=list)  # dates and values that must stay on one line
    separated: list[tuple[str, str]] = field(default_factory=list)  # text, then a label that must not run on
    required: list[str] = field(default_factory=list)  # what the document must print
    long_pages: tuple[int, int] = (2, 4)  # how many pages a long variant runs to


def _days(n):
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def _doc(number):
    return SimpleNamespace(number=number, title="")


def _year():
    return timezone.localdate().year


ISSUER = "河川市东城区应急管理局"
CITY = "河川市应急管理局"
ENTERPRISE = {
    "name": "河川市东城区恒泰化工有限责任公司",
    "credit_code": "91350100M000100Y43",
    "address": "河川市东城区工业园区纬三路18号",
    "principal_person": "钱立新",
    "principal_phone": "0395-1234567",
    "contact_person": "孙晓",
    "contact_phone": "13800000000",
}
OFFICERS = [
    {"name": "王建国", "certificate": "35010020230001"},
    {"name": "李卫东", "certificate": "35010020230002"},
]
PLACES = ["储罐区", "一号车间", "仓库", "配电室", "危化品库房", "锅炉房", "装卸站台"]


def _county_form(number, issued_days_ago=1, **content):
    """What a county bureau's enforcement form to the enterprise starts with: number, issuer, date, addressee."""
    return {
        "doc": _doc(number),
        "issuer_name": ISSUER,
        "issue_date": _days(-issued_days_ago),
        "enterprise": ENTERPRISE,
        "inspected_on": _days(-issued_days_ago),
        "officers": OFFICERS,
        **content,
    }


def _hazard(i, deadline_days):
    place = PLACES[i % len(PLACES)]
    return {
        "description": f"第{i}处可燃气体检测报警装置未定期检验，部分探头被杂物遮挡，"
        f"报警信号未接入控制室，岗位人员不掌握报警处置程序",
        "location": place,
        "is_major": i % 4 == 0,
        "found_on": _days(-10),
        "deadline": _days(deadline_days + i),
    }


def guidance_letter(size):
    findings = [
        {
            # Typed without a closing 。, as people do: the template must still separate it from 意见.
            "problem": f"第{i}项：抽查的执法案卷中，现场检查记录未载明检查起止时间，责令限期整改指令书的"
            f"整改期限与检查记录不一致，部分文书缺少被检查单位负责人签字",
            "opinion": f"对第{i}项问题组织执法人员学习文书制作规范，逐卷整改，并建立案卷内部评查制度",
        }
        for i in range(1, size + 1)
    ]
    context = {
        "doc": _doc(f"（川）应急指导〔{_year()}〕3号"),
        "county_name": ISSUER,
        "issuer_name": CITY,
        "visit_date": _days(-5),
        "report_deadline": _days(30),
        "issue_date": _days(-4),
        "contact_name": "张明远",
        "contact_phone": "0395-3123456",
        "findings": findings,
    }
    return Sample(
        "documents/guidance_letter.html",
        context,
        closing=("县区应急局负责人", "一份交接收单位。"),
        unbroken=[cn_date(context["issue_date"]), "联系电话：0395-3123456"],
        separated=[("部分文书缺少被检查单位负责人签字", "意见")],
        required=["张明远", "（印章）", f"{ISSUER}：", "0395-3123456"],
    )


def inspection_record(size):
    results = [
        {
            "text": f"第{i}项检查事项：安全生产责任制、安全生产规章制度和操作规程的制定与落实情况",
            "compliant": i % 3 != 0,
            "note": f"第{i}项说明：抽查记录12份" if i % 2 else "",
        }
        for i in range(1, size + 1)
    ]
    hazards = [_hazard(i, 15) for i in range(1, size + 1)]
    context = _county_form(
        f"（东）应急检记〔{_year()}〕12号",
        place=ENTERPRISE["address"],
        present=["主要负责人钱立新", "安全管理人员", "岗位操作人员王五"],
        experts="赵工（化工安全专家）",
        launch_meeting_held=True,
        feedback_meeting_held=True,
        plan_title=f"{ISSUER}{_year()}年度安全生产监督检查计划",
        results=results,
        hazards=hazards,
        summary="企业主要负责人、安全管理人员和岗位操作人员全程参与检查。",
    )
    return Sample(
        "documents/inspection_record.html",
        context,
        closing=("执法人员（签名）", "一份存档。"),
        rows=[(f"{i}{r['text'][:8]}", r["note"] or "符合") for i, r in enumerate(results, start=1)],
        unbroken=[cn_date(context["inspected_on"]), "0395-1234567"],
        separated=[("报警处置程序", "整改期限")],
        required=["被检查单位负责人（签名）"],
    )


def rectification_order(size):
    hazards = [_hazard(i, 10) for i in range(1, size + 1)]
    context = _county_form(
        f"（东）应急责改〔{_year()}〕8号",
        record_number=f"（东）应急检记〔{_year()}〕12号",
        hazards=hazards,
        deadline=max(h["deadline"] for h in hazards),
        has_major=any(h["is_major"] for h in hazards),
        review_days=60,
        lawsuit_months=6,
    )
    return Sample(
        "documents/rectification_order.html",
        context,
        closing=("安全生产执法人员（签名）", "一份交被检查单位。"),
        unbroken=[cn_date(context["issue_date"])],
        separated=[("报警处置程序", "限于")],
        required=["（印章）", f"{ENTERPRISE['name']}："],
    )


def reinspection_opinion(size):
    results = []
    for i in range(1, size + 1):
        passed = i % 3 != 0
        results.append(
            {
                **_hazard(i, -2),
                "passed": passed,
                "result": "合格" if passed else "不合格",
                "note": "" if passed else f"第{i}处复查：报警探头仍未检验",
                "new_deadline": "" if passed else _days(20),
            }
        )
    all_passed = all(r["passed"] for r in results)
    context = _county_form(
        f"（东）应急复查〔{_year()}〕5号",
        issued_days_ago=0,
        order_number=f"（东）应急责改〔{_year()}〕8号",
        order_date=_days(-20),
        results=results,
        passed=all_passed,
        note="" if all_passed else "部分隐患未整改完毕。",
        new_deadline="" if all_passed else _days(20),
    )
    return Sample(
        "documents/reinspection_opinion.html",
        context,
        closing=("安全生产执法人员（签名）", "一份交被复查单位。"),
        rows=[(f"{i}{r['location']}：{r['description'][:6]}", r["result"]) for i, r in enumerate(results, start=1)],
        unbroken=[cn_date(r["deadline"]) for r in results] + [cn_date(context["issue_date"])],
        required=["（印章）", f"{ENTERPRISE['name']}："],
    )


def monthly_progress(size):
    today = timezone.localdate()
    month = today.month
    behind = [{"enterprise": f"河川市东城区第{i}号机械加工有限公司", "month": (i % month) + 1} for i in range(size)]
    context = {
        "doc": _doc(f"（东）应急调度〔{today.year}〕{month}号"),
        "issuer_name": ISSUER,
        "addressee": CITY,
        "signer": "周振华",
        "preparer": "陈静",
        "issue_date": today.isoformat(),
        "year": today.year,
        "month": month,
        "figures": {
            "planned": 120,
            "planned_in_month": 14,
            "done": 98,
            "inspections_in_month": 17,
            "hazards_found": 1234,
            "hazards_found_in_month": 156,
            "hazards_closed": 1100,
            "hazards_due": 1180,
            "hazards_reinspected": 1175,
            "key_total": 1000,
            "key_covered": 999,
            "general_total": 3000,
            "general_covered": 1001,
            "behind_count": size,
        },
        "rates": {"completion": 81.7, "reinspection": 99.6, "key_coverage": 99.9, "general_coverage": 33.4},
        "behind": behind,
        "behind_more": 0,
        "generated_at": today.isoformat(),
        "confirmed_on": today.isoformat(),
    }
    return Sample(
        "documents/monthly_progress.html",
        context,
        closing=("填报人", "确认日期"),
        rows=[("截至本月计划检查数", "120"), ("一般单位覆盖", "1001/3000（33.4%）")],
        unbroken=["999/1000（99.9%）", "1001/3000（33.4%）", "1234（156）", cn_date(context["issue_date"])],
        required=[f"{CITY}：", "周振华", "陈静"],
    )


def onsite_plan(size):
    groups = [
        {
            "category": f"第{g}类 安全生产管理",
            "items": [
                {
                    "text": f"第{g}-{i}项：检查企业安全风险分级管控和隐患排查治理双重预防机制建设及运行情况",
                    "basis": "《中华人民共和国安全生产法》第四十一条；《安全生产事故隐患排查治理暂行规定》第八条",
                }
                for i in range(1, 4)
            ],
        }
        for g in range(1, size + 1)
    ]
    context = {
        "doc": _doc(f"（东）应急检方〔{_year()}〕21号"),
        "issuer_name": ISSUER,
        "issue_date": _days(-3),
        "plan_title": f"{ISSUER}{_year()}年度安全生产监督检查计划",
        "year": _year(),
        "month": 11,
        "mode": "重点检查",
        "team": "执法监察大队一中队",
        "enterprise": ENTERPRISE,
        "sector": "危险化学品",
        "supervision_class": "重点",
        "officers": OFFICERS,
        "groups": groups,
        "notes": "重点检查储罐区和装卸站台。",
    }
    return Sample(
        "documents/onsite_plan.html",
        context,
        closing=("编制人（签名）", cn_date(context["issue_date"])),
        # Each item row, and each category heading with its first item (a heading never ends a page).
        rows=[
            (f"{i}{item['text'][:8]}", "第八条") for group in groups for i, item in enumerate(group["items"], start=1)
        ]
        + [(f"（{g}）{group['category']}", "第八条") for g, group in enumerate(groups, start=1)],
        unbroken=[f"{_year()}年11月", cn_date(context["issue_date"])],
        required=["审批人（签名）"],
    )


def annual_plan(size):
    """Up to two enterprises a month (the list's pagination is the same for more, only slower); a long plan
    is a revised one whose reasons push the end of the body down to a page break."""
    year = _year()
    modes = ["重点检查", "双随机抽查", "执法+专家", "专项检查"]
    months, n = [], 0
    for month in range(1, 13):
        rows = [
            {
                "n": n + i,
                "enterprise": f"{month}月第{i}家：河川市东城区恒泰精细化工有限责任公司",
                "sector": "危险化学品" if i % 2 else "工贸（机械）",
                "supervision_class": "重点" if i % 3 else "一般",
                "mode": modes[(month + i) % len(modes)],
                "team": f"执法监察大队{'一二三'[i % 3]}中队",
            }
            for i in range(1, min(size, 2) + 1)
        ]
        n += len(rows)
        if rows:
            months.append({"month": month, "rows": rows})
    total = sum(len(m["rows"]) for m in months)
    context = {
        "doc": _doc(f"（东）应急计划〔{year}〕1号"),
        "issuer_name": ISSUER,
        "issue_date": _days(-2),
        "title": f"{ISSUER}{year}年度安全生产监督检查计划",
        "year": year,
        "plan_type": "安全生产",
        "version": 1 if size == 1 else 2,
        "revision_reason": "；".join(f"{m}月新增重点单位{size}家、调整检查方式{m}项" for m in range(1, size * 3))
        if size > 1
        else "",
        "status": "approved",
        "basis": "依据《中华人民共和国安全生产法》第六十二条，按照分类分级监督管理的要求，结合本地实际，制定本计划。",
        "approval": {"kind": "document", "reference": f"东政文〔{year}〕12号", "date": _days(-20)},
        "coverage": {
            "key_total": 40,
            "key_planned": 40,
            "general_total": 300,
            "general_planned": 101,
            "general_required": 100,
            "items": total,
            "enterprises": total,
            "by_mode": [{"mode": m, "count": total // 4} for m in modes],
        },
        "months": months,
        "month_counts": [{"month": m["month"], "count": len(m["rows"])} for m in months],
    }
    last_row = months[-1]["rows"][-1]
    return Sample(
        "documents/annual_plan.html",
        context,
        closing=(ISSUER + cn_date(context["issue_date"]), cn_date(context["issue_date"])),
        # Each row, and each month's heading row with its first enterprise.
        rows=[(f"{r['n']}{r['enterprise']}", r["team"]) for m in months for r in m["rows"]]
        + [(f"{m['month']}月（{len(m['rows'])}家次）", m["rows"][0]["team"]) for m in months],
        unbroken=[cn_date(context["approval"]["date"]), cn_date(context["issue_date"])],
        required=[f"东政文〔{year}〕12号", "附件", last_row["enterprise"], "第六十二条"],
        long_pages=(2, 12),  # the body runs to 2–3 pages; the attachment's list follows on its own pages
    )


SAMPLES = {
    "guidance_letter": guidance_letter,
    "inspection_record": inspection_record,
    "rectification_order": rectification_order,
    "reinspection_opinion": reinspection_opinion,
    "monthly_progress": monthly_progress,
    "onsite_plan": onsite_plan,
    "annual_plan": annual_plan,
}

# Long sizes per type: 2–4 pages, the end of the body stepping across a page break (measured on the
# layout as it is; a change that moves text by more than a page needs new sizes, and the test says so).
LONG_SIZES = {
    "guidance_letter": (6, 8, 10),
    "inspection_record": (4, 6),
    "rectification_order": (6, 10, 13),
    "reinspection_opinion": (5, 7, 9),
    "monthly_progress": (14, 30),
    "onsite_plan": (2, 5),
    "annual_plan": (3, 4),
}

# The penalty documents' samples live beside their tests (tests/penalties/samples_*.py).
from tests.penalties import samples_casefile, samples_decision, samples_investigation  # noqa: E402

for _module in (samples_investigation, samples_decision, samples_casefile):
    SAMPLES.update(_module.SAMPLES)
    LONG_SIZES.update(_module.LONG_SIZES)
