"""Layout sample of the case file's cover (案卷（首页）, the case_file_cover document type's template).

Shaped like cases.penalties.casefile.cover_context; tests/documents/samples.py adds it to SAMPLES and LONG_SIZES.
The cover is one page; the long sizes give a case many parties with long penalties (一案多罚) until its table
runs over a page, the last rows (立卷日期 … 保管期限, where the 立卷人 signs) kept with the rows above them.
"""

import datetime

from django.utils import timezone

from enforcement.documents.templatetags.documents import cn_date

PENALTY = "警告，并处罚款人民币贰万元整；责令限期改正，逾期未改正的，责令停产停业整顿"


def _days(n):
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def case_file_cover(size):
    from tests.documents import samples as base

    parties = [f"东城第{n}化工有限公司" if n == 1 else f"第{n}名负责人员" for n in range(1, size + 1)]
    context = {
        "organisation": "河川市东城区应急管理局",
        "cause": "未按规定对从业人员进行安全生产教育和培训" + "，未如实记录教育培训情况" * min(size, 4),
        "parties": parties,
        "penalties": [
            {"party": name, "text": f"{PENALTY}（第{n}项）" * (1 + size // 3)} for n, name in enumerate(parties, 1)
        ],
        "filed_on": _days(-90),
        "closed_on": _days(-2),
        "compiler": "张明",
        "retention": "定期30年",
        "documents": 12 + size,
        "pages": 40 + size,
        "evidence": 20,
        "archived_on": _days(0),
        "toc": [],
        "voided": [],
    }
    return base.Sample(
        template="documents/penalties/case_file_cover.html",
        context={"doc": base._doc(f"（东）应急案〔{timezone.localdate().year}〕7号"), **context},
        closing=("立卷日期", "保管期限"),
        unbroken=[cn_date(context["filed_on"]), cn_date(context["closed_on"])],
        required=["行政处罚案卷", "案卷号", "定期30年", f"共{40 + size}页"],
    )


SAMPLES = {"case_file_cover": case_file_cover}
LONG_SIZES = {"case_file_cover": (3, 4, 6)}
