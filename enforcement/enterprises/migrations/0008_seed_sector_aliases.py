"""Seed the names counties write for the sectors (dialect names seen in county registers).

Administrators extend the table (admin: 行业领域别名); the import maps these names in its preview.
"""

import importlib

from django.db import migrations

SECTORS_MIGRATION = "enforcement.enterprises.migrations.0003_seed_sectors"

# sector code → names written for it in county registers (compared full-width/half-width folded).
ALIASES = {
    "non_coal_mine": ("非煤", "非煤矿", "矿山", "非煤矿山企业", "尾矿库"),
    "hazardous_chemicals": ("危化", "危化品", "危险化学品企业", "危化企业", "化工", "危化(经营)", "危化(生产)"),
    "fireworks": ("烟花", "烟花爆竹经营", "烟花爆竹企业", "鞭炮"),
    "metallurgy": ("工贸(冶金)", "冶金工贸", "钢铁"),
    "nonferrous": ("工贸(有色)", "有色金属"),
    "building_materials": ("工贸(建材)", "建材企业"),
    "machinery": ("工贸(机械)", "机械制造", "机械加工", "机械企业"),
    "light_industry": ("工贸(轻工)", "轻工企业", "食品加工"),
    "textile": ("工贸(纺织)", "纺织企业"),
    "tobacco": ("工贸(烟草)",),
    "commerce": ("工贸(商贸)", "商贸企业", "商贸流通"),
}


def seed(apps, schema_editor):
    # A flush in the tests empties both tables: the sectors come first (tests/celery_fixture.py calls this).
    importlib.import_module(SECTORS_MIGRATION).seed(apps, schema_editor)
    Sector = apps.get_model("enterprises", "Sector")
    SectorAlias = apps.get_model("enterprises", "SectorAlias")
    sectors = {s.code: s for s in Sector.objects.filter(code__in=ALIASES)}
    for code, aliases in ALIASES.items():
        if code not in sectors:
            continue
        for alias in aliases:
            SectorAlias.objects.get_or_create(alias=alias, defaults={"sector": sectors[code]})


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0007_import_claims_sector_aliases_reason_pending")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
