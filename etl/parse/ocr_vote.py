"""Scanned tables decided cell by cell from two OCR engines' readings and the table's identities.

Every value cell of a scan is read by Tesseract and by a second engine (etl.extract.scan keeps
both readings). A cell is stored only when the reading is sure:

- both engines read the same number and no identity it takes part in is broken; or
- the engines disagree (or one read nothing), and among every combination of the candidates
  of all cells together, those meeting every identity (etl.identities, the ones the checks and
  the glued-digit solver use) give the cell one value.

Anything else is left out of the report with an `ocr.*` reader finding naming the row and what
each engine read: a scan is never stored as a guess. Reader findings cost the agency nothing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from etl.identities import Identity, Rel, balance
from etl.identities_legacy import LEGACY_IDENTITIES, legacy_place
from etl.identities_std import std_identities
from etl.normalize import parse_cell
from etl.parse.relations import SearchBudget, check
from etl.report import Finding, ParsedReport

MAX_NODES = 200_000  # candidate combinations tried per group of linked cells
MAX_SOLUTIONS = 64  # combinations meeting every identity kept per group (more: undecided)
ENGINE_NAMES = {"tesseract": "Tesseract", "rapid": "RapidOCR"}
# the same engines again on a cell they disagree on, light marks removed (etl.extract.scan_cells):
# more candidates for the identities to choose from, never an agreement of their own
CLEANED = ("tesseract_cleaned", "rapid_cleaned")


@dataclass
class Cell:
    key: str
    options: tuple[float, ...]  # the numbers the engines read, first the one the parser took
    agreed: bool  # both engines read this one number
    readings: dict[str, str]  # engine -> text as read


@dataclass
class Verdict:
    keep: dict[str, float] = field(default_factory=dict)  # cell -> the value decided
    unsettled: list[str] = field(default_factory=list)  # engines disagree, identities don't tell
    contradicted: list[str] = field(default_factory=list)  # agreed, yet an identity breaks


def reading_number(text: str | None) -> float | None:
    if text is None:
        return None
    cell = parse_cell(text)
    if cell.blank:
        return 0.0
    return cell.value if cell.numeric else None


def scan_cells(report: ParsedReport, candidates: dict[str, dict], pages: set) -> dict[str, Cell]:
    """The report's values read from a scanned table cell, with each engine's reading."""
    cells: dict[str, Cell] = {}
    for key, value in report.values.items():
        loc = value.loc
        if loc.get("page") not in pages or "col" not in loc:
            continue
        read = candidates.get(f"{loc['page']}:{loc['line']}:{loc['col']}")
        if not read:
            continue
        texts = {engine: text for engine, (text, _conf) in read.items()}
        numbers = {engine: reading_number(text) for engine, text in texts.items()}
        found = [n for n in numbers.values() if n is not None]
        options = tuple(dict.fromkeys([value.value] + found if value.value in found else found))
        first = [numbers.get(engine) for engine in ENGINE_NAMES]
        agreed = None not in first and len(set(first)) == 1
        cells[key] = Cell(key, options, agreed, texts)
    return cells


def relations_for(report: ParsedReport) -> list[Identity]:
    if report.template in ("std2021", "std2019"):
        # the row of t3.denied.admin_query.legal is denied.admin_query (as etl.validate reads it)
        rows = sorted(
            {k.split(".", 1)[1].rsplit(".", 1)[0] for k in report.values if k.startswith("t3.")}
        )
        return std_identities(rows)
    if report.template == "legacy":
        return [i for i in LEGACY_IDENTITIES if not i.breakdown and not i.routes]
    return []


def decide(cells: dict[str, Cell], fixed: dict[str, float], identities: list[Identity]) -> Verdict:
    """Which scanned cells to keep, and with which value (see the module docstring)."""
    present = set(cells) | set(fixed)
    rels: list[Rel] = []
    for identity in identities:
        printed = identity.printed_cells(dict.fromkeys(present, 0.0))
        if printed is not None:
            rels.append(balance(*printed))
    verdict = Verdict()
    for group_cells, group_rels in _groups(cells, rels):
        _decide_group(group_cells, group_rels, cells, fixed, verdict)
    return verdict


def _groups(cells: dict[str, Cell], rels: list[Rel]) -> list[tuple[list[str], list[Rel]]]:
    """Scanned cells linked through identities, with the identities touching them; a cell in
    no identity is a group of its own."""
    parent = {k: k for k in cells}

    def root(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for rel in rels:
        keys = [c for c, _ in rel.terms if c in cells]
        for other in keys[1:]:
            parent[root(other)] = root(keys[0])
    members: dict[str, list[str]] = {}
    for k in cells:
        members.setdefault(root(k), []).append(k)
    out = []
    for keys in members.values():
        inside = set(keys)
        out.append((keys, [r for r in rels if any(c in inside for c, _ in r.terms)]))
    return out


def _decide_group(keys, rels, cells, fixed, verdict: Verdict) -> None:
    disputed = [k for k in keys if not cells[k].agreed]
    known = dict(fixed) | {k: cells[k].options[0] for k in keys if cells[k].agreed}
    if not rels:  # nothing to check a reading against: the engines' agreement alone decides
        for k in keys:
            (verdict.keep.__setitem__(k, known[k]) if k in known else verdict.unsettled.append(k))
        return
    # an identity of agreed figures only has no say in the disputed cells. Broken, its culprits
    # are suspect (a misread both engines share, or the report's own misprint: a scan cannot
    # tell which): they are left out, and no identity through one vouches for a disputed
    # reading — a misprint elsewhere in the table does not hold up the rest
    closed = [r for r in rels if all(c in known for c, _ in r.terms)]
    broken = [r for r in closed if not check(r, known, True)]
    doubtful = _culprits(broken)
    trusted = {k: v for k, v in known.items() if k not in doubtful}
    open_rels = [r for r in rels if r not in closed]
    try:
        solutions = _solutions([cells[k] for k in disputed], open_rels, trusted)
    except SearchBudget:
        verdict.unsettled += disputed
        verdict.contradicted += [k for k in keys if cells[k].agreed]
        return
    suspects = doubtful & set(keys)
    for k in keys:
        if cells[k].agreed:
            (
                verdict.contradicted.append(k)
                if k in suspects
                else verdict.keep.__setitem__(k, known[k])
            )
    valued = set(trusted) | {k for k in disputed if cells[k].options}
    for k in disputed:
        seen = {s[k] for s in solutions if k in s}
        # an identity vouches for a reading only when it could be checked in full
        checked = any(
            all(c in valued for c, _ in r.terms)
            for r in open_rels
            if any(c == k for c, _ in r.terms)
        )
        if len(seen) == 1 and checked:
            verdict.keep[k] = seen.pop()
        else:
            verdict.unsettled.append(k)


def _culprits(broken: list[Rel]) -> set[str]:
    """The cells to distrust: per cluster of broken identities sharing cells, the cells common
    to all of them (one misread cell breaks its row and its column), else all their cells."""
    clusters: list[tuple[set[str], list[set[str]]]] = []
    for rel in broken:
        cells = {c for c, _ in rel.terms}
        joined = [c for c in clusters if c[0] & cells]
        union, members = set(cells), [cells]
        for c in joined:
            clusters.remove(c)
            union |= c[0]
            members += c[1]
        clusters.append((union, members))
    out: set[str] = set()
    for union, members in clusters:
        common = set.intersection(*members)
        out |= common or union
    return out


def _solutions(disputed: list[Cell], rels: list[Rel], known: dict[str, float]) -> list[dict]:
    """Every combination of the disputed cells' options meeting every identity (at most
    MAX_SOLUTIONS + 1 of them: more means undecided anyway)."""
    order = sorted((c for c in disputed if c.options), key=lambda c: len(c.options))
    touching = {c.key: [r for r in rels if any(t == c.key for t, _ in r.terms)] for c in order}
    state = dict(known)
    found: list[dict] = []
    nodes = [0]

    def step(i: int) -> None:
        if len(found) > MAX_SOLUTIONS:
            return
        if i == len(order):
            if all(check(r, state, True) for r in rels):
                found.append({c.key: state[c.key] for c in order})
            return
        cell = order[i]
        for option in cell.options:
            nodes[0] += 1
            if nodes[0] > MAX_NODES:
                raise SearchBudget
            state[cell.key] = option
            if all(check(r, state, False) for r in touching[cell.key]):
                step(i + 1)
        state.pop(cell.key, None)

    if not all(check(r, state, False) for r in rels):
        return []
    step(0)
    if len(found) > MAX_SOLUTIONS:
        raise SearchBudget
    return found


# ---- applying the verdict to the report --------------------------------------------------------

_TABLE_PLACE = {"t2": "T2", "t3": "T3", "t4": "T4"}


def settle_scanned_cells(report: ParsedReport) -> None:
    """Keep, correct or leave out each value read from a scanned table cell (module docstring);
    one reader finding per printed row for the cells left out."""
    readings = report.meta.pop("ocr_readings", None)
    if not readings:
        return
    pages = set(report.meta.get("ocr_pages", ()))
    cells = scan_cells(report, readings, pages)
    fixed = {k: v.value for k, v in report.values.items() if k not in cells}
    verdict = decide(cells, fixed, relations_for(report))
    for key, number in verdict.keep.items():
        value = report.values[key]
        if number != value.value:
            raw = next(t for t in cells[key].readings.values() if reading_number(t) == number)
            report.values[key] = dataclasses.replace(value, value=number, raw=raw, blank=False)
    for rule, keys in (
        ("ocr.unsettled", verdict.unsettled),
        ("ocr.contradicted", verdict.contradicted),
    ):
        by_row: dict[tuple, list[str]] = {}
        for key in keys:
            loc = report.values[key].loc
            by_row.setdefault((loc.get("page"), loc.get("line")), []).append(key)
        for row_keys in by_row.values():
            report.findings.append(_left_out(rule, row_keys, cells))
            for key in row_keys:
                del report.values[key]


def _left_out(rule: str, keys: list[str], cells: dict[str, Cell]) -> Finding:
    from etl.fields import FIELDS

    parts = []
    for key in keys:
        read = cells[key].readings
        label = FIELDS[key].label if key in FIELDS else key
        texts = [_shown(read.get(e)) for e in ENGINE_NAMES]
        shown = f"「{texts[0]}」" if len(set(texts)) == 1 else "、".join(f"「{t}」" for t in texts)
        again = list(dict.fromkeys(_shown(read[e]) for e in CLEANED if e in read))
        if again:
            shown += "，去除浅色印迹后再读作" + "、".join(f"「{t}」" for t in again)
        parts.append(f"{label} 读作{shown}")
    why = (
        "两种识别结果不一致，表内勾稽关系也不能确定哪个正确"
        if rule == "ocr.unsettled"
        else "两种识别结果一致，但与表内勾稽关系矛盾（可能是识别错误，也可能是原件印错）"
    )
    one = cells[keys[0]].options
    place = (
        legacy_place(keys[0])
        if keys[0].startswith("legacy.")
        else _TABLE_PLACE.get(keys[0].split(".")[0])
    )
    actual = one[0] if len(keys) == 1 and len(one) == 1 else None
    message = f"扫描件：{'；'.join(parts)}。{why}，未入库，请对照原件核对"
    if rule == "ocr.unsettled":
        return Finding("ocr.unsettled", tuple(keys), None, actual, message, place=place)
    return Finding("ocr.contradicted", tuple(keys), None, actual, message, place=place)


def _shown(text: str | None) -> str:
    if text is None or text == "?":
        return "未读出"
    return text or "空白"
