"""Shared data for document tests."""


def letter_context(county_name="东城区应急管理局", **overrides):
    context = {
        "county_name": county_name,
        "issuer_name": "河川市应急管理局",
        "visit_date": "2026-03-05",
        "report_deadline": "2026-04-15",
        "issue_date": "2026-03-06",
        "contact_name": "张明",
        "contact_phone": "0395-3123456",
        "findings": [
            {"problem": "年度执法计划未按要求公示。", "opinion": "十日内在门户网站公示年度执法计划。"},
            {"problem": "部分执法案卷文书填写不规范。", "opinion": "组织执法人员学习文书制作规范，逐卷整改。"},
        ],
    }
    context.update(overrides)
    return context
