"""The agency registry: which agencies exist, and which printed names mean which agency.

`data/registry.csv` is edited by the office (UTF-8, one agency per line, header required):

    code,name,aliases,level,kind,parent_region,peer_group
    321322-GOV,沭阳县人民政府,,县,government,宿迁市,县级政府

- code: unique and stable (it is the agency_id in the database; never starts with "U-").
  Convention: administrative division code, "-", a short tag (GOV government, JTJ 交通运输局…).
- name: the standard name. aliases: other names the reports use, separated by "|" (";" is
  read too).
- level: 省 | 市 | 县 (the level of the agency's government; a district 区 counts as 县).
  A government is also found under its name with another ending (X人民政府, X政府, X管委会, X).
- kind: government (the people's government / 管委会 itself) | department (a 厅/局/委/办 of it).
  The kind decides the publication deadline (etl/deadlines.py).
- parent_region: the region one level above the agency's government (a 县's city, a 市's
  province); for a provincial agency, the province itself.
- peer_group: the group an agency is ranked in, e.g. 省级部门, 市级部门, 市级政府, 县级政府.

A printed name is matched to an agency by etl/agency_match.py (exact, alias, fuzzy, unknown;
never merged silently). To teach the loader that a printed name is a known agency, add it to
`aliases`; to stop a fuzzy match, add the other agency as its own line.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from etl.agency_names import GOVERNMENT_SUFFIX, GOVERNMENT_SUFFIXES
from etl.errors import ReportError
from etl.normalize import to_simplified

COLUMNS = ("code", "name", "aliases", "level", "kind", "parent_region", "peer_group")
LEVELS = ("省", "市", "县")
KINDS = ("government", "department")


_BRACKETED = re.compile(r"[(\[【〔<《][^)\]】〕>》]*[)\]】〕>》]")
_DROP = re.compile(r"[\s()\[\]【】〔〕<>《》「」『』\"'“”‘’·•、,，:：;；.。]+")


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    aliases: tuple[str, ...] = ()
    level: str | None = None
    kind: str | None = None
    parent_region: str | None = None
    peer_group: str | None = None
    confirmed: bool = True

    def as_row(self) -> list:
        return [
            self.code,
            self.name,
            "|".join(self.aliases) or None,
            self.level,
            self.kind,
            self.parent_region,
            self.peer_group,
            self.confirmed,
        ]


@dataclass(frozen=True)
class Registry:
    agencies: tuple[Agency, ...] = ()
    path: str = ""
    by_name: dict[str, str] = field(default_factory=dict)  # normalised name -> code
    is_alias: dict[str, bool] = field(default_factory=dict)

    def get(self, code: str) -> Agency | None:
        return self._by_code.get(code)

    @cached_property
    def _by_code(self) -> dict[str, Agency]:
        # first entry wins, as when the list was scanned: codes repeated across CSVs keep the first
        out: dict[str, Agency] = {}
        for a in self.agencies:
            out.setdefault(a.code, a)
        return out


def normalize_name(name: str) -> str:
    """NFKC, Simplified characters, no bracketed remarks, spaces, quotes or punctuation."""
    s = to_simplified(unicodedata.normalize("NFKC", name or ""))
    without = _BRACKETED.sub("", s)
    if _DROP.sub("", without):
        s = without
    return _DROP.sub("", s)


def load_registry(path: str | Path, *more: str | Path) -> Registry:
    """Read and check the registry CSV(s); a problem raises ReportError naming the line.

    Further files (e.g. the demo province's data/demo/registry.csv) add agencies; a code
    already defined by an earlier file keeps its earlier definition.
    """
    agencies, by_name, is_alias = [], {}, {}
    for n, p in enumerate((path,) + more):
        p = Path(p)
        codes_here: set[str] = set()
        for line_no, row in _rows(p):
            agency = _agency_from_row(p, line_no, row)
            if agency.code in codes_here:
                _bad(p, line_no, f"code {agency.code} appears twice", "codes must be unique")
            codes_here.add(agency.code)
            if n and any(a.code == agency.code for a in agencies):
                continue
            for label, alias in [(agency.name, False)] + [(a, True) for a in agency.aliases]:
                key = normalize_name(label)
                if by_name.get(key, agency.code) != agency.code:
                    _bad(
                        p,
                        line_no,
                        f"the name {label} already belongs to {by_name[key]}",
                        "a name or alias may point to one agency only",
                    )
                if key not in by_name or not alias:
                    by_name[key], is_alias[key] = agency.code, alias
            agencies.append(agency)
    _add_government_variants(agencies, by_name, is_alias)
    return Registry(tuple(agencies), str(path), by_name, is_alias)


def _rows(path: Path) -> list[tuple[int, dict]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(
            str(path),
            f"cannot read the agency registry ({exc})",
            "check --registry; the file must be UTF-8 CSV",
            "bad_registry",
        )
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ReportError(
            str(path),
            f"the registry lacks the column(s) {', '.join(missing)}",
            f"the header must be: {','.join(COLUMNS)}",
            "bad_registry",
        )
    return list(enumerate(reader, start=2))


def _add_government_variants(agencies, by_name: dict, is_alias: dict) -> None:
    """X人民政府, X政府, X管委会 and bare X name the same government, unless another entry owns one."""
    derived: dict[str, set[str]] = {}
    for agency in agencies:
        if agency.kind != "government":
            continue
        for label in (agency.name,) + agency.aliases:
            base = GOVERNMENT_SUFFIX.sub("", normalize_name(label))
            if len(base) < 2:
                continue
            for suffix in ("", *GOVERNMENT_SUFFIXES):
                derived.setdefault(base + suffix, set()).add(agency.code)
    for key, codes in derived.items():
        if key not in by_name and len(codes) == 1:
            by_name[key], is_alias[key] = codes.pop(), True


def _agency_from_row(path: Path, line_no: int, row: dict) -> Agency:
    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    code, name = cell("code"), cell("name")
    if not code or not name:
        _bad(path, line_no, "code and name are required", "fill both or delete the line")
    if code.startswith("U-"):
        _bad(path, line_no, f"code {code} starts with U-", "U- is reserved for unconfirmed names")
    if cell("level") not in LEVELS + ("",):
        _bad(path, line_no, f"level {cell('level')!r} is not one of 省/市/县", "use 省, 市 or 县")
    if cell("kind") not in KINDS + ("",):
        _bad(
            path,
            line_no,
            f"kind {cell('kind')!r} is not government/department",
            "use government or department",
        )
    aliases = tuple(a.strip() for a in re.split(r"[|;]", cell("aliases")) if a.strip())
    return Agency(
        code,
        name,
        aliases,
        cell("level") or None,
        cell("kind") or None,
        cell("parent_region") or None,
        cell("peer_group") or None,
    )


def _bad(path: Path, line_no: int, problem: str, hint: str):
    raise ReportError(f"{path}:{line_no}", problem, hint, "bad_registry")
