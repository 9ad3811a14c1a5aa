"""Benchmark: import a 10,000-row enterprise register workbook (preview + confirm), then re-import it.

Usage (from the repository root):

    .venv/bin/python bench/bench_import.py                                   # SQLite, temp file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/bench_import.py

With a PostgreSQL URL the script creates (and afterwards drops) a throwaway database named
``bench_import`` on that server; the database named in the URL is only used to connect. With no URL it
uses a SQLite file in a temporary directory. Tables come from ``migrate``.

Each run starts from an empty register (the rows of the previous run are deleted): preview (read the
workbook, validate every row, store the batch) and confirm (the Celery task body, in-process), median of
``--runs`` runs. Then the same workbook is previewed and confirmed once more (every row unchanged), then a
version with every address changed (every row updated), and finally the export of the register (it must
re-import unchanged).
Target (issue 2): preview + confirm of 10,000 rows well under 20 s.
"""

import argparse
import io
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _db import throwaway_database

BENCH_DB = "bench_import"


# --- data generation ------------------------------------------------------------------------------

PLACES = [
    "东城",
    "西山",
    "南湖",
    "北坡",
    "河川",
    "临河",
    "青石",
    "白杨",
    "金沙",
    "红旗",
    "新华",
    "长乐",
    "永安",
    "兴隆",
    "太平",
    "丰收",
    "和平",
    "清泉",
    "松林",
    "桃园",
]
TRADE_NAMES = [
    "恒达",
    "鑫源",
    "宏发",
    "华盛",
    "永信",
    "金鼎",
    "瑞丰",
    "天成",
    "广源",
    "德润",
    "中兴",
    "鼎盛",
    "宇通",
    "泰和",
    "万隆",
    "嘉禾",
    "汇丰",
    "振华",
    "博远",
    "安泰",
]
BUSINESS = {
    "非煤矿山": ["矿业", "石料", "采石"],
    "危险化学品": ["化工", "石化", "燃气"],
    "烟花爆竹": ["烟花爆竹", "花炮"],
    "冶金": ["钢铁", "铸造", "冶炼"],
    "有色": ["铝业", "铜业", "有色金属"],
    "建材": ["建材", "水泥", "新型墙材"],
    "机械": ["机械制造", "五金制品", "汽车配件"],
    "轻工": ["食品", "造纸", "家具"],
    "纺织": ["纺织", "服装", "印染"],
    "烟草": ["烟草物流"],
    "商贸": ["商贸", "物流", "超市"],
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗".replace("", " ").split()
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "秀英",
    "建华",
    "国强",
    "海燕",
    "志刚",
]
FORMS = ["有限公司", "有限责任公司", "股份有限公司", "厂", "经营部"]


def build_orgs():
    from enforcement.orgs.models import Organisation

    L = Organisation.Level
    city = Organisation.objects.create(name="河川市应急管理局", short_name="川", level=L.CITY, division_code="419900")
    orgs = []
    for i, place in enumerate(PLACES[:6], start=1):
        county = Organisation.objects.create(
            name=f"{place}区应急管理局", short_name=place[0], level=L.COUNTY, parent=city, division_code=f"4199{i:02d}"
        )
        orgs.append(county)
        for j in range(1, 4):
            orgs.append(
                Organisation.objects.create(
                    name=f"{place}{PLACES[6 + (i * 3 + j) % 14]}镇人民政府",
                    short_name=f"{place}{j}",
                    level=L.TOWNSHIP,
                    parent=county,
                    division_code=f"4199{i:02d}{j:03d}",
                )
            )
    return city, orgs


def build_user(city):
    from enforcement.orgs.models import Role, User

    user = User.objects.create(username="bench_city_legal", full_name="市局法规科", organisation=city)
    user.roles.set(Role.objects.filter(code="legal"))
    return User.objects.get(pk=user.pk)


def person(rnd):
    return rnd.choice(SURNAMES) + rnd.choice(GIVEN)


def generate_workbook(rows, orgs, seed=20240501, changed=False):
    """A county-style register: a title row, the header, ``rows`` data rows, codes as text or numbers."""
    import openpyxl

    from enforcement.enterprises.credit_code import make_code
    from enforcement.enterprises.importing import COLUMNS

    rnd = random.Random(seed)
    # Normal (not write-only) mode: like Excel, it stores text in a shared-strings table.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "名录"
    sheet.append(["河川市生产经营单位名录（基准测试）"])
    sheet.append([c.header for c in COLUMNS])
    sectors = list(BUSINESS)
    for n in range(rows):
        org = rnd.choice(orgs)
        sector = rnd.choice(sectors)
        key = rnd.random() < 0.2
        code = make_code(f"91{org.division_code[:6]}{n:09d}")
        values = {
            "credit_code": code,
            "name": "".join(
                ("河川", rnd.choice(PLACES), rnd.choice(TRADE_NAMES), rnd.choice(BUSINESS[sector]), rnd.choice(FORMS))
            ),
            "address": f"{org.name[:2]}{rnd.choice(PLACES)}路{rnd.randint(1, 999)}号",
            "organisation": org.name,
            "responsible_org": "",
            "sector": sector,
            "supervision_class": "重点" if key else "一般",
            "class_reason": "涉及重大危险源" if key else "",
            "major_hazard_source": "是" if key and rnd.random() < 0.5 else "否",
            "dust_explosion": "√" if rnd.random() < 0.05 else "",
            "confined_space": "Y" if rnd.random() < 0.2 else "N",
            "molten_metal": "否",
            "deep_well_casting": "",
            "key_chemical": "是" if sector == "危险化学品" and rnd.random() < 0.3 else "否",
            "standardisation_grade": rnd.choice(["未达标", "三级", "二级", "小微企业达标"]),
            "credit_status": rnd.choice(["正常", "正常", "正常", "守信", "重点关注"]),
            "principal_person": person(rnd),
            # About a third of the phone numbers arrive as numbers, as they do from county spreadsheets.
            "principal_phone": int(f"13{rnd.randint(0, 999999999):09d}")
            if n % 3 == 0
            else f"13{rnd.randint(0, 999999999):09d}",
            "contact_person": person(rnd),
            "contact_phone": f"0395-{rnd.randint(1000000, 9999999)}",
        }
        if changed:  # the county re-sends its register with every address corrected
            values["address"] += "（新址）"
        sheet.append([values[c.field] for c in COLUMNS])
        if n % 1000 == 999:
            sheet.append([])  # blank rows are skipped
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- timing -----------------------------------------------------------------------------------------


def uploaded(content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("bench.xlsx", content, content_type="application/octet-stream")


CPU = []  # process CPU seconds of each timed call: shows how much of the wall time was waiting


def timed(fn, *args):
    start, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    CPU.append(time.process_time() - cpu)
    return time.perf_counter() - start, result


def clear_register():
    import pgtrigger

    from enforcement.audit.models import AuditEvent
    from enforcement.enterprises.models import Enterprise, ImportBatch

    # The benchmark's throwaway database is reset between runs: the one place the append-only log may be emptied.
    with pgtrigger.ignore("audit.AuditEvent:append_only"):
        AuditEvent._base_manager.all().delete()
    ImportBatch.objects.all().delete()
    Enterprise.objects.all().delete()


def import_once(user, content):
    from enforcement.enterprises import import_flow, importing
    from enforcement.enterprises.models import ImportBatch

    preview_s, batch = timed(importing.create_preview, user, uploaded(content))
    # The owner's confirmation, as the page sends it: with tasks in-process the write happens inside it.
    confirm_s, _outcome = timed(import_flow.confirm, batch)
    batch = ImportBatch.objects.get(pk=batch.pk)
    assert batch.status == ImportBatch.Status.APPLIED, (batch.status, batch.error_message)
    return preview_s, confirm_s, batch


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench_import_"))
    os.environ["VAR_DIR"] = str(workdir)
    os.environ["MEDIA_ROOT"] = str(workdir / "uploads")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # DATABASE_URL chooses the backend, as it does for the application: unset means SQLite.
    start = time.perf_counter()
    backend, drop = throwaway_database(BENCH_DB, sqlite=not os.environ.get("DATABASE_URL"))
    try:
        from enforcement.enterprises.models import Enterprise

        print(f"database: {backend}; create + migrate {time.perf_counter() - start:.1f} s")
        city, orgs = build_orgs()
        user = build_user(city)
        start = time.perf_counter()
        content = generate_workbook(args.rows, orgs)
        elapsed = time.perf_counter() - start
        print(f"workbook: {args.rows} rows, {len(content) / 1024:.0f} KiB, generated in {elapsed:.1f} s")

        previews, confirms = [], []
        for run in range(1, args.runs + 1):
            clear_register()
            preview_s, confirm_s, batch = import_once(user, content)
            previews.append(preview_s)
            confirms.append(confirm_s)
            rows = Enterprise.objects.count()
            print(
                f"run {run}: preview {preview_s:.2f} s, confirm {confirm_s:.2f} s, total {preview_s + confirm_s:.2f} s "
                f"[python CPU {CPU[-2]:.2f} + {CPU[-1]:.2f} s] "
                f"(created {batch.create_count}, errors {batch.error_count}; register has {rows} rows)"
            )
            assert batch.create_count == args.rows and rows == args.rows

        re_preview, re_confirm, again = import_once(user, content)
        assert (again.create_count, again.update_count, again.unchanged_count) == (0, 0, args.rows)

        changed = generate_workbook(args.rows, orgs, changed=True)
        upd_preview, upd_confirm, updated = import_once(user, changed)
        assert (updated.create_count, updated.update_count) == (0, args.rows)

        from enforcement.enterprises import exporting

        export_s, exported = timed(
            lambda: exporting.write_workbook(user, Enterprise.objects.restrict(user, "view")).read()
        )
        _preview_s, _confirm_s, trip = import_once(user, exported)
        assert (trip.create_count, trip.update_count, trip.unchanged_count) == (0, 0, args.rows), trip.report[:3]
        p, c = statistics.median(previews), statistics.median(confirms)
        print()
        print(f"rows:                         {args.rows}")
        print(f"preview, median of {args.runs}:         {p:.2f} s")
        print(f"confirm, median of {args.runs}:         {c:.2f} s")
        print(f"preview + confirm (median):   {p + c:.2f} s   (target < 20 s)")
        print(
            f"re-import (all unchanged):    preview {re_preview:.2f} s + confirm {re_confirm:.2f} s "
            f"= {re_preview + re_confirm:.2f} s; created {again.create_count}, updated {again.update_count}"
        )
        print(
            f"re-import, every row changed: preview {upd_preview:.2f} s + confirm {upd_confirm:.2f} s "
            f"= {upd_preview + upd_confirm:.2f} s; updated {updated.update_count}"
        )
        print(
            f"export of {args.rows} rows:          {export_s:.2f} s ({len(exported) / 1024:.0f} KiB); "
            f"re-imported: {trip.unchanged_count} unchanged, {trip.create_count} created, {trip.update_count} updated"
        )
    finally:
        drop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
