"""Build the fictional demo city (河川市) and print its logins. Safe to run again: it then changes nothing."""

import time
import unicodedata

from django.core.management.base import BaseCommand, CommandError

from enforcement.enterprises.models import Enterprise
from enforcement.orgs.models import Role
from enforcement.web import demo


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal; pad by display width, not by len().
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(headers, rows) -> str:
    widths = [max(_width(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = ["  ".join(_pad(str(cell), w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in [headers]]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(str(cell), w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines)


class Command(BaseCommand):
    help = "生成演示数据：虚构的河川市应急管理局及其下属单位、约500家生产经营单位和各角色用户（已存在则不做更改）。"

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=500, help="生产经营单位数量（默认500）")
        parser.add_argument("--password", default=demo.DEMO_PASSWORD, help="所有演示账号的密码")
        parser.add_argument("--seed", type=int, default=demo.DEMO_SEED, help="随机数种子（相同种子生成相同数据）")
        parser.add_argument("--quiet-logins", action="store_true", help="不打印演示账号表")

    def handle(self, *args, enterprises, password, seed, quiet_logins, **options):
        started = time.monotonic()
        try:
            result = demo.seed_demo(enterprises=enterprises, password=password, seed=seed)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        city = result.city
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"已生成演示数据：{city.name}，下属单位 {city.descendants(include_self=False).count()} 个，"
                    f"生产经营单位 {Enterprise.objects.filter(organisation__path__startswith=city.path).count()} 家，"
                    f"用户 {len(result.logins)} 个（用时 {time.monotonic() - started:.1f} 秒）。"
                )
            )
        else:
            self.stdout.write(f"演示数据已存在（{city.name}），未做任何更改。")
        if quiet_logins:
            return
        role_names = dict(Role.objects.values_list("code", "name"))
        rows = []
        for login in result.logins:
            roles = "、".join(role_names.get(code, code) for code in login.roles)
            if login.superuser:
                roles = "超级管理员"
            rows.append([login.username, password, login.organisation.name if login.organisation else "", roles])
        self.stdout.write("")
        self.stdout.write("演示账号（登录地址 http://127.0.0.1:8000/login/）：")
        self.stdout.write(format_table(["用户名", "密码", "所属单位", "角色"], rows))
