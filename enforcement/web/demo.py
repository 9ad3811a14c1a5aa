"""The demo city (河川市) and the generators behind it.

Everything here is fictional: 沧澜省 / 河川市 and their counties do not exist, and the division codes use
the unassigned "99" province prefix so they can never clash with a real one. Generation is driven by a
seeded ``random.Random`` so two runs build the same city, and rows are written with ``bulk_create`` so
the whole city (≈500 enterprises, ≈50 users) takes well under a few seconds. The benchmarks in bench/
reuse the same generators at a larger size.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from enforcement.enterprises.credit_code import ALPHABET, make_code
from enforcement.enterprises.models import Enterprise, EnterpriseUserObjectPermission, Sector
from enforcement.orgs.models import EnforcementCertificate, Organisation, Role, User

L = Organisation.Level
DELEGATED = Organisation.Authority.DELEGATED

DEMO_PASSWORD = "demo12345"  # noqa: S105 - published demo password, printed by seed_demo
DEMO_SEED = 20240501
PROVINCE_CODE = "990000"
CITY_CODE = "990100"

# R-55 委托执法: the powers a county (or the city) delegates to a township or a park, listed on the unit.
TOWNSHIP_POWERS = [
    "辖区内工贸行业生产经营单位安全生产日常监督检查",
    "责令立即排除或者限期整改一般事故隐患",
    "对检查中发现的安全生产违法行为予以制止并移送委托机关",
]
ZONE_POWERS = [
    "区内生产经营单位安全生产监督检查",
    "责令限期整改事故隐患、责令暂时停产停业",
    "区内安全生产违法行为的行政处罚（以委托机关名义作出）",
]


@dataclass
class TownshipSpec:
    name: str  # e.g. "城关镇"
    delegated: bool = False


@dataclass
class CountySpec:
    name: str  # e.g. "临河县"
    pinyin: str  # username prefix
    code: str  # 6-digit division code
    townships: list[TownshipSpec]
    park: str = ""  # an industrial park (管委会) under the county, delegated by it


@dataclass
class CitySpec:
    province: str
    province_short: str
    city: str  # e.g. "河川市"
    city_short: str
    counties: list[CountySpec]
    zone: str = ""  # a development zone under the city, delegated by it


def _t(names, delegated=()):
    return [TownshipSpec(n, n in delegated) for n in names]


DEMO_CITY = CitySpec(
    province="沧澜省",
    province_short="澜",
    city="河川市",
    city_short="川",
    zone="河川经济技术开发区",
    counties=[
        CountySpec(
            "川城区", "chuancheng", "990102", _t(["城东街道", "城西街道", "人民路街道", "新华街道"], {"城东街道"})
        ),
        CountySpec("东湖区", "donghu", "990103", _t(["东湖街道", "湖滨街道", "白沙镇", "龙泉镇"], {"白沙镇"})),
        CountySpec("西岭区", "xiling", "990104", _t(["西岭街道", "望山街道", "岭南镇"])),
        CountySpec(
            "临河县",
            "linhe",
            "990121",
            _t(["城关镇", "河口镇", "柳湾乡", "新集镇", "石桥镇"], {"城关镇", "河口镇"}),
            park="临河化工园区",
        ),
        CountySpec("石门县", "shimen", "990122", _t(["城关镇", "石门镇", "古城乡", "黄岗镇"])),
        CountySpec("青山县", "qingshan", "990123", _t(["青山镇", "白云乡", "松林镇", "大坪镇"], {"青山镇"})),
        CountySpec("柳林县", "liulin", "990124", _t(["柳林镇", "杨庄乡", "马营镇"])),
    ],
)


@dataclass
class BuiltCity:
    province: Organisation
    city: Organisation
    counties: list[Organisation] = field(default_factory=list)
    # (organisation, county it belongs to or None for city-level units) for every unit that can own enterprises
    territories: list[tuple[Organisation, Organisation | None]] = field(default_factory=list)
    by_key: dict[str, Organisation] = field(default_factory=dict)


def _org(name, short, level, parent, code="", delegated_by=None, powers=None):
    org = Organisation(
        name=name,
        short_name=short[:20],
        level=level,
        parent=parent,
        division_code=code,
        authority=DELEGATED if delegated_by else Organisation.Authority.OWN,
        delegated_by=delegated_by,
        delegated_powers=list(powers or []),
    )
    org.full_clean()
    org.save()  # save() maintains the materialised path; a few dozen rows, so no bulk insert needed
    return org


def build_organisations(spec: CitySpec, province_code=PROVINCE_CODE, city_code=CITY_CODE) -> BuiltCity:
    province = _org(f"{spec.province}应急管理厅", spec.province_short, L.PROVINCE, None, province_code)
    city = _org(f"{spec.city}应急管理局", spec.city_short, L.CITY, province, city_code)
    built = BuiltCity(province=province, city=city)
    built.by_key["city"] = city
    if spec.zone:
        zone = _org(
            f"{spec.zone}管理委员会",
            spec.city_short + "开",
            L.ZONE,
            city,
            city_code[:4] + "71",
            delegated_by=city,
            powers=ZONE_POWERS,
        )
        built.territories.append((zone, None))
        built.by_key["zone"] = zone
    for county_spec in spec.counties:
        county = _org(f"{county_spec.name}应急管理局", county_spec.name[:2], L.COUNTY, city, county_spec.code)
        built.counties.append(county)
        built.territories.append((county, county))
        built.by_key[county_spec.pinyin] = county
        for i, township in enumerate(county_spec.townships, start=1):
            suffix = "办事处" if township.name.endswith("街道") else "人民政府"
            org = _org(
                f"{county_spec.name}{township.name}{suffix}",
                township.name.removesuffix("街道").removesuffix("镇").removesuffix("乡"),
                L.TOWNSHIP,
                county,
                f"{county_spec.code}{i:03d}",
                delegated_by=county if township.delegated else None,
                powers=TOWNSHIP_POWERS if township.delegated else None,
            )
            built.territories.append((org, county))
            built.by_key[f"{county_spec.pinyin}/{township.name}"] = org
        if county_spec.park:
            park = _org(
                f"{county_spec.park}管理委员会",
                county_spec.park[:4],
                L.ZONE,
                county,
                delegated_by=county,
                powers=ZONE_POWERS,
            )
            built.territories.append((park, county))
            built.by_key[f"{county_spec.pinyin}/park"] = park
    return built


# --- Enterprises ---------------------------------------------------------------------------------


def _words(*lines):
    return " ".join(lines).split()


SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
    "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = _words(
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英",
    "霞 平 刚 桂英 建国 建华 志强 海燕 文博 浩 宇 晨 鹏 红梅 国庆 立新 卫东 春花",
    "玉兰 振华 德胜 志刚 俊杰 晓东 晓燕 丽华 永强 海涛 金凤 庆华 雪梅 子涵 梓轩 一鸣 亚军 宏伟",
    "学军 新民 秋菊 淑珍 凤英 长青 胜利 保国 红军 爱民 家豪 思远 佳怡 欣然",
)
TRADE_NAMES = _words(
    "恒泰 鑫源 华盛 宏达 金鼎 永兴 瑞丰 博远 天成 嘉禾 正大 隆昌 中联 盛世 富源 长城 新宇 凯达",
    "汇通 联创 万通 德润 信诚 东方 兴旺 祥和 宝丰 国泰 润泽 荣盛 海川 宇恒 顺达 益民 中原 昌盛",
    "明珠 华鑫 鼎盛 广源 金盾 卓越 安泰 宏图 建业 奥德 三元 双星 万隆 福瑞 泰和 鸿运 晟达 汇丰",
    "华通 金诺 威力 精诚 天宇 伟业 宏伟 金泉 新华 汇源 华美 百川 广厦 嘉信 永安 聚力 鲁川 龙腾",
    "瑞祥 盛达 鑫达 佳宝 金源 大地 同创 圣源",
)
ROADS = _words(
    "建设路 人民路 解放路 工业大道 滨河路 迎宾大道 长江路 黄河路 纬一路 经三路 振兴路 和平路 新华路 中州大道",
    "开元路 文化路 光明路 创业路 科技大道 湖滨路 东环路 西环路 南环路 北环路 朝阳路 民主路 胜利路 团结路",
)
# code → (weight in the demo mix, name stems, typical organisational forms)
SECTOR_NAMES = {
    "non_coal_mine": (20, ["矿业", "石料", "石英砂", "建筑石料用灰岩矿", "采石"], ["有限公司", "有限责任公司"]),
    "hazardous_chemicals": (
        55,
        ["化工", "石化", "气体", "化学品", "新材料科技", "精细化工", "油品", "加油站"],
        ["有限公司", "股份有限公司", "有限责任公司"],
    ),
    "fireworks": (30, ["烟花爆竹"], ["经营部", "批发有限公司", "零售店"]),
    "metallurgy": (20, ["钢铁", "特钢", "铸造", "金属制品", "轧钢"], ["有限公司", "股份有限公司", "厂"]),
    "nonferrous": (15, ["铝业", "铜业", "镁业", "有色金属", "合金材料"], ["有限公司", "股份有限公司"]),
    "building_materials": (
        50,
        ["水泥", "建材", "新型墙材", "商品混凝土", "玻璃", "陶瓷", "石膏制品"],
        ["有限公司", "有限责任公司", "厂"],
    ),
    "machinery": (
        90,
        ["机械", "重工", "机电设备", "汽车配件", "农机", "精密机械", "电机", "阀门"],
        ["有限公司", "股份有限公司", "厂"],
    ),
    "light_industry": (
        85,
        ["食品", "纸业", "家具", "塑业", "酒业", "包装材料", "面粉", "木业"],
        ["有限公司", "有限责任公司", "厂"],
    ),
    "textile": (45, ["纺织", "棉纺", "服饰", "织造", "印染", "无纺布"], ["有限公司", "厂"]),
    "tobacco": (5, ["卷烟", "烟叶复烤", "烟草物流"], ["有限公司", "厂"]),
    "commerce": (
        85,
        ["商贸", "物流", "仓储", "购物广场", "超市", "农产品批发市场", "冷链物流"],
        ["有限公司", "有限责任公司", "经营部"],
    ),
}
DEFAULT_SECTOR_NAMES = (20, ["实业", "科技", "制品"], ["有限公司"])

# Risk flags by sector: (flag, probability). Rates are rough shares from county registers.
SECTOR_FLAGS = {
    "hazardous_chemicals": [("major_hazard_source", 0.30), ("key_chemical", 0.25), ("confined_space", 0.30)],
    "metallurgy": [("molten_metal", 0.40), ("dust_explosion", 0.10), ("confined_space", 0.30)],
    "nonferrous": [("molten_metal", 0.30), ("deep_well_casting", 0.20), ("dust_explosion", 0.20)],
    "machinery": [("dust_explosion", 0.06), ("confined_space", 0.05)],
    "light_industry": [("dust_explosion", 0.06), ("confined_space", 0.15)],
    "textile": [("dust_explosion", 0.04), ("confined_space", 0.05)],
    "building_materials": [("confined_space", 0.20)],
    "tobacco": [("confined_space", 0.20)],
    "commerce": [("confined_space", 0.05)],
}
# Flags that make an enterprise a key one (重点), with the reason recorded on the register.
KEY_REASONS = {
    "major_hazard_source": "构成危险化学品重大危险源",
    "key_chemical": "涉及重点监管的危险化工工艺和危险化学品（两重点一重大）",
    "molten_metal": "涉及高温熔融金属、煤气等危险作业",
    "deep_well_casting": "采用铝加工深井铸造工艺",
    "dust_explosion": "涉爆粉尘作业人数30人以上",
}
SECTOR_KEY_REASONS = {
    "non_coal_mine": (0.40, ["地下矿山", "有尾矿库", "露天矿山边坡高度超过100米"]),
    "fireworks": (0.15, ["烟花爆竹批发企业，设有专用仓库"]),
}
OTHER_KEY_REASONS = ["近三年发生过生产安全事故", "列入失信联合惩戒对象", "从业人员300人以上"]
GRADES = [("none", 55), ("small", 20), ("3", 18), ("2", 6), ("1", 1)]
CREDIT = [("normal", 82), ("trustworthy", 10), ("watchlist", 7), ("dishonest", 1)]
MOBILE_PREFIXES = _words(
    "135 136 137 138 139 150 151 152 158 159 182 183 186 187 188 189",
)


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def credit_code(index: int, division: str, individual=False) -> str:
    """A valid credit code, unique for every ``index`` < 31**7.

    GB 32100: 1 registration authority (9 工商), 1 entity type (1 企业 / 2 个体工商户), 6 division code,
    9 organisation code (here "MA" + 7 characters that are a bijection of the index), 1 check character.
    """
    n = (index * 7919 + 104729) % 31**7  # 7919 is prime and coprime with 31, so distinct indexes stay distinct
    serial = ""
    for _ in range(7):
        n, digit = divmod(n, 31)
        serial = ALPHABET[digit] + serial
    return make_code(f"9{'2' if individual else '1'}{division[:6]}MA{serial}")


def person_name(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def mobile(rng) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


class EnterpriseGenerator:
    """Builds unsaved ``Enterprise`` objects for a set of territories (organisation, its county)."""

    def __init__(self, city: Organisation, territories, sectors, seed=DEMO_SEED, unique_names=True):
        self.rng = random.Random(seed)
        self.city = city
        self.territories = territories
        self.sectors = list(sectors)
        self.sector_weights = [SECTOR_NAMES.get(s.code, DEFAULT_SECTOR_NAMES)[0] for s in self.sectors]
        # Counties and parks hold more enterprises than a single township.
        self.territory_weights = [
            12 if org.level == L.TOWNSHIP else 25 if org.level == L.ZONE else 30 for org, _county in territories
        ]
        self.names = set() if unique_names else None

    def _place(self, org, county):
        for unit in (county, org):
            if unit is not None and unit.level == L.COUNTY:
                return unit.name[:2]
        return self.city.name[:2]

    def _name(self, sector, place):
        _w, stems, forms = SECTOR_NAMES.get(sector.code, DEFAULT_SECTOR_NAMES)
        rng = self.rng
        for _attempt in range(20):
            prefix = rng.choice([place, place, self.city.name[:2], ""])
            name = f"{prefix}{rng.choice(TRADE_NAMES)}{rng.choice(stems)}{rng.choice(forms)}"
            if self.names is None or name not in self.names:
                break
        else:
            name = f"{name.removesuffix('有限公司')}第{len(self.names)}分公司"
        if self.names is not None:
            self.names.add(name)
        return name

    def _address(self, org, county):
        parts = [self.city.name.removesuffix("应急管理局")]
        if county is not None:
            parts.append(county.name.removesuffix("应急管理局"))
        if org.level in (L.TOWNSHIP, L.ZONE):
            name = org.name.removesuffix("人民政府").removesuffix("办事处").removesuffix("管理委员会")
            parts.append(name.removeprefix(parts[-1]))
        road = self.rng.choice(ROADS)
        return "".join(parts) + f"{road}{self.rng.randint(1, 999)}号"

    def _responsible(self, org, county, key):
        """R-03: the territorial organisation or one of its ancestors, never two levels at once."""
        rng = self.rng
        if key and rng.random() < 0.35:
            return self.city  # the city keeps the largest key enterprises for itself
        if org.level == L.TOWNSHIP:
            return org if org.authority == DELEGATED and not key and rng.random() < 0.5 else county
        if org.level == L.ZONE:
            return org if rng.random() < 0.7 else org.parent
        return org

    def make(self, index: int) -> Enterprise:
        rng = self.rng
        org, county = rng.choices(self.territories, self.territory_weights)[0]
        sector = rng.choices(self.sectors, self.sector_weights)[0]
        name = self._name(sector, self._place(org, county))
        flags = {flag: rng.random() < p for flag, p in SECTOR_FLAGS.get(sector.code, [])}
        reasons = [KEY_REASONS[f] for f in KEY_REASONS if flags.get(f)]
        chance, sector_reasons = SECTOR_KEY_REASONS.get(sector.code, (0.03, OTHER_KEY_REASONS))
        if not reasons and rng.random() < chance:
            reasons.append(rng.choice(sector_reasons))
        key = bool(reasons)
        division = (org.division_code or (county.division_code if county else "") or self.city.division_code)[:6]
        individual = name.endswith(("经营部", "零售店"))
        return Enterprise(
            credit_code=credit_code(index, division.ljust(6, "0"), individual),
            name=name,
            address=self._address(org, county),
            organisation=org,
            responsible_org=self._responsible(org, county, key),
            sector=sector,
            supervision_class=Enterprise.SupervisionClass.KEY if key else Enterprise.SupervisionClass.GENERAL,
            class_reason="；".join(reasons),
            standardisation_grade=_weighted(rng, GRADES),
            credit_status=_weighted(rng, CREDIT),
            principal_person=person_name(rng),
            principal_phone=mobile(rng),
            contact_person=person_name(rng),
            contact_phone=mobile(rng),
            **flags,
        )

    def batches(self, count: int, start: int = 0, batch_size: int = 2000):
        """Yield lists of unsaved enterprises, ``batch_size`` at a time (for bulk_create)."""
        batch = []
        for index in range(start, start + count):
            batch.append(self.make(index))
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch


def create_enterprises(generator: EnterpriseGenerator, count: int, start=0, batch_size=2000) -> int:
    created = 0
    for batch in generator.batches(count, start, batch_size):
        Enterprise.objects.bulk_create(batch, batch_size=batch_size)
        created += len(batch)
    return created


# --- People ----------------------------------------------------------------------------------------


@dataclass
class Login:
    username: str
    organisation: Organisation
    roles: list[str]
    full_name: str = ""
    staff: bool = False
    superuser: bool = False
    certified: bool = False


CITY_LOGINS = [
    ("city_leader", ["leader"], False),
    ("city_legal", ["legal"], False),
    ("city_business", ["business"], False),
    ("city_officer1", ["officer"], True),
    ("city_officer2", ["officer"], True),
    ("city_officer3", ["officer"], True),
    ("city_reviewer", ["reviewer"], False),
    ("city_technical", ["technical"], False),
    ("city_supervisor", ["social_supervisor"], False),
    ("city_admin", ["admin"], False),
    ("city_auditor", ["auditor"], False),
]
COUNTY_LOGINS = [
    ("leader", ["leader"], False),
    ("legal", ["legal"], False),
    ("officer1", ["officer"], True),
    ("officer2", ["officer"], True),
    ("admin", ["admin"], False),
]


def demo_logins(spec: CitySpec, built: BuiltCity) -> list[Login]:
    logins = [Login("admin", built.city, [], staff=True, superuser=True)]
    for username, roles, certified in CITY_LOGINS:
        logins.append(Login(username, built.city, roles, staff="admin" in roles, certified=certified))
    for county_spec in spec.counties:
        county = built.by_key[county_spec.pinyin]
        for suffix, roles, certified in COUNTY_LOGINS:
            logins.append(
                Login(f"{county_spec.pinyin}_{suffix}", county, roles, staff="admin" in roles, certified=certified)
            )
    # One township acting under delegated powers and the development zone, each with an officer.
    delegated_township = next(
        (org for org, _c in built.territories if org.level == L.TOWNSHIP and org.authority == DELEGATED), None
    )
    if delegated_township is not None:
        logins.append(Login("township_officer", delegated_township, ["officer"], certified=True))
    if "zone" in built.by_key:
        logins.append(Login("zone_officer", built.by_key["zone"], ["officer"], certified=True))
    return logins


def create_users(logins: list[Login], password: str, rng: random.Random, issuer: str, cert_prefix: str):
    """Bulk-create users, their roles and enforcement certificates (R-50) for the certified officers."""
    password_hash = make_password(password)  # hashed once: PBKDF2 per user would dominate the run time
    users = []
    for login in logins:
        login.full_name = login.full_name or person_name(rng)
        users.append(
            User(
                username=login.username,
                password=password_hash,
                full_name=login.full_name,
                first_name=login.full_name[1:],
                last_name=login.full_name[:1],
                organisation=login.organisation,
                is_staff=login.staff,
                is_superuser=login.superuser,
                phone=mobile(rng),
                # Demo accounts keep the published password (README): they skip the first-login change,
                # which is why seed_demo() refuses to run in production mode.
                must_change_password=False,
            )
        )
    User.objects.bulk_create(users)
    users = {u.username: u for u in User.objects.filter(username__in=[login.username for login in logins])}
    roles = {r.code: r for r in Role.objects.all()}
    through = User.roles.through
    through.objects.bulk_create(
        [through(user_id=users[lg.username].pk, role_id=roles[code].pk) for lg in logins for code in lg.roles]
    )
    today = timezone.localdate()
    certificates = [
        EnforcementCertificate(
            holder=users[login.username],
            number=f"{cert_prefix}{login.organisation.division_code[:6] or '000000'}{i:04d}",
            issuer=issuer,
            valid_from=today - datetime.timedelta(days=2 * 365),
            valid_until=today + datetime.timedelta(days=3 * 365),
        )
        for i, login in enumerate(logins, start=1)
        if login.certified
    ]
    EnforcementCertificate.objects.bulk_create(certificates)
    return users


def share_with(users, enterprises):
    """R-53: technical inspectors and social supervisors see only what is shared with them."""
    permission = Permission.objects.get(content_type__app_label="enterprises", codename="view_enterprise")
    EnterpriseUserObjectPermission.objects.bulk_create(
        [
            EnterpriseUserObjectPermission(user=user, permission=permission, content_object=enterprise)
            for user in users
            for enterprise in enterprises
        ]
    )


# --- The demo city ------------------------------------------------------------------------------


@dataclass
class DemoResult:
    created: bool
    city: Organisation
    logins: list[Login]


def find_demo_city():
    return Organisation.objects.filter(division_code=CITY_CODE).first()


def existing_logins(city: Organisation) -> list[Login]:
    users = (
        User.objects.filter(organisation__path__startswith=city.path)
        .select_related("organisation")
        .prefetch_related("roles")
        .order_by("organisation__path", "username")
    )
    return [
        Login(
            u.username,
            u.organisation,
            [r.code for r in u.roles.all()],
            full_name=u.full_name,
            staff=u.is_staff,
            superuser=u.is_superuser,
        )
        for u in users
    ]


# --- Domain demo data -------------------------------------------------------------------------------
# The core names no domain app (data flows core ← plans ← cases ← supervision): an app that wants demo records
# of its own in the demo city registers a builder in its AppConfig.ready(); seed_demo calls each, in the order
# registered, inside its transaction, once the city, its enterprises and its people exist.
_demo_builders: dict[str, object] = {}


def register_demo_data(key: str, builder) -> None:
    """``builder(city: BuiltCity, users: dict[username, User], rng: random.Random)`` adds an app's demo records."""
    _demo_builders[key] = builder


def refuse_in_production():
    if settings.PRODUCTION and not settings.DEBUG:
        raise RuntimeError(
            "生产模式（PRODUCTION=true）下不生成演示账号：演示账号使用公开的统一密码。请在开发或演示环境中运行。"
        )


def seed_demo(enterprises=500, password=DEMO_PASSWORD, seed=DEMO_SEED) -> DemoResult:
    """Build the demo city unless it exists. Idempotent: a second call changes nothing.

    Never in production mode: the demo logins share one published password and skip the first-login
    change (等保2.0 8.1.4.1 a)), so a production database must not hold them."""
    refuse_in_production()
    existing = find_demo_city()
    if existing is not None:
        return DemoResult(False, existing, existing_logins(existing))
    sectors = list(Sector.objects.filter(is_active=True).order_by("sort_order", "code"))
    if not sectors:
        raise RuntimeError("行业领域表为空：请先运行 manage.py migrate。")
    rng = random.Random(seed)
    with transaction.atomic():
        built = build_organisations(DEMO_CITY)
        generator = EnterpriseGenerator(built.city, built.territories, sectors, seed=seed)
        create_enterprises(generator, enterprises)
        logins = demo_logins(DEMO_CITY, built)
        users = create_users(
            logins, password, rng, issuer=f"{DEMO_CITY.province}人民政府", cert_prefix=DEMO_CITY.province_short
        )
        # A few enterprises shared with the city's technical inspector and social supervisor.
        shared = list(Enterprise.objects.filter(organisation__path__startswith=built.city.path).order_by("pk")[:3])
        share_with([users["city_technical"], users["city_supervisor"]], shared)
        for builder in _demo_builders.values():
            builder(built, users, rng)
    return DemoResult(True, built.city, logins)
