"""Seed the sector table with the sectors the source documents name; administrators extend it."""

from django.db import migrations

SECTORS = [
    ("non_coal_mine", "非煤矿山", True),
    ("hazardous_chemicals", "危险化学品", True),
    ("fireworks", "烟花爆竹", True),
    ("metallurgy", "冶金", True),
    ("nonferrous", "有色", True),
    ("building_materials", "建材", False),
    ("machinery", "机械", False),
    ("light_industry", "轻工", False),
    ("textile", "纺织", False),
    ("tobacco", "烟草", False),
    ("commerce", "商贸", False),
]


def seed(apps, schema_editor):
    Sector = apps.get_model("enterprises", "Sector")
    for order, (code, name, high_risk) in enumerate(SECTORS, start=1):
        Sector.objects.get_or_create(code=code, defaults={"name": name, "high_risk": high_risk, "sort_order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
