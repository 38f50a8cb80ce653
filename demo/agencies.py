"""The fictional 示范省 (demo data): its cities, counties and the agencies that publish reports.

Every place name here is made up. The list is fixed (the seed only drives the figures), and
`agencies(n)` takes the first n in an order that interleaves the kinds, so a small corpus still
has a provincial department, city and county governments and departments.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

PROVINCE = "示范省"

CITIES: dict[str, tuple[str, ...]] = {
    "云岫市": ("岫屏县", "北岚县", "青禾县", "泊云县"),
    "澜汀市": ("汀南县", "澜桥县", "松筠县", "鹭渚县"),
    "枫岑市": ("枫川县", "岑北县", "苇塘县", "石砚县"),
    "雁澄市": ("雁鸣县", "澄渚县", "芦汀县", "栎桥县"),
    "琅陵市": ("琅山县", "陵西县", "梓湄县", "棠溪县"),
    "柘湾市": ("柘原县", "湾口县", "蒲川县", "榆汀县"),
}
PROVINCIAL_DEPTS = (
    "教育厅",
    "公安厅",
    "民政厅",
    "司法厅",
    "财政厅",
    "人力资源和社会保障厅",
    "自然资源厅",
    "生态环境厅",
    "住房和城乡建设厅",
    "交通运输厅",
    "水利厅",
    "农业农村厅",
    "商务厅",
    "卫生健康委员会",
    "市场监督管理局",
    "应急管理厅",
)
CITY_DEPTS = (
    "教育局",
    "公安局",
    "民政局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源和规划局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "卫生健康委员会",
)
COUNTY_DEPTS = ("教育局", "民政局")

# Look-alike characters an OCR pass confuses (the 沭→沐 kind), for the names above.
LOOKALIKE = {
    "汀": "汁",
    "岑": "芩",
    "澄": "橙",
    "岫": "袖",
    "陵": "凌",
    "湾": "弯",
    "岚": "风",
    "柘": "拓",
    "琅": "琅",
    "雁": "厣",
    "枫": "讽",
    "渚": "诸",
    "栎": "砾",
    "筠": "钧",
    "湄": "媚",
    "砚": "观",
    "苇": "韦",
    "澜": "谰",
    "榆": "愉",
    "蒲": "浦",
    "禾": "木",
    "泊": "洎",
    "鹭": "鹫",
    "芦": "卢",
    "棠": "堂",
    "梓": "锌",
    "鸣": "呜",
    "原": "厡",
    "政": "玫",
    "财": "材",
    "民": "氏",
    "省": "肖",
}
del LOOKALIKE["琅"]  # no look-alike worth using


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    aliases: tuple[str, ...]
    level: str  # 省 | 市 | 县
    kind: str  # government | department
    parent_region: str
    peer_group: str

    @property
    def cls(self) -> str:
        """Size class used by the figures model."""
        return {
            ("省", "government"): "prov_gov",
            ("省", "department"): "prov_dept",
            ("市", "government"): "city_gov",
            ("市", "department"): "city_dept",
            ("县", "government"): "county_gov",
            ("县", "department"): "county_dept",
        }[(self.level, self.kind)]


def _all() -> list[Agency]:
    groups: list[list[Agency]] = [[], [], [], [], [], []]
    groups[0].append(
        Agency(
            "SF000",
            f"{PROVINCE}人民政府",
            (f"{PROVINCE}政府",),
            "省",
            "government",
            PROVINCE,
            "省级政府",
        )
    )
    for i, d in enumerate(PROVINCIAL_DEPTS, 1):
        groups[1].append(
            Agency(f"SF1{i:02d}", f"{PROVINCE}{d}", (), "省", "department", PROVINCE, "省级部门")
        )
    for ci, (city, counties) in enumerate(CITIES.items(), 1):
        groups[2].append(
            Agency(
                f"SF2{ci:02d}",
                f"{city}人民政府",
                (f"{city}政府",),
                "市",
                "government",
                PROVINCE,
                "市级政府",
            )
        )
        for ki, county in enumerate(counties, 1):
            groups[3].append(
                Agency(
                    f"SF3{ci}{ki}",
                    f"{county}人民政府",
                    (f"{county}政府",),
                    "县",
                    "government",
                    city,
                    "县级政府",
                )
            )
            for di, d in enumerate(COUNTY_DEPTS, 1):
                groups[5].append(
                    Agency(
                        f"SF5{ci}{ki}{di}",
                        f"{county}{d}",
                        (),
                        "县",
                        "department",
                        county,
                        "县级部门",
                    )
                )
        for di, d in enumerate(CITY_DEPTS):
            groups[4].append(
                Agency(f"SF4{ci}{di}", f"{city}{d}", (), "市", "department", city, "市级部门")
            )
    # interleave so that any prefix mixes the kinds (weights roughly follow the group sizes)
    order: list[Agency] = []
    pattern = (1, 2, 3, 4, 5, 4, 3, 5, 1, 4, 5, 0)
    idx = [0] * 6
    while any(idx[g] < len(groups[g]) for g in range(6)):
        for g in pattern:
            if idx[g] < len(groups[g]):
                order.append(groups[g][idx[g]])
                idx[g] += 1
    return order


ALL_AGENCIES: tuple[Agency, ...] = tuple(_all())


# For benchmarks beyond the 155 agencies above: more fictional counties of the six cities, each
# with its government and SYNTH_DEPTS, named from two characters (the first always one an OCR
# pass confuses, so ocr_typo has something to swap). Codes SF + 7 digits (SF9xxxxxx). Then, for
# a national-size run (bench/scale.py at 300,000 reports needs ≈26,000 agencies), MORE_DEPTS of
# every county, after all of the first kind: the first 9,710 agencies stay what they were.
SYNTH_FIRST = "汀岑澄岫陵湾岚柘雁枫渚栎筠湄砚苇澜榆蒲禾泊鹭芦棠梓鸣原"
SYNTH_SECOND = "川原山桥口溪塘北南西东阳平安宁丰和兴永清泉石林河湖岭田浦屿滩坪门港坝集庄店寨堡屯峰谷岗坡洲渡关城沟台营"
SYNTH_DEPTS = ("教育局", "民政局", "财政局", "公安局", "卫生健康局", "自然资源局")
MORE_DEPTS = (
    "人力资源和社会保障局",
    "住房和城乡建设局",
    "交通运输局",
    "农业农村局",
    "水利局",
    "商务局",
    "文化和旅游局",
    "应急管理局",
    "市场监督管理局",
    "司法局",
    "审计局",
    "统计局",
    "医疗保障局",
    "退役军人事务局",
)


def _synthetic_counties() -> Iterator[tuple[int, str, str]]:
    """(number, county, its city) of each fictional county, in a fixed order."""
    taken = {a.name for a in ALL_AGENCIES} | {c for cs in CITIES.values() for c in cs}
    cities = list(CITIES)
    k = 0
    for second in SYNTH_SECOND:
        for first in SYNTH_FIRST:
            county = f"{first}{second}县"
            if first == second or county in taken:
                continue
            k += 1
            yield k, county, cities[k % len(cities)]


def _synthetic() -> Iterator[Agency]:
    for k, county, city in _synthetic_counties():
        yield Agency(
            f"SF9{k:04d}00",
            f"{county}人民政府",
            (f"{county}政府",),
            "县",
            "government",
            city,
            "县级政府",
        )
        for di, d in enumerate(SYNTH_DEPTS, 1):
            yield Agency(
                f"SF9{k:04d}{di:02d}", f"{county}{d}", (), "县", "department", county, "县级部门"
            )
    for di, d in enumerate(MORE_DEPTS, len(SYNTH_DEPTS) + 1):
        for k, county, _city in _synthetic_counties():
            yield Agency(
                f"SF9{k:04d}{di:02d}", f"{county}{d}", (), "县", "department", county, "县级部门"
            )


MAX_AGENCIES = len(ALL_AGENCIES) + sum(1 for _ in _synthetic())


def agencies(n: int) -> list[Agency]:
    """The first n agencies: the 155 of the province, then synthesized counties (benchmarks)."""
    if n < 1:
        raise ValueError("need at least one agency")
    if n > MAX_AGENCIES:
        raise ValueError(f"at most {MAX_AGENCIES} agencies")
    return list(ALL_AGENCIES[:n]) + list(islice(_synthetic(), max(0, n - len(ALL_AGENCIES))))


def registry_csv(items: list[Agency] | tuple[Agency, ...] = ALL_AGENCIES) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["code", "name", "aliases", "level", "kind", "parent_region", "peer_group"])
    for a in items:
        w.writerow(
            [a.code, a.name, "|".join(a.aliases), a.level, a.kind, a.parent_region, a.peer_group]
        )
    return buf.getvalue()


def ocr_typo(name: str, pick: int) -> str:
    """`name` with one character swapped for a look-alike (the `pick`-th candidate)."""
    spots = [i for i, ch in enumerate(name) if ch in LOOKALIKE and ch not in "省政民财教"]
    if not spots:
        spots = [i for i, ch in enumerate(name) if ch in LOOKALIKE]
    i = spots[pick % len(spots)]
    return name[:i] + LOOKALIKE[name[i]] + name[i + 1 :]
