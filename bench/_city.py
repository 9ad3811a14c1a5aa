"""The benchmarks' city: 河川市, 10 counties of 5 townships each (demo generators, enforcement/web/demo.py)."""

COUNTIES = ["东城区", "西城区", "南湖区", "北岭区", "临江县", "平川县", "青石县", "白河县", "松山县", "金沙县"]
TOWNSHIPS = ["城关镇", "东关街道", "河西镇", "柳庄乡", "新店镇"]


def bench_city_spec(zone="河川经济技术开发区"):
    """The city's CitySpec; county ``i`` (from 1) has the username prefix ``county{i:02d}``."""
    from enforcement.web import demo

    return demo.CitySpec(
        province="沧澜省",
        province_short="澜",
        city="河川市",
        city_short="川",
        zone=zone,
        counties=[
            demo.CountySpec(name, f"county{i:02d}", f"9901{i:02d}", demo._t(TOWNSHIPS, {"城关镇"}))
            for i, name in enumerate(COUNTIES, start=1)
        ],
    )
