"""Where the bulletin counts each unit: in its own region, the counties under their city.

A government's region is its name without 人民政府/政府/管委会 (云岫市人民政府 → 云岫市); a
department's is the region of its government: its parent_region when that is a region of the
department's own level (the demo registry writes 岫屏县 for 岫屏县教育局), else the registry's
region its name begins with (a registry that writes the city for a county's department, as
etl/registry.py describes parent_region), else the place its name begins with. Provincial units
are 省人民政府 and 省直部门 of the province's block; a county's block is its city's. Blocks and
rows follow the registry's order of the governments' codes (the division codes), never the
names' code points.
"""

from __future__ import annotations

from dataclasses import dataclass

from etl.agency_names import GOVERNMENT_SUFFIX
from etl.agency_places import REGION_MARKERS
from etl.safe_text import xml_text

UNPLACED = "未填地区"
PROVINCE, CITY, COUNTY = "省", "市", "县"
OWN_LEVEL = {PROVINCE: "省本级", CITY: "全市"}  # a block's total row: 「云岫市（全市）」
# the rows of a block that are not a county: the province's government and departments, the
# city's own government and departments (the region itself, as a reader names it)
PROVINCE_GOVERNMENT, PROVINCE_DEPARTMENTS, CITY_ITSELF = "省人民政府", "省直部门", "市本级"


@dataclass(frozen=True)
class Place:
    block: str  # the province or city whose part of the table counts the unit
    row: str  # its row there: 省人民政府, 省直部门, 市本级, or the county
    order: tuple  # (block's order, row's order) in the registry's order
    level: str | None = None  # the block's level (省, 市), None when not known

    @property
    def region(self) -> str:
        """The unit's own region as a reader names it: 云岫市 for 市本级, 北岚县, 省直部门."""
        return self.block if self.row in (CITY_ITSELF, PROVINCE_GOVERNMENT) else self.row


UNPLACED_PLACE = Place(UNPLACED, UNPLACED, ((9, ""), (3, "")))
_REGISTRY_SQL = "SELECT agency_id, name, level, kind, parent_region FROM agencies WHERE confirmed"


def place_units(con, units: dict) -> None:
    """Set `.place` of each unit of `units` (agency_id -> a line with a `place`) from the
    registry of the report database `con`."""
    rows = [
        (r[0], *(xml_text(v) if v else v for v in r[1:]))
        for r in con.execute(_REGISTRY_SQL).fetchall()
    ]
    found = places(rows)
    for agency_id, unit in units.items():
        unit.place = found.get(agency_id, UNPLACED_PLACE)


@dataclass(frozen=True)
class _Government:
    code: str
    level: str | None
    parent: str | None


def places(rows) -> dict[str, Place]:
    """agency_id -> Place for the registry's rows (agency_id, name, level, kind, parent_region)."""
    governments: dict[str, _Government] = {}
    for code, name, level, kind, parent in sorted(rows, key=lambda r: r[0]):
        region = _government_region(name, kind)
        if region:
            governments.setdefault(region, _Government(code, level, parent))
    return {
        code: _place(name, level, kind, parent, governments)
        for code, name, level, kind, parent in rows
    }


def _government_region(name: str | None, kind: str | None) -> str | None:
    region = GOVERNMENT_SUFFIX.sub("", name or "") if kind == "government" else ""
    return region if region and region != name else None


def _own_region(name, level, kind, parent, governments) -> str | None:
    """The region whose government the unit is (or belongs to)."""
    own = _government_region(name, kind)
    if own:
        return own
    if parent in governments and governments[parent].level == level:
        return parent
    named = [r for r, g in governments.items() if (name or "").startswith(r) and g.level == level]
    if named:
        return max(named, key=len)
    first = REGION_MARKERS.search(name or "")
    return name[: first.end()] if first and level in (CITY, COUNTY) else parent


def _place(name, level, kind, parent, governments) -> Place:
    own = _own_region(name, level, kind, parent, governments)

    def code(region: str | None) -> str:
        g = governments.get(region)
        return g.code if g else f"~{region}"  # a region without a government: after the others

    if not own:
        return UNPLACED_PLACE
    if level == PROVINCE:
        row = PROVINCE_GOVERNMENT if kind == "government" else PROVINCE_DEPARTMENTS
        return Place(own, row, ((0, code(own)), (int(kind != "government"), "")), PROVINCE)
    if level == CITY:
        return Place(own, CITY_ITSELF, ((1, code(own)), (0, "")), CITY)
    if level == COUNTY:
        g = governments.get(own)
        city = g.parent if g and g.parent else parent if parent and parent != own else own
        known = governments.get(city)
        if known is not None and known.level == PROVINCE:
            city = own  # a county the province governs directly (省直管县): a block of its own
        return Place(city, own, ((1, code(city)), (2, code(own))), CITY if city != own else None)
    return Place(own, own, ((2, code(own)), (3, own)))


def region_rows(units, place_of) -> list[tuple[str, list]]:
    """[(row label, units)] in the registry's order. A block of several rows opens with its total
    (「云岫市（全市）」) and indents its rows (「　市本级」「　岫屏县」); a block of one row is
    that row, named by the unit's own region (「云岫市」, 「北岚县」)."""
    grouped: dict[str, dict[Place, list]] = {}
    for unit in units:
        p = place_of(unit)
        grouped.setdefault(p.block, {}).setdefault(p, []).append(unit)
    out: list[tuple[str, list]] = []
    for block in sorted(grouped, key=lambda b: min(p.order[0] for p in grouped[b])):
        rows = sorted(grouped[block].items(), key=lambda kv: kv[0].order[1])
        if len(rows) == 1:  # 「云岫市」; a province's by its name: 「上海市（省直部门）」
            p, units = rows[0]
            out.append((f"{block}（{p.row}）" if p.level == PROVINCE else p.region, units))
            continue
        level = OWN_LEVEL.get(rows[0][0].level)
        out.append((f"{block}（{level}）" if level else block, [u for _, us in rows for u in us]))
        out += [(f"　{p.row}", units) for p, units in rows]
    return out
