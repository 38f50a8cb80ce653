"""The office's scope: which agencies are its own (the province) and which are reference only.

The registry may list agencies of other provinces (reference reports, a neighbour's figures).
They can be loaded and viewed, but every official figure — counts, rank pools, peer medians,
manual inputs, the bulletin, notices, exports and pages — is bounded by the office's province,
declared as `[office] province` in office.toml (etl.office_settings; $GONGKAI_OFFICE names
another file, $GONGKAI_DATA another data folder).

An agency's province is found through the registry's regions: each government's region (its
name without 人民政府/政府/管委会) hangs under its parent_region, so an agency's region chain
ends at a root. An agency is the office's own when that root is the declared province, or when
the registry gives it no region at all (a registry that does not use regions). Unconfirmed
agencies (names seen only in a report) are never counted: an analyst maps them first.
Without a declared province the root holding more than half of the registry is taken (None
when there is none: nothing is filtered).
"""

from __future__ import annotations

from pathlib import Path

from etl.gongkai_error import GongkaiError
from etl.office_settings import load_office, office_file  # noqa: F401 (office_file re-exported)
from etl.settings import DATA_FILES, DEFAULT_DATA

DEFAULT_OFFICE_FILE = DEFAULT_DATA / DATA_FILES["office_path"]
_SUFFIXES = ("人民政府", "管理委员会", "管委会", "政府")

_AGENCIES_SQL = "SELECT agency_id, name, kind, parent_region, confirmed FROM agencies"


def office_province(path: Path | None = None) -> str | None:
    """`[office] province` of the office file; None when the file or the entry is absent.

    A file that cannot be used is left to exports.office.load_office to report; here it means
    no declared province (the scope is then inferred from the registry)."""
    try:
        return load_office(path).province
    except GongkaiError:
        return None


def _region(name: str) -> str | None:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name.removesuffix(suffix)
    return None


def agency_roots(rows) -> dict[str, str | None]:
    """agency_id -> the root of its region chain ("" when the agency has no region)."""
    up: dict[str, str] = {}
    for _, name, kind, parent, _ in rows:
        region = _region(name or "") if kind == "government" else None
        if region and parent:
            up.setdefault(region, parent)

    def root(region: str | None) -> str | None:
        seen: set[str] = set()
        while region in up and up[region] != region and region not in seen:
            seen.add(region)
            region = up[region]
        return region

    return {a: (root(parent) if parent else "") for a, _, _, parent, _ in rows}


def home_agencies(con, province: str | None = None) -> frozenset[str] | None:
    """Agency ids of the office's province; None = no province known (nothing is filtered).

    `province`: the office's province; default the one declared in the office file."""
    rows = con.execute(_AGENCIES_SQL).fetchall()
    if not rows:
        return None
    roots = agency_roots(rows)
    confirmed = {r[0] for r in rows if r[4]}
    province = province or office_province()
    if province is None:
        counts: dict[str, int] = {}
        for r in roots.values():
            if r:
                counts[r] = counts.get(r, 0) + 1
        if not counts:
            return None
        province = max(counts, key=lambda r: (counts[r], r))
        if 2 * counts[province] <= len(rows):
            return None
    return frozenset(a for a, r in roots.items() if a in confirmed and r in (province, ""))


def home_list(con, province: str | None = None) -> list[str] | None:
    """home_agencies as a sorted list for a bound SQL parameter (None = no filter)."""
    home = home_agencies(con, province)
    return None if home is None else sorted(home)
