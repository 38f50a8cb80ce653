"""Glued digit runs: cells printed with no separator ("801000081" = 80|1|0|0|0|0|81), split by
the table's own identities.

One mechanism for every template: a caller describes each glued run (the printed tokens and
the cell keys it stands for), the cells it read without ambiguity, and the identities as
linear relations over cell keys. Each run is first cut into candidate splits that satisfy the
relations local to it (a row's 总计 = the sum of its parts, a this-year figure ≤ its
cumulative); then one search over all runs together keeps the combinations that satisfy
every relation. A cell is kept only when every surviving combination gives it the same
value; the others are left out and reported as ambiguous, never guessed.

Pieces have no leading zeros ("05" is never a cell) and at most MAX_PIECE digits; a space
in the printed run is a cell boundary. Both searches are bounded (MAX_NODES): a run that
would take longer is reported as capped, not hung on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from etl.normalize import parse_cell

MAX_PIECE = 7  # digits in one cell: no count in these tables reaches ten million
MAX_NODES = 50_000  # search steps per run (a real row needs a few dozen)
MAX_CANDIDATES = 5_000  # splits kept per run
MAX_JOINT_NODES = 20_000  # combinations tried across runs (a real table needs a few hundred)


@dataclass(frozen=True)
class Run:
    row: str  # who the run belongs to (a row key), for findings
    tokens: tuple[str, ...]  # the run as printed, split at white space
    cells: tuple[str, ...]  # the cell keys it stands for, in printed order


@dataclass(frozen=True)
class Rel:
    """sum(coef * cell) == 0 (op "==") or <= 0 (op "<="), all cells non-negative."""
    terms: tuple[tuple[str, int], ...]
    op: str = "=="


def total_is_sum(total: str, parts) -> Rel:
    return Rel(((total, 1),) + tuple((p, -1) for p in parts))


def at_most(small: str, big: str) -> Rel:
    return Rel(((small, 1), (big, -1)), "<=")


def balance(plus, minus) -> Rel:
    return Rel(tuple((c, 1) for c in plus) + tuple((c, -1) for c in minus))


@dataclass
class Outcome:
    pieces: dict[str, str] = field(default_factory=dict)  # decided cell -> the piece as printed
    undecided: dict[str, tuple[str, ...]] = field(default_factory=dict)  # row -> cells left out
    candidates: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)  # row -> its splits
    unsplittable: list[str] = field(default_factory=list)  # rows with no valid split at all
    capped: list[str] = field(default_factory=list)  # rows (or "*" for the joint search) over budget
    relaxed: bool = False  # no combination met every identity: each run decided on its own
    set_aside: list[str] = field(default_factory=list)  # rows whose relations were dropped to fit


class _Budget(Exception):
    pass


def piece_value(piece: str) -> float:
    if piece.isdigit():
        return float(piece)
    cell = parse_cell(piece)
    return cell.value if cell.numeric else 0.0


def _splittable(token: str) -> bool:
    return token.isdigit()


def _check(rel: Rel, known: dict[str, float], final: bool) -> bool:
    """False when the relation is already broken. Not final: cells may still be missing; with
    non-negative cells the known side may not exceed the other once that side is complete."""
    pos = neg = 0.0
    pos_done = neg_done = True
    for cell, coef in rel.terms:
        v = known.get(cell)
        if v is None:
            if coef > 0:
                pos_done = False
            else:
                neg_done = False
            continue
        if coef > 0:
            pos += coef * v
        else:
            neg -= coef * v
    if pos_done and neg_done:
        return pos <= neg + 1e-9 if rel.op == "<=" else abs(pos - neg) <= 1e-9
    if final:
        return True
    if neg_done and pos > neg + 1e-9:
        return False
    if pos_done and rel.op == "==" and neg > pos + 1e-9:
        return False
    return True


def _forced(rel: Rel, cell: str, known: dict[str, float]) -> float | None:
    """The value an equality forces on `cell` when every other cell of it is known."""
    if rel.op != "==":
        return None
    coef, rest = 0, 0.0
    for c, k in rel.terms:
        if c == cell:
            coef += k
        elif c in known:
            rest += k * known[c]
        else:
            return None
    if coef == 0:
        return None
    return -rest / coef


def _is_total(rel: Rel, cell: str) -> bool:
    """`cell` is the total of an equality: the sum of the relation's other cells."""
    return rel.op == "==" and any(c == cell and k == 1 for c, k in rel.terms) \
        and all(k == -1 for c, k in rel.terms if c != cell)


def split_run(run: Run, local: list[Rel], fixed: dict[str, float]) -> list[tuple[str, ...]]:
    """Every way to cut the run into len(run.cells) pieces that keeps the local relations.

    When the run ends with a total (表三's 总计, 表四's last 总计), its piece is taken first,
    from the end: every part is then bounded by it, which keeps long runs cheap."""
    last, tail_token = run.cells[-1], run.tokens[-1] if run.tokens else ""
    if len(run.cells) > 1 and _splittable(tail_token) and any(_is_total(r, last) for r in local):
        out: list[tuple[str, ...]] = []
        for k in range(1, min(MAX_PIECE, len(tail_token)) + 1):
            piece = tail_token[-k:]
            if k > 1 and piece[0] == "0":
                continue
            head = run.tokens[:-1] + ((tail_token[:-k],) if k < len(tail_token) else ())
            if not head:
                continue
            sub = Run(run.row, head, run.cells[:-1])
            out += [s + (piece,) for s in _split(sub, local, {**fixed, last: float(piece)})]
        return out
    return _split(run, local, fixed)


def _split(run: Run, local: list[Rel], fixed: dict[str, float]) -> list[tuple[str, ...]]:
    tokens = run.tokens
    n = len(run.cells)
    # most and fewest pieces the tokens from index t on can still give
    most = [0] * (len(tokens) + 1)
    fewest = [0] * (len(tokens) + 1)
    for t in range(len(tokens) - 1, -1, -1):
        most[t] = most[t + 1] + (len(tokens[t]) if _splittable(tokens[t]) else 1)
        fewest[t] = fewest[t + 1] + (-(-len(tokens[t]) // MAX_PIECE) if _splittable(tokens[t]) else 1)
    by_cell: dict[str, list[Rel]] = {}
    for rel in local:
        for c, _ in rel.terms:
            by_cell.setdefault(c, []).append(rel)
    out: list[tuple[str, ...]] = []
    known = dict(fixed)
    pieces: list[str] = []
    nodes = 0

    def place(i: int, t: int, pos: int) -> None:
        nonlocal nodes
        nodes += 1
        if nodes > MAX_NODES or len(out) > MAX_CANDIDATES:
            raise _Budget
        if i == n:
            if t == len(tokens) and all(_check(r, known, True) for r in local):
                out.append(tuple(pieces))
            return
        if t == len(tokens):
            return
        token = tokens[t]
        left_here = len(token) - pos
        cell = run.cells[i]
        forced = None
        for rel in by_cell.get(cell, ()):
            forced = _forced(rel, cell, known)
            if forced is not None:
                break
        if not _splittable(token):
            options = [len(token)]
        elif forced is not None:
            if forced < 0 or forced != int(forced):
                return
            want = str(int(forced))
            options = [len(want)] if token.startswith(want, pos) else []
        else:
            options = range(1, min(MAX_PIECE, left_here) + 1)
        for length in options:
            piece = token[pos:pos + length]
            if length > 1 and piece[0] == "0":
                break
            ends_token = length == left_here
            nt, npos = (t + 1, 0) if ends_token else (t, pos + length)
            rest_cells = n - i - 1
            if npos:  # still inside token nt
                rest_most = most[nt + 1] + len(token) - npos
                rest_fewest = fewest[nt + 1] + -(-(len(token) - npos) // MAX_PIECE)
            else:
                rest_most, rest_fewest = most[nt], fewest[nt]
            if not (rest_fewest <= rest_cells <= rest_most):
                continue
            known[cell] = piece_value(piece)
            pieces.append(piece)
            if all(_check(r, known, False) for r in by_cell.get(cell, ())):
                place(i + 1, nt, npos)
            pieces.pop()
            del known[cell]

    place(0, 0, 0)
    return out


def solve(runs: list[Run], relations: list[Rel], fixed: dict[str, float],
          evidence: dict[str, float] | None = None, row_of=None) -> Outcome:
    """Decide the cells of `runs` from the relations (see the module docstring).

    Reports do break identities. When no combination meets them all and `row_of` (cell ->
    row) is given, each row in turn is set aside (the relations across rows that involve it
    are dropped); a cell is then decided only if every combination found that way agrees.
    Failing that, each run is decided by its own relations alone."""
    result = Outcome()
    in_run = {c for r in runs for c in r.cells}
    present = in_run | set(fixed)
    relations = [rel for rel in relations if all(c in present for c, _ in rel.terms)
                 and any(c in in_run for c, _ in rel.terms)]
    cands: list[list[tuple[str, ...]]] = []
    for run in runs:
        cells = set(run.cells)
        local = [rel for rel in relations if all(c in cells for c, _ in rel.terms)]
        try:
            splits = split_run(run, local, fixed)
        except _Budget:
            result.capped.append(run.row)
            splits = []
        splits = _apply_evidence(run, splits, evidence or {})
        if not splits and run.row not in result.capped:
            result.unsplittable.append(run.row)
        cands.append(splits)
    live = [i for i, c in enumerate(cands) if c]
    budget = [MAX_JOINT_NODES]
    seen = _joint(runs, cands, live, relations, fixed, budget)
    if seen is None and row_of is not None and budget[0] > 0:
        seen = _setting_rows_aside(runs, cands, live, relations, fixed, budget, row_of, result)
    if budget[0] <= 0:
        result.capped.append("*")
        seen = None
    if seen is None:  # no combination meets every identity: each run on its own
        result.relaxed = any(len(cands[i]) for i in live)
        seen = {i: set(cands[i]) for i in live}
    for i in live:
        run = runs[i]
        options = sorted(seen[i])
        result.candidates[run.row] = options
        undecided = []
        for j, cell in enumerate(run.cells):
            values = {o[j] for o in options}
            if len(values) == 1:
                result.pieces[cell] = options[0][j]
            else:
                undecided.append(cell)
        if undecided:
            result.undecided[run.row] = tuple(undecided)
    return result


def _apply_evidence(run: Run, splits, evidence: dict[str, float]):
    """A value the report states elsewhere (its prose) narrows a run's splits when it matches one."""
    for j, cell in enumerate(run.cells):
        if cell in evidence:
            kept = [s for s in splits if abs(piece_value(s[j]) - evidence[cell]) < 1e-9]
            if kept:
                splits = kept
    return splits


def _setting_rows_aside(runs, cands, live, relations, fixed, budget, row_of, result: Outcome):
    """Set one row aside at a time (drop the cross-row relations involving it). Among the
    combinations found, keep those that break the fewest of the dropped relations (one
    misprinted cell breaks few; a wrong split breaks many); their union decides."""
    run_cells = [set(r.cells) for r in runs]
    cross = [rel for rel in relations if not any(all(c in cells for c, _ in rel.terms) for cells in run_cells)]
    rows = sorted({row_of(c) for rel in cross for c, _ in rel.terms})
    best: int | None = None
    union: dict[int, set] | None = None
    for row in rows:
        dropped = [rel for rel in cross if any(row_of(c) == row for c, _ in rel.terms)]
        ids = {id(rel) for rel in dropped}
        kept = [rel for rel in relations if id(rel) not in ids]
        found = _joint(runs, cands, live, kept, fixed, budget,
                       lambda known, dropped=dropped: sum(not _check(r, known, True) for r in dropped))
        if budget[0] <= 0:
            return None
        if found is None:
            continue
        broken, seen = found
        if best is None or broken < best:
            best, union, result.set_aside = broken, seen, [row]
        elif broken == best:
            union = {i: union[i] | seen[i] for i in live}
            result.set_aside.append(row)
    return union


def _joint(runs, cands, live, relations, fixed, budget: list[int], penalty=None):
    """Every combination of the live runs' splits meeting all relations, as the set of splits
    seen per run; None when there is none or the search ran out of the shared budget (left
    at 0). With `penalty`, only the combinations of least penalty, returned as (penalty, seen)."""
    order = sorted(live, key=lambda i: len(cands[i]))
    cell_run = {c: i for i in live for c in runs[i].cells}
    touching: dict[int, list[Rel]] = {i: [] for i in live}
    for rel in relations:
        for i in {cell_run[c] for c, _ in rel.terms if c in cell_run}:
            touching[i].append(rel)
    known = dict(fixed)
    chosen: dict[int, tuple[str, ...]] = {}
    seen: dict[int, set] = {i: set() for i in live}
    values = {i: [tuple(piece_value(p) for p in split) for split in cands[i]] for i in live}
    found = False
    least = [None]

    def step(k: int) -> None:
        nonlocal found
        if k == len(order):
            found = True
            if penalty is not None:
                p = penalty(known)
                if least[0] is not None and p > least[0]:
                    return
                if least[0] is None or p < least[0]:
                    least[0] = p
                    for i in seen:
                        seen[i].clear()
            for i, s in chosen.items():
                seen[i].add(s)
            return
        i = order[k]
        cells = runs[i].cells
        for split, vals in zip(cands[i], values[i]):
            budget[0] -= 1
            if budget[0] <= 0:
                raise _Budget
            known.update(zip(cells, vals))
            if all(_check(r, known, False) for r in touching[i]):
                chosen[i] = split
                step(k + 1)
                del chosen[i]
        for cell in cells:
            known.pop(cell, None)

    try:
        step(0)
    except _Budget:
        budget[0] = 0
        return None
    if not found:
        return None
    return (least[0], seen) if penalty is not None else seen
