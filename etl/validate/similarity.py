"""The database side of copy detection: signatures, the similarity table, report.copied.

Incremental, so a load of a few new reports into 100,000 stays quick: a report's MinHash is
computed once (report_texts.minhash); each report is compared once with its agency's previous
year and, through a MinHashLSH of its year, with at most [copy].nearest other agencies' reports
of that year, the most alike (etl/validate/same_year.py; report_texts.compared); pairs that
involve a report that is no longer current are dropped. report.copied findings are then rebuilt
from report_similarity (etl/validate/copy_findings.py; threshold: [copy] in data/quality.toml).
Called from etl/validate/cross_report.py inside the loader's transaction.
"""

from __future__ import annotations

import json
from collections import defaultdict

import numpy as np
import pyarrow as pa
from datasketch import MinHashLSH

from etl.validate.copy_detect import (
    Prose,
    containment,
    from_own,
    own_prose,
    profile,
    repeated_passages,
    shingles,
    without,
)
from etl.validate.quality_settings import quality_settings
from etl.validate.same_year import nearest, signature_matrix

STORE_FLOOR = 20.0  # same-year pairs below this share are not kept (the previous year always is)
PAIRS_PER_BATCH = 5_000  # same-year pairs whose texts are loaded and compared together
TEXTS_HELD = 4_000  # reports' texts and shingles kept between batches before they are dropped


def _register(con, name: str, table: pa.Table):
    con.register(name, table)
    return name


def compute_signatures(con, cfg: dict) -> int:
    """The copy profile (own prose, MinHash, sentence keys) of every stored prose without one:
    reports the parse step did not profile (the parse workers normally do)."""
    rows = con.execute("SELECT report_id, prose FROM report_texts WHERE minhash IS NULL").fetchall()
    if not rows:
        return 0
    ids, owns, sigs, keys = [], [], [], []
    for report_id, prose in rows:
        own, sig, key = profile(prose.split("\n"))
        ids.append(report_id)
        owns.append(own)
        sigs.append(sig)
        keys.append(key)
    con.register(
        "_sigs",
        pa.table(
            {
                "report_id": pa.array(ids, pa.int64()),
                "own": pa.array(owns, pa.string()),
                "minhash": pa.array(sigs, pa.binary()),
                "sentences": pa.array(keys, pa.binary()),
            }
        ),
    )
    try:
        con.execute(
            "UPDATE report_texts SET own = s.own, minhash = s.minhash, sentences = s.sentences "
            "FROM _sigs s WHERE report_texts.report_id = s.report_id"
        )
    finally:
        con.unregister("_sigs")
    return len(rows)


def common_sentences(con, min_agencies: int) -> set[int]:
    """Sentences that `min_agencies` or more agencies print in one year: a template, not a copy.
    An agency has one current report a year, so counting reports counts agencies."""
    per_year: dict[int, list] = defaultdict(list)
    for year, blob in con.execute(
        "SELECT r.year, t.sentences FROM current_reports r JOIN report_texts t "
        "USING (report_id) WHERE t.sentences IS NOT NULL"
    ).fetchall():
        per_year[year].append(np.unique(np.frombuffer(blob, dtype=np.uint64)))
    common: set[int] = set()
    for arrays in per_year.values():
        if len(arrays) < min_agencies:
            continue
        keys, counts = np.unique(np.concatenate(arrays), return_counts=True)
        common.update(keys[counts >= min_agencies].tolist())
    return common


class _Texts:
    """Prose and shingles of reports, read from the database on first use."""

    def __init__(self, con, cfg: dict, common: set[int]):
        self.con, self.k, self.cfg, self.common = con, cfg["shingle_chars"], cfg, common
        self.cache: dict[int, Prose] = {}
        self.shown: dict[int, Prose] = {}
        self.prose: dict[int, Prose] = {}
        self.sets: dict = {}

    def forget(self) -> None:
        """Drop what is held: a year's texts are not needed for the next year."""
        self.cache, self.shown, self.prose, self.sets = {}, {}, {}, {}

    def load(self, ids) -> None:
        todo = sorted(set(ids) - set(self.prose))
        read = [i for i in todo if i not in self.cache]
        if read:
            for report_id, own in self.con.execute(
                "SELECT report_id, own FROM report_texts WHERE report_id IN "
                "(SELECT unnest(?::BIGINT[]))",
                [read],
            ).fetchall():
                self.cache[report_id] = from_own(own or "")
        for report_id in todo:
            if report_id in self.cache:
                self.prose[report_id] = without(self.cache[report_id], self.common)
                self.sets[report_id] = shingles(self.prose[report_id], self.k)

    def comparable(self, report_id: int) -> bool:
        p = self.prose.get(report_id)
        return p is not None and p.chars >= self.cfg["min_chars"]

    def printed(self, report_id: int) -> Prose:
        """The own prose with its sentences as printed (for showing passages; read on demand)."""
        if report_id not in self.shown:
            text = self.con.execute(
                "SELECT prose FROM report_texts WHERE report_id = ?", [report_id]
            ).fetchall()
            self.shown[report_id] = without(
                own_prose((text[0][0] if text else "").split("\n")), self.common
            )
        return self.shown[report_id]

    def pair(self, a: int, b: int, relation: str) -> tuple:
        share = containment(self.sets[a], self.sets[b])
        passages = (
            repeated_passages(self.printed(a), self.printed(b), self.k, self.cfg["max_passages"])
            if share >= STORE_FLOOR
            else []
        )
        return (a, b, relation, round(share, 1), json.dumps(passages, ensure_ascii=False))


def _store(con, rows: list[tuple]) -> None:
    if not rows:
        return
    con.register(
        "_sim",
        pa.table(
            list(zip(*rows)),
            names=["report_id", "other_report_id", "relation", "share", "passages"],
        ),
    )
    try:
        con.execute("INSERT OR REPLACE INTO report_similarity SELECT * FROM _sim")
    finally:
        con.unregister("_sim")


def _previous_year(con, texts: _Texts) -> int:
    """Each report against its agency's previous year (kept whatever the share: 与上年重复率),
    a year at a time so only one year's texts are held."""
    pairs = con.execute("""
        SELECT r.year, r.report_id, p.report_id FROM current_reports r
        JOIN current_reports p ON p.agency_id = r.agency_id AND p.year = r.year - 1
        JOIN report_texts tr ON tr.report_id = r.report_id JOIN report_texts tp ON tp.report_id = p.report_id
        WHERE NOT EXISTS (SELECT 1 FROM report_similarity s
                          WHERE s.report_id = r.report_id AND s.other_report_id = p.report_id)
        ORDER BY r.year""").fetchall()
    by_year: dict[int, list] = defaultdict(list)
    for year, a, b in pairs:
        by_year[year].append((a, b))
    stored = 0
    for year_pairs in by_year.values():
        texts.load([i for pair in year_pairs for i in pair])
        rows = [
            texts.pair(a, b, "previous_year")
            for a, b in year_pairs
            if texts.comparable(a) and texts.comparable(b)
        ]
        _store(con, rows)
        stored += len(rows)
        texts.forget()
    return stored


def _same_year(con, texts: _Texts, cfg: dict, reports: list, bands) -> tuple[int, list[int]]:
    """The year's not yet compared reports against at most cfg["nearest"] other agencies'
    reports of the year each (etl/validate/same_year.py), a chunk of reports at a time."""
    ids = np.array([r[0] for r in reports], dtype=np.int64)
    _, owner = np.unique([r[1] for r in reports], return_inverse=True)
    sigs = signature_matrix([r[3] for r in reports])
    fresh = np.array([i for i, r in enumerate(reports) if not r[4]], dtype=np.int64)
    done: set[tuple[int, int]] = set()  # at most 2 x nearest per fresh report
    pending: list[tuple[int, int]] = []
    stored = 0

    def flush() -> int:
        texts.load([i for pair in pending for i in pair])
        rows = []
        for a, b in pending:
            if texts.comparable(a) and texts.comparable(b):
                row = texts.pair(a, b, "same_year")
                if row[3] >= STORE_FLOOR:
                    rows.append(row)
        _store(con, rows)
        pending.clear()
        if len(texts.prose) > TEXTS_HELD:
            texts.forget()
        return len(rows)

    for row, others in nearest(sigs, owner, fresh, bands, cfg["nearest"]):
        a = int(ids[row])
        for b in ids[others].tolist():
            for pair in ((a, b), (b, a)):
                if pair not in done:
                    done.add(pair)
                    pending.append(pair)
        if len(pending) >= PAIRS_PER_BATCH:
            stored += flush()
    stored += flush()
    texts.forget()
    return stored, ids[fresh].tolist()


def update_similarity(con, cfg: dict) -> int:
    con.execute("""DELETE FROM report_similarity WHERE report_id NOT IN (SELECT report_id FROM reports WHERE is_current)
                   OR other_report_id NOT IN (SELECT report_id FROM reports WHERE is_current)""")
    texts = _Texts(con, cfg, common_sentences(con, cfg["common_agencies"]))
    stored = _previous_year(con, texts)
    current = con.execute("""
        SELECT r.report_id, r.agency_id, r.year, t.minhash, t.compared FROM current_reports r
        JOIN report_texts t USING (report_id) WHERE t.minhash IS NOT NULL ORDER BY r.year, r.report_id""").fetchall()
    by_year: dict[int, list] = defaultdict(list)
    for row in current:
        by_year[row[2]].append(row)
    del current
    # the band layout of the LSH datasketch would build (scipy integration): computed once
    lsh = MinHashLSH(threshold=cfg["lsh_threshold"], num_perm=cfg["num_perm"])
    newly: list[int] = []
    for year in list(by_year):
        reports = by_year.pop(year)
        if all(r[4] for r in reports):
            continue
        count, fresh = _same_year(con, texts, cfg, reports, (lsh.b, lsh.r))
        stored += count
        newly += fresh
    if newly:  # a join with a registered table: `IN (SELECT unnest(?))` of 8,000 ids took 20 s
        con.register("_newly", pa.table({"report_id": pa.array(newly, pa.int64())}))
        try:
            con.execute(
                "UPDATE report_texts SET compared = true FROM _newly n "
                "WHERE report_texts.report_id = n.report_id"
            )
        finally:
            con.unregister("_newly")
    return stored


def copy_settings() -> dict:
    return quality_settings()["copy"]
