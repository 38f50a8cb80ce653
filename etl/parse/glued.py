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
in the printed run is a cell boundary. Both searches are bounded (MAX_NODES per run,
MAX_JOINT_NODES for the table): a search that would take longer is reported as capped, not
hung on, and decides nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from etl.parse.glued_joint import joint, setting_rows_aside
from etl.parse.relations import Rel, SearchBudget, check, forced_value, piece_value

MAX_PIECE = 7  # digits in one cell: no count in these tables reaches ten million
MAX_NODES = 50_000  # search steps per run (a real row needs a few dozen)
MAX_CANDIDATES = 5_000  # splits kept per run
MAX_JOINT_NODES = 20_000  # combinations tried across runs (a real table needs a few hundred)


@dataclass(frozen=True)
class Run:
    row: str  # who the run belongs to (a row key), for findings
    tokens: tuple[str, ...]  # the run as printed, split at white space
    cells: tuple[str, ...]  # the cell keys it stands for, in printed order


@dataclass
class Outcome:
    pieces: dict[str, str] = field(default_factory=dict)  # decided cell -> the piece as printed
    undecided: dict[str, tuple[str, ...]] = field(default_factory=dict)  # row -> cells left out
    candidates: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)  # row -> its splits
    unsplittable: list[str] = field(default_factory=list)  # rows with no valid split at all
    capped: list[str] = field(
        default_factory=list
    )  # rows (or "*" for the joint search) over budget
    relaxed: bool = False  # no combination met every identity: each run decided on its own
    set_aside: list[str] = field(default_factory=list)  # rows whose relations were dropped to fit


def _splittable(token: str) -> bool:
    return token.isdigit()


def _is_total(rel: Rel, cell: str) -> bool:
    """`cell` is the total of an equality: the sum of the relation's other cells."""
    return (
        rel.op == "=="
        and any(c == cell and k == 1 for c, k in rel.terms)
        and all(k == -1 for c, k in rel.terms if c != cell)
    )


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


def _split(run: Run, local: list[Rel], fixed: dict[str, float]) -> list[tuple[str, ...]]:  # noqa: C901 (a bounded search; its pruning rules read best together)
    tokens = run.tokens
    n = len(run.cells)
    # most and fewest pieces the tokens from index t on can still give
    most = [0] * (len(tokens) + 1)
    fewest = [0] * (len(tokens) + 1)
    for t in range(len(tokens) - 1, -1, -1):
        most[t] = most[t + 1] + (len(tokens[t]) if _splittable(tokens[t]) else 1)
        fewest[t] = fewest[t + 1] + (
            -(-len(tokens[t]) // MAX_PIECE) if _splittable(tokens[t]) else 1
        )
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
            raise SearchBudget
        if i == n:
            if t == len(tokens) and all(check(r, known, True) for r in local):
                out.append(tuple(pieces))
            return
        if t == len(tokens):
            return
        token = tokens[t]
        left_here = len(token) - pos
        cell = run.cells[i]
        forced = None
        for rel in by_cell.get(cell, ()):
            forced = forced_value(rel, cell, known)
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
            piece = token[pos : pos + length]
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
            if all(check(r, known, False) for r in by_cell.get(cell, ())):
                place(i + 1, nt, npos)
            pieces.pop()
            del known[cell]

    place(0, 0, 0)
    return out


def solve(
    runs: list[Run],
    relations: list[Rel],
    fixed: dict[str, float],
    evidence: dict[str, float] | None = None,
    row_of=None,
) -> Outcome:
    """Decide the cells of `runs` from the relations (see the module docstring).

    Reports do break identities. When no combination meets them all and `row_of` (cell ->
    row) is given, each row in turn is set aside (the relations across rows that involve it
    are dropped); a cell is then decided only if every combination found that way agrees.
    Failing that, each run is decided by its own relations alone."""
    result = Outcome()
    in_run = {c for r in runs for c in r.cells}
    present = in_run | set(fixed)
    relations = [
        rel
        for rel in relations
        if all(c in present for c, _ in rel.terms) and any(c in in_run for c, _ in rel.terms)
    ]
    cands: list[list[tuple[str, ...]]] = []
    for run in runs:
        cells = set(run.cells)
        local = [rel for rel in relations if all(c in cells for c, _ in rel.terms)]
        try:
            splits = split_run(run, local, fixed)
        except SearchBudget:
            result.capped.append(run.row)
            splits = []
        splits = _apply_evidence(run, splits, evidence or {})
        if not splits and run.row not in result.capped:
            result.unsplittable.append(run.row)
        cands.append(splits)
    live = [i for i, c in enumerate(cands) if c]
    budget = [MAX_JOINT_NODES]
    seen = joint(runs, cands, live, relations, fixed, budget)
    if seen is None and row_of is not None and budget[0] > 0:
        seen = setting_rows_aside(runs, cands, live, relations, fixed, budget, row_of, result)
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
