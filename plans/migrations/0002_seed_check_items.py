"""Seed the check-item library with the general items and a starter set per sector.

General items follow the principal person's duties of 安全生产法 第21条 and the unit's duties most
often cited in inspection records; administrators extend the library per sector.
"""

from django.db import migrations

GENERAL = [
    ("主要负责人履职", "建立健全并落实全员安全生产责任制，加强安全生产标准化建设", "安全生产法 第21条第1项", True),
    ("主要负责人履职", "组织制定并实施安全生产规章制度和操作规程", "安全生产法 第21条第2项", True),
    ("主要负责人履职", "组织制定并实施安全生产教育和培训计划", "安全生产法 第21条第3项", True),
    ("主要负责人履职", "保证安全生产投入的有效实施", "安全生产法 第21条第4项", True),
    ("主要负责人履职", "组织建立并落实安全风险分级管控和隐患排查治理双重预防工作机制", "安全生产法 第21条第5项", True),
    ("主要负责人履职", "组织制定并实施生产安全事故应急救援预案", "安全生产法 第21条第6项", True),
    ("主要负责人履职", "及时、如实报告生产安全事故", "安全生产法 第21条第7项", True),
    ("安全管理", "按规定设置安全生产管理机构或配备专职安全生产管理人员", "安全生产法 第24条", False),
    ("教育培训", "从业人员经安全生产教育和培训合格上岗，建立培训档案", "安全生产法 第28条", False),
    ("教育培训", "特种作业人员按照国家有关规定经专门的安全作业培训，取得相应资格", "安全生产法 第30条", False),
    ("现场管理", "在有较大危险因素的场所和设施、设备上设置明显的安全警示标志", "安全生产法 第35条", False),
    ("隐患排查", "建立隐患排查治理制度，如实记录并通报事故隐患排查治理情况", "安全生产法 第41条", False),
]

BY_SECTOR = {
    "hazardous_chemicals": [
        ("重大危险源", "重大危险源登记建档、定期检测评估监控，并报应急管理部门备案", "安全生产法 第40条"),
        ("工艺安全", "涉及重点监管危险化工工艺的装置实现自动化控制，系统正常投用", "危险化学品安全管理条例"),
    ],
    "metallurgy": [
        ("高温熔融金属", "吊运熔融金属的起重机符合冶金起重机要求，定期检验", "冶金企业和有色金属企业安全生产规定"),
        ("煤气", "煤气区域设置固定式一氧化碳检测报警装置并定期校验", "冶金企业和有色金属企业安全生产规定"),
    ],
    "non_coal_mine": [
        ("采掘", "按设计组织开采，保安矿柱、安全出口符合要求", "金属非金属矿山安全规程"),
    ],
    "fireworks": [
        ("储存", "仓库储存药量不超核定量，防爆电气、防雷设施完好", "烟花爆竹安全管理条例"),
    ],
    "machinery": [
        ("有限空间", "有限空间作业执行先通风、再检测、后作业，配备监护人员", "工贸企业有限空间作业安全规定"),
    ],
    "light_industry": [
        ("粉尘防爆", "涉爆粉尘场所除尘系统按规范设置，定期清理积尘", "工贸企业粉尘防爆安全规定"),
    ],
}


def seed(apps, schema_editor):
    CheckItem = apps.get_model("plans", "CheckItem")
    Sector = apps.get_model("enterprises", "Sector")
    for order, (category, text, basis, principal) in enumerate(GENERAL, start=1):
        CheckItem.objects.get_or_create(
            sector=None, text=text, defaults={"category": category, "basis": basis, "principal_duty": principal, "sort_order": order * 10}
        )
    for code, items in BY_SECTOR.items():
        sector = Sector.objects.filter(code=code).first()
        if sector is None:
            continue
        for order, (category, text, basis) in enumerate(items, start=1):
            CheckItem.objects.get_or_create(sector=sector, text=text, defaults={"category": category, "basis": basis, "sort_order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial"), ("enterprises", "0003_seed_sectors")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
